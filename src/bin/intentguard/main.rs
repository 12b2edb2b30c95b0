//! The `intentguard` command line: parses arguments, calls the library, renders.
//!
//! No verification rule lives here (STYLE R28). Exit codes follow SPEC 3: 0 approved,
//! 1 rejected, 2 could not verify; they are decided in one place, [`outcome::Outcome`].

mod args;
mod commands;
mod files;
mod keys;
mod ledger;
mod outcome;
mod output;
mod prev_tx;
mod render;
mod serve;
mod ssh;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, Format};
use crate::outcome::Outcome;

fn main() -> ExitCode {
    ExitCode::from(run(std::env::args_os().collect()))
}

/// Parses `raw` (the program name first) and runs the command.
fn run(raw: Vec<OsString>) -> Outcome {
    let cli = match Cli::try_parse_from(&raw) {
        Ok(cli) => cli,
        Err(error) => {
            let format = if args::json_requested(&raw) || args::serve_requested(&raw) {
                Format::Json
            } else {
                Format::Text
            };
            return outcome::clap_error(&error, format);
        }
    };
    match cli.command {
        Command::Verify(verify) => commands::verify::run(&verify),
        Command::Inspect(inspect) => commands::inspect::run(&inspect),
        Command::Keygen(keygen) => commands::keygen::run(&keygen),
        Command::Intent(intent) => commands::intent::run(&intent),
        Command::Policy(policy) => commands::policy::run(&policy),
        Command::Serve(serve) => serve::run(&serve),
    }
}
