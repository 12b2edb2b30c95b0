//! Reading a policy or intent file up to its shape: the size cap, UTF-8, and the TOML or
//! JSON syntax into the file's serde structure, with parser messages that never show the
//! file (SPEC 2.8).
//!
//! Trusts: nothing. Owns only the steps before a file's own rules, the same for every file;
//! what a field may hold is the caller's, and so is how each failure is named.

use serde::de::DeserializeOwned;

use crate::base::limits::MAX_FILE_BYTES;
use crate::base::redact::{json_message, toml_message};

/// How a file's error type names what goes wrong before any field is looked at.
pub(crate) trait ReadError {
    /// The file is larger than `limit` bytes.
    fn too_large(limit: usize) -> Self;
    /// The file is not UTF-8, or does not parse to its shape; `message` says why.
    fn syntax(message: String) -> Self;
}

/// Refuses a file of more than [`MAX_FILE_BYTES`].
fn capped<E: ReadError>(len: usize) -> Result<(), E> {
    if len > MAX_FILE_BYTES {
        return Err(E::too_large(MAX_FILE_BYTES));
    }
    Ok(())
}

/// Returns a file's bytes as text: at most [`MAX_FILE_BYTES`] of UTF-8.
pub(crate) fn utf8_text<E: ReadError>(bytes: &[u8]) -> Result<&str, E> {
    capped(bytes.len())?;
    core::str::from_utf8(bytes).map_err(|e| E::syntax(format!("the file is not UTF-8 ({e})")))
}

/// Parses at most [`MAX_FILE_BYTES`] of TOML into `T`.
pub(crate) fn from_toml<T: DeserializeOwned, E: ReadError>(text: &str) -> Result<T, E> {
    capped(text.len())?;
    toml::from_str(text).map_err(|e| E::syntax(toml_message(&e, text)))
}

/// Parses at most [`MAX_FILE_BYTES`] of JSON into `T`.
pub(crate) fn from_json<T: DeserializeOwned, E: ReadError>(text: &str) -> Result<T, E> {
    capped(text.len())?;
    serde_json::from_str(text).map_err(|e| E::syntax(json_message(&e, text)))
}
