//! `intentguard intent new|sign|show`: reads the files with caps, resolves `now`, calls one
//! library function ([`draft_intent`], [`sign_intent`], [`intent_status`]) and writes or
//! renders its result.

use std::path::Path;

use intentguard::ceremony::{add_sshsig_approval, draft_intent, intent_status, sign_intent};
use intentguard::text::display_safe;
use intentguard::{ApprovalStatus, Intent, Policy, Timestamp};

use super::verify::{read_policy, system_now};
use crate::args::{
    IntentAddApproval, IntentCommand, IntentMessage, IntentNew, IntentShow, IntentSign,
};
use crate::files::{describe, read_capped};
use crate::keys;
use crate::outcome::{write_stderr, write_stdout, Failure, Outcome};
use crate::output::emit;
use crate::render::intent::{digest_groups, render_show};
use crate::ssh;

/// Runs one `intent` subcommand.
pub fn run(command: &IntentCommand) -> Outcome {
    let result = match command {
        IntentCommand::New(args) => new(args).map(|()| Outcome::Done),
        IntentCommand::Sign(args) => sign(args).map(|()| Outcome::Done),
        IntentCommand::Show(args) => show(args),
        IntentCommand::Message(args) => message(args).map(|()| Outcome::Done),
        IntentCommand::AddApproval(args) => add_approval(args).map(|()| Outcome::Done),
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
    let now = now_or_clock(args.target.now)?;
    let policy = args.policy.as_deref().map(read_policy).transpose()?;
    let intent = read_intent(&args.target.intent)?;
    let key_file = match (&args.key, &args.ssh_key, &policy) {
        (Some(key), None, _) => key,
        (None, Some(ssh_key), Some(policy)) => {
            if let Some(out) = args.target.out.as_deref().filter(|out| same_file(out, ssh_key)) {
                return Err(Failure::usage(format!(
                    "--out {} is the SSH key file; writing the intent there would destroy the key",
                    out.display()
                )));
            }
            let armored = ssh::sign(ssh_key, intent.message())?;
            let signed = add_sshsig_approval(&intent, &args.approver, &armored, policy, now)
                .map_err(|e| Failure::usage(format!("will not write the approval: {e}")))?;
            return finish_approval(
                &signed,
                &args.approver,
                args.target.out.as_deref(),
                policy,
                now,
            );
        }
        _ => return Err(Failure::usage("give --key FILE, or --ssh-key FILE with --policy FILE")),
    };
    let key = keys::read(key_file)?;
    if let Some(out) = args.target.out.as_deref() {
        if same_file(out, key_file) {
            return Err(Failure::usage(format!(
                "--out {} is the key file; writing the intent there would destroy the key",
                out.display()
            ))
            .advise("give --out the intent file, or leave it out to print the intent"));
        }
    }
    let signed = sign_intent(&intent, &args.approver, &key, policy.as_ref(), now)
        .map_err(|e| Failure::usage(format!("will not sign: {e}")))?;
    match &policy {
        Some(policy) => {
            finish_approval(&signed, &args.approver, args.target.out.as_deref(), policy, now)
        }
        None => {
            emit(args.target.out.as_deref(), &json(&signed), "signed intent")?;
            write_stderr(&approval_note(&signed, &args.approver, args.target.out.as_deref()));
            Ok(())
        }
    }
}

/// Writes an intent with a new approval and says on standard error what it now holds.
fn finish_approval(
    signed: &Intent,
    approver: &str,
    out: Option<&Path>,
    policy: &Policy,
    now: Timestamp,
) -> Result<(), Failure> {
    emit(out, &json(signed), "signed intent")?;
    let mut note = approval_note(signed, approver, out);
    let status = intent_status(policy, signed, now);
    for (approval, state) in signed.approvals().iter().zip(&status.approvals) {
        if *state == ApprovalStatus::BadSignature {
            note.push_str(&format!(
                "warning: the approval by {} does not verify: it was made over other content, or not with their key; they must sign again\n",
                display_safe(approval.approver())
            ));
        }
    }
    note.push_str(&format!("quorum: {} of {} needed\n", status.approved_by.len(), status.quorum));
    write_stderr(&note);
    Ok(())
}

fn approval_note(signed: &Intent, approver: &str, out: Option<&Path>) -> String {
    let names: Vec<String> =
        signed.approvals().iter().map(|a| display_safe(a.approver())).collect();
    format!(
        "{} signed intent {} (digest {}), written to {}\napprovals now: {}\n",
        display_safe(approver),
        display_safe(signed.id()),
        digest_groups(&signed.digest_hex()).join(" "),
        destination(out),
        names.join(", "),
    )
}

fn message(args: &IntentMessage) -> Result<(), Failure> {
    let intent = read_intent(&args.intent)?;
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, intent.message())
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(|e| Failure::io(format!("cannot write to standard output: {e}")))
}

fn add_approval(args: &IntentAddApproval) -> Result<(), Failure> {
    let now = now_or_clock(args.target.now)?;
    let policy = read_policy(&args.policy)?;
    let intent = read_intent(&args.target.intent)?;
    let bytes = read_capped(&args.sshsig, false, intentguard::MAX_FILE_BYTES, "SSH signature")?;
    let armored = String::from_utf8(bytes).map_err(|_| {
        Failure::usage(format!(
            "{}: not text, so not an armored SSH signature",
            args.sshsig.display()
        ))
    })?;
    let signed = add_sshsig_approval(&intent, &args.approver, &armored, &policy, now)
        .map_err(|e| Failure::usage(format!("will not add the approval: {e}")))?;
    finish_approval(&signed, &args.approver, args.target.out.as_deref(), &policy, now)
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
