//! Stage 3: the checks of SPEC 2. Every violation becomes a finding; none returns early.
//!
//! Trusts: the policy. Everything in the request is re-derived, hashed or verified.

mod fee;
mod inputs;
mod intent;
mod outputs;

use miniscript::bitcoin::psbt::Psbt;

use crate::error::Error;
use crate::intent::Intent;
use crate::ledger::Ledger;
use crate::policy::{network_name, Policy};
use crate::report::{Code, Finding, InputSummary, IntentSummary, Place, Report, Severity, Verdict};
use crate::request::Request;
use crate::time::Timestamp;

pub(crate) use self::intent::check as check_intent;
pub use self::intent::{approval_status, ApprovalStatus, CLOCK_SKEW_S};

/// A verifier prepared once from a policy and reused for every request of that wallet.
///
/// Building it parses nothing new: the policy already holds its descriptor prepared for
/// derivation (both branches' extended keys derived once). It is `Send + Sync`, so a backend
/// can share one across threads; [`Verifier::verify`] takes `&self`.
#[derive(Debug, Clone)]
pub struct Verifier {
    policy: Policy,
}

impl Verifier {
    /// Prepares a verifier for `policy`'s wallet.
    pub fn new(policy: Policy) -> Self {
        Verifier { policy }
    }

    /// Returns the policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Verifies one request; see [`verify`].
    ///
    /// # Errors
    ///
    /// As [`verify`].
    pub fn verify(
        &self,
        intent: &Intent,
        request: &Request,
        now: Timestamp,
        ledger: Option<&dyn Ledger>,
    ) -> Result<Report, Error> {
        verify(&self.policy, intent, request, now, ledger)
    }
}

/// Verifies that `request` does exactly what `intent` approved under `policy`, at `now`.
///
/// With a ledger, an approved request binds the intent to the request's unsigned txid, and a
/// request whose intent is bound to another txid is rejected with `INTENT_REPLAYED`.
///
/// # Errors
///
/// Returns [`Error::Ledger`] when the ledger fails; verification could not complete and the
/// request must not be signed. Rule violations are never errors: they are [`Finding`]s in the
/// returned [`Report`], whose verdict is approved only when no finding is an error.
pub fn verify(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    now: Timestamp,
    ledger: Option<&dyn Ledger>,
) -> Result<Report, Error> {
    let psbt = request.psbt();
    let tx = request.unsigned_tx();
    let secp = policy.wallet().secp();
    let mut findings = Vec::new();

    let approved_by = intent::check(policy, intent, now, &mut findings);
    let facts = inputs::check(policy, tx, &psbt.inputs, secp, &mut findings);
    let outputs = outputs::check(policy, intent, tx, &psbt.outputs, &mut findings);
    let fee = fee::check(policy, intent, tx, &facts, &mut findings);
    unknown_fields(psbt, &mut findings);

    let txid = request.txid();
    let digest = intent.digest_hex();
    if let Some(ledger) = ledger {
        let rejected = findings.iter().any(|f| f.severity() == Severity::Error);
        let bound = if rejected {
            ledger.bound(policy.name(), intent.id())?
        } else {
            Some(ledger.bind(policy.name(), intent.id(), &digest, txid)?)
        };
        if let Some(bound) = bound.filter(|b| *b != txid) {
            findings.push(Finding::new(
                Code::IntentReplayed,
                Place::Request,
                format!(
                    "intent {:?} was already approved for transaction {bound}; this request is transaction {txid}",
                    intent.id()
                ),
            ));
        }
    }

    let verdict = if findings.iter().any(|f| f.severity() == Severity::Error) {
        Verdict::Rejected
    } else {
        Verdict::Approved
    };
    let inputs = tx
        .input
        .iter()
        .zip(&facts)
        .enumerate()
        .map(|(index, (txin, f))| InputSummary {
            index,
            outpoint: txin.previous_output.to_string(),
            amount_sat: f.amount.map(|a| a.to_sat()),
            branch: f.owned_at.map(|(b, _)| b),
            derivation_index: f.owned_at.map(|(_, i)| i),
        })
        .collect();
    Ok(Report {
        verdict,
        txid: txid.to_string(),
        wallet: policy.name().to_owned(),
        network: network_name(policy.network()).to_owned(),
        intent: IntentSummary {
            id: intent.id().to_owned(),
            digest,
            approved_by,
            quorum: policy.quorum(),
        },
        inputs,
        outputs,
        fee_sat: fee.as_ref().and_then(|f| i64::try_from(f.sat).ok()),
        fee_rate_sat_vb: fee.as_ref().map(fee::Fee::rate),
        findings,
    })
}

/// Unknown and proprietary fields are shown to the signer, once per map that has them.
fn unknown_fields(psbt: &Psbt, out: &mut Vec<Finding>) {
    let count = psbt.unknown.len().saturating_add(psbt.proprietary.len());
    if count > 0 {
        out.push(Finding::new(
            Code::PsbtUnknownField,
            Place::Request,
            format!("the PSBT's global map has {count} unknown or proprietary fields; intentguard did not check them"),
        ));
    }
    for (i, input) in psbt.inputs.iter().enumerate() {
        let count = input.unknown.len().saturating_add(input.proprietary.len());
        if count > 0 {
            out.push(Finding::new(
                Code::PsbtUnknownField,
                Place::Input(i),
                format!("input {i} has {count} unknown or proprietary fields; intentguard did not check them"),
            ));
        }
    }
    for (i, output) in psbt.outputs.iter().enumerate() {
        let count = output.unknown.len().saturating_add(output.proprietary.len());
        if count > 0 {
            out.push(Finding::new(
                Code::PsbtUnknownField,
                Place::Output(i),
                format!("output {i} has {count} unknown or proprietary fields; intentguard did not check them"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Verifier>();
        shared::<Policy>();
        shared::<Intent>();
        shared::<Request>();
        shared::<Report>();
    }
}
