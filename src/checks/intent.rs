//! Checks of SPEC 2.1: the intent against the policy and the clock.

use std::collections::{BTreeMap, HashSet};

use miniscript::bitcoin::{Amount, ScriptBuf};

use super::sshsig::{self, SignedWith};
use super::{Code, Finding, Place};
use crate::base::time::Timestamp;
use crate::parse::intent::{Approval, Intent};
use crate::parse::policy::{network_name, Policy};

/// Seconds by which `created_at` may be ahead of `now` (clock skew between machines).
pub const CLOCK_SKEW_S: i64 = 300;

/// Checks the intent and returns the approvers whose signatures verified, in the policy's
/// order, each with how their approval was made.
pub(crate) fn check(
    policy: &Policy,
    intent: &Intent,
    now: Timestamp,
    out: &mut Vec<Finding>,
) -> Vec<(String, SignedWith)> {
    let whole = Place::Request;
    if intent.wallet() != policy.name() {
        out.push(Finding::new(
            Code::IntentWrongWallet,
            whole,
            format!(
                "the intent is for wallet {:?} but the policy is for {:?}",
                intent.wallet(),
                policy.name()
            ),
        ));
    }
    if intent.network() != policy.network() {
        out.push(Finding::new(
            Code::IntentWrongNetwork,
            whole,
            format!(
                "the intent is for {} but the wallet is on {}",
                network_name(intent.network()),
                network_name(policy.network())
            ),
        ));
    }
    if now >= intent.expires_at() {
        out.push(Finding::new(
            Code::IntentExpired,
            whole,
            format!("the intent expired at {}; it is now {now}", intent.expires_at()),
        ));
    }
    if intent.created_at().seconds_since(now) > CLOCK_SKEW_S {
        out.push(Finding::new(
            Code::IntentNotYetValid,
            whole,
            format!(
                "the intent was created at {}, more than {CLOCK_SKEW_S} s after now ({now}); check the clocks",
                intent.created_at()
            ),
        ));
    }
    let lifetime = intent.expires_at().seconds_since(intent.created_at());
    let max_lifetime = policy.limits().max_intent_lifetime_s;
    if u64::try_from(lifetime).map_or(true, |l| l > max_lifetime) {
        out.push(Finding::new(
            Code::IntentLifetimeTooLong,
            whole,
            format!(
                "the intent is valid for {lifetime} s; the policy allows at most {max_lifetime} s"
            ),
        ));
    }

    let approved = check_approvals(policy, intent, out);
    if approved.len() < policy.quorum() {
        out.push(Finding::new(
            Code::IntentQuorumNotMet,
            whole,
            format!(
                "{} of the {} approvals needed verify ({})",
                approved.len(),
                policy.quorum(),
                if approved.is_empty() {
                    "none".to_owned()
                } else {
                    approved.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ")
                }
            ),
        ));
    }

    if let Some(allowed) = &policy.limits().allowed_destinations {
        let allowed: HashSet<&ScriptBuf> = allowed.iter().map(|a| a.script()).collect();
        for (i, payment) in intent.payments().iter().enumerate() {
            if !allowed.contains(&payment.script_pubkey()) {
                out.push(Finding::new(
                    Code::IntentDestinationNotAllowed,
                    Place::Payment(i),
                    format!(
                        "payment {i} goes to {}, which is not on the policy's allowed destinations",
                        payment.address()
                    ),
                ));
            }
        }
    }
    if let Some(max_total) = policy.limits().max_total {
        let total =
            intent.payments().iter().try_fold(Amount::ZERO, |sum, p| sum.checked_add(p.amount()));
        if total.is_none_or(|t| t > max_total) {
            out.push(Finding::new(
                Code::IntentTotalOverLimit,
                whole,
                format!(
                    "the payments add up to {}; the policy allows at most {} sat",
                    total.map_or("more than 21 million BTC".to_owned(), |t| format!(
                        "{} sat",
                        t.to_sat()
                    )),
                    max_total.to_sat()
                ),
            ));
        }
    }
    approved
}

