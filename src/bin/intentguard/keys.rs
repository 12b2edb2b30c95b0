//! The secret key file on disk: created exclusively with mode 0600 from the first byte,
//! never overwritten; read only when its owner alone may access it (as ssh does), with a
//! size cap, into memory that is wiped afterwards. The format is the library's
//! ([`intentguard::keyfile`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use ed25519_dalek::SigningKey;
use intentguard::keyfile::{self, KeyFileError, MAX_KEY_FILE_BYTES};
use zeroize::Zeroizing;

use crate::outcome::Failure;

/// Creates a new key from the operating system's random generator.
///
/// # Errors
///
/// Returns an `IO` [`Failure`] when the generator fails.
pub fn generate() -> Result<SigningKey, Failure> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(seed.as_mut_slice())
        .map_err(|e| Failure::io(format!("the operating system's random generator failed: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `key` to a new file at `path`: created exclusively (an existing file, or a
/// symbolic link, is never overwritten or followed) with mode 0600, then flushed to disk.
/// A file this call created is removed again if writing fails.
///
/// # Errors
///
/// Returns an `IO` [`Failure`]; when the file exists, one that says so.
pub fn create(path: &Path, key: &SigningKey) -> Result<(), Failure> {
    let text = keyfile::to_text(key);
    let mut file = open_new_private(path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            Failure::io(format!(
                "{} already exists; keygen never overwrites a file",
                path.display()
            ))
            .advise(
                "choose another --out FILE; if it is an old key, keep it until no policy names it",
            )
        } else {
            Failure::io(format!("cannot create the key file {}: {e}", path.display()))
                .advise("check the path and that you may write to its directory")
        }
    })?;
    let written = file.write_all(text.as_bytes()).and_then(|()| file.sync_all());
    drop(file);
    written.map_err(|e| {
        let _ = fs::remove_file(path);
        Failure::io(format!("cannot write the key file {}: {e}", path.display()))
    })
}

#[cfg(unix)]
fn open_new_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn open_new_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// Reads the key file at `path`, refusing it when group or others may access it.
///
/// # Errors
///
/// Returns an `IO` [`Failure`] when the file cannot be read, or `USAGE` when its
/// permissions are too open or it is not a key file; no message holds the secret.
pub fn read(path: &Path) -> Result<SigningKey, Failure> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| {
        Failure::io(format!("cannot read the key file {shown}: {e}"))
            .advise("check the path and that you may read the file")
    })?;
    check_permissions(&file).map_err(|e| {
        Failure::usage(format!("{shown}: {e}"))
            .advise(format!("run chmod 600 {shown}; if others could read it, make a new key with intentguard keygen and replace your key in the policy"))
    })?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(256));
    let cap = u64::try_from(MAX_KEY_FILE_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::io(format!("cannot read the key file {shown}: {e}")))?;
    keyfile::from_bytes(&bytes).map_err(|e| {
        Failure::usage(format!("{shown}: {e}"))
            .advise("give the key file that intentguard keygen wrote")
    })
}

#[cfg(unix)]
fn check_permissions(file: &File) -> Result<(), KeyFileError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file.metadata().map(|m| m.permissions().mode()).unwrap_or(0o777);
    keyfile::check_mode(mode)
}

#[cfg(not(unix))]
fn check_permissions(_file: &File) -> Result<(), KeyFileError> {
    Ok(())
}
