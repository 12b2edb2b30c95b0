//! The findings vocabulary of SPEC 5: codes, their severities, what a finding is about, and
//! the finding itself, with its message bounded (SPEC 2.7).
//!
//! Checks speak it; the report carries it; views render it.

use core::fmt;

use serde::{Serialize, Serializer};

/// A finding code of SPEC 5. The strings returned by [`Code::as_str`] are the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The intent's `wallet` is not the policy's name.
    IntentWrongWallet,
    /// The intent's network differs from the policy's.
    IntentWrongNetwork,
    /// `now` is at or after `expires_at`.
    IntentExpired,
    /// `created_at` is more than 300 s later than `now`.
    IntentNotYetValid,
    /// `expires_at - created_at` exceeds the policy's `max_intent_lifetime_s`.
    IntentLifetimeTooLong,
    /// An approval signature does not verify.
    IntentBadSignature,
    /// An approval names no approver of the policy; it does not count.
    IntentUnknownApprover,
    /// Fewer than `quorum` distinct valid approvals.
    IntentQuorumNotMet,
    /// A payment address is not on the policy's `allowed_destinations`.
    IntentDestinationNotAllowed,
    /// The sum of the payments exceeds the policy's `max_total_sat`.
    IntentTotalOverLimit,
    /// The ledger bound this intent to another transaction.
    IntentReplayed,
    /// An outpoint is spent twice.
    InputDuplicate,
    /// An input has no UTXO data at all.
    InputMissingUtxo,
    /// An input has no full previous transaction where the policy requires one.
    InputMissingPrevTx,
    /// A previous transaction disagrees with the outpoint or with `witness_utxo`.
    InputPrevTxMismatch,
    /// An input's script is not the wallet's at the index its key origins name.
    InputNotOwned,
    /// A script or taproot datum in an input differs from the derived one.
    InputScriptMismatch,
    /// A sighash type other than the allowed ones, in the field or on a signature.
    InputSighashNotAllowed,
    /// A signature is invalid, or by a key that is not the input's.
    InputBadPartialSig,
    /// An output is neither an intent payment nor verified change.
    OutputNotInIntent,
    /// An intent payment has no output with that script and amount.
    PaymentMissing,
    /// An output pays an intent address a different amount.
    PaymentAmountMismatch,
    /// An output's key origins claim the wallet but its script does not derive.
    ChangeDerivationMismatch,
    /// A change index above the policy's `max_change_index`.
    ChangeIndexTooHigh,
    /// Change derives on the receive branch.
    ChangeOnReceiveBranch,
    /// More change outputs than the policy's `max_change_outputs`.
    ChangeTooManyOutputs,
    /// Outputs exceed inputs.
    FeeNegative,
    /// The fee is above the stricter of the policy's and the intent's caps.
    FeeOverLimit,
    /// The estimated fee rate is above the policy's `max_fee_rate_sat_vb`.
    FeeRateOverLimit,
    /// Unknown or proprietary PSBT fields are present.
    PsbtUnknownField,
    /// A field that changes what a signer signs, pays or shows, which intentguard does not
    /// verify (BIP-375 silent payments, BIP-373 MuSig2, BIP-353 DNSSEC proofs).
    PsbtFieldNotAllowed,
    /// A finalized input's scriptSig or witness is not a satisfaction of the derived script
    /// that intentguard can check, or has an annex.
    InputFinalScriptInvalid,
    /// The estimated final weight is over the policy's `max_tx_weight`.
    TxOverStandardWeight,
}

/// Whether a finding rejects the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The request is rejected.
    Error,
    /// Shown to the signer; does not reject.
    Warning,
}

impl Code {
    /// Every code, in the order of SPEC 5's table.
    pub const ALL: [Code; 33] = [
        Code::IntentWrongWallet,
        Code::IntentWrongNetwork,
        Code::IntentExpired,
        Code::IntentNotYetValid,
        Code::IntentLifetimeTooLong,
        Code::IntentBadSignature,
        Code::IntentUnknownApprover,
        Code::IntentQuorumNotMet,
        Code::IntentDestinationNotAllowed,
        Code::IntentTotalOverLimit,
        Code::IntentReplayed,
        Code::InputDuplicate,
        Code::InputMissingUtxo,
        Code::InputMissingPrevTx,
        Code::InputPrevTxMismatch,
        Code::InputNotOwned,
        Code::InputScriptMismatch,
        Code::InputSighashNotAllowed,
        Code::InputBadPartialSig,
        Code::OutputNotInIntent,
        Code::PaymentMissing,
        Code::PaymentAmountMismatch,
        Code::ChangeDerivationMismatch,
        Code::ChangeIndexTooHigh,
        Code::ChangeOnReceiveBranch,
        Code::ChangeTooManyOutputs,
        Code::FeeNegative,
        Code::FeeOverLimit,
        Code::FeeRateOverLimit,
        Code::PsbtUnknownField,
        Code::PsbtFieldNotAllowed,
        Code::InputFinalScriptInvalid,
        Code::TxOverStandardWeight,
    ];

