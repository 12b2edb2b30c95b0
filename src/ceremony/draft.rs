//! Building a new intent from a policy and the payments typed (SPEC 3, `intent new`).
//!
//! Trusts: the policy. The intent is built with [`Intent::new`], the validation of parsing,
//! and refused when the intent checks of SPEC 2.1 would reject it for anything but its
//! missing approvals.

use core::fmt;
use core::time::Duration;

use miniscript::bitcoin::address::NetworkUnchecked;
use miniscript::bitcoin::{Address, Amount};

use crate::base::time::Timestamp;
use crate::ceremony::PayArg;
use crate::checks::check_intent;
use crate::checks::{Code, Finding, Severity};
use crate::parse::intent::{Intent, PaymentDraft};
use crate::parse::policy::{network_name, Policy};
use crate::parse::IntentError;

/// A new intent that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DraftError {
    /// A payment address is not an address of the policy's network.
    WrongNetwork {
        /// The payment's index.
        payment: usize,
        /// The address.
        address: String,
        /// The policy's network.
        network: &'static str,
    },
    /// `now` plus the lifetime is not a time an intent can hold.
    Lifetime {
        /// The lifetime in seconds.
        seconds: u64,
    },
    /// The fields break a rule of SPEC 1.2.
    Intent(IntentError),
    /// The policy would reject the intent (SPEC 2.1): each error finding says why.
    Refused {
        /// The findings, all of severity error.
        findings: Vec<Finding>,
    },
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongNetwork { payment, address, network } => write!(
                f,
                "payment {payment} goes to {address}, which is not an address on {network}, the wallet's network"
            ),
            Self::Lifetime { seconds } => {
                write!(f, "an intent cannot expire {seconds} s from now")
            }
            Self::Intent(e) => e.fmt(f),
            Self::Refused { findings } => {
                write!(f, "the policy does not allow this intent: ")?;
                for (i, finding) in findings.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{} ({})", finding.message, finding.code.as_str())?;
                }
                Ok(())
            }
        }
    }
}

/// `Display` already includes the intent error's message, so no source is reported (R13).
impl std::error::Error for DraftError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::WrongNetwork { .. }
            | Self::Lifetime { .. }
            | Self::Intent(_)
            | Self::Refused { .. } => None,
        }
    }
}

/// Builds a new intent, without approvals, for `policy`'s wallet and network: `created_at`
/// is `now` and `expires_at` is `now + lifetime`.
///
/// Refuses what [`verify`](crate::verify) would reject about the intent itself: an address
/// of another network, a lifetime over the policy's cap, an address off the policy's
/// allowlist, payments over its `max_total_sat`. Only the missing approvals remain.
///
/// # Errors
///
/// Returns [`DraftError`] saying which rule the fields break.
pub fn draft_intent(
    policy: &Policy,
    id: &str,
    payments: &[PayArg],
    max_fee: Option<Amount>,
    now: Timestamp,
    lifetime: Duration,
) -> Result<Intent, DraftError> {
    let network = policy.network();
    for (payment, pay) in payments.iter().enumerate() {
        let valid = pay
            .address()
            .parse::<Address<NetworkUnchecked>>()
            .is_ok_and(|a| a.is_valid_for_network(network));
        if !valid {
            return Err(DraftError::WrongNetwork {
                payment,
                address: pay.address().to_owned(),
                network: network_name(network),
            });
        }
    }
    let seconds = lifetime.as_secs();
    let expires_at = i64::try_from(seconds)
        .ok()
        .and_then(|s| now.unix().checked_add(s))
        .map(Timestamp::from_unix)
        .ok_or(DraftError::Lifetime { seconds })?;
    let drafts = payments
        .iter()
        .map(|p| PaymentDraft { address: p.address().to_owned(), amount: p.amount(), memo: None })
        .collect();
    let intent = Intent::new(id, policy.name(), network, drafts, max_fee, now, expires_at)
        .map_err(DraftError::Intent)?;
    let mut findings = Vec::new();
    check_intent(policy, &intent, now, &mut findings);
    findings.retain(|f| f.severity() == Severity::Error && f.code != Code::IntentQuorumNotMet);
    if !findings.is_empty() {
        return Err(DraftError::Refused { findings });
    }
    Ok(intent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceremony::fixtures::{draft, now, pay, ADDRESS, TESTNET, TREASURY, VAULT};

    #[test]
    fn drafts_that_verify_would_reject_are_refused() {
        match draft(TREASURY, &[&format!("{TESTNET}=1btc")], 3600) {
            Err(DraftError::WrongNetwork { payment: 0, network: "bitcoin", .. }) => {}
            other => panic!("{other:?}"),
        }
        match draft(TREASURY, &[&format!("{ADDRESS}=1btc")], 7 * 86_400 + 1) {
            Err(DraftError::Refused { findings }) => {
                assert_eq!(findings.len(), 1);
                assert_eq!(findings[0].code, Code::IntentLifetimeTooLong);
            }
            other => panic!("{other:?}"),
        }
        // Exactly the cap is allowed.
        draft(TREASURY, &[&format!("{ADDRESS}=1btc")], 7 * 86_400).unwrap();
        // vault-testnet: an allowlist and max_total_sat of 10 BTC.
        let vault_pay = |to: &str, amount: &str| format!("{to}={amount}");
        let off_list = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7";
        match draft(VAULT, &[&vault_pay(off_list, "1btc"), &vault_pay(TESTNET, "10.5btc")], 3600) {
            Err(DraftError::Refused { findings }) => {
                let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
                assert_eq!(
                    codes,
                    [Code::IntentDestinationNotAllowed, Code::IntentTotalOverLimit],
                    "{findings:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        draft(VAULT, &[&vault_pay(TESTNET, "10btc")], 3600).unwrap();
        assert!(matches!(
            draft(TREASURY, &[], 3600),
            Err(DraftError::Intent(IntentError::Field { .. }))
        ));
    }

    #[test]
    fn the_id_is_checked_like_a_parsed_one() {
        let policy = Policy::from_toml(TREASURY).unwrap();
        let pays = [pay(&format!("{ADDRESS}=1btc"))];
        let lifetime = Duration::from_secs(60);
        for bad in ["", "a b", "ü", &"x".repeat(129)] {
            match draft_intent(&policy, bad, &pays, None, now(), lifetime) {
                Err(DraftError::Intent(IntentError::Field { field, .. })) => {
                    assert_eq!(field, "id")
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        let far = Timestamp::from_unix(i64::MAX - 10);
        assert!(matches!(
            draft_intent(&policy, "x", &pays, None, far, lifetime),
            Err(DraftError::Lifetime { seconds: 60 })
        ));
    }
}
