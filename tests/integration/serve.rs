//! `intentguard serve` against a live server on 127.0.0.1, called by a real HTTP client
//! (`ureq`) and, where the test needs to hold a call half-sent, over a raw socket: every
//! vector through HTTP gives the report the command line gives, every error its status and
//! code, the limits hold, the log and the metrics say what happened, and SIGTERM answers the
//! calls in flight before exiting 0.
//!
//! The race of two replicas on one PostgreSQL ledger is in `ledger.rs`, beside the server it
//! needs.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use intentguard::bitcoin::base64::engine::general_purpose::STANDARD;
use intentguard::bitcoin::base64::Engine;
use serde_json::{json, Value};

use crate::common::{
    assert_json_error, case, expected, intentguard, json, now_of, show, verify_case, TempDir,
};

const TOKEN: &str = "test-token-0123456789abcdef0123456789";

/// A running `intentguard serve`, killed if the test ends without stopping it.
pub struct Server {
    child: Child,
    address: SocketAddr,
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts `serve --policies <policies> --listen 127.0.0.1:0 <extra>` and waits for its
    /// first log line, which names the port.
    pub fn start(home: &TempDir, policies: &Path, extra: &[&str]) -> Server {
        let mut command = intentguard(home);
        command
            .arg("serve")
            .arg("--policies")
            .arg(policies)
            .args(["--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        if first.is_empty() {
            let out = child.wait_with_output().unwrap();
            panic!("the service did not start\n{}", show(&out));
        }
        let started: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(started["event"], "listening", "{first}");
        let address = started["address"].as_str().unwrap().parse().unwrap();
        let lines = Arc::new(Mutex::new(vec![first.trim_end().to_owned()]));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in stderr.lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        Server { child, address, lines, reader: Some(reader) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The log lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits up to a minute for the process to exit.
    fn wait(&mut self) -> ExitStatus {
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < until, "the service did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and returns the exit status and every log line.
    pub fn stop(mut self) -> (ExitStatus, Vec<String>) {
        self.signal("TERM");
        let status = self.wait();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        (status, self.lines())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

/// A directory holding copies of these policy files.
fn policies(home: &TempDir, files: &[&Path]) -> PathBuf {
    let dir = home.join("policies");
    std::fs::create_dir_all(&dir).unwrap();
    for (n, file) in files.iter().enumerate() {
        std::fs::copy(file, dir.join(format!("policy-{n}.toml"))).unwrap();
    }
    dir
}

/// The dmm treasury's policy, alone in a directory.
fn treasury(home: &TempDir) -> PathBuf {
    policies(home, &[&case("dmm/honest").join("policy.toml")])
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// Sends `body` to `POST /v1/verify`; returns the status and the JSON answer.
pub fn post(server: &Server, body: &Value, token: Option<&str>) -> (u16, Value) {
    let mut request = agent().post(server.url("/v1/verify"));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut answer = request.send_json(body).unwrap();
    let status = answer.status().as_u16();
    (status, answer.body_mut().read_json().unwrap())
}

fn get(server: &Server, path: &str, token: Option<&str>) -> (u16, String) {
    let mut request = agent().get(server.url(path));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut answer = request.call().unwrap();
    (answer.status().as_u16(), answer.body_mut().read_to_string().unwrap())
}

/// The call that verifies a vector folder's files: its intent file's text, its PSBT's bytes
/// in base64, its `prev-tx.hex` lines, and its `now`.
pub fn call_of(dir: &Path) -> Value {
    let intent = std::fs::read_to_string(dir.join("intent.json")).unwrap();
    let psbt = STANDARD.encode(std::fs::read(dir.join("request.psbt")).unwrap());
    let mut call =
        json!({ "policy": "treasury", "intent": intent, "psbt": psbt, "now": now_of(dir) });
    if let Ok(policy) =
        intentguard::Policy::from_toml_bytes(&std::fs::read(dir.join("policy.toml")).unwrap())
    {
        call["policy"] = json!(policy.name());
    }
    if let Ok(bytes) = std::fs::read(dir.join("prev-tx.hex")) {
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        call["prev_txs"] = json!(lines);
    }
    call
}

/// The error object of an answer: its code, and its message.
fn error_of(answer: &Value) -> (&str, &str) {
    assert_eq!(answer.as_object().unwrap().len(), 1, "{answer}");
    assert_eq!(answer["error"].as_object().unwrap().len(), 2, "{answer}");
    (answer["error"]["code"].as_str().unwrap(), answer["error"]["message"].as_str().unwrap())
}

/// Every folder under `vectors/` that holds an `expected.json`, sorted.
fn vector_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut stack = vec![case("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.join("expected.json").is_file() {
                    dirs.push(path.clone());
                }
                stack.push(path);
            }
        }
    }
    dirs.sort();
    dirs
}

/// Binds the vector's intent to its `ledger_bound_txid` in a new SQLite ledger at `path`.
fn prefill(dir: &Path, path: &Path) {
    use intentguard::Ledger;
    let want = expected(dir);
    let bound = want["ledger_bound_txid"].as_str().unwrap();
    let policy =
        intentguard::Policy::from_toml_bytes(&std::fs::read(dir.join("policy.toml")).unwrap())
            .unwrap();
    let intent =
        intentguard::Intent::from_json_bytes(&std::fs::read(dir.join("intent.json")).unwrap())
            .unwrap();
    intentguard::ledger::SqliteLedger::open(path)
        .unwrap()
        .bind(policy.name(), intent.id(), "earlier", bound.parse().unwrap())
        .unwrap();
}

#[test]
fn every_vector_through_http_gives_the_reports_of_the_command_line() {
    let home = TempDir::new("serve", "vectors");
    // One service per policy: a directory may not hold two policies of one name.
    let mut by_policy: BTreeMap<Vec<u8>, Vec<PathBuf>> = BTreeMap::new();
    let mut refused = Vec::new();
    let mut bound = Vec::new();
    for dir in vector_dirs() {
        let want = expected(&dir);
        if want["error"] == "POLICY_INVALID" {
            refused.push(dir);
        } else if want.get("ledger_bound_txid").is_some() {
            bound.push(dir);
        } else {
            let policy = std::fs::read(dir.join("policy.toml")).unwrap();
            by_policy.entry(policy).or_default().push(dir);
        }
    }
    let mut compared = 0;
    for (n, dirs) in by_policy.values().enumerate() {
        let group = TempDir::new("serve", &format!("policy-{n}"));
        let dir = policies(&group, &[&dirs[0].join("policy.toml")]);
        let server = Server::start(&group, &dir, &["--no-ledger", "--allow-request-now"]);
        for dir in dirs {
            let cli = run(verify_case(&home, dir, &["--no-ledger", "--format", "json"]));
            compare(&server, dir, &cli);
            compared += 1;
        }
    }
    // The vector whose intent the ledger already binds: a ledger each, filled alike.
    for (n, dir) in bound.iter().enumerate() {
        let group = TempDir::new("serve", &format!("bound-{n}"));
        let (cli_ledger, http_ledger) = (group.join("cli.sqlite3"), group.join("http.sqlite3"));
        prefill(dir, &cli_ledger);
        prefill(dir, &http_ledger);
        let policies = policies(&group, &[&dir.join("policy.toml")]);
        let ledger = http_ledger.to_str().unwrap();
        let server = Server::start(&group, &policies, &["--ledger", ledger, "--allow-request-now"]);
        let args = ["--ledger", cli_ledger.to_str().unwrap(), "--format", "json"];
        compare(&server, dir, &run(verify_case(&home, dir, &args)));
        compared += 1;
    }
    // A policy that does not load stops the start, with the command line's error.
    for dir in &refused {
        let group = TempDir::new("serve", "refused");
        let policies = policies(&group, &[&dir.join("policy.toml")]);
        let out = start_refused(&group, &policies, &["--no-ledger"]);
        let message = assert_json_error(&out, "POLICY_INVALID");
        assert!(message.contains("policy-0.toml"), "{}: {message}", dir.display());
    }
    assert!(compared + refused.len() >= 190, "{compared} vectors compared");
}

/// Asserts that the service answers a vector's call as `cli` (`verify --format json` of the
/// same files) ended: the same report (200) for exit 0 and 1, the same code for exit 2.
fn compare(server: &Server, dir: &Path, cli: &Output) {
    let cli_json = json(cli);
    let mut calls = vec![call_of(dir)];
    // The intent as an object too, where the file is one (the text of a malformed file
    // could not be sent as an object unchanged).
    let text = std::fs::read_to_string(dir.join("intent.json")).unwrap();
    if intentguard::Intent::from_json_bytes(text.as_bytes()).is_ok() {
        let mut call = calls[0].clone();
        call["intent"] = serde_json::from_str(&text).unwrap();
        calls.push(call);
    }
    // The previous transactions as the file's whole text in one entry, as `--prev-tx` reads it.
    if let Ok(bytes) = std::fs::read(dir.join("prev-tx.hex")) {
        let mut call = calls[0].clone();
        call["prev_txs"] = json!([String::from_utf8_lossy(&bytes)]);
        calls.push(call);
    }
    for call in calls {
        let (status, answer) = post(server, &call, None);
        match cli.status.code() {
            Some(0 | 1) => {
                assert_eq!(status, 200, "{}: {answer}", dir.display());
                assert_eq!(answer, cli_json, "{}", dir.display());
            }
            _ => {
                assert_eq!(status, 400, "{}: {answer}", dir.display());
                let (code, _) = error_of(&answer);
                assert_eq!(code, cli_json["error"]["code"], "{}", dir.display());
            }
        }
    }
}

/// Runs `serve` where it must refuse to start; returns what it printed.
fn start_refused(home: &TempDir, policies: &Path, extra: &[&str]) -> Output {
    start_refused_on(home, policies, "127.0.0.1:0", extra)
}

fn start_refused_on(home: &TempDir, policies: &Path, listen: &str, extra: &[&str]) -> Output {
    let mut command = intentguard(home);
    command.arg("serve").arg("--policies").arg(policies).args(["--listen", listen]).args(extra);
    let out = command.output().unwrap();
    assert!(out.stderr.is_empty(), "{}", show(&out));
    out
}

#[test]
fn a_policies_directory_that_does_not_load_stops_the_start() {
    let home = TempDir::new("serve", "policies");
    let honest = case("dmm/honest").join("policy.toml");
    // Two files with one policy name: both are named.
    let dir = policies(&home, &[&honest, &honest]);
    let message = assert_json_error(&start_refused(&home, &dir, &[]), "POLICY_INVALID");
    assert!(
        message.contains("policy-0.toml and") && message.contains("policy-1.toml both hold"),
        "{message}"
    );
    // A file that is not a policy.
    std::fs::remove_file(dir.join("policy-1.toml")).unwrap();
    std::fs::write(dir.join("other.toml"), "name = \n").unwrap();
    let message = assert_json_error(&start_refused(&home, &dir, &[]), "POLICY_INVALID");
    assert!(message.contains("other.toml"), "{message}");
    // No policy at all (files of other kinds are not read).
    let empty = home.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("README"), "not a policy").unwrap();
    let message = assert_json_error(&start_refused(&home, &empty, &[]), "POLICY_INVALID");
    assert!(message.contains("holds no policy file"), "{message}");
    // No directory.
    assert_json_error(&start_refused(&home, &home.join("missing"), &[]), "IO");
}

#[test]
fn calls_without_a_valid_token_are_unauthorized_and_health_is_open() {
    let home = TempDir::new("serve", "tokens");
    let tokens = home.write("tokens", format!("# the backend\n{TOKEN}\n"));
    let server = Server::start(
        &home,
        &treasury(&home),
        &["--no-ledger", "--allow-request-now", "--token-file", tokens.to_str().unwrap()],
    );
    let call = call_of(&case("dmm/honest"));
    for token in [None, Some("wrong-token-0123456789abcdef0123456789"), Some(&TOKEN[1..])] {
        let (status, answer) = post(&server, &call, token);
        assert_eq!(status, 401, "{answer}");
        assert_eq!(error_of(&answer).0, "UNAUTHORIZED");
        assert_eq!(get(&server, "/metrics", token).0, 401);
        // Unknown paths too: nothing is said to a caller without a token.
        assert_eq!(get(&server, "/v1/other", token).0, 401);
    }
    let (status, answer) = post(&server, &call, Some(TOKEN));
    assert_eq!((status, answer["verdict"].as_str()), (200, Some("approved")), "{answer}");
    assert_eq!(get(&server, "/metrics", Some(TOKEN)).0, 200);
    assert_eq!(get(&server, "/healthz", None), (200, r#"{"status":"serving"}"#.to_owned()));
    assert_eq!(get(&server, "/readyz", None), (200, r#"{"status":"ready"}"#.to_owned()));
    let mut answer = agent().get(server.url("/v1/verify")).call().unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    assert_eq!(answer.headers()["www-authenticate"], "Bearer");
    let _ = answer.body_mut().read_to_string();

    let (status, lines) = server.stop();
    assert!(status.success());
    assert!(lines.iter().all(|line| !line.contains(TOKEN) && !line.contains(&TOKEN[1..])));
}

#[test]
fn token_files_and_addresses_that_would_expose_the_service_stop_the_start() {
    let home = TempDir::new("serve", "refusals");
    let dir = treasury(&home);
    let secret = "short-secret-token";
    for (text, problem) in [
        (String::new(), "the file holds no token"),
        ("# only a comment\n\n".to_owned(), "the file holds no token"),
        (format!("{TOKEN}\n{secret}\n"), "the token on line 2 is shorter than 32 characters"),
        (format!("{TOKEN} {secret}\n"), "line 1 holds a character"),
    ] {
        let file = home.write("tokens", &text);
        let out = start_refused(&home, &dir, &["--token-file", file.to_str().unwrap()]);
        let message = assert_json_error(&out, "USAGE");
        assert!(message.contains(problem), "{message}");
        assert!(!show(&out).contains(secret) && !show(&out).contains(TOKEN), "{}", show(&out));
    }
    // Without tokens, nothing but loopback.
    for listen in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let message =
            assert_json_error(&start_refused_on(&home, &dir, listen, &["--no-ledger"]), "USAGE");
        assert!(message.contains("listens only on a loopback address"), "{message}");
    }
    // With tokens, any address (here all of this machine's).
    let tokens = home.write("tokens", TOKEN);
    let mut command = intentguard(&home);
    command
        .arg("serve")
        .arg("--policies")
        .arg(&dir)
        .args(["--listen", "0.0.0.0:0", "--no-ledger", "--token-file"])
        .arg(&tokens)
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut first).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let started: Value = serde_json::from_str(&first).unwrap();
    assert!(started["address"].as_str().unwrap().starts_with("0.0.0.0:"), "{first}");
    assert_eq!(started["tokens"], 1);
}

#[test]
fn every_error_has_its_status_and_code() {
    let home = TempDir::new("serve", "errors");
    let server = Server::start(&home, &treasury(&home), &["--no-ledger"]);
    let honest = case("dmm/honest");
    let mut call = call_of(&honest);
    call.as_object_mut().unwrap().remove("now");

    // Paths and methods.
    let (status, body) = get(&server, "/v2/verify", None);
    assert_eq!(status, 404);
    assert_eq!(error_of(&serde_json::from_str(&body).unwrap()).0, "USAGE");
    let mut answer = agent().get(server.url("/v1/verify")).call().unwrap();
    assert_eq!(answer.status().as_u16(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
    assert_eq!(error_of(&answer.body_mut().read_json().unwrap()).0, "USAGE");
    let answer = agent().post(server.url("/healthz")).send_empty().unwrap();
    assert_eq!(answer.status().as_u16(), 405);

    // Bodies that are not a call: USAGE.
    let raw = |body: &str| {
        let mut answer = agent()
            .post(server.url("/v1/verify"))
            .content_type("application/json")
            .send(body)
            .unwrap();
        (answer.status().as_u16(), answer.body_mut().read_json::<Value>().unwrap())
    };
    for body in ["", "{", "[]", r#"{"policy": "treasury"}"#] {
        let (status, answer) = raw(body);
        assert_eq!((status, error_of(&answer).0), (400, "USAGE"), "{body}: {answer}");
    }
    let mut unknown = call.clone();
    unknown["psbt_hex"] = json!("00");
    let (status, answer) = post(&server, &unknown, None);
    assert_eq!((status, error_of(&answer).0), (400, "USAGE"), "{answer}");
    let mut wrong_type = call.clone();
    wrong_type["prev_txs"] = json!("00");
    assert_eq!(error_of(&post(&server, &wrong_type, None).1).0, "USAGE");
    // `now` without --allow-request-now.
    let (status, answer) = post(&server, &call_of(&honest), None);
    assert_eq!((status, error_of(&answer).0), (400, "USAGE"), "{answer}");
    assert!(error_of(&answer).1.contains("--allow-request-now"), "{answer}");

    // An unknown policy: 404.
    let mut other = call.clone();
    other["policy"] = json!("payroll");
    let (status, answer) = post(&server, &other, None);
    assert_eq!((status, error_of(&answer).0), (404, "POLICY_UNKNOWN"), "{answer}");
    assert!(error_of(&answer).1.contains(r#"no policy named "payroll""#), "{answer}");
    assert!(!error_of(&answer).1.contains("treasury"), "loaded names are not told: {answer}");

    // A duplicate key inside the intent object, and a PSBT that is not base64.
    let intent = std::fs::read_to_string(honest.join("intent.json")).unwrap();
    let body = format!(
        r#"{{"policy": "treasury", "intent": {}, "psbt": {}}}"#,
        intent.replacen('{', r#"{"id": "other", "#, 1),
        call["psbt"]
    );
    let (status, answer) = raw(&body);
    assert_eq!((status, error_of(&answer).0), (400, "INTENT_MALFORMED"), "{answer}");
    let mut not_base64 = call.clone();
    not_base64["psbt"] = json!("not base64!");
    let (status, answer) = post(&server, &not_base64, None);
    assert_eq!((status, error_of(&answer).0), (400, "PSBT_MALFORMED"), "{answer}");

    // Too large: a body whose length says so is refused before it is sent, and a PSBT over
    // 100 MiB inside a body under 150 MiB once it is read.
    let mut stream = TcpStream::connect(server.address).unwrap();
    write!(
        stream,
        "POST /v1/verify HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        150 * 1024 * 1024 + 1
    )
    .unwrap();
    let (status, answer) = read_answer(&mut stream);
    assert_eq!((status, error_of(&answer).0), (413, "TOO_LARGE"), "{answer}");
    let mut huge = call.clone();
    huge["psbt"] = json!("A".repeat((100 * 1024 * 1024 / 3 + 2) * 4));
    let (status, answer) = post(&server, &huge, None);
    assert_eq!((status, error_of(&answer).0), (413, "TOO_LARGE"), "{answer}");

    // And the same service still verifies, on its own clock: the 2024 intent has expired.
    let (status, answer) = post(&server, &call, None);
    assert_eq!((status, answer["verdict"].as_str()), (200, Some("rejected")), "{answer}");
    assert_eq!(answer["findings"][0]["code"], "INTENT_EXPIRED", "{answer}");
}

/// Reads an HTTP/1.1 answer to the end of the connection: its status and JSON body.
fn read_answer(stream: &mut TcpStream) -> (u16, Value) {
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut text = Vec::new();
    stream.read_to_end(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// Sends a call's headers and the first `sent` bytes of its body, and returns the socket
/// and the rest of the body.
fn half_sent(server: &Server, body: &[u8], sent: usize) -> (TcpStream, Vec<u8>) {
    let mut stream = TcpStream::connect(server.address).unwrap();
    write!(
        stream,
        "POST /v1/verify HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..sent]).unwrap();
    stream.flush().unwrap();
    (stream, body[sent..].to_vec())
}

#[test]
fn beyond_max_concurrent_a_call_is_overloaded_at_once() {
    let home = TempDir::new("serve", "overload");
    let server = Server::start(
        &home,
        &treasury(&home),
        &["--no-ledger", "--allow-request-now", "--max-concurrent", "1"],
    );
    let call = call_of(&case("dmm/honest"));
    let body = serde_json::to_vec(&call).unwrap();
    // The first call holds the one permit while its body arrives.
    let (mut first, rest) = half_sent(&server, &body, 10);
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let mut answer = agent().post(server.url("/v1/verify")).send_json(&call).unwrap();
    assert_eq!(answer.status().as_u16(), 503);
    assert_eq!(answer.headers()["retry-after"], "1");
    let answer: Value = answer.body_mut().read_json().unwrap();
    assert_eq!(error_of(&answer).0, "OVERLOADED", "{answer}");
    assert!(started.elapsed() < Duration::from_secs(5), "answered without waiting");
    // Readiness needs a permit only with a ledger; without one it answers.
    assert_eq!(get(&server, "/readyz", None).0, 200);

    first.write_all(&rest).unwrap();
    let (status, report) = read_answer(&mut first);
    assert_eq!((status, report["verdict"].as_str()), (200, Some("approved")), "{report}");
    // The permit is back.
    assert_eq!(post(&server, &call, None).0, 200);
}

#[test]
fn many_large_bodies_at_once_meet_a_503_not_the_memory() {
    let home = TempDir::new("serve", "memory");
    let server = Server::start(&home, &treasury(&home), &["--no-ledger", "--allow-request-now"]);
    // Each declares 149 MiB and sends nothing yet: six fit in the 1,024 MiB budget.
    let declare = |stream: &mut TcpStream| {
        write!(
            stream,
            "POST /v1/verify HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            149 * 1024 * 1024
        )
        .unwrap();
        stream.flush().unwrap();
    };
    let mut held: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut stream = TcpStream::connect(server.address).unwrap();
            declare(&mut stream);
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut seventh = TcpStream::connect(server.address).unwrap();
    declare(&mut seventh);
    let (status, answer) = read_answer(&mut seventh);
    assert_eq!((status, error_of(&answer).0), (503, "OVERLOADED"), "{answer}");
    assert!(error_of(&answer).1.contains("as many call bodies as its memory allows"), "{answer}");
    // A small call still fits beside them.
    let call = call_of(&case("dmm/honest"));
    assert_eq!(post(&server, &call, None).0, 200);
    // Closed before their bodies arrived: their reservations are given back.
    held.clear();
    std::thread::sleep(Duration::from_millis(300));
    let mut again = TcpStream::connect(server.address).unwrap();
    declare(&mut again);
    again.shutdown(std::net::Shutdown::Write).unwrap();
    let (status, answer) = read_answer(&mut again);
    assert_eq!((status, error_of(&answer).0), (400, "USAGE"), "reserved and read: {answer}");
}

#[test]
fn a_call_past_its_deadline_is_answered_503() {
    let home = TempDir::new("serve", "deadline");
    let server = Server::start(
        &home,
        &treasury(&home),
        &["--no-ledger", "--allow-request-now", "--request-timeout", "1"],
    );
    let body = serde_json::to_vec(&call_of(&case("dmm/honest"))).unwrap();
    let started = Instant::now();
    let (mut stalled, _) = half_sent(&server, &body, 10);
    let (status, answer) = read_answer(&mut stalled);
    assert_eq!((status, error_of(&answer).0), (503, "OVERLOADED"), "{answer}");
    assert!(error_of(&answer).1.contains("deadline of 1 s"), "{answer}");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_ledger_that_fails_is_503_and_not_ready() {
    let home = TempDir::new("serve", "ledger-down");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("postgres://ig:hunter2-secret@127.0.0.1:{port}/ig?connect_timeout=2");
    let server = Server::start(&home, &treasury(&home), &["--ledger", &url, "--allow-request-now"]);
    let (status, body) = get(&server, "/readyz", None);
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_of(&serde_json::from_str(&body).unwrap()).0, "LEDGER");
    assert_eq!(get(&server, "/healthz", None).0, 200);
    let (status, answer) = post(&server, &call_of(&case("dmm/honest")), None);
    assert_eq!((status, error_of(&answer).0), (503, "LEDGER"), "{answer}");
    let (_, metrics) = get(&server, "/metrics", None);
    assert!(metrics.lines().any(|l| l == "intentguard_ledger_errors_total 2"), "{metrics}");
    assert!(metrics.lines().any(|l| l == r#"intentguard_verifications_total{verdict="error"} 1"#));
    let (status, lines) = server.stop();
    assert!(status.success());
    let all = format!("{body}{answer}{metrics}{}", lines.join("\n"));
    assert!(!all.contains("hunter2"), "{all}");
}

#[test]
fn sigterm_answers_the_calls_in_flight_refuses_new_ones_and_exits_0() {
    let home = TempDir::new("serve", "sigterm");
    let mut server =
        Server::start(&home, &treasury(&home), &["--no-ledger", "--allow-request-now"]);
    let body = serde_json::to_vec(&call_of(&case("dmm/honest"))).unwrap();
    let (mut in_flight, rest) = half_sent(&server, &body, 100);
    std::thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    // The listening socket closes at once.
    let until = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(server.address).is_ok() {
        assert!(Instant::now() < until, "still accepting connections after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.child.try_wait().unwrap().is_none(), "exited with a call in flight");
    // The call whose headers were read is answered.
    in_flight.write_all(&rest).unwrap();
    let (status, report) = read_answer(&mut in_flight);
    assert_eq!((status, report["verdict"].as_str()), (200, Some("approved")), "{report}");
    let status = server.wait();
    assert_eq!(status.code(), Some(0));
    let lines = server.lines();
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(
        (last["event"].as_str(), last["reason"].as_str()),
        (Some("stopped"), Some("SIGTERM"))
    );
}

#[test]
fn each_call_logs_one_json_line_of_the_spec_keys_without_secrets() {
    let home = TempDir::new("serve", "log");
    let tokens = home.write("tokens", TOKEN);
    let server = Server::start(
        &home,
        &treasury(&home),
        &["--no-ledger", "--allow-request-now", "--token-file", tokens.to_str().unwrap()],
    );
    let honest = case("dmm/honest");
    let call = call_of(&honest);
    let mut redirected = call_of(&case("dmm/redirected"));
    redirected["intent"] = call["intent"].clone();
    assert_eq!(post(&server, &call, Some(TOKEN)).0, 200);
    assert_eq!(post(&server, &redirected, Some(TOKEN)).0, 200);
    assert_eq!(post(&server, &call, None).0, 401);
    assert_eq!(get(&server, "/healthz", None).0, 200);
    let (status, lines) = server.stop();
    assert!(status.success());

    let calls: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("event").is_none())
        .collect();
    assert_eq!(calls.len(), 4, "{lines:#?}");
    let keys = [
        "duration_ms",
        "findings",
        "intent_id",
        "method",
        "path",
        "policy",
        "status",
        "time",
        "txid",
        "verdict",
    ];
    for line in &calls {
        let mut got: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, keys, "{line}");
    }
    let report = expected(&honest);
    assert_eq!(calls[0]["status"], 200);
    assert_eq!(calls[0]["policy"], "treasury");
    assert_eq!(calls[0]["intent_id"], "ops-2024-05-31-0001");
    assert_eq!(calls[0]["txid"], report["txid"]);
    assert_eq!(calls[0]["verdict"], "approved");
    assert_eq!(calls[0]["findings"], json!([]));
    assert!(calls[0]["duration_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(calls[1]["verdict"], "rejected");
    assert_eq!(calls[1]["findings"], json!(["OUTPUT_NOT_IN_INTENT", "PAYMENT_MISSING"]));
    assert_eq!((calls[2]["status"].as_u64(), &calls[2]["duration_ms"]), (Some(401), &Value::Null));
    // Refused before any verification: no verdict.
    assert_eq!(calls[2]["verdict"], Value::Null);
    assert_eq!((calls[3]["path"].as_str(), &calls[3]["verdict"]), (Some("/healthz"), &Value::Null));

    // No token, no signature, no PSBT bytes.
    let intent: Value = serde_json::from_str(call["intent"].as_str().unwrap()).unwrap();
    let signatures: Vec<&str> = intent["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["signature"].as_str().unwrap())
        .collect();
    assert!(!signatures.is_empty());
    let psbt = call["psbt"].as_str().unwrap();
    let all = lines.join("\n");
    assert!(!all.contains(TOKEN));
    for secret in signatures.iter().copied().chain([&psbt[..40], &psbt[psbt.len() - 40..]]) {
        assert!(!all.contains(secret), "{secret} in the log");
    }
}

#[test]
fn metrics_count_verdicts_findings_and_durations() {
    let home = TempDir::new("serve", "metrics");
    let server = Server::start(&home, &treasury(&home), &["--no-ledger", "--allow-request-now"]);
    let call = call_of(&case("dmm/honest"));
    let mut redirected = call_of(&case("dmm/redirected"));
    redirected["intent"] = call["intent"].clone();
    let mut unknown = call.clone();
    unknown["policy"] = json!("payroll");
    assert_eq!(post(&server, &call, None).0, 200);
    assert_eq!(post(&server, &call, None).0, 200);
    assert_eq!(post(&server, &redirected, None).0, 200);
    assert_eq!(post(&server, &unknown, None).0, 404);
    let mut answer = agent().get(server.url("/metrics")).call().unwrap();
    assert_eq!(
        answer.headers()["content-type"],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    let text = answer.body_mut().read_to_string().unwrap();
    for line in [
        r#"intentguard_verifications_total{verdict="approved"} 2"#,
        r#"intentguard_verifications_total{verdict="rejected"} 1"#,
        r#"intentguard_verifications_total{verdict="error"} 1"#,
        r#"intentguard_findings_total{code="OUTPUT_NOT_IN_INTENT"} 1"#,
        r#"intentguard_findings_total{code="PAYMENT_MISSING"} 1"#,
        "intentguard_verify_duration_seconds_count 4",
        "intentguard_ledger_errors_total 0",
        "# TYPE intentguard_verify_duration_seconds histogram",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}

#[test]
fn an_sqlite_ledger_binds_each_intent_to_one_transaction_across_calls() {
    let home = TempDir::new("serve", "sqlite");
    let ledger = home.join("ledger.sqlite3");
    let server = Server::start(
        &home,
        &treasury(&home),
        &["--ledger", ledger.to_str().unwrap(), "--allow-request-now"],
    );
    assert_eq!(get(&server, "/readyz", None).0, 200);
    let honest = call_of(&case("dmm/honest"));
    let alt = call_of(&case("dmm/honest-alt"));
    let (status, first) = post(&server, &honest, None);
    assert_eq!((status, first["verdict"].as_str()), (200, Some("approved")), "{first}");
    let (_, replayed) = post(&server, &alt, None);
    assert_eq!(replayed["verdict"], "rejected");
    let codes: Vec<&str> = replayed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["INTENT_REPLAYED"]);
    // The next signer of the same transaction is approved again.
    assert_eq!(post(&server, &honest, None).1["verdict"], "approved");
}