/// What one approval of an intent is worth under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalStatus {
    /// It names an approver of the policy, and the signature verifies with their key.
    Valid,
    /// It names an approver of the policy, but the signature does not verify with their key
    /// (`INTENT_BAD_SIGNATURE`): the intent was changed after it was signed, or the signature
    /// is not theirs.
    BadSignature,
    /// It names nobody in the policy (`INTENT_UNKNOWN_APPROVER`); it does not count.
    UnknownApprover,
}

/// Verifies one approval of `intent` with the key `policy` gives its approver: a hex
/// signature with `verify_strict` over [`Intent::message`] for a `key` approver, an SSHSIG
/// under every condition of SPEC 1.2 for an `ssh` approver. The one place approvals are
/// verified: [`verify`](crate::verify) counts the quorum with it.
pub fn approval_status(policy: &Policy, intent: &Intent, approval: &Approval) -> ApprovalStatus {
    match verify_approval(policy, intent, approval) {
        Ok(_) => ApprovalStatus::Valid,
        Err(Refusal::UnknownApprover) => ApprovalStatus::UnknownApprover,
        Err(Refusal::BadSignature(_)) => ApprovalStatus::BadSignature,
    }
}

/// Why an approval does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// It names nobody in the policy.
    UnknownApprover,
    /// It does not verify; the reason, in words.
    BadSignature(String),
}

/// [`approval_status`], saying how a valid approval was made and why another is not.
pub(crate) fn verify_approval(
    policy: &Policy,
    intent: &Intent,
    approval: &Approval,
) -> Result<SignedWith, Refusal> {
    let approver = policy.approver(approval.approver()).ok_or(Refusal::UnknownApprover)?;
    let bad = |why: &str| Refusal::BadSignature(why.to_owned());
    match (approver.ssh(), approval.sshsig()) {
        (None, None) => {
            let verified = approval
                .signature()
                .is_some_and(|sig| approver.key().verify_strict(intent.message(), &sig).is_ok());
            if verified {
                Ok(SignedWith::Key)
            } else {
                Err(bad("the intent was changed after it was signed, or the signature is not theirs"))
            }
        }
        (Some(key), Some(armored)) => sshsig::verify(
            key,
            armored,
            intent.message(),
            policy.require_user_verification(),
        )
        .map_err(Refusal::BadSignature),
        (Some(_), None) => Err(bad(
            "it is a hex signature, but the policy gives this approver an ssh key: their approval is an sshsig",
        )),
        (None, Some(_)) => Err(bad(
            "it is an sshsig, but the policy gives this approver a hex Ed25519 key: their approval is a hex signature",
        )),
    }
}

/// Verifies every approval; returns the distinct approvers whose signatures verify.
fn check_approvals(
    policy: &Policy,
    intent: &Intent,
    out: &mut Vec<Finding>,
) -> Vec<(String, SignedWith)> {
    let mut valid: BTreeMap<&str, SignedWith> = BTreeMap::new();
    for (i, approval) in intent.approvals().iter().enumerate() {
        match verify_approval(policy, intent, approval) {
            Ok(signed_with) => {
                valid.entry(approval.approver()).or_insert(signed_with);
            }
            Err(Refusal::UnknownApprover) => out.push(Finding::new(
                Code::IntentUnknownApprover,
                Place::Approval(i),
                format!("approval {i} is by {:?}, who is not an approver of this policy; it does not count", approval.approver()),
            )),
            Err(Refusal::BadSignature(why)) => out.push(Finding::new(
                Code::IntentBadSignature,
                Place::Approval(i),
                format!(
                    "the signature of approval {i} by {:?} does not verify: {why}",
                    approval.approver()
                ),
            )),
        }
    }
    policy
        .approvers()
        .iter()
        .filter_map(|a| valid.get(a.name()).map(|with| (a.name().to_owned(), *with)))
        .collect()
}
