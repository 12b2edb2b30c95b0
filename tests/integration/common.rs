//! What the tests that run the `intentguard` binary share: temporary directories, the binary
//! in an environment of its own, `verify` of a vector, and assertions on what it printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_intentguard");

/// A path in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A vector folder: `vectors/<name>`.
pub fn case(name: &str) -> PathBuf {
    repo("vectors").join(name)
}

/// A vector folder's `expected.json`.
pub fn expected(dir: &Path) -> Value {
    json_file(&dir.join("expected.json"))
}

/// The `now` of a vector folder's `expected.json`.
pub fn now_of(dir: &Path) -> String {
    expected(dir)["now"].as_str().unwrap().to_owned()
}

pub fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A fresh directory under the system's temporary directory, removed on drop:
/// `intentguard-<prefix>-<process id>-<count>-<name>`.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str, name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir()
            .join(format!("intentguard-{prefix}-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The names in the directory, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with an environment of its own: no ledger variable, no colour preference,
/// and a data directory inside `home` so the user's real ledger is never touched.
pub fn intentguard(home: &TempDir) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("INTENTGUARD_LEDGER")
        .env_remove("NO_COLOR")
        .env("HOME", home.join("home"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null());
    command
}

/// `verify` of these files at `now`, with `extra` arguments before the PSBT.
pub fn verify(
    home: &TempDir,
    policy: &Path,
    intent: &Path,
    now: &str,
    extra: &[&str],
    psbt: &Path,
) -> Command {
    let mut command = intentguard(home);
    command
        .arg("verify")
        .arg("--policy")
        .arg(policy)
        .arg("--intent")
        .arg(intent)
        .arg("--now")
        .arg(now)
        .args(extra)
        .arg(psbt);
    command
}

/// `verify` of a vector folder's files, at its `now`, with the previous transactions it
/// supplies beside the PSBT (`prev-tx.hex`, if it has one).
pub fn verify_case(home: &TempDir, dir: &Path, extra: &[&str]) -> Command {
    let (policy, intent, psbt) =
        (dir.join("policy.toml"), dir.join("intent.json"), dir.join("request.psbt"));
    let prev_tx = dir.join("prev-tx.hex");
    let mut args: Vec<&str> = extra.to_vec();
    if prev_tx.is_file() {
        args.extend(["--prev-tx", prev_tx.to_str().unwrap()]);
    }
    verify(home, &policy, &intent, &now_of(dir), &args, &psbt)
}

/// Runs `command` with `input` on standard input, capturing standard output and error.
pub fn run_with_stdin(mut command: Command, input: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", show(out));
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Standard output as one JSON value.
pub fn json_value(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e})\n{}", show(out)))
}

/// Standard output as exactly one JSON object.
pub fn json(out: &Output) -> Value {
    let value = json_value(out);
    assert!(value.is_object(), "{}", show(out));
    value
}

/// Asserts exit code 2 with an error object of `code` on stdout and nothing on stderr;
/// returns the message. Unlike [`assert_json_error`], other members are not refused.
pub fn assert_json_error_code(out: &Output, code: &str) -> String {
    assert_exit(out, 2);
    let value = json_value(out);
    assert_eq!(value["error"]["code"], code, "{}", show(out));
    assert!(out.stderr.is_empty(), "{}", show(out));
    value["error"]["message"].as_str().unwrap().to_owned()
}

/// Asserts exit code 2 with `{"error":{"code":…,"message":…}}` and nothing else on stdout,
/// nothing on stderr; returns the message.
pub fn assert_json_error(out: &Output, code: &str) -> String {
    let message = assert_json_error_code(out, code);
    let value = json(out);
    assert_eq!(value.as_object().unwrap().keys().collect::<Vec<_>>(), ["error"], "{}", show(out));
    assert_eq!(value["error"].as_object().unwrap().len(), 2, "{}", show(out));
    message
}
