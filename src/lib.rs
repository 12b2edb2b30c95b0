//! intentguard: stops a tampered Bitcoin multisig signing request before anyone signs it.
//!
//! A signing request (a PSBT) is checked against an *intent* — the payments a quorum of
//! approvers signed off out of band — under a wallet *policy*: the descriptor of a multisig
//! wallet, its approvers' Ed25519 keys and its limits. The request is approved only when it
//! does exactly what the intent says: these destinations and amounts, change back to the
//! wallet's own derived addresses, a fee within the caps, and nothing else. Every other
//! request is rejected with [`Finding`]s that say what is wrong and where.
//!
//! Nothing in the request is trusted. Scripts are derived from the policy's descriptor at the
//! (branch, index) the PSBT's key origins name, previous transactions are hashed, and every
//! signature is verified over the transaction. The contract — formats, finding codes, the
//! JSON report — is `SPEC.md`; `docs/` records how this crate reads it.
//!
//! # Example
//!
//! A backend verifies each request before handing it to a signer:
//!
//! ```
//! use intentguard::{verify, Intent, MemoryLedger, Policy, Request, Timestamp, Verdict};
//!
//! # fn main() -> Result<(), intentguard::Error> {
//! let policy = Policy::from_toml_bytes(include_bytes!("../vectors/dmm/honest/policy.toml"))?;
//! let intent = Intent::from_json_bytes(include_bytes!("../vectors/dmm/honest/intent.json"))?;
//! let now: Timestamp = "2024-05-31T02:00:00Z".parse().expect("a valid time");
//! let ledger = MemoryLedger::new();
//!
//! let honest = Request::from_bytes(include_bytes!("../vectors/dmm/honest/request.psbt"))?;
//! let report = verify(&policy, &intent, &honest, now, Some(&ledger))?;
//! assert_eq!(report.verdict, Verdict::Approved);
//!
//! // The same transfer with its destination swapped, as in the DMM theft of May 2024.
//! let tampered = Request::from_bytes(include_bytes!("../vectors/dmm/redirected/request.psbt"))?;
//! let report = verify(&policy, &intent, &tampered, now, Some(&ledger))?;
//! assert_eq!(report.verdict, Verdict::Rejected);
//! for finding in report.errors() {
//!     println!("{}: {}", finding.code, finding.message);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Pipeline: bytes → [`Policy`], [`Intent`], [`Request`] (parsing) → [`verify`] (checks) →
//! [`Report`] (serialises to the SPEC's JSON object).
#![deny(missing_docs)]
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

pub mod amount;
pub mod ceremony;
mod checks;
pub mod describe;
pub mod duration;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod inspect;
pub mod intent;
pub mod keyfile;
pub mod ledger;
mod limits;
mod network;
pub mod policy;
pub mod psbt;
mod redact;
pub mod report;
pub mod request;
mod slip132;
pub mod text;
pub mod time;
pub mod wallet;

pub use miniscript;
pub use miniscript::bitcoin;

pub use limits::{MAX_FILE_BYTES, MAX_REQUEST_BYTES};

pub use checks::{approval_status, ApprovalStatus};
pub use checks::{verify, Verifier, CLOCK_SKEW_S};
pub use error::{Error, IntentError, LedgerError, PolicyError, RequestError};
pub use intent::Intent;
pub use ledger::{Ledger, MemoryLedger};
pub use policy::Policy;
pub use report::{Code, Finding, Place, Report, Role, Severity, Verdict};
pub use request::Request;
pub use time::Timestamp;
