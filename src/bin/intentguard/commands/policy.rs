//! `intentguard policy check`: validates a policy and shows what a ceremony compares.

use intentguard::describe::{addresses, describe_wallet};

use super::verify::read_policy;
use crate::args::{PolicyCheck, PolicyCommand};
use crate::outcome::{write_stdout, Failure, Outcome};
use crate::render::policy::render_policy;

/// Runs one `policy` subcommand.
pub fn run(command: &PolicyCommand) -> Outcome {
    let PolicyCommand::Check(args) = command;
    match check(args) {
        Ok(()) => Outcome::Done,
        Err(failure) => failure.emit_plain(),
    }
}

fn check(args: &PolicyCheck) -> Result<(), Failure> {
    let policy = read_policy(&args.file)?;
    let summary = describe_wallet(policy.wallet());
    let derive = |branch| {
        addresses(&policy, branch, args.addresses).ok_or_else(|| {
            Failure::usage(format!(
                "{}: the descriptor cannot be derived at every index below {}",
                args.file.display(),
                args.addresses
            ))
        })
    };
    let (receive, change) = (derive(0)?, derive(1)?);
    write_stdout(&render_policy(&policy, &summary, &receive, &change))
        .map_err(|e| Failure::io(format!("cannot write to standard output: {e}")))
}