    /// Returns the stable identifier of SPEC 5, such as `"OUTPUT_NOT_IN_INTENT"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::IntentWrongWallet => "INTENT_WRONG_WALLET",
            Code::IntentWrongNetwork => "INTENT_WRONG_NETWORK",
            Code::IntentExpired => "INTENT_EXPIRED",
            Code::IntentNotYetValid => "INTENT_NOT_YET_VALID",
            Code::IntentLifetimeTooLong => "INTENT_LIFETIME_TOO_LONG",
            Code::IntentBadSignature => "INTENT_BAD_SIGNATURE",
            Code::IntentUnknownApprover => "INTENT_UNKNOWN_APPROVER",
            Code::IntentQuorumNotMet => "INTENT_QUORUM_NOT_MET",
            Code::IntentDestinationNotAllowed => "INTENT_DESTINATION_NOT_ALLOWED",
            Code::IntentTotalOverLimit => "INTENT_TOTAL_OVER_LIMIT",
            Code::IntentReplayed => "INTENT_REPLAYED",
            Code::InputDuplicate => "INPUT_DUPLICATE",
            Code::InputMissingUtxo => "INPUT_MISSING_UTXO",
            Code::InputMissingPrevTx => "INPUT_MISSING_PREV_TX",
            Code::InputPrevTxMismatch => "INPUT_PREV_TX_MISMATCH",
            Code::InputNotOwned => "INPUT_NOT_OWNED",
            Code::InputScriptMismatch => "INPUT_SCRIPT_MISMATCH",
            Code::InputSighashNotAllowed => "INPUT_SIGHASH_NOT_ALLOWED",
            Code::InputBadPartialSig => "INPUT_BAD_PARTIAL_SIG",
            Code::OutputNotInIntent => "OUTPUT_NOT_IN_INTENT",
            Code::PaymentMissing => "PAYMENT_MISSING",
            Code::PaymentAmountMismatch => "PAYMENT_AMOUNT_MISMATCH",
            Code::ChangeDerivationMismatch => "CHANGE_DERIVATION_MISMATCH",
            Code::ChangeIndexTooHigh => "CHANGE_INDEX_TOO_HIGH",
            Code::ChangeOnReceiveBranch => "CHANGE_ON_RECEIVE_BRANCH",
            Code::ChangeTooManyOutputs => "CHANGE_TOO_MANY_OUTPUTS",
            Code::FeeNegative => "FEE_NEGATIVE",
            Code::FeeOverLimit => "FEE_OVER_LIMIT",
            Code::FeeRateOverLimit => "FEE_RATE_OVER_LIMIT",
            Code::PsbtUnknownField => "PSBT_UNKNOWN_FIELD",
            Code::PsbtFieldNotAllowed => "PSBT_FIELD_NOT_ALLOWED",
            Code::InputFinalScriptInvalid => "INPUT_FINAL_SCRIPT_INVALID",
            Code::TxOverStandardWeight => "TX_OVER_STANDARD_WEIGHT",
        }
    }

    /// Returns the severity SPEC 5 gives this code.
    pub const fn severity(self) -> Severity {
        match self {
            Code::IntentUnknownApprover | Code::ChangeOnReceiveBranch | Code::PsbtUnknownField => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    /// Returns the code whose [`Code::as_str`] is `s`.
    pub fn from_name(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What a finding is about: the whole request, or one input, output, payment or approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The request or the intent as a whole.
    Request,
    /// The input at this index.
    Input(usize),
    /// The output at this index.
    Output(usize),
    /// The intent payment at this index.
    Payment(usize),
    /// The intent approval at this index.
    Approval(usize),
}

/// One rule violation or warning, with a sentence a signer can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The SPEC 5 code.
    pub code: Code,
    /// What the finding is about.
    pub place: Place,
    /// A plain explanation: what is wrong and where.
    pub message: String,
}

/// The longest finding message, in characters (SPEC 2.7). Messages that list values name a
/// few and count the rest; this bound is the backstop for any that would still be longer.
pub const MAX_MESSAGE_CHARS: usize = 1000;

impl Finding {
    /// Creates a finding. A message longer than [`MAX_MESSAGE_CHARS`] is cut to that length,
    /// ending in `…`.
    pub fn new(code: Code, place: Place, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.chars().count() > MAX_MESSAGE_CHARS {
            let keep = MAX_MESSAGE_CHARS.saturating_sub(1);
            let cut = message.char_indices().nth(keep).map_or(message.len(), |(at, _)| at);
            message.truncate(cut);
            message.push('…');
        }
        Finding { code, place, message }
    }

    /// Returns the severity of the finding's code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", &self.code)?;
        map.serialize_entry("severity", &self.code.severity())?;
        map.serialize_entry("message", &self.message)?;
        match self.place {
            Place::Request => {}
            Place::Input(i) => map.serialize_entry("input", &i)?,
            Place::Output(i) => map.serialize_entry("output", &i)?,
            Place::Payment(i) => map.serialize_entry("payment", &i)?,
            Place::Approval(i) => map.serialize_entry("approval", &i)?,
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC 5's table, copied in order from `shared/SPEC.md`.
    const SPEC_CODES: [(&str, Severity); 33] = [
        ("INTENT_WRONG_WALLET", Severity::Error),
        ("INTENT_WRONG_NETWORK", Severity::Error),
        ("INTENT_EXPIRED", Severity::Error),
        ("INTENT_NOT_YET_VALID", Severity::Error),
        ("INTENT_LIFETIME_TOO_LONG", Severity::Error),
        ("INTENT_BAD_SIGNATURE", Severity::Error),
        ("INTENT_UNKNOWN_APPROVER", Severity::Warning),
        ("INTENT_QUORUM_NOT_MET", Severity::Error),
        ("INTENT_DESTINATION_NOT_ALLOWED", Severity::Error),
        ("INTENT_TOTAL_OVER_LIMIT", Severity::Error),
        ("INTENT_REPLAYED", Severity::Error),
        ("INPUT_DUPLICATE", Severity::Error),
        ("INPUT_MISSING_UTXO", Severity::Error),
        ("INPUT_MISSING_PREV_TX", Severity::Error),
        ("INPUT_PREV_TX_MISMATCH", Severity::Error),
        ("INPUT_NOT_OWNED", Severity::Error),
        ("INPUT_SCRIPT_MISMATCH", Severity::Error),
        ("INPUT_SIGHASH_NOT_ALLOWED", Severity::Error),
        ("INPUT_BAD_PARTIAL_SIG", Severity::Error),
        ("OUTPUT_NOT_IN_INTENT", Severity::Error),
        ("PAYMENT_MISSING", Severity::Error),
        ("PAYMENT_AMOUNT_MISMATCH", Severity::Error),
        ("CHANGE_DERIVATION_MISMATCH", Severity::Error),
        ("CHANGE_INDEX_TOO_HIGH", Severity::Error),
        ("CHANGE_ON_RECEIVE_BRANCH", Severity::Warning),
        ("CHANGE_TOO_MANY_OUTPUTS", Severity::Error),
        ("FEE_NEGATIVE", Severity::Error),
        ("FEE_OVER_LIMIT", Severity::Error),
        ("FEE_RATE_OVER_LIMIT", Severity::Error),
        ("PSBT_UNKNOWN_FIELD", Severity::Warning),
        ("PSBT_FIELD_NOT_ALLOWED", Severity::Error),
        ("INPUT_FINAL_SCRIPT_INVALID", Severity::Error),
        ("TX_OVER_STANDARD_WEIGHT", Severity::Error),
    ];

    #[test]
    fn codes_match_spec() {
        let ours: Vec<(&str, Severity)> =
            Code::ALL.iter().map(|c| (c.as_str(), c.severity())).collect();
        assert_eq!(ours, SPEC_CODES);
        for code in Code::ALL {
            assert_eq!(Code::from_name(code.as_str()), Some(code));
        }
    }

    #[test]
    fn messages_are_bounded() {
        let exact = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(Finding::new(Code::FeeNegative, Place::Request, exact.clone()).message, exact);
        let long = Finding::new(Code::FeeNegative, Place::Request, "é".repeat(5_000)).message;
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS);
        assert!(long.ends_with("é…"), "{long}");
    }

    #[test]
    fn finding_serialises_with_its_place() {
        let f = Finding::new(Code::OutputNotInIntent, Place::Output(1), "x");
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"code":"OUTPUT_NOT_IN_INTENT","severity":"error","message":"x","output":1}"#
        );
    }
}
