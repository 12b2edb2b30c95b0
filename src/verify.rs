//! The pipeline behind [`verify`]: the checks (stage 3), the ledger, and the report built
//! above them (stage 4).

use crate::base::time::Timestamp;
use crate::checks::{self, merge_duplicates, Code, Finding, Place, Severity};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;
use crate::parse::request::Request;
use crate::report::{self, Report};

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
    let mut checked = checks::run(policy, intent, request, now);
    if let Some(ledger) = ledger {
        let rejected = checked.findings.iter().any(|f| f.severity() == Severity::Error);
        checked.findings.extend(replay(policy, intent, request, ledger, rejected)?);
    }
    checked.findings = merge_duplicates(checked.findings);
    Ok(report::build(policy, intent, request, checked))
}

/// SPEC 2.5: an approved request binds the intent to its txid; any request whose intent is
/// bound to another txid is replayed.
fn replay(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    ledger: &dyn Ledger,
    rejected: bool,
) -> Result<Option<Finding>, Error> {
    let txid = request.txid();
    let bound = if rejected {
        ledger.bound(policy.name(), intent.id())?
    } else {
        Some(ledger.bind(policy.name(), intent.id(), &intent.digest_hex(), txid)?)
    };
    Ok(bound.filter(|b| *b != txid).map(|bound| {
        Finding::new(
            Code::IntentReplayed,
            Place::Request,
            format!(
                "intent {:?} was already approved for transaction {bound}; this request is transaction {txid}",
                intent.id()
            ),
        )
    }))
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
