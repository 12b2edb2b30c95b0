//! Why the replay ledger could not be read or written (SPEC 5 `error.code` `LEDGER`).

use core::fmt;

/// The replay ledger could not be read or written (`LEDGER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    message: String,
}

impl LedgerError {
    /// Creates a ledger error with a message that says what failed and where.
    ///
    /// The message is shown to people: it must not contain credentials.
    pub fn new(message: impl Into<String>) -> Self {
        LedgerError { message: message.into() }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the replay ledger failed: {}", self.message)
    }
}

impl std::error::Error for LedgerError {}
