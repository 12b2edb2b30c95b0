//! `intentguard keygen`: a new Ed25519 key from the operating system's random generator,
//! written to a new file with mode 0600; its public key is printed for the policy.

use intentguard::keyfile::public_key_hex;

use crate::args::Keygen;
use crate::keys;
use crate::outcome::{write_stderr, write_stdout, Failure, Outcome};

/// Runs the command: the public key hex alone on standard output (so that a script can
/// capture it), a note on standard error.
pub fn run(args: &Keygen) -> Outcome {
    match keygen(args) {
        Ok(()) => Outcome::Done,
        Err(failure) => failure.emit_plain(),
    }
}

fn keygen(args: &Keygen) -> Result<(), Failure> {
    let key = keys::generate()?;
    keys::create(&args.out, &key)?;
    let public = public_key_hex(&key.verifying_key());
    write_stdout(&format!("{public}\n")).map_err(|e| {
        Failure::io(format!(
            "wrote the key file {}, but cannot print its public key: {e}",
            args.out.display()
        ))
        .advise("the public key is on the third line of the key file, after \"public \"")
    })?;
    write_stderr(&format!(
        "wrote a new secret key to {} (mode 0600: readable by you only)\n\
         put the public key above in the policy: {{ name = \"YOUR NAME\", key = \"{public}\" }}\n",
        args.out.display()
    ));
    Ok(())
}
