//! `cargo bench --bench serve`: `intentguard serve` under load, over HTTP on loopback.
//!
//! Starts the release binary (`--no-ledger --allow-request-now --max-concurrent 64`) on a
//! temporary policies folder holding `vectors/dmm/honest/policy.toml`, and for 1, 8 and 32
//! clients — threads, each with its own keep-alive connection — sends the DMM request of
//! `vectors/dmm/honest` (2 inputs, two signatures each, full previous transactions) again
//! and again for `IG_BENCH_SECS` seconds (default 5) per level. It prints approved calls per
//! second, the median and 99th percentile latency, the answers that were not 200 with an
//! approved report (errors), and the server's peak resident memory during the level
//! (`VmHWM` of `/proc/<pid>/status`, reset before each level). Then the same with an SQLite
//! ledger (`--ledger FILE`), where every approved call binds the intent to the txid (the same
//! txid each time: still approved). The clients run on the same machine as the server and
//! share its cores.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use intentguard::bitcoin::base64::engine::general_purpose::STANDARD;
use intentguard::bitcoin::base64::Engine;

const LEVELS: [usize; 3] = [1, 8, 32];
const NOW: &str = "2024-05-31T02:00:00Z";

/// The service, stopped with SIGTERM at the end, or killed if the bench panics.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(policies: &Path, ledger: Option<&Path>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_intentguard"));
        command.arg("serve").arg("--policies").arg(policies);
        command.args(["--listen", "127.0.0.1:0", "--allow-request-now", "--max-concurrent", "64"]);
        match ledger {
            Some(path) => command.arg("--ledger").arg(path),
            None => command.arg("--no-ledger"),
        };
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("intentguard serve starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut first = String::new();
        stderr.read_line(&mut first).expect("the listening line");
        let line: serde_json::Value = serde_json::from_str(&first).expect("a JSON line");
        assert_eq!(line["event"], "listening", "{first}");
        let address = line["address"].as_str().expect("an address").to_owned();
        // One line per call follows: read them all, or the server blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Server { child, url: format!("http://{address}/v1/verify") }
    }

    /// The peak resident memory since the last reset, in MiB.
    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0);
        kib as f64 / 1024.0
    }

    /// Resets the peak to the current resident memory (Linux).
    fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// Sends SIGTERM and waits for the exit, which must be 0.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success(), "kill -TERM {pid}");
        let status = self.child.wait().expect("the server's exit");
        assert!(status.success(), "the server exited {status} after SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One level's figures.
struct Level {
    approved: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// `clients` threads, each with its own connection, call for `secs` after a first call each.
fn run_level(url: &str, body: &Arc<Vec<u8>>, clients: usize, secs: Duration) -> Level {
    let barrier = Arc::new(Barrier::new(clients + 1));
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (url, body, barrier) = (url.to_owned(), Arc::clone(body), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(60)))
                    .build()
                    .into();
                // The first call opens the connection; it is not counted.
                let _ = call(&agent, &url, &body);
                barrier.wait();
                let deadline = Instant::now() + secs;
                let (mut latencies, mut errors) = (Vec::new(), 0);
                while Instant::now() < deadline {
                    let started = Instant::now();
                    if call(&agent, &url, &body) {
                        latencies.push(started.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut level =
        Level { approved: 0, errors: 0, elapsed: Duration::ZERO, latencies: Vec::new() };
    for worker in workers {
        let (latencies, errors) = worker.join().expect("a client thread");
        level.latencies.extend(latencies);
        level.errors += errors;
    }
    level.elapsed = started.elapsed();
    level.approved = level.latencies.len();
    level.latencies.sort();
    level
}

/// One call; `true` when it was answered 200 with an approved report.
fn call(agent: &ureq::Agent, url: &str, body: &[u8]) -> bool {
    let Ok(mut answer) = agent.post(url).header("Content-Type", "application/json").send(body)
    else {
        return false;
    };
    let status = answer.status().as_u16();
    let report: Option<serde_json::Value> = answer.body_mut().read_json().ok();
    status == 200 && report.is_some_and(|r| r["verdict"] == "approved")
}

fn millis(latencies: &[Duration], per_mille: usize) -> f64 {
    let index = (latencies.len() * per_mille / 1000).min(latencies.len().saturating_sub(1));
    latencies.get(index).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

fn main() {
    let secs: u64 = std::env::var("IG_BENCH_SECS")
        .ok()
        .map(|s| s.trim().parse().expect("IG_BENCH_SECS: whole seconds"))
        .unwrap_or(5);
    let secs = Duration::from_secs(secs);
    let vector = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/dmm/honest");
    let read = |name: &str| std::fs::read(vector.join(name)).expect("the vector's files");
    let intent = String::from_utf8(read("intent.json")).expect("UTF-8 intent");
    let body = serde_json::json!({
        "policy": "treasury",
        "intent": intent,
        "psbt": STANDARD.encode(read("request.psbt")),
        "now": NOW,
    });
    let body = Arc::new(serde_json::to_vec(&body).expect("JSON"));

    let run = SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970").as_nanos();
    let dir: PathBuf = std::env::temp_dir().join(format!("intentguard-bench-serve-{run}"));
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).expect("a temporary directory");
    std::fs::copy(vector.join("policy.toml"), policies.join("treasury.toml")).expect("the policy");

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "vectors/dmm/honest (2 inputs), {} s per level, {cores} cores shared by the server and \
         the clients, body {} bytes",
        secs.as_secs(),
        body.len()
    );
    println!();
    println!("| ledger | clients | approved/s | p50 | p99 | errors | server peak RSS |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let ledger_file = dir.join("ledger.sqlite3");
    for ledger in [None, Some(ledger_file.as_path())] {
        let server = Server::start(&policies, ledger);
        for clients in LEVELS {
            server.reset_peak_rss();
            let level = run_level(&server.url, &body, clients, secs);
            println!(
                "| {} | {clients} | {:.0} | {:.2} ms | {:.2} ms | {} | {:.1} MiB |",
                if ledger.is_some() { "SQLite" } else { "none" },
                level.approved as f64 / level.elapsed.as_secs_f64(),
                millis(&level.latencies, 500),
                millis(&level.latencies, 990),
                level.errors,
                server.peak_rss_mib()
            );
        }
        server.stop();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
