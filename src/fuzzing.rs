//! Fuzzing oracles, shared by the `fuzz/` targets and replayed by `cargo test`.
//!
//! Each function takes arbitrary bytes and panics only when a property is broken; a parse
//! error is never a failure. Not part of the stable API.

use std::sync::OnceLock;

use crate::report::{Role, Verdict};
use crate::{verify, Intent, Policy, Request, Timestamp};

/// Decodes a request (encoding detection, size cap, strict parse). Must never panic; a
/// request that parses must re-encode to bytes that parse to the same request.
pub fn parse_request(data: &[u8]) {
    let Ok(request) = Request::from_bytes(data) else { return };
    let again = Request::from_bytes(&request.psbt().serialize());
    assert_eq!(again.map(|r| r.txid()).ok(), Some(request.txid()), "round trip changes the txid");
}

/// Parses binary PSBT bytes strictly. Must never panic; a PSBT that parses must serialise
/// (as version 0) to bytes that parse to the same transaction and maps.
pub fn parse_psbt(data: &[u8]) {
    let Ok(parsed) = crate::psbt::parse(data) else { return };
    let again = crate::psbt::parse(&parsed.psbt.serialize());
    assert_eq!(
        again.map(|p| p.psbt).ok(),
        Some(parsed.psbt),
        "decode, encode, decode is not stable"
    );
}

/// Parses a policy. Must never panic.
pub fn parse_policy(data: &[u8]) {
    let _ = Policy::from_toml_bytes(data);
}

/// Parses an intent. Must never panic; a parsed intent serialised and parsed again has the
/// same signed message (canonicalisation is stable).
pub fn parse_intent(data: &[u8]) {
    let Ok(intent) = Intent::from_json_bytes(data) else { return };
    let again = Intent::from_json(&intent.to_json_pretty());
    assert_eq!(
        again.as_ref().map(Intent::message).ok(),
        Some(intent.message()),
        "JCS is not stable"
    );
}

/// The fixed policy and intent of the `verify` target: the DMM vectors'.
const POLICY: &[u8] = include_bytes!("../vectors/dmm/honest/policy.toml");
const INTENT: &[u8] = include_bytes!("../vectors/dmm/honest/intent.json");
const NOW: i64 = 1_717_120_800; // 2024-05-31T02:00:00Z

/// Verifies fuzzed PSBT bytes against a fixed policy and intent and checks the security
/// property: the verdict is never approved unless every output is an intent payment or
/// re-derived change and every payment is paid exactly once. Verification is also
/// deterministic.
///
/// # Panics
///
/// When the property is broken, or the fixed policy or intent no longer parse.
#[expect(
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "an oracle panics to report"
)]
pub fn verify_request(data: &[u8]) {
    static FIXED: OnceLock<(Policy, Intent)> = OnceLock::new();
    let (policy, intent) = FIXED.get_or_init(|| {
        let policy = Policy::from_toml_bytes(POLICY).expect("the fixed policy parses");
        let intent = Intent::from_json_bytes(INTENT).expect("the fixed intent parses");
        (policy, intent)
    });
    let Ok(request) = Request::from_bytes(data) else { return };
    let now = Timestamp::from_unix(NOW);
    let Ok(report) = verify(policy, intent, &request, now, None) else { return };
    let again = verify(policy, intent, &request, now, None).ok();
    assert_eq!(again.as_ref(), Some(&report), "verification is not deterministic");
    if report.verdict != Verdict::Approved {
        return;
    }
    let tx = request.unsigned_tx();
    let payments = intent.payments();
    let mut paid = vec![0u32; payments.len()];
    assert_eq!(report.outputs.len(), tx.output.len(), "every output is reported");
    for (summary, txout) in report.outputs.iter().zip(&tx.output) {
        match summary.role {
            Role::Payment => {
                let k = summary.payment.expect("a payment output names its payment");
                let payment = &payments[k];
                assert_eq!(
                    txout.script_pubkey,
                    payment.script_pubkey(),
                    "approved payment to another script"
                );
                assert_eq!(txout.value, payment.amount(), "approved payment of another amount");
                paid[k] = paid[k].saturating_add(1);
            }
            Role::Change => {
                let (branch, index) =
                    (summary.branch.expect("branch"), summary.derivation_index.expect("index"));
                let derived = policy.wallet().derive(branch, index).expect("change derives");
                assert_eq!(
                    derived.script_pubkey, txout.script_pubkey,
                    "approved change that does not derive"
                );
                assert!(index <= policy.limits().max_change_index, "approved change above the cap");
            }
            Role::Unapproved => panic!("approved a request with an unapproved output"),
        }
    }
    assert!(paid.iter().all(|&n| n == 1), "approved with payments paid {paid:?} times");
}
