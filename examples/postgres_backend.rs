//! A signing backend that verifies requests on several threads, with the replay ledger in
//! PostgreSQL so that every replica of the backend shares it (docs/ledger.md).
//!
//! ```text
//! IG_TEST_PG_URL=postgres://user:password@host:5432/db cargo run --example postgres_backend
//! ```
//!
//! Without `IG_TEST_PG_URL` it says so and exits 0: CI builds it always and runs it against
//! its throwaway server. It binds the DMM vector's intent in the database it is given.

use std::sync::Arc;
use std::time::Duration;

use intentguard::ledger::{PostgresLedger, PostgresOptions};
use intentguard::{verify, Intent, Policy, Request, Timestamp, Verdict};

/// Two requests for the same intent: the approved transfer, and the same transfer with
/// another change output (so another txid). Only one of them can ever be signed.
const REQUESTS: [&[u8]; 2] = [
    include_bytes!("../vectors/dmm/honest/request.psbt"),
    include_bytes!("../vectors/dmm/honest-alt/request.psbt"),
];

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let Ok(url) = std::env::var("IG_TEST_PG_URL") else {
        println!("IG_TEST_PG_URL is not set: nothing to run (see docs/ledger.md)");
        return Ok(());
    };

    // One ledger per process, shared by its worker threads. Every replica of the backend
    // makes its own with the same URL: the database is what they share. Creating it does no
    // I/O; the first verification connects and creates the tables if needed.
    let options =
        PostgresOptions::default().with_deadline(Duration::from_secs(5)).with_max_connections(4);
    let ledger = Arc::new(PostgresLedger::with_options(&url, options)?);
    println!("ledger: {}", ledger.target());

    let policy =
        Arc::new(Policy::from_toml_bytes(include_bytes!("../vectors/dmm/honest/policy.toml"))?);
    let intent =
        Arc::new(Intent::from_json_bytes(include_bytes!("../vectors/dmm/honest/intent.json"))?);
    let now: Timestamp = "2024-05-31T02:00:00Z".parse()?;

    // Eight requests arrive at once, four for each transaction.
    let workers: Vec<_> = (0..8)
        .map(|n| {
            let (ledger, policy, intent) =
                (Arc::clone(&ledger), Arc::clone(&policy), Arc::clone(&intent));
            std::thread::spawn(move || -> Result<String, intentguard::Error> {
                let bytes = REQUESTS.get(n % 2).copied().unwrap_or_default();
                let request = Request::from_bytes(bytes)?;
                // A ledger failure is an Err: the request is not signed, never approved.
                let report = verify(&policy, &intent, &request, now, Some(&*ledger))?;
                let codes: Vec<&str> = report.errors().map(|f| f.code.as_str()).collect();
                Ok(match report.verdict {
                    Verdict::Approved => format!("request {n}: approved, sign {}", report.txid),
                    Verdict::Rejected => {
                        format!("request {n}: rejected ({}), {}", codes.join(", "), report.txid)
                    }
                })
            })
        })
        .collect();
    for worker in workers {
        match worker.join() {
            Ok(Ok(line)) => println!("{line}"),
            Ok(Err(e)) => println!("could not verify ({}): {e:#}; do not sign", e.code()),
            Err(_) => return Err("a worker panicked".into()),
        }
    }
    Ok(())
}
