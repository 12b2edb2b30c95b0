//! What the JSON readers share: recognising a format by the keys of the file's top-level
//! object, then reading the file into the format's shape with messages that never quote it.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::base::redact::json_message;

/// The file's top-level object, if the file is a JSON object: what a JSON reader looks at to
/// say whether the file is its format.
pub(super) fn object(text: &str) -> Option<Map<String, Value>> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

/// Whether the file's top-level object has any of `keys`.
pub(super) fn has_any(text: &str, keys: &[&str]) -> bool {
    object(text).is_some_and(|object| keys.iter().any(|k| object.contains_key(*k)))
}

/// Reads a file a JSON reader recognised into its format's shape. The message gives the line,
/// the column and the problem (a missing or duplicate field, a value of the wrong type), never
/// a value of the file (SPEC 2.8).
pub(super) fn shape<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| json_message(&e, text))
}

/// Why a file that looks like JSON was recognised by no reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unread {
    /// It does not parse: the parser's message, redacted.
    Invalid(String),
    /// It parses, but has none of the keys a format is recognised by.
    Unknown,
}

/// Why the file, if it looks like JSON (its first character is `{` or `[`), is in no JSON
/// format; `None` for a file that does not look like JSON.
pub(super) fn why_unread(text: &str) -> Option<Unread> {
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    Some(match serde_json::from_str::<Value>(text) {
        Ok(_) => Unread::Unknown,
        Err(e) => Unread::Invalid(json_message(&e, text)),
    })
}
