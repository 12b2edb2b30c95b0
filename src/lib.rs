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

mod base;
pub mod ceremony;
mod checks;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod ledger;
mod model;
mod parse;
mod report;
mod verify;
mod views;
mod wallet_import;

pub use miniscript;
pub use miniscript::bitcoin;

pub use base::limits::{MAX_BODY_BYTES, MAX_FILE_BYTES, MAX_REQUEST_BYTES};
pub use base::network::network_name;
pub use base::time::{Timestamp, TimestampError};
pub use checks::{approval_status, ApprovalStatus, SignedWith, CLOCK_SKEW_S};
pub use checks::{Code, Finding, Place, Role, Severity, MAX_MESSAGE_CHARS};
pub use error::{Error, ErrorCode};
pub use ledger::{Ledger, LedgerError, MemoryLedger};
pub use parse::intent::{Approval, Intent, Payment, PaymentDraft, MESSAGE_PREFIX};
pub use parse::policy::{AllowedDestination, Approver, Limits, Policy};
pub use parse::policy::{
    DEFAULT_MAX_CHANGE_INDEX, DEFAULT_MAX_CHANGE_OUTPUTS, DEFAULT_MAX_INTENT_LIFETIME_S,
    DEFAULT_MAX_TX_WEIGHT, MAX_TX_WEIGHT_CONSENSUS,
};
pub use parse::prev_tx::parse_prev_txs;
pub use parse::request::{decode_encoding, Encoding, Request};
pub use parse::sshsig::SshKey;
pub use parse::{IntentError, PolicyError, RequestError};
pub use report::{InputSummary, IntentSummary, OutputSummary, Report, Verdict};
pub use verify::{verify, Verifier};

/// The wallet's descriptor, prepared for derivation: what every script is compared with.
pub mod wallet {
    pub use crate::parse::wallet::{Derived, Leaf, ScriptKind, TaprootDerived, Wallet};
}

/// The body of a call to the service, `intentguard serve` (SPEC 3): read to its shape, then
/// to the policy's name, the intent and the request, each as `intentguard verify` reads its
/// file.
pub mod service {
    pub use crate::parse::call::{CallError, VerifyCall};
}

/// Amounts as people type them: `125000sat`, `0.00125btc` (SPEC 3).
pub mod amount {
    pub use crate::base::amount::{btc_string, parse_amount, AmountError};
    pub use crate::base::amount::{MAX_AMOUNT_CHARS, SAT_PER_BTC};
}

/// Lifetimes as people type them: `90s`, `30m`, `12h`, `7d` (SPEC 3, `--expires-in`).
pub mod duration {
    pub use crate::base::duration::{parse_duration, DurationError, MAX_DURATION_S};
}

/// Timestamps: whole UTC seconds written exactly as `YYYY-MM-DDTHH:MM:SSZ`.
pub mod time {
    pub use crate::base::time::{parse_rfc3339, Timestamp, TimestampError};
}

/// Making text from input files safe to show on a terminal.
pub mod text {
    pub use crate::base::text::{abbreviated_hex, display_safe, needs_escape};
}

/// The approver's secret key file: a small, documented text format.
pub mod keyfile {
    pub use crate::parse::keyfile::{check_mode, from_bytes, public_key_hex, to_text};
    pub use crate::parse::keyfile::{KeyFileError, HEADER, MAX_KEY_FILE_BYTES};
}

/// The strict PSBT reader: the first code that touches the bytes of a signing request.
pub mod psbt {
    pub use crate::parse::psbt::{key_type_name, not_allowed_field, xpub_version_name};
    pub use crate::parse::psbt::{
        parse, parse_for_verification, Location, ParsedPsbt, PsbtParseError,
    };
    pub use crate::parse::psbt::{MAX_INPUTS, MAX_OUTPUTS, MAX_PAIRS};
}

/// What a PSBT contains, listed for a person or a program (`intentguard inspect`, SPEC 3).
pub mod inspect {
    pub use crate::views::inspect::{
        inspect, inspect_bytes, inspect_bytes_with_prev_txs, AmountSource, GlobalInspection,
        GlobalXpub, InputInspection, Inspection, KeyOrigin, OutputInspection, Ownership,
        PreviousTx, ProprietaryField, ScriptsInfo, SighashInfo, SignatureInfo, SignatureKind,
        TapLeafInfo, UnknownField,
    };
}

/// Wallet files of other tools made into a policy's name, network and descriptor
/// (`intentguard policy import`, SPEC 1.4).
pub mod import {
    pub use crate::wallet_import::{import_wallet, Imported, Source};
}

/// What a policy's wallet is, in the terms a ceremony compares with hardware wallets.
pub mod describe {
    pub use crate::views::describe::{
        addresses, describe_wallet, InternalKey, KeyInfo, LeafInfo, WalletSummary, MAX_ADDRESSES,
        NUMS_H,
    };
}
