//! The replay ledger: one trait-level suite run against every store, and the PostgreSQL
//! ledger against a real server and against sockets that refuse or never answer.
//!
//! Tests that need a server read `IG_TEST_PG_URL` (the application's role) and
//! `IG_TEST_PG_ADMIN` (a superuser); those that stop or restart it also need `PGBIN` and
//! `PGTMP`. `.ci/pg.sh` sets all four (docs/ledger.md, "Tests"). Those tests are
//! `#[ignore]`d, so that `cargo test` on a machine without a server lists them as ignored
//! rather than passing them unrun; `.ci/run` starts a server and runs them with `--ignored`. Each server test works in a schema of its
//! own (`?options=-csearch_path=…`), so they run in parallel, except the ones that stop the
//! server, which take [`SERVER`] exclusively.
//!
//! `IG_TEST_PG_RACE_RUNS=N` repeats the race of 16 verifier processes N times.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::common::{
    assert_exit, assert_json_error_code, case, expected, json_value, show, verify_case, TempDir,
};
use intentguard::bitcoin::Txid;
use intentguard::ledger::{Ledger, MemoryLedger, PostgresLedger, PostgresOptions, SqliteLedger};
use intentguard::LedgerError;
use serde_json::Value;

/// A txid made of one repeated byte.
fn txid(byte: u8) -> Txid {
    format!("{byte:02x}").repeat(32).parse().unwrap()
}

// ---------------------------------------------------------------------------------------
// One suite, every store.

mod suite {
    use super::*;

    /// Opens a new handle on the same store each time it is called.
    pub type Open<'a> = &'a (dyn Fn() -> Box<dyn Ledger> + Sync);

