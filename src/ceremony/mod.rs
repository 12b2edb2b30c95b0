//! The signing ceremony (SPEC 3): building an intent from a policy, signing it as one of
//! its approvers, and saying what each approval is worth.
//!
//! Trusts: the policy. Rules are not restated here: an intent is built with
//! [`Intent::new`] (the validation of parsing) and checked with the intent checks of
//! [`verify`](crate::verify) (SPEC 2.1), and approvals are verified by
//! [`approval_status`], the one function that verifies them. So an intent that
//! [`draft_intent`] returns passes every intent check at `now` except the quorum, which its
//! approvers complete with [`sign_intent`].

use core::fmt;
use core::time::Duration;

use ed25519_dalek::SigningKey;
use miniscript::bitcoin::address::NetworkUnchecked;
use miniscript::bitcoin::{Address, Amount};

use crate::base::amount::{parse_amount, AmountError};
use crate::base::time::Timestamp;
use crate::checks::{approval_status, check_intent, ApprovalStatus};
use crate::checks::{Code, Finding, Severity};
use crate::parse::intent::{Intent, PaymentDraft};
use crate::parse::keyfile::public_key_hex;
use crate::parse::policy::{network_name, valid_approver_name, Policy};
use crate::parse::IntentError;

/// Longest `ADDRESS=AMOUNT` text accepted, in bytes.
const MAX_PAY_CHARS: usize = 256;

/// One `--pay ADDRESS=AMOUNT`: an address that parses (its network is checked against the
/// policy later) and an amount with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayArg {
    address: String,
    amount: Amount,
}

impl PayArg {
    /// Returns the address, in its canonical spelling (bech32 in lowercase).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Returns the amount.
    pub fn amount(&self) -> Amount {
        self.amount
    }
}

/// A `--pay` value that is not `ADDRESS=AMOUNT`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayError {
    /// No `=`, or nothing on one side of it, or too long.
    Shape {
        /// The text as typed (at most its first 256 characters).
        input: String,
    },
    /// The left side is not a Bitcoin address.
    Address {
        /// The address as typed.
        address: String,
        /// The address parser's message.
        problem: String,
    },
    /// The right side is not an amount.
    Amount(AmountError),
}

impl fmt::Display for PayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape { input } => write!(
                f,
                "{input:?} is not ADDRESS=AMOUNT, as in bc1q...=0.00125btc or bc1q...=125000sat"
            ),
            Self::Address { address, problem } => {
                write!(f, "{address:?} is not a Bitcoin address ({problem})")
            }
            Self::Amount(e) => e.fmt(f),
        }
    }
}

/// `Display` already includes the amount error's message, so no source is reported (R13).
impl std::error::Error for PayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Shape { .. } | Self::Address { .. } | Self::Amount(_) => None,
        }
    }
}

/// Parses `ADDRESS=AMOUNT`, such as `bc1q...=0.00125btc`; the amount needs its unit
/// ([`parse_amount`]).
///
/// # Errors
///
/// Returns [`PayError`] when there is no `=`, the address does not parse as an address of
/// any network, or the amount is not an amount.
pub fn parse_pay(s: &str) -> Result<PayArg, PayError> {
    let shape = || PayError::Shape { input: s.chars().take(MAX_PAY_CHARS).collect() };
    if s.len() > MAX_PAY_CHARS {
        return Err(shape());
    }
    let (address, amount) = s.split_once('=').ok_or_else(shape)?;
    if address.is_empty() || amount.is_empty() {
        return Err(shape());
    }
    let parsed: Address<NetworkUnchecked> = address
        .parse()
        .map_err(|e| PayError::Address { address: address.to_owned(), problem: format!("{e}") })?;
    let amount = parse_amount(amount).map_err(PayError::Amount)?;
    Ok(PayArg { address: parsed.assume_checked_ref().to_string(), amount })
}

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
            .address
            .parse::<Address<NetworkUnchecked>>()
            .is_ok_and(|a| a.is_valid_for_network(network));
        if !valid {
            return Err(DraftError::WrongNetwork {
                payment,
                address: pay.address.clone(),
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
        .map(|p| PaymentDraft { address: p.address.clone(), amount: p.amount, memo: None })
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
    if !valid_approver_name(approver) {
        return Err(SignError::ApproverName { name: approver.to_owned() });
    }
    if now >= intent.expires_at() {
        return Err(SignError::Expired { expires_at: intent.expires_at(), now });
    }
    if let Some(policy) = policy {
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
        let Some(registered) = policy.approver(approver) else {
            return Err(SignError::UnknownApprover { name: approver.to_owned() });
        };
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

/// What an intent's approvals are worth under a policy at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentStatus {
    /// The status of each approval, in the intent's order.
    pub approvals: Vec<ApprovalStatus>,
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
    let approvals = intent.approvals().iter().map(|a| approval_status(policy, intent, a)).collect();
    let mut findings = Vec::new();
    let approved_by = check_intent(policy, intent, now, &mut findings);
    IntentStatus { approvals, approved_by, quorum: policy.quorum(), findings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::policy::parse_lower_hex;

    const TREASURY: &str = include_str!("../../policies/treasury.toml");
    const VAULT: &str = include_str!("../../policies/vault-testnet.toml");
    const ADDRESS: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
    const TESTNET: &str = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";

    fn now() -> Timestamp {
        "2024-05-31T01:00:00Z".parse().unwrap()
    }

    fn key(seed: &str) -> SigningKey {
        SigningKey::from_bytes(&parse_lower_hex::<32>(seed).unwrap())
    }

    /// SPEC 1.2's alice.
    fn alice() -> SigningKey {
        key("862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f")
    }

    fn pay(s: &str) -> PayArg {
        parse_pay(s).unwrap()
    }

    fn draft(policy: &str, pays: &[&str], lifetime_s: u64) -> Result<Intent, DraftError> {
        let policy = Policy::from_toml(policy).unwrap();
        let pays: Vec<PayArg> = pays.iter().map(|p| pay(p)).collect();
        draft_intent(
            &policy,
            "ops-1",
            &pays,
            Some(Amount::from_sat(40_000)),
            now(),
            Duration::from_secs(lifetime_s),
        )
    }

    #[test]
    fn pay_arguments() {
        let p = pay("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ=4502.9 BTC");
        assert_eq!((p.address(), p.amount().to_sat()), (ADDRESS, 450_290_000_000));
        for bad in ["", "=1btc", &format!("{ADDRESS}="), ADDRESS, "1btc"] {
            assert!(matches!(parse_pay(bad), Err(PayError::Shape { .. })), "{bad}");
        }
        assert!(matches!(parse_pay("bc1qnope=1btc"), Err(PayError::Address { .. })));
        assert!(matches!(
            parse_pay(&format!("{ADDRESS}=1")),
            Err(PayError::Amount(AmountError::NoUnit { .. }))
        ));
        assert!(matches!(parse_pay(&format!("{ADDRESS}=1btc=2")), Err(PayError::Amount(_))));
    }

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
