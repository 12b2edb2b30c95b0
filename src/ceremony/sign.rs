//! Signing an intent as one of its approvers (SPEC 3, `intent sign`).
//!
//! Trusts: the policy, when one is given: the intent must be for its wallet and network and
//! the key must be the one it gives the approver. The signature itself is
//! [`Intent::sign_hex`]'s, over the SPEC 1.2 message.

use core::fmt;

use ed25519_dalek::SigningKey;

use crate::base::time::Timestamp;
use crate::checks::{verify_approval, Refusal};
use crate::parse::intent::Intent;
use crate::parse::keyfile::public_key_hex;
use crate::parse::policy::{network_name, valid_approver_name, Approver, Policy};

/// An intent that must not be signed with this key or name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The approver name is empty, longer than 64 characters or has a control character.
    ApproverName {
        /// The name as given.
        name: String,
    },
    /// The intent has expired: `now` is at or after `expires_at`.
    Expired {
        /// When it expired.
        expires_at: Timestamp,
        /// The time of signing.
        now: Timestamp,
    },
    /// The intent is for another wallet than the policy's.
    WrongWallet {
        /// The intent's wallet.
        intent: String,
        /// The policy's name.
        policy: String,
    },
    /// The intent is for another network than the policy's.
    WrongNetwork {
        /// The intent's network.
        intent: &'static str,
        /// The policy's network.
        policy: &'static str,
    },
    /// The policy has no approver of this name.
    UnknownApprover {
        /// The name as given.
        name: String,
    },
    /// The policy gives this approver an OpenSSH key (`ssh`): their approval is an SSHSIG,
    /// not a hex signature made with a key file.
    SshApprover {
        /// The approver.
        name: String,
    },
    /// The policy gives this approver a hex key (`key`): their approval is a hex signature.
    NotAnSshApprover {
        /// The approver.
        name: String,
    },
    /// The SSHSIG does not verify under a condition of SPEC 1.2.
    Sshsig {
        /// The approver.
        name: String,
        /// Which condition fails, in words.
        problem: String,
    },
    /// The key is not the one the policy gives this approver.
    WrongKey {
        /// The approver.
        name: String,
        /// The public key of the key given, hex.
        key: String,
        /// The approver's public key in the policy, hex.
        expected: String,
    },
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApproverName { name } => write!(
                f,
                "approver name {name:?} must be 1 to 64 characters without control characters"
            ),
            Self::Expired { expires_at, now } => write!(
                f,
                "the intent expired at {expires_at} (it is now {now}); ask for a new intent instead of signing this one"
            ),
            Self::WrongWallet { intent, policy } => write!(
                f,
                "the intent is for wallet {intent:?} but the policy is for {policy:?}"
            ),
            Self::WrongNetwork { intent, policy } => {
                write!(f, "the intent is for {intent} but the policy's wallet is on {policy}")
            }
            Self::UnknownApprover { name } => {
                write!(f, "{name:?} is not an approver of the policy")
            }
            Self::SshApprover { name } => write!(
                f,
                "the policy gives {name:?} an OpenSSH key (ssh): their approval is an SSH signature of the intent's message (ssh-keygen -Y sign -n intentguard-intent-v1), not a key file's"
            ),
            Self::NotAnSshApprover { name } => write!(
                f,
                "the policy gives {name:?} a hex Ed25519 key (key): their approval is a hex signature made with 'intentguard intent sign --key', not an SSH signature"
            ),
            Self::Sshsig { name, problem } => {
                write!(f, "the SSH signature does not approve the intent as {name:?}: {problem}")
            }
            Self::WrongKey { name, key, expected } => write!(
                f,
                "the public key of the key file is {key}, but the policy gives {name:?} the public key {expected}"
            ),
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::ApproverName { .. }
            | Self::Expired { .. }
            | Self::WrongWallet { .. }
            | Self::WrongNetwork { .. }
            | Self::UnknownApprover { .. }
            | Self::SshApprover { .. }
            | Self::NotAnSshApprover { .. }
            | Self::Sshsig { .. }
            | Self::WrongKey { .. } => None,
        }
    }
}

