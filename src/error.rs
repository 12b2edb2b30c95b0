//! Errors: the situations in which verification could not run (exit code 2).
//!
//! Rule violations are never errors; they are [`Finding`](crate::Finding)s in a report.
//! Each stage has its own error type; [`Error`] wraps them and knows its SPEC 5 code.

use core::fmt;

pub use crate::base::code::ErrorCode;
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

impl Error {
    /// The stage error this one wraps.
    fn inner(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            Error::Policy(e) => e,
            Error::Intent(e) => e,
            Error::Request(e) => e,
            Error::Ledger(e) => e,
        }
    }
}

/// `Error` is transparent: it displays as the stage error it wraps, and its `source` is that
/// error's. The alternate form (`{:#}`) writes the whole chain on one line, each cause after
/// `": "`, as a person should read it: `the PSBT is malformed: input 0, key type 0x00 …`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner();
        fmt::Display::fmt(inner, f)?;
        if f.alternate() {
            let mut source = inner.source();
            while let Some(cause) = source {
                write!(f, ": {cause}")?;
                source = cause.source();
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().source()
    }
}

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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::parse::psbt::{Location, PsbtParseError};
    use crate::parse::request::Request;

    #[test]
    fn a_parser_error_keeps_its_type_as_the_source() {
        let error =
            Error::from(Request::from_bytes(b"psbt\xff\x01\xfb\x04\x02\x00\x00\x00").unwrap_err());
        assert_eq!(error.code(), ErrorCode::PsbtMalformed);
        assert_eq!(error.to_string(), "the PSBT is malformed");
        let source = error.source().and_then(|s| s.downcast_ref::<PsbtParseError>());
        assert_eq!(source.map(PsbtParseError::location), Some(Location::Global));
        assert_eq!(
            format!("{error:#}"),
            "the PSBT is malformed: global map: the input ends inside the map, before its 0x00 separator"
        );
    }

    #[test]
    fn errors_without_a_cause_read_the_same_either_way() {
        let error = Error::from(LedgerError::new("the file is locked"));
        assert_eq!(error.code(), ErrorCode::Ledger);
        assert!(error.source().is_none());
        assert_eq!(format!("{error:#}"), error.to_string());
    }

    #[test]
    fn codes_are_the_spec_ones() {
        let codes = [
            ErrorCode::PolicyInvalid,
            ErrorCode::IntentMalformed,
            ErrorCode::PsbtMalformed,
            ErrorCode::Ledger,
            ErrorCode::Usage,
            ErrorCode::Io,
            ErrorCode::Unauthorized,
            ErrorCode::PolicyUnknown,
            ErrorCode::TooLarge,
            ErrorCode::Overloaded,
        ];
        let names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "POLICY_INVALID",
                "INTENT_MALFORMED",
                "PSBT_MALFORMED",
                "LEDGER",
                "USAGE",
                "IO",
                "UNAUTHORIZED",
                "POLICY_UNKNOWN",
                "TOO_LARGE",
                "OVERLOADED"
            ]
        );
    }
}
