//! What an intent's approvals are worth under a policy at a given time (SPEC 3, `intent
//! show --policy`).
//!
//! Trusts: the policy. Each approval is judged by [`approval_status`], the one function that
//! verifies approvals, and the quorum and the rest by the intent checks of SPEC 2.1.

use crate::base::time::Timestamp;
use crate::checks::{check_intent, verify_approval, ApprovalStatus, Finding, Refusal, SignedWith};
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;

/// What an intent's approvals are worth under a policy at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IntentStatus {
    /// The status of each approval, in the intent's order.
    pub approvals: Vec<ApprovalStatus>,
    /// For each approval, in the intent's order: how a valid one was made.
    pub signed_with: Vec<Option<SignedWith>>,
    /// For each approval, in the intent's order: why a bad signature does not verify.
    pub problems: Vec<Option<String>>,
    /// The distinct approvers whose signatures verify, in the policy's order.
    pub approved_by: Vec<String>,
    /// How many distinct approvers the policy needs.
    pub quorum: usize,
    /// Every finding of the intent checks of SPEC 2.1 at that time.
    pub findings: Vec<Finding>,
}

impl IntentStatus {
    /// Returns `true` when enough distinct approvers signed.
    pub fn quorum_met(&self) -> bool {
        self.approved_by.len() >= self.quorum
    }

    /// Returns how many approvals name an approver of the policy but do not verify.
    pub fn bad_signatures(&self) -> usize {
        self.approvals.iter().filter(|s| **s == ApprovalStatus::BadSignature).count()
    }

    /// Returns `true` when the quorum is met and no signature fails: the approvals are
    /// what the policy asks for (`intent show --policy` exits 0).
    pub fn approved(&self) -> bool {
        self.quorum_met() && self.bad_signatures() == 0
    }
}

/// Checks `intent`'s approvals, and the rest of its intent checks, under `policy` at `now`.
pub fn intent_status(policy: &Policy, intent: &Intent, now: Timestamp) -> IntentStatus {
    let verified: Vec<Result<SignedWith, Refusal>> =
        intent.approvals().iter().map(|a| verify_approval(policy, intent, a)).collect();
    let approvals = verified
        .iter()
        .map(|v| match v {
            Ok(_) => ApprovalStatus::Valid,
            Err(Refusal::UnknownApprover) => ApprovalStatus::UnknownApprover,
            Err(Refusal::BadSignature(_)) => ApprovalStatus::BadSignature,
        })
        .collect();
    let signed_with = verified.iter().map(|v| v.as_ref().ok().copied()).collect();
    let problems = verified
        .into_iter()
        .map(|v| match v {
            Err(Refusal::BadSignature(why)) => Some(why),
            _ => None,
        })
        .collect();
    let mut findings = Vec::new();
    let approved_by = check_intent(policy, intent, now, &mut findings)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    IntentStatus {
        approvals,
        signed_with,
        problems,
        approved_by,
        quorum: policy.quorum(),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use miniscript::bitcoin::Amount;

    use super::*;
    use crate::ceremony::fixtures::{alice, draft, now, ADDRESS, TREASURY};
    use crate::ceremony::sign_intent;
    use crate::checks::Code;

    #[test]
    fn a_draft_is_the_policy_s_and_signs_into_an_approved_intent() {
        let intent = draft(TREASURY, &[&format!("{ADDRESS}=4502.9btc")], 12 * 3600).unwrap();
        assert_eq!((intent.wallet(), intent.id()), ("treasury", "ops-1"));
        assert_eq!(intent.created_at(), now());
        assert_eq!(intent.expires_at().seconds_since(now()), 12 * 3600);
        assert_eq!(intent.payments()[0].amount().to_sat(), 450_290_000_000);
        assert_eq!(intent.max_fee(), Some(Amount::from_sat(40_000)));
        assert!(intent.approvals().is_empty());
        // The text round-trips to the same signed message.
        let reread = Intent::from_json(&intent.to_json_pretty()).unwrap();
        assert_eq!(reread.message(), intent.message());

        let policy = Policy::from_toml(TREASURY).unwrap();
        let status = intent_status(&policy, &intent, now());
        assert_eq!((status.quorum_met(), status.approved()), (false, false));
        assert_eq!(status.findings.len(), 1);
        assert_eq!(status.findings[0].code, Code::IntentQuorumNotMet);

        let signed = sign_intent(&intent, "alice", &alice(), Some(&policy), now()).unwrap();
        let status = intent_status(&policy, &signed, now());
        assert_eq!(status.approvals, [ApprovalStatus::Valid]);
        assert_eq!(status.approved_by, ["alice"]);
        assert!(!status.quorum_met());
    }
}