/// Signs `intent` as `approver` with `key` (Ed25519 over the SPEC 1.2 message) and returns
/// it with the approval added, or with `approver`'s earlier approval replaced: an intent
/// never holds two approvals by one name.
///
/// With a policy, the intent must be for the policy's wallet and network, and `key` must
/// be the key the policy gives `approver`; a signature nobody could count is refused rather
/// than written.
///
/// # Errors
///
/// Returns [`SignError`] for an invalid approver name, an intent expired at `now`, and with
/// a policy, another wallet or network, an unknown approver or a key that is not theirs.
pub fn sign_intent(
    intent: &Intent,
    approver: &str,
    key: &SigningKey,
    policy: Option<&Policy>,
    now: Timestamp,
) -> Result<Intent, SignError> {
    if let Some(registered) = signable(intent, approver, policy, now)? {
        if registered.ssh().is_some() {
            return Err(SignError::SshApprover { name: approver.to_owned() });
        }
        let public = key.verifying_key();
        if *registered.key() != public {
            return Err(SignError::WrongKey {
                name: approver.to_owned(),
                key: public_key_hex(&public),
                expected: public_key_hex(registered.key()),
            });
        }
    }
    let mut signed = intent.clone();
    signed.set_approval(approver, intent.sign_hex(key));
    Ok(signed)
}

/// What every approval needs before it is written: a valid approver name, an intent not
/// expired at `now`, and with a policy, its wallet and network and an approver of that name
/// (returned).
fn signable<'p>(
    intent: &Intent,
    approver: &str,
    policy: Option<&'p Policy>,
    now: Timestamp,
) -> Result<Option<&'p Approver>, SignError> {
    if !valid_approver_name(approver) {
        return Err(SignError::ApproverName { name: approver.to_owned() });
    }
    if now >= intent.expires_at() {
        return Err(SignError::Expired { expires_at: intent.expires_at(), now });
    }
    let Some(policy) = policy else { return Ok(None) };
    if intent.wallet() != policy.name() {
        return Err(SignError::WrongWallet {
            intent: intent.wallet().to_owned(),
            policy: policy.name().to_owned(),
        });
    }
    if intent.network() != policy.network() {
        return Err(SignError::WrongNetwork {
            intent: network_name(intent.network()),
            policy: network_name(policy.network()),
        });
    }
    policy
        .approver(approver)
        .map(Some)
        .ok_or_else(|| SignError::UnknownApprover { name: approver.to_owned() })
}

