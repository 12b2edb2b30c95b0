//! `intent sign --ssh-key`: the approval is made by the `ssh-keygen` on `PATH`, so keys in
//! `ssh-agent` and on FIDO2 security keys work (the security key asks for its touch and, if
//! set, its PIN through `ssh-keygen` itself). The library then checks what it wrote.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::outcome::Failure;

/// The namespace of an intent approval (SPEC 1.2).
const NAMESPACE: &str = "intentguard-intent-v1";

/// Runs `ssh-keygen -Y sign -n intentguard-intent-v1 -f KEY` over `message` on its standard
/// input and returns the armored signature it prints. Its standard error (prompts for a
/// touch or a PIN, and its errors) goes to the person.
///
/// # Errors
///
/// A usage failure when `ssh-keygen` cannot be run or fails; nothing is written then.
pub fn sign(key: &Path, message: &[u8]) -> Result<String, Failure> {
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            Failure::usage(format!("cannot run ssh-keygen: {e}"))
                .advise("install OpenSSH's client (ssh-keygen) and put it on PATH")
        })?;
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(message));
    let output = child
        .wait_with_output()
        .map_err(|e| Failure::usage(format!("ssh-keygen did not finish: {e}")))?;
    if let Some(Err(e)) = written {
        return Err(Failure::usage(format!("cannot give ssh-keygen the message: {e}")));
    }
    if !output.status.success() {
        return Err(Failure::usage(format!(
            "ssh-keygen -Y sign with {} failed ({}); nothing was written",
            key.display(),
            output.status
        ))
        .advise("check the key file (or that its key is in ssh-agent), and touch the security key when it blinks"));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| Failure::usage("ssh-keygen printed something that is not a signature"))
}
