//! Stage 1, parsing: bytes into typed values, strictly. The policy (with its descriptor
//! prepared for derivation), the intent, the signing request with its strict PSBT reader, and
//! the approver's key file.
//!
//! Trusts: nothing. Whatever does not parse, or parses to something the SPEC does not allow,
//! is an error here and never reaches the checks.

pub(crate) mod call;
mod error;
pub(crate) mod intent;
pub(crate) mod keyfile;
pub(crate) mod policy;
pub(crate) mod prev_tx;
pub(crate) mod psbt;
mod read;
pub(crate) mod request;
pub(crate) mod sshsig;
pub(crate) mod wallet;

pub use self::error::{IntentError, PolicyError, RequestError};