/// Adds `approver`'s SSH approval, the armored SSHSIG that `ssh-keygen -Y sign -n
/// intentguard-intent-v1` wrote over [`Intent::message`] (SPEC 1.2), replacing an earlier
/// one by the same name, after checking it as [`verify`](crate::verify) will: an approval
/// that would not count is refused rather than written.
///
/// # Errors
///
/// Returns [`SignError`] for an invalid approver name, an intent expired at `now`, another
/// wallet or network, an unknown approver, an approver without an `ssh` key
/// ([`SignError::NotAnSshApprover`]) or an SSHSIG that does not verify under every
/// condition of SPEC 1.2 ([`SignError::Sshsig`], saying which).
pub fn add_sshsig_approval(
    intent: &Intent,
    approver: &str,
    armored: &str,
    policy: &Policy,
    now: Timestamp,
) -> Result<Intent, SignError> {
    let registered = signable(intent, approver, Some(policy), now)?;
    if registered.and_then(Approver::ssh).is_none() {
        return Err(SignError::NotAnSshApprover { name: approver.to_owned() });
    }
    let mut signed = intent.clone();
    signed.set_sshsig_approval(approver, armored.trim().to_owned() + "\n");
    let added = signed.approvals().iter().find(|a| a.approver() == approver);
    match added.map(|a| verify_approval(policy, &signed, a)) {
        Some(Ok(_)) => Ok(signed),
        Some(Err(Refusal::BadSignature(why))) => {
            Err(SignError::Sshsig { name: approver.to_owned(), problem: why })
        }
        Some(Err(Refusal::UnknownApprover)) | None => {
            Err(SignError::UnknownApprover { name: approver.to_owned() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceremony::fixtures::{alice, draft, key, now, ADDRESS, TREASURY, VAULT};
    use crate::ceremony::intent_status;
    use crate::checks::ApprovalStatus;

    #[test]
    fn an_ssh_approver_is_not_signed_for_with_a_key_file() {
        let bob_hex = "key = \"d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8\"";
        let ssh = "ssh = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYSvVAZ7t4k0PUujXYMOdfTPrxjwmnYRr41jBjdFarM\"";
        let policy = Policy::from_toml(&TREASURY.replacen(bob_hex, ssh, 1)).unwrap();
        let intent = draft(TREASURY, &[&format!("{ADDRESS}=1btc")], 3600).unwrap();
        let refused = sign_intent(&intent, "bob", &alice(), Some(&policy), now());
        assert_eq!(refused, Err(SignError::SshApprover { name: "bob".to_owned() }));
    }

    #[test]
    fn signing_replaces_never_duplicates() {
        let policy = Policy::from_toml(TREASURY).unwrap();
        let intent = draft(TREASURY, &[&format!("{ADDRESS}=1btc")], 3600).unwrap();
        let bob = key(&"11".repeat(32));
        // Without a policy, any key signs under any valid name; it would not verify as alice.
        let wrong = sign_intent(&intent, "alice", &bob, None, now()).unwrap();
        let carol = sign_intent(&wrong, "carol", &bob, None, now()).unwrap();
        let fixed = sign_intent(&carol, "alice", &alice(), Some(&policy), now()).unwrap();
        let names: Vec<&str> = fixed.approvals().iter().map(|a| a.approver()).collect();
        assert_eq!(names, ["alice", "carol"]);
        let status = intent_status(&policy, &fixed, now());
        assert_eq!(status.approvals, [ApprovalStatus::Valid, ApprovalStatus::BadSignature]);
        assert_eq!(status.bad_signatures(), 1);
        assert!(!status.approved());
    }

    #[test]
    fn signing_refusals() {
        let policy = Policy::from_toml(TREASURY).unwrap();
        let intent = draft(TREASURY, &[&format!("{ADDRESS}=1btc")], 3600).unwrap();
        let sign = |name: &str, key: &SigningKey, policy: Option<&Policy>, at: Timestamp| {
            sign_intent(&intent, name, key, policy, at)
        };
        let expired = Timestamp::from_unix(now().unix() + 3600);
        assert_eq!(
            sign("alice", &alice(), None, expired),
            Err(SignError::Expired { expires_at: expired, now: expired })
        );
        sign("alice", &alice(), None, Timestamp::from_unix(expired.unix() - 1)).unwrap();
        assert!(matches!(
            sign("mallory", &alice(), Some(&policy), now()),
            Err(SignError::UnknownApprover { .. })
        ));
        match sign("bob", &alice(), Some(&policy), now()) {
            Err(SignError::WrongKey { key, expected, .. }) => {
                assert_eq!(key, "76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70");
                assert_eq!(
                    expected,
                    "d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8"
                );
            }
            other => panic!("{other:?}"),
        }
        for name in ["", "a\u{1b}[2J", &"n".repeat(65)] {
            assert!(matches!(
                sign(name, &alice(), None, now()),
                Err(SignError::ApproverName { .. })
            ));
        }
        let vault = Policy::from_toml(VAULT).unwrap();
        assert!(matches!(
            sign("alice", &alice(), Some(&vault), now()),
            Err(SignError::WrongWallet { .. })
        ));
        let renamed = Policy::from_toml(&VAULT.replacen("\"vault\"", "\"treasury\"", 1)).unwrap();
        assert!(matches!(
            sign("alice", &alice(), Some(&renamed), now()),
            Err(SignError::WrongNetwork { intent: "bitcoin", policy: "testnet" })
        ));
    }
}
