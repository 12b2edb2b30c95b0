//! The `error.code` vocabulary of SPEC 5: why a command, or a call to the service, could
//! not run.

use core::fmt;

/// The `error.code` of a result without a verdict (SPEC 4, 5): why verification, another
/// command or a call to the service could not run. The library's errors have the first four;
/// the command line adds `USAGE` and `IO`, and the service (`intentguard serve`) the last
/// four.
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
    /// The command line, or the body of a call to the service, is not valid.
    Usage,
    /// A file could not be read or written.
    Io,
    /// The service: the call carries no valid bearer token.
    Unauthorized,
    /// The service: the call names a policy the service did not load.
    PolicyUnknown,
    /// The service: the body, or the PSBT in it, is larger than the service takes.
    TooLarge,
    /// The service: it is busy with as many calls as it may run at once, or the call did not
    /// finish within its deadline.
    Overloaded,
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
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::PolicyUnknown => "POLICY_UNKNOWN",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::Overloaded => "OVERLOADED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