    /// What every [`Ledger`] must do (SPEC 2.5 and the trait's contract).
    pub fn run(open: Open<'_>) {
        let ledger = open();
        let (a, b) = (txid(0xaa), txid(0xbb));

        // Unbound, then bound to the first txid.
        assert_eq!(ledger.bound("w", "i").unwrap(), None);
        assert_eq!(ledger.bind("w", "i", "d1", a).unwrap(), a);
        assert_eq!(ledger.bound("w", "i").unwrap(), Some(a));
        // The same txid again: the next signer of the same transaction.
        assert_eq!(ledger.bind("w", "i", "d1", a).unwrap(), a);
        // Another txid: the earlier binding wins and stays.
        assert_eq!(ledger.bind("w", "i", "d1", b).unwrap(), a);
        // Another digest under the same id changes nothing (the key is the id).
        assert_eq!(ledger.bind("w", "i", "d2", b).unwrap(), a);
        assert_eq!(ledger.bound("w", "i").unwrap(), Some(a));

        // The key is (wallet, intent id): other intents and other wallets are independent.
        assert_eq!(ledger.bind("w", "j", "d", b).unwrap(), b);
        assert_eq!(ledger.bind("w2", "i", "d", b).unwrap(), b);
        assert_eq!(ledger.bound("w", "i").unwrap(), Some(a));
        assert_eq!(ledger.bound("W", "i").unwrap(), None);

        // Text is data, never SQL or anything else.
        let wallet = "o'brien\"; DROP TABLE intentguard_bindings; -- é \u{202e}";
        let id = "x".repeat(128);
        assert_eq!(ledger.bound(wallet, &id).unwrap(), None);
        assert_eq!(ledger.bind(wallet, &id, "'", b).unwrap(), b);
        assert_eq!(ledger.bound(wallet, &id).unwrap(), Some(b));

        // Another handle on the same store sees the bindings.
        drop(ledger);
        let other = open();
        assert_eq!(other.bound("w", "i").unwrap(), Some(a));
        assert_eq!(other.bind("w", "i", "d1", b).unwrap(), a);

        // Eight handles bind one intent to eight txids at once: one wins, all agree.
        let results: Vec<Txid> = std::thread::scope(|scope| {
            let handles: Vec<_> = (1..=8u8)
                .map(|k| {
                    scope.spawn(move || {
                        let ledger = open();
                        ledger.bind("w", "race", "d", txid(k)).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winner = results[0];
        assert!(results.iter().all(|t| *t == winner), "{results:?}");
        assert!((1..=8u8).any(|k| txid(k) == winner));
        assert_eq!(other.bound("w", "race").unwrap(), Some(winner));
    }
}

/// One ledger shared between handles, as a backend shares it between threads.
struct Shared<L>(Arc<L>);

impl<L: Ledger> Ledger for Shared<L> {
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>, LedgerError> {
        self.0.bound(wallet, intent_id)
    }

    fn bind(&self, w: &str, i: &str, d: &str, t: Txid) -> Result<Txid, LedgerError> {
        self.0.bind(w, i, d, t)
    }
}

#[test]
fn suite_memory() {
    let store = Arc::new(MemoryLedger::new());
    suite::run(&move || Box::new(Shared(Arc::clone(&store))) as Box<dyn Ledger>);
}

#[test]
fn suite_sqlite() {
    let dir = TempDir::new("ledger", "suite-sqlite");
    let path = dir.join("ledger.sqlite3");
    suite::run(&|| Box::new(SqliteLedger::open(&path).unwrap()) as Box<dyn Ledger>);
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn suite_postgres() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("suite");
    suite::run(&|| Box::new(PostgresLedger::new(&url).unwrap()) as Box<dyn Ledger>);
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn suite_postgres_through_one_pooled_ledger() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("suite_pooled");
    let options = PostgresOptions::default().with_max_connections(2);
    let ledger = Arc::new(PostgresLedger::with_options(&url, options).unwrap());
    suite::run(&|| Box::new(Shared(Arc::clone(&ledger))) as Box<dyn Ledger>);
}

// ---------------------------------------------------------------------------------------
// Sockets that refuse or never answer: no server needed.

const PASSWORD: &str = "Pa55-w0rd-never-printed";

/// A listener that accepts connections and never answers, until dropped.
struct SilentListener {
    port: u16,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentListener {
    fn start() -> SilentListener {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (accepted, stop) = (Arc::clone(&accepted), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut held = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            held.push(stream);
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        SilentListener { port, accepted, stop, thread: Some(thread) }
    }

    fn url(&self) -> String {
        format!("postgres://ig:{PASSWORD}@127.0.0.1:{}/igtest", self.port)
    }
}

impl Drop for SilentListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A local port with nothing listening on it.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn assert_no_password(text: &str) {
    assert!(!text.contains(PASSWORD), "the password is in:\n{text}");
    assert!(!text.contains("Pa55"), "part of the password is in:\n{text}");
}

#[test]
fn silent_listener_is_ledger_after_the_deadline() {
    let listener = SilentListener::start();
    let deadline = Duration::from_millis(700);
    let ledger = PostgresLedger::with_options(
        &listener.url(),
        PostgresOptions::default().with_deadline(deadline),
    )
    .unwrap();
    for _ in 0..2 {
        let started = Instant::now();
        let error = ledger.bind("w", "i", "d", txid(1)).unwrap_err().to_string();
        let took = started.elapsed();
        assert!(took >= deadline && took < deadline + Duration::from_secs(3), "{took:?}");
        assert_eq!(
            error,
            format!(
                "the replay ledger failed: postgres://ig@127.0.0.1:{}/igtest: no answer within \
                 the 700ms deadline (to connect and check and bind the intent)",
                listener.port
            )
        );
        let error = ledger.bound("w", "i").unwrap_err().to_string();
        assert!(error.ends_with("(to connect and read a binding)"), "{error}");
        assert_no_password(&error);
    }
    assert!(listener.accepted.load(Ordering::Relaxed) >= 4);

    // A listener whose backlog takes the connection but which never accepts it.
    let backlog = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("postgres://ig:{PASSWORD}@{}/igtest", backlog.local_addr().unwrap());
    let ledger =
        PostgresLedger::with_options(&url, PostgresOptions::default().with_deadline(deadline))
            .unwrap();
    let started = Instant::now();
    let error = ledger.bind("w", "i", "d", txid(1)).unwrap_err().to_string();
    assert!(started.elapsed() < deadline + Duration::from_secs(3));
    assert!(error.contains("no answer within the 700ms deadline"), "{error}");
}

#[test]
fn refused_connection_is_ledger_without_the_password() {
    let port = closed_port();
    let url = format!("postgres://ig:{PASSWORD}@127.0.0.1:{port}/igtest");
    let error = PostgresLedger::new(&url).unwrap().bind("w", "i", "d", txid(1)).unwrap_err();
    let error = error.to_string();
    assert!(
        error.starts_with(&format!(
            "the replay ledger failed: postgres://ig@127.0.0.1:{port}/igtest: cannot connect: "
        )),
        "{error}"
    );
    assert_no_password(&error);

    // The same through the command line, in both formats and from the environment.
    let home = TempDir::new("ledger", "refused");
    let out = run(verify(&home, "dmm/honest", Some(&url), "json"));
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.contains("cannot connect"), "{message}");
    let mut command = verify(&home, "dmm/honest", None, "text");
    command.env("INTENTGUARD_LEDGER", &url);
    let out = run(command);
    assert_exit(&out, 2);
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "error: the replay ledger failed: postgres://ig@127.0.0.1:{port}/igtest: cannot connect"
        )),
        "{}",
        show(&out)
    );
    assert!(stderr.ends_with("intentguard could not verify the request: do not sign\n"));
}

#[test]
fn cli_url_that_does_not_parse_is_ledger_without_the_password() {
    let home = TempDir::new("ledger", "bad-url");
    let url = format!("postgresql://ig:{PASSWORD}@127.0.0.1:notaport/igtest");
    let out = run(verify(&home, "dmm/honest", Some(&url), "json"));
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.contains("the PostgreSQL URL does not parse"), "{message}");
}

#[test]
fn cli_silent_listener_is_ledger() {
    let listener = SilentListener::start();
    let home = TempDir::new("ledger", "silent");
    let started = Instant::now();
    let out = run(verify(&home, "dmm/honest", Some(&listener.url()), "json"));
    let took = started.elapsed();
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.contains("no answer within the 10s deadline"), "{message}");
    assert!(took >= PostgresOptions::DEFAULT_DEADLINE, "{took:?}");
    assert!(took < PostgresOptions::DEFAULT_DEADLINE + Duration::from_secs(5), "{took:?}");
    assert_eq!(listener.accepted.load(Ordering::Relaxed), 1);
}

// ---------------------------------------------------------------------------------------
// The command line.

/// The txid of a vector's request.
fn txid_of(name: &str) -> String {
    expected(&case(name))["txid"].as_str().unwrap().to_owned()
}

/// `intentguard verify` of a vector, with the ledger at `url` (or none given), in `format`,
/// in an environment of its own (no ledger variable, a data directory inside `home`).
fn verify(home: &TempDir, name: &str, url: Option<&str>, format: &str) -> Command {
    let mut extra = vec!["--format", format];
    if let Some(url) = url {
        extra.extend(["--ledger", url]);
    }
    verify_case(home, &case(name), &extra)
}

fn run(mut command: Command) -> Output {
    let out = command.output().unwrap();
    assert_no_password(&show(&out));
    out
}

fn spawn(mut command: Command) -> Child {
    command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// The finding codes of a report.
fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// A real server.

/// Held shared by tests that need the server up, exclusively by tests that stop it.
static SERVER: RwLock<()> = RwLock::new(());

/// The throwaway server of `.ci/pg.sh`.
struct Pg {
    url: String,
    admin: String,
    control: Option<(PathBuf, PathBuf)>,
}

impl Pg {
    /// Reads the environment; without a server, the test fails saying how to provide one
    /// (the tests that need it are `#[ignore]`d, so only `--ignored` runs reach this).
    fn from_env() -> Pg {
        let (Ok(url), Ok(admin)) =
            (std::env::var("IG_TEST_PG_URL"), std::env::var("IG_TEST_PG_ADMIN"))
        else {
            panic!(
                "IG_TEST_PG_URL and IG_TEST_PG_ADMIN are not set: this test needs a PostgreSQL \
                 server; source .ci/pg.sh and call pg_up (as root), or run .ci/run"
            );
        };
        let control = match (std::env::var_os("PGBIN"), std::env::var_os("PGTMP")) {
            (Some(bin), Some(tmp)) => Some((PathBuf::from(bin), PathBuf::from(tmp))),
            _ => None,
        };
        Pg { url, admin, control }
    }

    fn shared(&self) -> RwLockReadGuard<'static, ()> {
        SERVER.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the server for a test that stops it; fails when this environment cannot stop
    /// it (PGBIN and PGTMP unset). The server is started again when the guard drops.
    fn exclusive(&self) -> Exclusive<'_> {
        assert!(
            self.control.is_some(),
            "PGBIN and PGTMP are not set, so this test cannot stop the server; use .ci/pg.sh"
        );
        let guard = SERVER.write().unwrap_or_else(PoisonError::into_inner);
        Exclusive { pg: self, _guard: guard }
    }

    fn admin(&self) -> postgres::Client {
        postgres::Client::connect(&self.admin, postgres::NoTls).unwrap()
    }

    /// Creates an empty schema `name` owned by the application's role, and returns the
    /// application's URL with that schema first on its search path.
    fn schema(&self, name: &str) -> String {
        self.admin()
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name} AUTHORIZATION ig"
            ))
            .unwrap();
        self.url_with(&format!("options=-csearch_path%3D{name}"))
    }

    fn url_with(&self, parameter: &str) -> String {
        let separator = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{separator}{parameter}", self.url)
    }

    fn drop_schema(&self, name: &str) {
        self.admin().batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE")).unwrap();
    }

    /// The txids bound to an intent in a schema.
    fn rows(&self, schema: &str, intent_id: &str) -> Vec<String> {
        self.admin()
            .query(
                &format!("SELECT txid FROM {schema}.intentguard_bindings WHERE intent_id = $1"),
                &[&intent_id],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }
}

