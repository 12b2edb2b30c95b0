//! The cost of a ledger check-and-bind (`Ledger::bind`), on SQLite and on PostgreSQL:
//! median and worst of 1,000 calls each (docs/ledger.md, "Measurements").
//!
//! ```text
//! cargo bench --bench ledger                  # SQLite only
//! . .ci/pg.sh && pg_up && cargo bench --bench ledger; pg_down   # and PostgreSQL
//! ```
//!
//! Cases: *new* binds an intent not bound yet (an insert); *again* binds a bound intent to
//! the same txid (the next signer); *cold* opens a new ledger for each call, as one CLI run
//! does (SQLite: open the file and check the schema; PostgreSQL: TCP connect, SCRAM
//! authentication, schema check), then binds a new intent.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use intentguard::bitcoin::Txid;
use intentguard::ledger::{Ledger, PostgresLedger, SqliteLedger};

const CALLS: usize = 1_000;

fn txid(n: usize) -> Txid {
    format!("{n:064x}").parse().expect("64 hex digits")
}

/// Times `CALLS` calls of `call(i)`.
fn measure(mut call: impl FnMut(usize)) -> Vec<Duration> {
    (0..CALLS)
        .map(|i| {
            let started = Instant::now();
            call(i);
            started.elapsed()
        })
        .collect()
}

fn report(store: &str, case: &str, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let worst = times[times.len() - 1];
    println!(
        "| {store} | {case} | {:.0} µs | {:.0} µs | {:.0} µs |",
        micros(median),
        micros(p99),
        micros(worst)
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let run = SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970").as_nanos();
    let wallet = format!("bench-{run}");
    println!("| store | case | median | p99 | worst |");
    println!("| --- | --- | --- | --- | --- |");

    let dir = std::env::temp_dir().join(format!("intentguard-bench-{run}"));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("ledger.sqlite3");
    let sqlite = SqliteLedger::open(&path).expect("an SQLite ledger");
    report(
        "SQLite",
        "new",
        measure(|i| {
            sqlite.bind(&wallet, &format!("new-{i}"), "d", txid(i)).expect("bind");
        }),
    );
    report(
        "SQLite",
        "again",
        measure(|i| {
            sqlite.bind(&wallet, &format!("new-{i}"), "d", txid(i)).expect("bind");
        }),
    );
    report(
        "SQLite",
        "cold",
        measure(|i| {
            let ledger = SqliteLedger::open(&path).expect("an SQLite ledger");
            ledger.bind(&wallet, &format!("cold-{i}"), "d", txid(i)).expect("bind");
        }),
    );
    drop(sqlite);
    let _ = std::fs::remove_dir_all(&dir);

    let Ok(url) = std::env::var("IG_TEST_PG_URL") else {
        println!("\nPostgreSQL: skipped, IG_TEST_PG_URL is not set");
        return;
    };
    let postgres = PostgresLedger::new(&url).expect("a PostgreSQL ledger");
    postgres.migrate().expect("the schema");
    report(
        "PostgreSQL",
        "new",
        measure(|i| {
            postgres.bind(&wallet, &format!("new-{i}"), "d", txid(i)).expect("bind");
        }),
    );
    report(
        "PostgreSQL",
        "again",
        measure(|i| {
            postgres.bind(&wallet, &format!("new-{i}"), "d", txid(i)).expect("bind");
        }),
    );
    report(
        "PostgreSQL",
        "cold",
        measure(|i| {
            let ledger = PostgresLedger::new(&url).expect("a PostgreSQL ledger");
            ledger.bind(&wallet, &format!("cold-{i}"), "d", txid(i)).expect("bind");
        }),
    );
}
