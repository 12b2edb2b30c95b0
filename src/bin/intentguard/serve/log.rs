//! The service's log (SPEC 3): one JSON line per call on standard error, with exactly the
//! keys the SPEC names, and one line when the service starts and one when it stops.
//!
//! The lines are written with `serde_json` rather than `tracing`'s JSON formatter, which adds
//! keys of its own (`timestamp`, `level`, `target`, `fields`) and cannot write a list of
//! codes. Nothing logged is a secret: no token, no intent signature, no PSBT bytes. What a
//! caller sent (the path, the policy's name) is cut to a length before it is written.

use std::time::Duration;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::outcome::write_stderr;

/// The longest path or policy name written, in characters; longer ones are cut.
const MAX_ECHO_CHARS: usize = 200;

/// The line about one call.
#[derive(Debug, Serialize)]
pub struct CallLine {
    time: String,
    method: String,
    path: String,
    /// The status answered.
    pub status: u16,
    /// The policy the call named, when the body could be read.
    pub policy: Option<String>,
    /// The intent's id, when the intent could be parsed.
    pub intent_id: Option<String>,
    /// The request's unsigned txid, when the PSBT could be parsed.
    pub txid: Option<String>,
    /// The report's verdict, or `"error"` for a call to `/v1/verify` answered without one.
    pub verdict: Option<&'static str>,
    /// The report's finding codes, in its order.
    pub findings: Option<Vec<&'static str>>,
    /// How long the answer took, for every call but one refused for its token.
    pub duration_ms: Option<f64>,
}

impl CallLine {
    /// Starts the line of a call to `method` `path`, timed from now.
    pub fn new(method: &str, path: &str) -> CallLine {
        CallLine {
            time: now(),
            method: cut(method),
            path: cut(path),
            status: 0,
            policy: None,
            intent_id: None,
            txid: None,
            verdict: None,
            findings: None,
            duration_ms: None,
        }
    }

    /// Records the policy the call named.
    pub fn policy(&mut self, name: &str) {
        self.policy = Some(cut(name));
    }

    /// Records how long the answer took.
    pub fn took(&mut self, elapsed: Duration) {
        self.duration_ms = Some(elapsed.as_secs_f64() * 1000.0);
    }

    /// Writes the line.
    pub fn write(&self) {
        write_line(self);
    }
}

/// The line written when the service listens.
#[derive(Debug, Serialize)]
pub struct Started<'a> {
    /// `"listening"`.
    pub event: &'static str,
    /// The address it listens on, with the port the system chose for port 0.
    pub address: String,
    /// The policies it serves, by name.
    pub policies: Vec<&'a str>,
    /// The ledger, named without its password, or `"none"`.
    pub ledger: String,
    /// How many bearer tokens it accepts (0: no authentication, loopback only).
    pub tokens: usize,
}

/// The line written when the service has stopped.
#[derive(Debug, Serialize)]
pub struct Stopped {
    /// `"stopped"`.
    pub event: &'static str,
    /// Why: the signal received.
    pub reason: &'static str,
    /// Calls still open when the grace period ended (0 after a clean stop).
    pub unfinished: usize,
}

/// Writes an event line (`Started`, `Stopped`), with its time first.
pub fn event<T: Serialize>(event: &T) {
    #[derive(Serialize)]
    struct Timed<'a, T> {
        time: String,
        #[serde(flatten)]
        event: &'a T,
    }
    write_line(&Timed { time: now(), event });
}

fn write_line<T: Serialize>(line: &T) {
    if let Ok(mut text) = serde_json::to_string(line) {
        text.push('\n');
        write_stderr(&text);
    }
}

fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}

/// `text`, cut to [`MAX_ECHO_CHARS`] characters.
fn cut(text: &str) -> String {
    text.chars().take(MAX_ECHO_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_line_has_exactly_the_spec_keys() {
        let mut line = CallLine::new("POST", "/v1/verify");
        line.status = 401;
        let value = serde_json::to_value(&line).unwrap();
        let keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = [
            "time",
            "method",
            "path",
            "status",
            "policy",
            "intent_id",
            "txid",
            "verdict",
            "findings",
            "duration_ms",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(value["duration_ms"], serde_json::Value::Null);
        assert_eq!(value["status"], 401);
    }

    #[test]
    fn what_a_caller_sent_is_cut() {
        let line = CallLine::new("GET", &"/a".repeat(1000));
        assert_eq!(line.path.chars().count(), MAX_ECHO_CHARS);
    }
}
