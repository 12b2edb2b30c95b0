//! What the ceremony's tests share: the example policies, SPEC 1.2's alice, a fixed `now`,
//! and a draft of an intent under a policy.
//!
//! Trusts: the example policies in `policies/`, which the policy tests load.

use core::time::Duration;

use ed25519_dalek::SigningKey;
use miniscript::bitcoin::Amount;

use crate::base::hex::parse_lower_hex;
use crate::base::time::Timestamp;
use crate::ceremony::{draft_intent, parse_pay, DraftError, PayArg};
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;

/// The example bitcoin policy: treasury, 2 of 3.
pub(super) const TREASURY: &str = include_str!("../../policies/treasury.toml");
/// The example testnet policy: vault, with an allowlist and `max_total_sat` of 10 BTC.
pub(super) const VAULT: &str = include_str!("../../policies/vault-testnet.toml");
/// A bitcoin address (SPEC 1.2's payment).
pub(super) const ADDRESS: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
/// A testnet address, on vault's allowlist.
pub(super) const TESTNET: &str = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";

/// The time of every draft and signature: SPEC 1.2's `created_at`.
pub(super) fn now() -> Timestamp {
    "2024-05-31T01:00:00Z".parse().unwrap()
}

/// The Ed25519 key of a 32-byte seed in hex.
pub(super) fn key(seed: &str) -> SigningKey {
    SigningKey::from_bytes(&parse_lower_hex::<32>(seed).unwrap())
}

/// SPEC 1.2's alice.
pub(super) fn alice() -> SigningKey {
    key("862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f")
}

/// A `--pay` value that parses.
pub(super) fn pay(s: &str) -> PayArg {
    parse_pay(s).unwrap()
}

/// A draft under the policy `policy` (TOML) paying `pays`, with id `ops-1`, a fee cap of
/// 40,000 sat and a lifetime of `lifetime_s` seconds from [`now`].
pub(super) fn draft(policy: &str, pays: &[&str], lifetime_s: u64) -> Result<Intent, DraftError> {
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
