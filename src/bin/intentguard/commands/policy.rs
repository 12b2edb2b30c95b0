//! `intentguard policy check`: validates a policy and shows what a ceremony compares.
//! `intentguard policy import`: makes a wallet file another tool exported into the start of a
//! policy, with [`import_wallet`].

use intentguard::describe::{addresses, describe_wallet};
use intentguard::import::{import_wallet, Imported};
use intentguard::wallet::Wallet;

use super::verify::read_policy;
use crate::args::{Format, PolicyCheck, PolicyCommand, PolicyImport};
use crate::files::{describe, read_capped};
use crate::outcome::{write_stdout, Failure, Outcome};
use crate::render::policy::{render_import, render_policy};

/// Runs one `policy` subcommand.
pub fn run(command: &PolicyCommand) -> Outcome {
    match command {
        PolicyCommand::Check(args) => match check(args) {
            Ok(()) => Outcome::Done,
            Err(failure) => failure.emit_plain(),
        },
        PolicyCommand::Import(args) => match import(args) {
            Ok(()) => Outcome::Done,
            Err(failure) if args.format == Format::Json => {
                failure.emit(Format::Json);
                Outcome::Failed
            }
            Err(failure) => failure.emit_plain(),
        },
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

fn import(args: &PolicyImport) -> Result<(), Failure> {
    let bytes = read_capped(&args.file, true, intentguard::MAX_FILE_BYTES, "wallet")?;
    let file = describe(&args.file, true);
    let imported = import_wallet(&bytes, args.name.as_deref()).map_err(|e| {
        Failure::library(Some(&file), &e.into()).advise(
            "export the wallet again from the tool that holds it, or write the descriptor by hand",
        )
    })?;
    let text = match args.format {
        Format::Json => json(&imported)?,
        Format::Text => {
            // The import made the descriptor from a wallet that loads: the digest is known.
            let digest = Wallet::from_descriptor(&imported.descriptor, imported.network)
                .map(|wallet| wallet.digest(imported.network))
                .map_err(|e| Failure::library(Some(&file), &e.into()))?;
            render_import(&imported, &file, &digest)
        }
    };
    write_stdout(&text).map_err(|e| Failure::io(format!("cannot write to standard output: {e}")))
}

/// SPEC 3's object: `name` (or null), `network`, `descriptor`, `source`, `warnings`.
fn json(imported: &Imported) -> Result<String, Failure> {
    let value = serde_json::json!({
        "name": imported.name,
        "network": intentguard::network_name(imported.network),
        "descriptor": imported.descriptor,
        "source": imported.source.as_str(),
        "warnings": imported.warnings,
    });
    let mut text = serde_json::to_string_pretty(&value)
        .map_err(|e| Failure::io(format!("cannot serialise the import: {e}")))?;
    text.push('\n');
    Ok(text)
}
