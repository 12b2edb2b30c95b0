//! The service's log (SPEC 3): one JSON line per call on standard error, with exactly the
//! keys the SPEC names, and one line when the service starts and one when it stops.
//!
//! The lines are written with `serde_json` rather than `tracing`'s JSON formatter, which adds
//! keys of its own (`timestamp`, `level`, `target`, `fields`) and cannot write a list of
//! codes. Nothing logged is a secret: no token, no intent signature, no PSBT bytes. What a
//! caller sent (the path, the policy's name) is cut to a length before it is written.
//!
//! Calls never wait for standard error: lines go through a bounded queue to a thread of
//! their own, and when whatever reads standard error falls behind by a full queue, the
//! lines that do not fit are dropped and counted (the stop line says how many), rather than
//! stalling every call.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Mutex;
use std::thread::JoinHandle;
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

    /// Queues the line.
    pub fn write(&self, log: &Log) {
        log.queue(self);
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
    /// Log lines dropped because standard error was not read fast enough.
    pub dropped_log_lines: usize,
}

/// How many lines may wait for standard error.
const QUEUE_LINES: usize = 4096;
/// How long [`Log::close`] waits for the queued lines to be written.
const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// The log: a bounded queue of lines and the thread that writes them to standard error.
pub struct Log {
    sender: Mutex<Option<SyncSender<String>>>,
    dropped: AtomicUsize,
    writer: Mutex<Option<(JoinHandle<()>, Receiver<()>)>>,
}

impl Log {
    /// Starts the writer thread.
    ///
    /// # Errors
    ///
    /// When the thread cannot be started.
    pub fn start() -> std::io::Result<Log> {
        let (sender, lines) = mpsc::sync_channel::<String>(QUEUE_LINES);
        let (done, finished) = mpsc::channel();
        let writer =
            std::thread::Builder::new().name("intentguard-log".to_owned()).spawn(move || {
                for line in lines {
                    write_stderr(&line);
                }
                let _ = done.send(());
            })?;
        Ok(Log {
            sender: Mutex::new(Some(sender)),
            dropped: AtomicUsize::new(0),
            writer: Mutex::new(Some((writer, finished))),
        })
    }

    /// Queues an event line (`Started`, `Stopped`), with its time first.
    pub fn event<T: Serialize>(&self, event: &T) {
        #[derive(Serialize)]
        struct Timed<'a, T> {
            time: String,
            #[serde(flatten)]
            event: &'a T,
        }
        self.queue(&Timed { time: now(), event });
    }

    /// How many lines were dropped so far.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Relaxed)
    }

    fn queue<T: Serialize>(&self, line: &T) {
        let Ok(mut text) = serde_json::to_string(line) else { return };
        text.push('\n');
        let sender = self.sender.lock().ok().and_then(|s| s.clone());
        match sender.map(|s| s.try_send(text)) {
            Some(Ok(())) => {}
            Some(Err(TrySendError::Full(_) | TrySendError::Disconnected(_))) | None => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Closes the queue and waits a little for its lines to be written: not for ever, since
    /// whatever reads standard error may have stopped.
    pub fn close(&self) {
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
        let writer = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some((thread, finished)) = writer {
            if finished.recv_timeout(FLUSH_WAIT).is_ok() {
                let _ = thread.join();
            }
        }
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
    use serde_json::Value;

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
    fn lines_beyond_a_full_queue_are_dropped_and_counted() {
        let (sender, lines) = mpsc::sync_channel::<String>(1);
        let log = Log {
            sender: Mutex::new(Some(sender)),
            dropped: AtomicUsize::new(0),
            writer: Mutex::new(None),
        };
        let line = CallLine::new("GET", "/healthz");
        line.write(&log);
        line.write(&log);
        line.write(&log);
        assert_eq!(log.dropped(), 2);
        let queued: Value = serde_json::from_str(&lines.recv().unwrap()).unwrap();
        assert_eq!(queued["path"], "/healthz");
        log.close();
        line.write(&log);
        assert_eq!(log.dropped(), 3);
    }

    #[test]
    fn what_a_caller_sent_is_cut() {
        let line = CallLine::new("GET", &"/a".repeat(1000));
        assert_eq!(line.path.chars().count(), MAX_ECHO_CHARS);
    }
}
