//! Fuzzing oracles, shared by the `fuzz/` targets and replayed by `cargo test`.
//!
//! Each function takes arbitrary bytes and panics only when a property is broken; a parse
//! error is never a failure. Not part of the stable API.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use miniscript::bitcoin::psbt::Psbt;
use miniscript::bitcoin::script::Instruction;
use miniscript::bitcoin::{ecdsa, taproot, EcdsaSighashType, NetworkKind, TapSighashType};

use crate::parse::psbt::{not_allowed_field, Location};

use crate::import::{self, Source};
use crate::service::VerifyCall;
use crate::wallet::Wallet;
use crate::{verify, Intent, Policy, Request, Role, Timestamp, Verdict};

/// Decodes a request (encoding detection, size cap, strict parse). Must never panic; a
/// request that parses must re-encode to bytes that parse to the same request.
pub fn parse_request(data: &[u8]) {
    let Ok(request) = Request::from_bytes(data) else { return };
    let again = Request::from_bytes(&request.psbt().serialize());
    assert_eq!(again.map(|r| r.txid()).ok(), Some(request.txid()), "round trip changes the txid");
}

/// Parses binary PSBT bytes strictly. Must never panic; the two-pass reading (signatures
/// beside the decoder) gives exactly what one full pass gives, result or error; a PSBT that
/// parses must serialise (as version 0) to bytes that parse to the same transaction and maps.
pub fn parse_psbt(data: &[u8]) {
    use crate::parse::psbt::{parse_for_verification, parse_in_one_pass};
    let first = crate::parse::psbt::parse(data);
    assert_eq!(first, parse_in_one_pass(data, true), "the two passes read differently");
    assert_eq!(
        parse_for_verification(data),
        parse_in_one_pass(data, false),
        "the two passes read differently for verification"
    );
    let Ok(parsed) = first else { return };
    let again = crate::parse::psbt::parse(&parsed.psbt.serialize());
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

/// Reads the body of a call to the service (SPEC 3, `POST /v1/verify`) and the intent and
/// request it carries. Must never panic, and reads the same every time.
///
/// # Panics
///
/// When reading is not deterministic.
#[expect(clippy::panic, reason = "an oracle panics to report")]
pub fn parse_call(data: &[u8]) {
    let Ok(call) = VerifyCall::from_json_bytes(data) else { return };
    let intent = call.intent().map(|i| i.digest_hex());
    let request = call.request().map(|r| r.txid());
    let again = VerifyCall::from_json_bytes(data)
        .unwrap_or_else(|e| panic!("a body read once is refused the second time: {e}"));
    assert_eq!(again.intent().map(|i| i.digest_hex()), intent, "the intent reads differently");
    assert_eq!(again.request().map(|r| r.txid()), request, "the request reads differently");
}

/// Most characters of an import refusal's message, whatever the file: "the wallet file: "
/// and a problem of at most 1,000 characters and `…`.
const MAX_IMPORT_MESSAGE_CHARS: usize = 1_100;

/// Imports a wallet file (SPEC 1.4). Must never panic. A refusal's message stays short
/// whatever the file. An import that succeeds is deterministic, its descriptor loads as a
/// policy descriptor on its network, and imported again as a bare descriptor it gives itself
/// (same text, a network of the same kind, no warnings).
///
/// # Panics
///
/// When one of these properties is broken.
#[expect(clippy::panic, reason = "an oracle panics to report")]
pub fn import_wallet(data: &[u8]) {
    let imported = match import::import_wallet(data, None) {
        Ok(imported) => imported,
        Err(e) => {
            let chars = e.to_string().chars().count();
            assert!(chars <= MAX_IMPORT_MESSAGE_CHARS, "a refusal of {chars} characters: {e}");
            return;
        }
    };
    let twice = import::import_wallet(data, None);
    assert_eq!(twice.as_ref(), Ok(&imported), "import is not deterministic");
    if let Err(e) = Wallet::from_descriptor(&imported.descriptor, imported.network) {
        panic!("imported {} does not load: {e}", imported.descriptor);
    }
    let again = match import::import_wallet(imported.descriptor.as_bytes(), None) {
        Ok(again) => again,
        Err(e) => panic!("imported {} does not import again: {e}", imported.descriptor),
    };
    assert_eq!(again.descriptor, imported.descriptor, "the canonical descriptor is not stable");
    assert_eq!(again.source, Source::Descriptor, "a descriptor is read as another format");
    assert!(again.warnings.is_empty(), "a canonical descriptor warns: {:?}", again.warnings);
    assert_eq!(
        NetworkKind::from(again.network),
        NetworkKind::from(imported.network),
        "the network changes kind"
    );
}

/// One wallet-file reader alone on fuzzed text: hand-written parsers are untrusted input
/// too (SPEC 1.4). It must never panic; what it reads is one descriptor or a receive and
/// change pair, and a refusal says something.
///
/// # Panics
///
/// When one of these properties is broken.
#[expect(clippy::panic, reason = "an oracle panics to report")]
fn import_reader(name: &str, data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else { return };
    match crate::wallet_import::read_alone(name, text) {
        Ok(Some(n)) => assert!((1..=2).contains(&n), "{name} found {n} descriptors"),
        Ok(None) => {}
        Err(problem) => {
            if problem.trim().is_empty() {
                panic!("{name} refused with an empty message");
            }
        }
    }
}

macro_rules! reader_targets {
    ($($target:ident => $name:literal),* $(,)?) => {$(
        #[doc = concat!("The `", $name, "` reader alone (see `import_reader`).")]
        ///
        /// # Panics
        ///
        /// When a property of the reader's oracle is broken.
        pub fn $target(data: &[u8]) {
            import_reader($name, data);
        }
    )*};
}

reader_targets! {
    import_listdescriptors => "listdescriptors",
    import_bip388 => "bip388",
    import_caravan => "caravan",
    import_json_descriptor => "json_descriptor",
    import_bsms => "bsms",
    import_coldcard => "coldcard",
    import_descriptor => "descriptor",
}

/// An OpenSSH key (the security key of the SSH vectors' bob) that fuzzed SSHSIGs are
/// verified against.
const SSH_KEY: &str = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIOBQdeWQP7cFWcURIaZQsltxb2OBpH4v+tlkcJhTFPqiAAAABHNzaDo=";

/// Reads and verifies a fuzzed armored SSHSIG (the hand-written SSHSIG and security-key
/// layouts of SPEC 1.2) against a fixed key, for a fixed message, with and without
/// user verification required. Must never panic, and never approve what fails the other.
///
/// # Panics
///
/// When one of these properties is broken.
pub fn parse_sshsig(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let Ok(key) = crate::parse::sshsig::SshKey::from_line(SSH_KEY) else { return };
    let message = b"intentguard/intent/v1\n{}";
    let strict = crate::checks::sshsig::verify(&key, text, message, true);
    let lax = crate::checks::sshsig::verify(&key, text, message, false);
    assert!(strict.is_err() || lax.is_ok(), "valid with user verification required, not without");
}

/// The fixed policy and intent of the `verify` target: the DMM vectors'.
const POLICY: &[u8] = include_bytes!("../vectors/dmm/honest/policy.toml");
const INTENT: &[u8] = include_bytes!("../vectors/dmm/honest/intent.json");
const NOW: i64 = 1_717_120_800; // 2024-05-31T02:00:00Z
/// The time budget per request byte of [`verify_request`]: far above what linear
/// verification takes even under a sanitizer, far below a quadratic blow-up.
pub const TIME_PER_BYTE: Duration = Duration::from_micros(50);

/// Verifies fuzzed PSBT bytes against a fixed policy and intent and checks the security
/// property: the verdict is never approved unless every output is an intent payment or
/// re-derived change and every payment is paid exactly once, no finalized input carries a
/// signature other than SIGHASH_ALL, and no map holds a field a signer would act on
/// unverified (SPEC 1.3). Verification is also deterministic, and finishes within
/// [`TIME_PER_BYTE`] per request byte (plus a fixed second for setup).
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
    let started = Instant::now();
    let Ok(request) = Request::from_bytes(data) else { return };
    let now = Timestamp::from_unix(NOW);
    let Ok(report) = verify(policy, intent, &request, now, None) else { return };
    let budget = Duration::from_secs(1).saturating_add(
        TIME_PER_BYTE.saturating_mul(u32::try_from(data.len()).unwrap_or(u32::MAX)),
    );
    assert!(started.elapsed() <= budget, "{} bytes took {:?}", data.len(), started.elapsed());
    let again = verify(policy, intent, &request, now, None).ok();
    assert_eq!(again.as_ref(), Some(&report), "verification is not deterministic");
    if report.verdict != Verdict::Approved {
        return;
    }
    assert_no_unverified_fields(request.psbt());
    assert_final_signatures_sighash_all(request.psbt());
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

/// No map of an approved request holds a field a signer acts on that intentguard does not
/// verify.
#[expect(clippy::panic, reason = "an oracle panics to report")]
fn assert_no_unverified_fields(psbt: &Psbt) {
    let maps = core::iter::once((Location::Global, &psbt.unknown))
        .chain(psbt.inputs.iter().enumerate().map(|(i, m)| (Location::Input(i), &m.unknown)))
        .chain(psbt.outputs.iter().enumerate().map(|(i, m)| (Location::Output(i), &m.unknown)));
    for (location, unknown) in maps {
        if let Some(name) =
            unknown.keys().find_map(|k| not_allowed_field(location, u64::from(k.type_value)))
        {
            panic!("approved a request whose {location:?} map holds {name}");
        }
    }
}

/// Every signature in an approved request's final scriptSigs and witnesses (every element
/// but the last, which is the script the fixed `wsh` policy derives) is SIGHASH_ALL.
#[expect(clippy::panic, reason = "an oracle panics to report")]
fn assert_final_signatures_sighash_all(psbt: &Psbt) {
    for (i, input) in psbt.inputs.iter().enumerate() {
        let mut elements: Vec<Vec<u8>> =
            input.final_script_witness.iter().flat_map(|w| w.iter().map(<[u8]>::to_vec)).collect();
        elements.pop();
        let mut pushes: Vec<Vec<u8>> = input
            .final_script_sig
            .iter()
            .flat_map(|s| s.instructions())
            .filter_map(|i| match i {
                Ok(Instruction::PushBytes(p)) => Some(p.as_bytes().to_vec()),
                _ => None,
            })
            .collect();
        pushes.pop();
        for element in elements.iter().chain(&pushes) {
            let ecdsa_not_all = ecdsa::Signature::from_slice(element)
                .is_ok_and(|s| s.sighash_type != EcdsaSighashType::All);
            let schnorr_not_all = taproot::Signature::from_slice(element).is_ok_and(|s| {
                !matches!(s.sighash_type, TapSighashType::Default | TapSighashType::All)
            });
            if ecdsa_not_all || schnorr_not_all {
                panic!("approved input {i} whose final scripts hold a signature that is not SIGHASH_ALL");
            }
        }
    }
}
