//! Errors: the situations in which verification could not run (exit code 2).
//!
//! Rule violations are never errors; they are [`Finding`](crate::Finding)s in a report.
//! Each stage has its own error type; [`Error`] wraps them and knows its SPEC 5 code.

use core::fmt;

use crate::ledger::LedgerError;
use crate::parse::{IntentError, PolicyError, RequestError};

/// Verification could not run. Every variant means: do not sign (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The policy is unusable.
    Policy(PolicyError),
    /// The intent is malformed.
    Intent(IntentError),
    /// The request is malformed.
    Request(RequestError),
    /// The ledger failed.
    Ledger(LedgerError),
}

impl Error {
    /// Returns the SPEC 5 `error.code` for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Policy(_) => ErrorCode::PolicyInvalid,
            Error::Intent(_) => ErrorCode::IntentMalformed,
            Error::Request(_) => ErrorCode::PsbtMalformed,
            Error::Ledger(_) => ErrorCode::Ledger,
        }
    }
}

/// The `error.code` of an exit-2 result (SPEC 4, 5): why verification, or another command,
/// could not run. The library's [`Error`]s have the first four; the command line adds the
/// last two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The policy is unusable.
    PolicyInvalid,
    /// The intent is malformed.
    IntentMalformed,
    /// The request is not a valid PSBT.
    PsbtMalformed,
    /// The replay ledger failed.
    Ledger,
    /// The command line is not valid.
    Usage,
    /// A file could not be read or written.
    Io,
}

impl ErrorCode {
    /// Returns the stable identifier of SPEC 5, such as `"POLICY_INVALID"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::PolicyInvalid => "POLICY_INVALID",
            ErrorCode::IntentMalformed => "INTENT_MALFORMED",
            ErrorCode::PsbtMalformed => "PSBT_MALFORMED",
            ErrorCode::Ledger => "LEDGER",
            ErrorCode::Usage => "USAGE",
            ErrorCode::Io => "IO",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Policy(e) => e.fmt(f),
            Error::Intent(e) => e.fmt(f),
            Error::Request(e) => e.fmt(f),
            Error::Ledger(e) => e.fmt(f),
        }
    }
}

/// `Error` is transparent: its `Display` is the stage error's, so it reports no `source`.
impl std::error::Error for Error {}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Error::Policy(e)
    }
}

impl From<IntentError> for Error {
    fn from(e: IntentError) -> Self {
        Error::Intent(e)
    }
}

impl From<RequestError> for Error {
    fn from(e: RequestError) -> Self {
        Error::Request(e)
    }
}

impl From<LedgerError> for Error {
    fn from(e: LedgerError) -> Self {
        Error::Ledger(e)
    }
}
