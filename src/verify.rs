//! The pipeline behind [`verify`]: the checks (stage 3), the ledger, and the report built
//! above them (stage 4).

use crate::base::network::network_name;
use crate::base::time::Timestamp;
use crate::checks::{self, merge_duplicates, Checked, Code, Fee, Finding, Place, Severity};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;
use crate::parse::request::Request;
use crate::report::{InputSummary, IntentSummary, Report, Verdict};

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
    let tx = request.unsigned_tx();
    let Checked { approved_by, inputs: facts, outputs, fee, mut findings } =
        checks::run(policy, intent, request, now);

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

    let findings = merge_duplicates(findings);
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
        fee_rate_sat_vb: fee.as_ref().map(Fee::rate),
        findings,
    })
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