/// The server, taken exclusively; started again on drop if a test left it stopped.
struct Exclusive<'a> {
    pg: &'a Pg,
    _guard: RwLockWriteGuard<'static, ()>,
}

impl Exclusive<'_> {
    fn pg_ctl(&self, args: &[&str]) -> bool {
        let (bin, tmp) = self.pg.control.as_ref().unwrap();
        let data = tmp.join("data");
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(args)
            .current_dir(tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    }

    fn stop(&self, mode: &str) {
        assert!(self.pg_ctl(&["-m", mode, "-w", "-t", "60", "stop"]), "pg_ctl stop -m {mode}");
    }

    fn start(&self) {
        let (_, tmp) = self.pg.control.as_ref().unwrap();
        let log = tmp.join("server.log");
        let log = log.to_str().unwrap();
        assert!(self.pg_ctl(&["-l", log, "-w", "-t", "60", "start"]), "pg_ctl start");
    }

    fn running(&self) -> bool {
        self.pg_ctl(&["status"])
    }
}

impl Drop for Exclusive<'_> {
    fn drop(&mut self) {
        if !self.running() {
            let (_, tmp) = self.pg.control.as_ref().unwrap();
            let log = tmp.join("server.log");
            self.pg_ctl(&["-l", log.to_str().unwrap(), "-w", "-t", "60", "start"]);
        }
    }
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn race_of_16_verifiers_binds_one_txid() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let runs: usize =
        std::env::var("IG_TEST_PG_RACE_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let names = ["dmm/honest", "dmm/honest-alt"];
    let intent_id = "ops-2024-05-31-0001";
    let home = TempDir::new("ledger", "race");
    let started = Instant::now();
    let mut wins = [0usize; 2];
    for run_number in 0..runs {
        // A fresh schema each time: the 16 processes also race to create the tables.
        let url = pg.schema("race");
        let children: Vec<(usize, Child)> = (0..16)
            .map(|i| (i % 2, spawn(verify(&home, names[i % 2], Some(&url), "json"))))
            .collect();
        let results: Vec<(usize, Output)> =
            children.into_iter().map(|(n, c)| (n, c.wait_with_output().unwrap())).collect();

        let winners: Vec<usize> = results
            .iter()
            .filter(|(_, out)| out.status.code() == Some(0))
            .map(|(n, _)| *n)
            .collect();
        let winner = *winners.first().unwrap_or_else(|| {
            panic!("run {run_number}: no verification approved\n{}", show(&results[0].1))
        });
        for (n, out) in &results {
            assert_no_password(&show(out));
            let report = json_value(out);
            if *n == winner {
                assert_exit(out, 0);
                assert_eq!(report["txid"], txid_of(names[winner]));
            } else {
                assert_exit(out, 1);
                assert_eq!(codes(&report), ["INTENT_REPLAYED"], "run {run_number}");
            }
        }
        assert_eq!(pg.rows("race", intent_id), [txid_of(names[winner])], "run {run_number}");
        wins[winner] += 1;

        // Afterwards: the same txid again is approved, the other one rejected.
        assert_exit(&run(verify(&home, names[winner], Some(&url), "json")), 0);
        let out = run(verify(&home, names[1 - winner], Some(&url), "json"));
        assert_exit(&out, 1);
        assert_eq!(codes(&json_value(&out)), ["INTENT_REPLAYED"]);
    }
    pg.drop_schema("race");
    let _ = writeln!(
        std::io::stderr(),
        "race of 16 verifiers: {runs} runs in {:.1} s, won by honest {} times and by honest-alt {} times",
        started.elapsed().as_secs_f64(),
        wins[0],
        wins[1]
    );
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn server_stopped_before_a_verification_is_ledger() {
    let pg = Pg::from_env();
    let server = pg.exclusive();
    let url = pg.schema("stopped");
    PostgresLedger::new(&url).unwrap().migrate().unwrap();
    let home = TempDir::new("ledger", "stopped");

    server.stop("fast");
    for format in ["json", "text"] {
        let started = Instant::now();
        let out = run(verify(&home, "dmm/honest", Some(&url), format));
        assert_exit(&out, 2);
        assert!(started.elapsed() < Duration::from_secs(5));
        if format == "json" {
            let message = assert_json_error_code(&out, "LEDGER");
            assert!(message.contains("cannot connect"), "{message}");
        } else {
            assert!(out.stdout.is_empty(), "{}", show(&out));
        }
    }
    server.start();
    assert_eq!(pg.rows("stopped", "ops-2024-05-31-0001"), Vec::<String>::new());
    // Back up, the same verification is approved.
    assert_exit(&run(verify(&home, "dmm/honest", Some(&url), "json")), 0);
    pg.drop_schema("stopped");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn server_killed_during_check_and_bind_is_ledger() {
    let pg = Pg::from_env();
    let server = pg.exclusive();
    let url = pg.schema("killed");
    PostgresLedger::new(&url).unwrap().migrate().unwrap();
    let home = TempDir::new("ledger", "killed");

    // Hold the table from another session, so the verification waits inside its statement.
    let mut holder = pg.admin();
    holder
        .batch_execute("BEGIN; LOCK TABLE killed.intentguard_bindings IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let child = spawn(verify(&home, "dmm/honest", Some(&url), "json"));
    let mut watcher = pg.admin();
    let waiting = Instant::now();
    loop {
        let row = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ig' \
                 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO intentguard_bindings%'",
                &[],
            )
            .unwrap();
        if row.get::<_, i64>(0) == 1 {
            break;
        }
        assert!(waiting.elapsed() < Duration::from_secs(8), "the verification never waited");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.stop("immediate");
    let out = child.wait_with_output().unwrap();
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.contains("check and bind the intent"), "{message}");
    assert_no_password(&show(&out));
    drop((holder, watcher));

    server.start();
    assert_eq!(pg.rows("killed", "ops-2024-05-31-0001"), Vec::<String>::new());
    pg.drop_schema("killed");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn rows_survive_a_server_crash_and_restart() {
    let pg = Pg::from_env();
    let server = pg.exclusive();
    let url = pg.schema("crash");
    let home = TempDir::new("ledger", "crash");
    assert_exit(&run(verify(&home, "dmm/honest", Some(&url), "json")), 0);
    let ledger = PostgresLedger::new(&url).unwrap();
    assert_eq!(ledger.bind("w", "i", "d", txid(1)).unwrap(), txid(1));

    server.stop("immediate");
    let error = ledger.bound("w", "i").unwrap_err().to_string();
    assert!(error.contains("postgres://ig@127.0.0.1:"), "{error}");
    server.start();

    // The same ledger (its pooled connection is gone) and a new one read the bindings.
    assert_eq!(ledger.bound("w", "i").unwrap(), Some(txid(1)));
    assert_eq!(ledger.bind("w", "i", "d", txid(2)).unwrap(), txid(1));
    assert_eq!(PostgresLedger::new(&url).unwrap().bound("w", "i").unwrap(), Some(txid(1)));
    assert_eq!(pg.rows("crash", "ops-2024-05-31-0001"), [txid_of("dmm/honest")]);
    let out = run(verify(&home, "dmm/honest-alt", Some(&url), "json"));
    assert_exit(&out, 1);
    assert_eq!(codes(&json_value(&out)), ["INTENT_REPLAYED"]);
    assert_exit(&run(verify(&home, "dmm/honest", Some(&url), "json")), 0);
    pg.drop_schema("crash");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn newer_schema_is_refused() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("newer");
    PostgresLedger::new(&url).unwrap().migrate().unwrap();
    pg.admin().batch_execute("UPDATE newer.intentguard_schema_version SET version = 2").unwrap();

    let ledger = PostgresLedger::new(&url).unwrap();
    let refused = format!(
        "the replay ledger failed: {}: the ledger's schema version is 2, newer than this \
         intentguard knows (1); upgrade intentguard",
        ledger.target()
    );
    assert_eq!(ledger.bind("w", "i", "d", txid(1)).unwrap_err().to_string(), refused);
    assert_eq!(ledger.bound("w", "i").unwrap_err().to_string(), refused);
    assert_eq!(ledger.migrate().unwrap_err().to_string(), refused);

    let home = TempDir::new("ledger", "newer");
    let out = run(verify(&home, "dmm/honest", Some(&url), "json"));
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.starts_with(&refused), "{message}");
    assert_eq!(pg.rows("newer", "ops-2024-05-31-0001"), Vec::<String>::new());
    let version: i32 = pg
        .admin()
        .query_one("SELECT version FROM newer.intentguard_schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 2, "a refused schema is left as it was");
    pg.drop_schema("newer");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn migration_twice_is_a_no_op() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("twice");
    let catalog = || -> Vec<(String, u32, u32)> {
        pg.admin()
            .query(
                "SELECT c.relname::text, c.oid, c.relfilenode FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'twice' ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    let ledger = PostgresLedger::new(&url).unwrap();
    ledger.migrate().unwrap();
    let before = catalog();
    let names: Vec<&str> = before.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "intentguard_bindings",
            "intentguard_bindings_pkey",
            "intentguard_schema_version",
            "intentguard_schema_version_pkey"
        ]
    );
    assert_eq!(ledger.bind("w", "i", "d", txid(1)).unwrap(), txid(1));
    ledger.migrate().unwrap();
    PostgresLedger::new(&url).unwrap().migrate().unwrap();
    assert_eq!(catalog(), before);
    let versions: Vec<i32> = pg
        .admin()
        .query("SELECT version FROM twice.intentguard_schema_version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1]);
    assert_eq!(ledger.bound("w", "i").unwrap(), Some(txid(1)));
    pg.drop_schema("twice");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn concurrent_first_use_of_an_empty_database_succeeds() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("first_use");
    let results: Vec<Result<Txid, LedgerError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=16u8)
            .map(|k| {
                let url = &url;
                scope.spawn(move || PostgresLedger::new(url).unwrap().bind("w", "i", "d", txid(k)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let results: Vec<Txid> = results.into_iter().map(Result::unwrap).collect();
    assert!(results.iter().all(|t| *t == results[0]), "{results:?}");
    pg.drop_schema("first_use");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn wrong_password_is_ledger_without_the_password() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let (head, tail) = pg.url.split_once('@').unwrap();
    let (user, real) = head.rsplit_once(':').unwrap();
    let url = format!("{user}:{PASSWORD}@{tail}");
    let error = PostgresLedger::new(&url).unwrap().bound("w", "i").unwrap_err().to_string();
    assert!(error.contains("password authentication failed for user \"ig\""), "{error}");
    assert_no_password(&error);
    assert!(!error.contains(real));

    let home = TempDir::new("ledger", "wrong-password");
    let out = run(verify(&home, "dmm/honest", Some(&url), "json"));
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(message.contains("password authentication failed"), "{message}");
    // The right password is not printed either, whatever fails.
    let out = run(verify(&home, "dmm/honest", Some(&pg.url_with("sslmode=require")), "json"));
    let message = assert_json_error_code(&out, "LEDGER");
    assert!(!message.contains(real), "{message}");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn one_ledger_serves_many_threads_within_its_pool() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("pool");
    let url = format!("{url}&application_name=ig_pool_test");
    let options = PostgresOptions::default().with_max_connections(3);
    let ledger = Arc::new(PostgresLedger::with_options(&url, options).unwrap());
    let done = AtomicBool::new(false);
    let most = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut admin = pg.admin();
            let mut most = 0;
            while !done.load(Ordering::Relaxed) {
                let row = admin
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity \
                         WHERE application_name = 'ig_pool_test'",
                        &[],
                    )
                    .unwrap();
                most = most.max(row.get::<_, i64>(0));
                std::thread::sleep(Duration::from_millis(5));
            }
            most
        });
        let workers: Vec<_> = (0..8u8)
            .map(|t| {
                let ledger = Arc::clone(&ledger);
                scope.spawn(move || {
                    for i in 0..25u8 {
                        let id = format!("intent-{i}");
                        let bound = ledger.bind("w", &id, "d", txid(t + 1)).unwrap();
                        assert_eq!(ledger.bound("w", &id).unwrap(), Some(bound));
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        done.store(true, Ordering::Relaxed);
        watcher.join().unwrap()
    });
    assert!((1..=3).contains(&most), "{most} connections were open");
    let rows: i64 =
        pg.admin().query_one("SELECT count(*) FROM pool.intentguard_bindings", &[]).unwrap().get(0);
    assert_eq!(rows, 25);
    pg.drop_schema("pool");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn pooled_connection_survives_a_terminated_backend() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = format!("{}&application_name=ig_terminate_test", pg.schema("terminated"));
    let ledger =
        PostgresLedger::with_options(&url, PostgresOptions::default().with_max_connections(1))
            .unwrap();
    assert_eq!(ledger.bind("w", "i", "d", txid(1)).unwrap(), txid(1));
    let terminated: Vec<bool> = pg
        .admin()
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'ig_terminate_test'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(terminated, [true]);
    assert_eq!(ledger.bound("w", "i").unwrap(), Some(txid(1)));
    assert_eq!(ledger.bind("w", "i", "d", txid(2)).unwrap(), txid(1));
    pg.drop_schema("terminated");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn deadline_covers_a_statement_stuck_on_a_lock_and_the_server_cancels_it() {
    let pg = Pg::from_env();
    let _server = pg.shared();
    let url = pg.schema("stuck");
    let deadline = Duration::from_millis(800);
    let ledger =
        PostgresLedger::with_options(&url, PostgresOptions::default().with_deadline(deadline))
            .unwrap();
    ledger.migrate().unwrap();
    let mut holder = pg.admin();
    holder
        .batch_execute("BEGIN; LOCK TABLE stuck.intentguard_bindings IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let started = Instant::now();
    let error = ledger.bind("w", "i", "d", txid(1)).unwrap_err().to_string();
    let took = started.elapsed();
    // The client's deadline and the server's statement_timeout (the same length, started a
    // little later) race: either way it is a ledger failure at the deadline.
    assert!(
        error.contains("no answer within the 800ms deadline")
            || error.contains("canceling statement due to statement timeout"),
        "{error}"
    );
    assert!(took >= deadline && took < deadline + Duration::from_secs(3), "{took:?}");
    // The server cancels the statement (statement_timeout) rather than committing it once
    // the lock is released.
    std::thread::sleep(Duration::from_millis(500));
    holder.batch_execute("ROLLBACK").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(pg.rows("stuck", "i"), Vec::<String>::new());
    assert_eq!(ledger.bound("w", "i").unwrap(), None);
    pg.drop_schema("stuck");
}

#[test]
#[ignore = "needs a PostgreSQL server (IG_TEST_PG_URL); .ci/run starts one and runs it"]
fn two_service_replicas_on_one_database_bind_one_txid() {
    use crate::serve::{call_of, post, Server};
    let pg = Pg::from_env();
    let _server = pg.shared();
    let runs: usize =
        std::env::var("IG_TEST_PG_RACE_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let names = ["dmm/honest", "dmm/honest-alt"];
    let calls = names.map(|name| call_of(&case(name)));
    let home = TempDir::new("ledger", "replicas");
    let policies = home.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::copy(case("dmm/honest").join("policy.toml"), policies.join("treasury.toml")).unwrap();
    let started = Instant::now();
    let mut wins = [0usize; 2];
    for run_number in 0..runs {
        // A fresh schema each time: the replicas also race to create the tables.
        let url = pg.schema("replicas");
        let args = ["--ledger", url.as_str(), "--allow-request-now"];
        let replicas =
            [Server::start(&home, &policies, &args), Server::start(&home, &policies, &args)];
        // Eight calls at once, four to each replica, each replica with its own transaction.
        let barrier = std::sync::Barrier::new(8);
        let answers: Vec<(usize, u16, Value)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let (replica, call, barrier) = (&replicas[i % 2], &calls[i % 2], &barrier);
                    scope.spawn(move || {
                        barrier.wait();
                        let (status, answer) = post(replica, call, None);
                        (i % 2, status, answer)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let approved: Vec<usize> = answers
            .iter()
            .filter(|(_, _, answer)| answer["verdict"] == "approved")
            .map(|(n, _, _)| *n)
            .collect();
        let winner = *approved.first().unwrap_or_else(|| panic!("run {run_number}: {answers:?}"));
        for (n, status, answer) in &answers {
            assert_eq!(*status, 200, "run {run_number}: {answer}");
            if *n == winner {
                assert_eq!(answer["verdict"], "approved", "run {run_number}: {answer}");
                assert_eq!(answer["txid"], txid_of(names[winner]));
            } else {
                assert_eq!(answer["verdict"], "rejected", "run {run_number}: {answer}");
                assert_eq!(codes(answer), ["INTENT_REPLAYED"], "run {run_number}");
            }
        }
        assert_eq!(pg.rows("replicas", "ops-2024-05-31-0001"), [txid_of(names[winner])]);
        wins[winner] += 1;
        for replica in replicas {
            let (status, lines) = replica.stop();
            assert!(status.success(), "{lines:#?}");
            assert_no_password(&lines.join("\n"));
        }
    }
    pg.drop_schema("replicas");
    let _ = writeln!(
        std::io::stderr(),
        "two replicas, 8 calls at once: {runs} runs in {:.1} s, won by honest {} times and by honest-alt {} times",
        started.elapsed().as_secs_f64(),
        wins[0],
        wins[1]
    );
}
