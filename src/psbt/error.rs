//! The one error of the strict PSBT parser: where, which key type, and what rule.

use core::fmt;

use super::keys;

/// Where in a PSBT a problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The magic bytes `psbt\xff` (or the size of the input as a whole).
    Header,
    /// The global map.
    Global,
    /// The input map of this index (0-based).
    Input(usize),
    /// The output map of this index (0-based).
    Output(usize),
    /// Bytes after the last output map.
    AfterLastMap,
    /// The PSBT as a whole, as `bitcoin`'s decoder saw it after every rule of this module
    /// passed: only a limit of `bitcoin` 0.32 itself lands here (see `docs/psbt-parsing.md`).
    Decoder,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header => f.write_str("header"),
            Self::Global => f.write_str("global map"),
            Self::Input(index) => write!(f, "input {index}"),
            Self::Output(index) => write!(f, "output {index}"),
            Self::AfterLastMap => f.write_str("after the last map"),
            Self::Decoder => f.write_str("bitcoin decoder"),
        }
    }
}

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
