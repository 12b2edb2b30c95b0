//! The one error of the strict PSBT parser: where, which key type, and what rule.

use core::fmt;

use super::keys;
use super::location::Location;

/// A PSBT refused by [`parse`](super::parse): where, which key type (when the problem belongs
/// to one), and the rule broken, in words.
///
/// Displays as, for example, `input 3, key type 0x02 (PSBT_IN_PARTIAL_SIG): the key data is
/// 34 bytes; a public key is 33 or 65 bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsbtParseError {
    location: Location,
    key_type: Option<u64>,
    problem: String,
}

impl PsbtParseError {
    pub(super) fn new(location: Location, key_type: Option<u64>, problem: String) -> Self {
        PsbtParseError { location, key_type, problem }
    }

    /// Returns the map (or header, or trailing bytes) where the problem was found.
    pub fn location(&self) -> Location {
        self.location
    }

    /// Returns the key type of the field at fault, when the problem belongs to a field
    /// (a missing required field names the type that is missing).
    pub fn key_type(&self) -> Option<u64> {
        self.key_type
    }

    /// Returns the rule broken, in words, without the location.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for PsbtParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location)?;
        if let Some(key_type) = self.key_type {
            write!(f, ", key type {key_type:#04x}")?;
            if let Some(name) = keys::name(self.location, key_type) {
                write!(f, " ({name})")?;
            }
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for PsbtParseError {}
