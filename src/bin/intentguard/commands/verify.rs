//! `intentguard verify`: reads the policy, the intent and the request with size caps,
//! resolves `now` and the ledger, calls [`intentguard::verify`], and prints the report.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use intentguard::{Intent, Policy, Report, Request, Timestamp, Verdict, Verifier};

use crate::args::{Format, Verify};
use crate::files::{describe, read_capped};
use crate::ledger::{self, Choice};
use crate::outcome::{write_stderr, write_stdout, Failure, Outcome};
use crate::prev_tx::Supplied;
use crate::render::render;

/// Runs the command and prints its result.
pub fn run(args: &Verify) -> Outcome {
    match verify(args) {
        Ok(report) => print(args.format, &report),
        Err(failure) => failure.emit(args.format),
    }
}

fn verify(args: &Verify) -> Result<Report, Failure> {
    let now = match args.now {
        Some(now) => now,
        None => system_now()?,
    };
    let choice = ledger::choose_here(args.ledger.as_deref(), args.no_ledger)?;

    let policy = read_policy(&args.policy)?;
    let intent = read_intent(&args.intent)?;
    let mut request = read_request(&args.psbt)?;
    let supplied = Supplied::read(&args.prev_tx)?;
    let unused = request
        .supply_prev_txs(supplied.txs())
        .map_err(|e| Failure::library(Some(&describe(&args.psbt, true)), &e.into()))?;
    supplied.note_unused(&unused);

    let ledger = ledger::open(&choice)?;
    // One verification: nothing to remember for a next one.
    let mut verifier = Verifier::new(policy).with_remembered_derivations(0);
    if let Some(threads) = args.threads {
        verifier = verifier.with_threads(usize::from(threads));
    }
    verifier.verify(&intent, &request, now, ledger.as_deref()).map_err(|e| {
        let failure = Failure::library(None, &e);
        match &choice {
            Choice::None => failure,
            Choice::Sqlite { .. } | Choice::Postgres { .. } => {
                failure.advise(ledger::advice(&choice))
            }
        }
    })
}

/// Reads the system clock as a [`Timestamp`].
pub fn system_now() -> Result<Timestamp, Failure> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .map(Timestamp::from_unix)
        .ok_or_else(|| {
            Failure::usage("the system clock reads a time before 1970")
                .advise("set the clock, or pass the time with --now YYYY-MM-DDTHH:MM:SSZ")
        })
}

/// Reads and validates the policy file at `path`.
pub fn read_policy(path: &Path) -> Result<Policy, Failure> {
    let bytes = read_capped(path, false, intentguard::MAX_FILE_BYTES, "policy")?;
    Policy::from_toml_bytes(&bytes)
        .map_err(|e| Failure::library(Some(&describe(path, false)), &e.into()))
}

fn read_intent(path: &Path) -> Result<Intent, Failure> {
    let bytes = read_capped(path, false, intentguard::MAX_FILE_BYTES, "intent")?;
    Intent::from_json_bytes(&bytes)
        .map_err(|e| Failure::library(Some(&describe(path, false)), &e.into()))
}

fn read_request(path: &Path) -> Result<Request, Failure> {
    let bytes = read_capped(path, true, intentguard::MAX_REQUEST_BYTES, "PSBT")?;
    Request::from_bytes(&bytes)
        .map_err(|e| Failure::library(Some(&describe(path, true)), &e.into()))
}

fn print(format: Format, report: &Report) -> Outcome {
    let text = match format {
        Format::Json => match serde_json::to_string_pretty(report) {
            Ok(mut json) => {
                json.push('\n');
                json
            }
            Err(e) => {
                return Failure::io(format!("cannot serialise the report: {e}")).emit(format);
            }
        },
        Format::Text => render(report, colour()),
    };
    if let Err(e) = write_stdout(&text) {
        // Exit code 0 would mean "sign": a report nobody could read must not say so.
        write_stderr(&format!(
            "error: cannot write the report to standard output: {e}\n\
             intentguard could not verify the request: do not sign\n"
        ));
        return Outcome::CouldNotVerify;
    }
    match report.verdict {
        Verdict::Approved => Outcome::Approved,
        Verdict::Rejected => Outcome::Rejected,
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set to something (no-color.org).
fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
