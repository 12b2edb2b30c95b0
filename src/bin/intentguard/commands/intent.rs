//! `intentguard intent new|sign|show`: reads the files with caps, resolves `now`, calls one
//! library function ([`draft_intent`], [`sign_intent`], [`intent_status`]) and writes or
//! renders its result.

use std::path::Path;

use intentguard::ceremony::{draft_intent, intent_status, sign_intent};
use intentguard::text::display_safe;
use intentguard::{ApprovalStatus, Intent, Timestamp};

use super::verify::{read_policy, system_now};
use crate::args::{IntentCommand, IntentNew, IntentShow, IntentSign};
use crate::files::{describe, read_capped};
use crate::keys;
use crate::outcome::{write_stderr, write_stdout, Failure, Outcome};
use crate::output::emit;
use crate::render::intent::{digest_groups, render_show};

/// Runs one `intent` subcommand.
pub fn run(command: &IntentCommand) -> Outcome {
    let result = match command {
        IntentCommand::New(args) => new(args).map(|()| Outcome::Done),
        IntentCommand::Sign(args) => sign(args).map(|()| Outcome::Done),
        IntentCommand::Show(args) => show(args),
    };
    result.unwrap_or_else(|failure| failure.emit_plain())
}

fn now_or_clock(now: Option<Timestamp>) -> Result<Timestamp, Failure> {
    match now {
        Some(now) => Ok(now),
        None => system_now(),
    }
}

/// Reads an intent file, or standard input for `-`.
fn read_intent(path: &Path) -> Result<Intent, Failure> {
    let bytes = read_capped(path, true, intentguard::MAX_FILE_BYTES, "intent")?;
    Intent::from_json_bytes(&bytes)
        .map_err(|e| Failure::library(Some(&describe(path, true)), &e.into()))
}

fn json(intent: &Intent) -> String {
    let mut text = intent.to_json_pretty();
    text.push('\n');
    text
}

fn destination(out: Option<&Path>) -> String {
    out.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
}

fn new(args: &IntentNew) -> Result<(), Failure> {
    let now = now_or_clock(args.now)?;
    let policy = read_policy(&args.policy)?;
    let intent = draft_intent(&policy, &args.id, &args.pay, args.max_fee, now, args.expires_in)
        .map_err(|e| Failure::usage(format!("cannot create the intent: {e}")))?;
    emit(args.out.as_deref(), &json(&intent), "intent")?;
    write_stderr(&format!(
        "created intent {} for wallet {}, valid until {}, written to {}\n\
         digest {}\n\
         next: each approver reads it with 'intentguard intent show' and signs it with 'intentguard intent sign'\n",
        display_safe(intent.id()),
        display_safe(intent.wallet()),
        intent.expires_at(),
        destination(args.out.as_deref()),
        digest_groups(&intent.digest_hex()).join(" "),
    ));
    Ok(())
}

fn sign(args: &IntentSign) -> Result<(), Failure> {
    let now = now_or_clock(args.now)?;
    let policy = args.policy.as_deref().map(read_policy).transpose()?;
    let intent = read_intent(&args.intent)?;
    let key = keys::read(&args.key)?;
    if let Some(out) = args.out.as_deref() {
        if same_file(out, &args.key) {
            return Err(Failure::usage(format!(
                "--out {} is the key file; writing the intent there would destroy the key",
                out.display()
            ))
            .advise("give --out the intent file, or leave it out to print the intent"));
        }
    }
    let signed = sign_intent(&intent, &args.approver, &key, policy.as_ref(), now)
        .map_err(|e| Failure::usage(format!("will not sign: {e}")))?;
    emit(args.out.as_deref(), &json(&signed), "signed intent")?;

    let names: Vec<String> =
        signed.approvals().iter().map(|a| display_safe(a.approver())).collect();
    let mut note = format!(
        "{} signed intent {} (digest {}), written to {}\napprovals now: {}\n",
        display_safe(&args.approver),
        display_safe(signed.id()),
        digest_groups(&signed.digest_hex()).join(" "),
        destination(args.out.as_deref()),
        names.join(", "),
    );
    if let Some(policy) = &policy {
        let status = intent_status(policy, &signed, now);
        for (approval, state) in signed.approvals().iter().zip(&status.approvals) {
            if *state == ApprovalStatus::BadSignature {
                note.push_str(&format!(
                    "warning: the approval by {} does not verify: it was made over other content, or not with their key; they must sign again\n",
                    display_safe(approval.approver())
                ));
            }
        }
        note.push_str(&format!(
            "quorum: {} of {} needed\n",
            status.approved_by.len(),
            status.quorum
        ));
    }
    write_stderr(&note);
    Ok(())
}

/// Whether `a` and `b` name the same existing file (through links and `..` too).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn show(args: &IntentShow) -> Result<Outcome, Failure> {
    let now = now_or_clock(args.now)?;
    let policy = args.policy.as_deref().map(read_policy).transpose()?;
    let intent = read_intent(&args.intent)?;
    let status = policy.as_ref().map(|p| intent_status(p, &intent, now));
    let text = render_show(&intent, policy.as_ref(), status.as_ref(), now);
    write_stdout(&text)
        .map_err(|e| Failure::io(format!("cannot write to standard output: {e}")))?;
    Ok(match status {
        Some(status) if !status.approved() => Outcome::NotApproved,
        _ => Outcome::Done,
    })
}
