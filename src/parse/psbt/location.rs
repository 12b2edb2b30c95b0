//! Where in a PSBT something is: a map, or a place around the maps.

use core::fmt;

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
