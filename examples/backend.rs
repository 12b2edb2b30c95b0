//! A wallet backend's loop: one `Verifier` per wallet, built once, shared across threads;
//! every signing request verified before it reaches a signer.
//!
//! `cargo run --example backend` verifies the DMM requests of `vectors/dmm/` from two worker
//! threads against one shared verifier and one shared ledger.

use std::path::Path;
use std::sync::Arc;

use intentguard::{
    Intent, MemoryLedger, Policy, Report, Request, Severity, Timestamp, Verdict, Verifier,
};

/// What the backend does with a request once verified.
fn route(name: &str, report: &Report) {
    match report.verdict {
        Verdict::Approved => {
            println!("{name}: approved, txid {} -> queue for signing", report.txid)
        }
        Verdict::Rejected => {
            println!("{name}: REJECTED -> alert the operators, never sign");
            for f in report.findings.iter().filter(|f| f.severity() == Severity::Error) {
                println!("    {}: {}", f.code, f.message);
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dmm = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/dmm");
    let policy = Policy::from_toml_bytes(&std::fs::read(dmm.join("honest/policy.toml"))?)?;
    let verifier = Arc::new(Verifier::new(policy));
    // A real backend uses a shared store (SqliteLedger, or PostgreSQL for several machines).
    let ledger = Arc::new(MemoryLedger::new());
    let now: Timestamp = "2024-05-31T02:00:00Z".parse()?;

    // honest and honest-alt pay the same intent: whichever verifies first binds it, and the
    // other is rejected as a replay.
    let mut workers = Vec::new();
    for name in ["honest", "redirected", "honest-alt"] {
        let (verifier, ledger) = (Arc::clone(&verifier), Arc::clone(&ledger));
        let dir = dmm.join(name);
        workers.push(std::thread::spawn(
            move || -> Result<(String, Report), intentguard::Error> {
                let read = |file: &str| std::fs::read(dir.join(file)).unwrap_or_default();
                let intent = Intent::from_json_bytes(&read("intent.json"))?;
                let request = Request::from_bytes(&read("request.psbt"))?;
                let report = verifier.verify(&intent, &request, now, Some(ledger.as_ref()))?;
                Ok((name.to_owned(), report))
            },
        ));
    }
    for worker in workers {
        match worker.join() {
            Ok(Ok((name, report))) => route(&name, &report),
            // Could not verify: treat exactly like a rejection.
            Ok(Err(e)) => println!("could not verify ({}): {e:#} -> never sign", e.code()),
            Err(_) => println!("a worker panicked -> never sign"),
        }
    }
    Ok(())
}
