//! `intentguard inspect`: reads the PSBT (and the policy, if given) with size caps, calls
//! [`inspect_bytes_with_prev_txs`], and prints the listing. Nothing is verified.

use intentguard::inspect::{inspect_bytes_with_prev_txs, Inspection};

use super::verify::read_policy;
use crate::args::{Format, Inspect};
use crate::files::{describe, read_capped};
use crate::outcome::{write_stderr, write_stdout, Failure, Outcome};
use crate::prev_tx::Supplied;
use crate::render::inspect::render_inspection;

/// Runs the command: exit code 0 with the listing, 2 when a file cannot be read or the PSBT
/// is malformed (errors printed as `verify` prints them).
pub fn run(args: &Inspect) -> Outcome {
    match inspect(args) {
        Ok(inspection) => print(args.format, &inspection),
        Err(failure) => failure.emit(args.format),
    }
}

fn inspect(args: &Inspect) -> Result<Inspection, Failure> {
    let policy = args.policy.as_deref().map(read_policy).transpose()?;
    let bytes = read_capped(&args.psbt, true, intentguard::MAX_REQUEST_BYTES, "PSBT")?;
    let supplied = Supplied::read(&args.prev_tx)?;
    let (inspection, unused) = inspect_bytes_with_prev_txs(&bytes, policy.as_ref(), supplied.txs())
        .map_err(|e| Failure::library(Some(&describe(&args.psbt, true)), &e.into()))?;
    supplied.note_unused(&unused);
    Ok(inspection)
}

fn print(format: Format, inspection: &Inspection) -> Outcome {
    let text = match format {
        Format::Json => match serde_json::to_string_pretty(inspection) {
            Ok(mut json) => {
                json.push('\n');
                json
            }
            Err(e) => {
                return Failure::io(format!("cannot serialise the listing: {e}")).emit(format);
            }
        },
        Format::Text => render_inspection(inspection),
    };
    match write_stdout(&text) {
        Ok(()) => Outcome::Done,
        Err(e) => {
            write_stderr(&format!("error: cannot write the listing to standard output: {e}\n"));
            Outcome::Failed
        }
    }
}
