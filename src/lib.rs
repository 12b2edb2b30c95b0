//! intentguard: stops a tampered Bitcoin multisig signing request before anyone signs it.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::dbg_macro,
    clippy::todo
)]

mod checks;
pub mod error;
pub mod intent;
pub mod ledger;
pub mod policy;
pub mod report;
pub mod request;
pub mod text;
pub mod time;
pub mod wallet;

pub use miniscript;
pub use miniscript::bitcoin;

/// Largest policy or intent file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Largest signing request accepted, in bytes (SPEC 1.3); larger ones are refused unread.
pub const MAX_REQUEST_BYTES: usize = 100 * 1024 * 1024;

pub use checks::{verify, CLOCK_SKEW_S};
pub use error::{Error, IntentError, LedgerError, PolicyError, RequestError};
pub use intent::Intent;
pub use ledger::{Ledger, MemoryLedger};
pub use policy::Policy;
pub use report::{Code, Finding, Place, Report, Role, Severity, Verdict};
pub use request::Request;
pub use time::Timestamp;
