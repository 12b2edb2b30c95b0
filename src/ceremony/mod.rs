//! The signing ceremony (SPEC 3): building an intent from a policy, signing it as one of
//! its approvers, and saying what each approval is worth.
//!
//! Trusts: the policy. Rules are not restated here: an intent is built with
//! [`Intent::new`](crate::Intent::new) (the validation of parsing) and checked with the
//! intent checks of [`verify`](crate::verify) (SPEC 2.1), and approvals are verified by
//! [`approval_status`](crate::approval_status), the one function that verifies them. So an
//! intent that [`draft_intent`] returns passes every intent check at `now` except the quorum,
//! which its approvers complete with [`sign_intent`].
//!
//! One concern a module: [`parse_pay`] reads a payment as typed (`pay`), [`draft_intent`]
//! builds the intent (`draft`), [`sign_intent`] adds an approval (`sign`) and
//! [`intent_status`] says what the approvals are worth (`status`).

mod draft;
#[cfg(test)]
mod fixtures;
mod pay;
mod sign;
mod status;

pub use self::draft::{draft_intent, DraftError};
pub use self::pay::{parse_pay, PayArg, PayError};
pub use self::sign::{add_sshsig_approval, sign_intent, SignError};
pub use self::status::{intent_status, IntentStatus};
