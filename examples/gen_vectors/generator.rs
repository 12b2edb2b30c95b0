//! The deterministic generator of `vectors/`: fixed seeds, real keys, real signatures.
//!
//! Every case states its expected exit code, verdict and findings by hand, here in the
//! source; nothing is computed by running the verifier. `cargo run --example gen_vectors`
//! rewrites the folder; `tests/integration/vectors.rs` checks that it reproduces it byte for byte.
//!
//! It derives scripts with `miniscript` straight from the descriptor string, independently
//! of the library's own derivation code.

#[path = "sshsig.rs"]
pub mod sshsig;

use std::collections::BTreeMap;
use std::str::FromStr;

use ed25519_dalek::{Signer as _, SigningKey};
use intentguard::bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpriv, Xpub};
use intentguard::bitcoin::hashes::{hash160, sha256, sha256d, Hash};
use intentguard::bitcoin::key::{Keypair, TapTweak, XOnlyPublicKey};
use intentguard::bitcoin::opcodes::all::{
    OP_CHECKSIG, OP_CHECKSIGADD, OP_CHECKSIGVERIFY, OP_DUP, OP_EQUALVERIFY, OP_HASH160, OP_NUMEQUAL,
};
use intentguard::bitcoin::psbt::{raw, Input, Output, Psbt, PsbtSighashType};
use intentguard::bitcoin::script::{Builder, Instruction, PushBytesBuf};
use intentguard::bitcoin::secp256k1::{All, Message, Secp256k1, SecretKey};
use intentguard::bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use intentguard::bitcoin::taproot::{
    self, LeafVersion, TapLeafHash, TapTree, TaprootBuilder, TaprootSpendInfo,
};
use intentguard::bitcoin::{
    absolute, ecdsa, transaction, Address, Amount, EcdsaSighashType, Network, OutPoint, PublicKey,
    ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness,
};
use intentguard::miniscript::descriptor::DescriptorPublicKey;
use intentguard::miniscript::Descriptor;
use serde_json::{json, Value};

/// One case: a folder under `vectors/` and its files.
pub struct Case {
    /// Path under `vectors/`.
    pub dir: String,
    /// File name and contents.
    pub files: Vec<(&'static str, Vec<u8>)>,
}

const CREATED: &str = "2024-05-31T01:00:00Z";
const EXPIRES: &str = "2024-05-31T13:00:00Z";
const NOW: &str = "2024-05-31T02:00:00Z";
/// The address the approved DMM-style transfer pays (SPEC 1.2's example address).
const DESTINATION: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
/// A second legitimate destination (BIP-173's P2WPKH example).
const DESTINATION_2: &str = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
/// The approvers' Ed25519 seeds; alice's is SPEC 1.2's.
const ALICE_SEED: &str = "862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f";

fn tagged(tag: &str) -> [u8; 32] {
    sha256::Hash::hash(tag.as_bytes()).to_byte_array()
}

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// An attacker-controlled address: P2WPKH of a key derived from a fixed tag.
fn attacker_script() -> ScriptBuf {
    let secp = Secp256k1::new();
    let sk = SecretKey::from_slice(&tagged("intentguard test attacker")).unwrap();
    let pk = PublicKey::new(sk.public_key(&secp));
    ScriptBuf::new_p2wpkh(&pk.wpubkey_hash().unwrap())
}

fn script_of(address: &str) -> ScriptBuf {
    Address::from_str(address).unwrap().assume_checked().script_pubkey()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Wsh,
    ShWsh,
    Sh,
}

struct Cosigner {
    account: Xpriv,
    fingerprint: Fingerprint,
    origin: DerivationPath,
}

/// A multisig wallet built from fixed seeds.
struct Wallet {
    kind: Kind,
    network: Network,
    cosigners: Vec<Cosigner>,
    descriptor: String,
    branches: Vec<Descriptor<DescriptorPublicKey>>,
    secp: Secp256k1<All>,
}

impl Wallet {
    fn new(tag: &str, kind: Kind, sorted: bool, network: Network) -> Wallet {
        let secp = Secp256k1::new();
        let coin = if network == Network::Bitcoin { 0 } else { 1 };
        let script_type = match kind {
            Kind::Wsh => 2,
            Kind::ShWsh => 1,
            Kind::Sh => 0,
        };
        let origin = DerivationPath::from_str(&format!("m/48'/{coin}'/0'/{script_type}'")).unwrap();
        let mut cosigners = Vec::new();
        let mut keys = Vec::new();
        for name in ["a", "b", "c"] {
            let master = Xpriv::new_master(
                network,
                &tagged(&format!("intentguard test {tag} cosigner {name}")),
            )
            .unwrap();
            let account = master.derive_priv(&secp, &origin).unwrap();
            let fingerprint = master.fingerprint(&secp);
            let xpub = Xpub::from_priv(&secp, &account);
            let path = origin.to_string();
            keys.push(format!("[{fingerprint}/{}]{xpub}/<0;1>/*", path.trim_start_matches("m/")));
            cosigners.push(Cosigner { account, fingerprint, origin: origin.clone() });
        }
        let multi = if sorted { "sortedmulti" } else { "multi" };
        let inner = format!("{multi}(2,{})", keys.join(","));
        let body = match kind {
            Kind::Wsh => format!("wsh({inner})"),
            Kind::ShWsh => format!("sh(wsh({inner}))"),
            Kind::Sh => format!("sh({inner})"),
        };
        let parsed = Descriptor::<DescriptorPublicKey>::from_str(&body).unwrap();
        let descriptor = parsed.to_string(); // with checksum
        let branches = parsed.into_single_descriptors().unwrap();
        Wallet { kind, network, cosigners, descriptor, branches, secp }
    }

    fn derived(&self, branch: u32, index: u32) -> Descriptor<PublicKey> {
        self.branches[branch as usize]
            .at_derivation_index(index)
            .unwrap()
            .derived_descriptor(&self.secp)
    }

    fn script(&self, branch: u32, index: u32) -> ScriptBuf {
        self.derived(branch, index).script_pubkey()
    }

    fn witness_script(&self, branch: u32, index: u32) -> Option<ScriptBuf> {
        match self.kind {
            Kind::Wsh | Kind::ShWsh => Some(self.derived(branch, index).explicit_script().unwrap()),
            Kind::Sh => None,
        }
    }

    fn redeem_script(&self, branch: u32, index: u32) -> Option<ScriptBuf> {
        let inner = self.derived(branch, index).explicit_script().unwrap();
        match self.kind {
            Kind::Wsh => None,
            Kind::ShWsh => Some(ScriptBuf::new_p2wsh(&inner.wscript_hash())),
            Kind::Sh => Some(inner),
        }
    }

    fn secret(&self, cosigner: usize, branch: u32, index: u32) -> SecretKey {
        let c = &self.cosigners[cosigner];
        let path = [
            ChildNumber::from_normal_idx(branch).unwrap(),
            ChildNumber::from_normal_idx(index).unwrap(),
        ];
        c.account.derive_priv(&self.secp, &path).unwrap().private_key
    }

    fn origins(
        &self,
        branch: u32,
        index: u32,
    ) -> BTreeMap<intentguard::bitcoin::secp256k1::PublicKey, (Fingerprint, DerivationPath)> {
        let mut map = BTreeMap::new();
        for (k, c) in self.cosigners.iter().enumerate() {
            let pk = self.secret(k, branch, index).public_key(&self.secp);
            let path = c.origin.extend([
                ChildNumber::from_normal_idx(branch).unwrap(),
                ChildNumber::from_normal_idx(index).unwrap(),
            ]);
            map.insert(pk, (c.fingerprint, path));
        }
        map
    }
}

/// An input to build: spends the output a deterministic funding transaction pays to
/// `wallet` at (branch, index).
struct In<'w> {
    wallet: &'w Wallet,
    branch: u32,
    index: u32,
    sat: u64,
    vout: Option<u32>,
}

fn input(wallet: &Wallet, branch: u32, index: u32, sat: u64) -> In<'_> {
    In { wallet, branch, index, sat, vout: None }
}

enum Out {
    Pay(ScriptBuf, u64),
    Change(u32, u32, u64),
}

/// The funding transaction of an input: one dummy output, then the wallet's at vout 1.
fn funding(i: &In) -> Transaction {
    funding_tx(&i.wallet.descriptor, i.branch, i.index, i.sat, i.wallet.script(i.branch, i.index))
}

/// A deterministic transaction paying `sat` to `script` at vout 1, its one input derived
/// from the descriptor, (branch, index) and amount so that every coin has its own txid.
fn funding_tx(
    descriptor: &str,
    branch: u32,
    index: u32,
    sat: u64,
    script: ScriptBuf,
) -> Transaction {
    let tag = format!("fund {descriptor} {branch} {index} {sat}");
    Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: Txid::from_byte_array(sha256d::Hash::hash(tag.as_bytes()).to_byte_array()),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![
            TxOut { value: Amount::from_sat(5_000), script_pubkey: attacker_script() },
            TxOut { value: Amount::from_sat(sat), script_pubkey: script },
        ],
    }
}

/// Builds the PSBT with full UTXO data, scripts and key origins, signed by cosigners 0 and 1.
fn build(wallet: &Wallet, inputs: &[In], outputs: &[Out]) -> Psbt {
    let outpoints = inputs
        .iter()
        .map(|i| OutPoint { txid: funding(i).compute_txid(), vout: i.vout.unwrap_or(1) })
        .collect();
    let tx = spending_tx(outpoints, tx_outs(outputs, |b, i| wallet.script(b, i)));
    let mut psbt = Psbt::from_unsigned_tx(tx).unwrap();
    for (n, i) in inputs.iter().enumerate() {
        let w = i.wallet;
        let prev = funding(i);
        psbt.inputs[n] = Input {
            witness_utxo: (w.kind != Kind::Sh).then(|| prev.output[1].clone()),
            non_witness_utxo: Some(prev),
            witness_script: w.witness_script(i.branch, i.index),
            redeem_script: w.redeem_script(i.branch, i.index),
            bip32_derivation: w.origins(i.branch, i.index),
            ..Input::default()
        };
    }
    for (n, o) in outputs.iter().enumerate() {
        if let Out::Change(b, i, _) = o {
            psbt.outputs[n] = Output {
                witness_script: wallet.witness_script(*b, *i),
                redeem_script: wallet.redeem_script(*b, *i),
                bip32_derivation: wallet.origins(*b, *i),
                ..Output::default()
            };
        }
    }
    for (n, i) in inputs.iter().enumerate() {
        for cosigner in [0, 1] {
            sign(&mut psbt, n, i, cosigner, EcdsaSighashType::All);
        }
    }
    psbt
}

fn sighash(psbt: &Psbt, n: usize, i: &In, ty: EcdsaSighashType) -> Message {
    let w = i.wallet;
    let cache_tx = psbt.unsigned_tx.clone();
    let mut cache = SighashCache::new(&cache_tx);
    let digest = match w.kind {
        Kind::Wsh | Kind::ShWsh => cache
            .p2wsh_signature_hash(
                n,
                &w.witness_script(i.branch, i.index).unwrap(),
                Amount::from_sat(i.sat),
                ty,
            )
            .unwrap()
            .to_byte_array(),
        Kind::Sh => cache
            .legacy_signature_hash(n, &w.redeem_script(i.branch, i.index).unwrap(), ty.to_u32())
            .unwrap()
            .to_byte_array(),
    };
    Message::from_digest(digest)
}

/// Adds cosigner `cosigner`'s signature on input `n` with sighash type `ty`.
fn sign(psbt: &mut Psbt, n: usize, i: &In, cosigner: usize, ty: EcdsaSighashType) {
    let w = i.wallet;
    let sk = w.secret(cosigner, i.branch, i.index);
    let signature = w.secp.sign_ecdsa(&sighash(psbt, n, i, ty), &sk);
    let pk = PublicKey::new(sk.public_key(&w.secp));
    psbt.inputs[n].partial_sigs.insert(pk, ecdsa::Signature { signature, sighash_type: ty });
}

fn approver_keys() -> Vec<(&'static str, SigningKey)> {
    vec![
        ("alice", SigningKey::from_bytes(&hex32(ALICE_SEED))),
        ("bob", SigningKey::from_bytes(&tagged("intentguard test approver bob"))),
        ("carol", SigningKey::from_bytes(&tagged("intentguard test approver carol"))),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Policy text with the standard approvers and these limits (each `key = value`).
fn policy(name: &str, wallet: &Wallet, limits: &[(&str, &str)]) -> String {
    let network = match wallet.network {
        Network::Bitcoin => "bitcoin",
        Network::Testnet => "testnet",
        Network::Regtest => "regtest",
        _ => unreachable!(),
    };
    let mut text = format!(
        "# Generated by `cargo run --example gen_vectors`; do not edit.\nname = \"{name}\"\nnetwork = \"{network}\"\ndescriptor = \"{}\"\n\n[approvals]\nquorum = 2\napprovers = [\n",
        wallet.descriptor
    );
    for (name, key) in approver_keys() {
        text.push_str(&format!(
            "  {{ name = \"{name}\", key = \"{}\" }},\n",
            hex(key.verifying_key().as_bytes())
        ));
    }
    text.push_str("]\n\n[limits]\n");
    let mut all: Vec<(&str, &str)> =
        vec![("max_fee_sat", "500000"), ("max_fee_rate_sat_vb", "300")];
    for (k, v) in limits {
        match all.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    for (k, v) in all {
        text.push_str(&format!("{k} = {v}\n"));
    }
    text
}

/// An intent to write.
#[derive(Clone)]
struct IntentSpec {
    id: &'static str,
    wallet: &'static str,
    network: &'static str,
    payments: Vec<(String, u64, Option<&'static str>)>,
    max_fee_sat: Option<u64>,
    created_at: &'static str,
    expires_at: &'static str,
    signers: Vec<&'static str>,
}

impl IntentSpec {
    fn new(payments: Vec<(String, u64, Option<&'static str>)>) -> IntentSpec {
        IntentSpec {
            id: "ops-2024-05-31-0001",
            wallet: "treasury",
            network: "bitcoin",
            payments,
            max_fee_sat: Some(40_000),
            created_at: CREATED,
            expires_at: EXPIRES,
            signers: vec!["alice", "bob"],
        }
    }

    fn unsigned(&self) -> Value {
        let payments: Vec<Value> = self
            .payments
            .iter()
            .map(|(address, sat, memo)| match memo {
                Some(m) => json!({ "address": address, "amount_sat": sat, "memo": m }),
                None => json!({ "address": address, "amount_sat": sat }),
            })
            .collect();
        let mut v = json!({
            "version": 1,
            "id": self.id,
            "wallet": self.wallet,
            "network": self.network,
            "payments": payments,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
        });
        if let Some(fee) = self.max_fee_sat {
            v["max_fee_sat"] = json!(fee);
        }
        v
    }

    /// The intent file, with approvals by `signers` in order, then `extra` approvals as given.
    fn json_with(&self, extra: &[(&str, String)]) -> String {
        let unsigned = self.unsigned();
        let mut message = b"intentguard/intent/v1\n".to_vec();
        message.extend(serde_json_canonicalizer::to_vec(&unsigned).unwrap());
        let keys = approver_keys();
        let mut approvals: Vec<Value> = self
            .signers
            .iter()
            .map(|name| {
                let key = &keys.iter().find(|(n, _)| n == name).unwrap().1;
                json!({ "approver": name, "signature": hex(&key.sign(&message).to_bytes()) })
            })
            .collect();
        for (name, sig) in extra {
            approvals.push(json!({ "approver": name, "signature": sig }));
        }
        let mut file = unsigned;
        file["approvals"] = Value::Array(approvals);
        let mut text = serde_json::to_string_pretty(&file).unwrap();
        text.push('\n');
        text
    }

    fn json(&self) -> String {
        self.json_with(&[])
    }

    fn message(&self) -> Vec<u8> {
        let mut message = b"intentguard/intent/v1\n".to_vec();
        message.extend(serde_json_canonicalizer::to_vec(&self.unsigned()).unwrap());
        message
    }
}

/// An expected finding: code and place.
type Expect = (&'static str, Option<(&'static str, usize)>);

fn e(code: &'static str) -> Expect {
    (code, None)
}
fn at_input(code: &'static str, i: usize) -> Expect {
    (code, Some(("input", i)))
}
fn at_output(code: &'static str, i: usize) -> Expect {
    (code, Some(("output", i)))
}
fn at_payment(code: &'static str, i: usize) -> Expect {
    (code, Some(("payment", i)))
}
fn at_approval(code: &'static str, i: usize) -> Expect {
    (code, Some(("approval", i)))
}

struct Expected {
    description: &'static str,
    now: &'static str,
    findings: Vec<Expect>,
    ledger_bound_txid: Option<Txid>,
}

fn expected(description: &'static str, findings: Vec<Expect>) -> Expected {
    Expected { description, now: NOW, findings, ledger_bound_txid: None }
}

const ERROR_FREE: [&str; 3] =
    ["INTENT_UNKNOWN_APPROVER", "CHANGE_ON_RECEIVE_BRANCH", "PSBT_UNKNOWN_FIELD"];

fn case(dir: &str, policy: String, intent: String, psbt: &Psbt, exp: Expected) -> Case {
    case_with_request(dir, policy, intent, psbt, format!("{psbt}\n").into_bytes(), exp)
}

/// A case whose request file is `request`, the bytes of `psbt` as some tool wrote them.
fn case_with_request(
    dir: &str,
    policy: String,
    intent: String,
    psbt: &Psbt,
    request: Vec<u8>,
    exp: Expected,
) -> Case {
    let approved = exp.findings.iter().all(|(code, _)| ERROR_FREE.contains(code));
    let findings: Vec<Value> = exp
        .findings
        .iter()
        .map(|(code, place)| match place {
            None => json!({ "code": code }),
            Some((kind, i)) => {
                let mut v = json!({ "code": code });
                v[*kind] = json!(i);
                v
            }
        })
        .collect();
    let fee = fee(psbt);
    let mut expected = json!({
        "description": exp.description,
        "now": exp.now,
        "exit_code": if approved { 0 } else { 1 },
        "verdict": if approved { "approved" } else { "rejected" },
        "txid": psbt.unsigned_tx.compute_txid().to_string(),
        "fee_sat": fee,
        "findings": findings,
    });
    if let Some(txid) = exp.ledger_bound_txid {
        expected["ledger_bound_txid"] = json!(txid.to_string());
    }
    let mut expected_text = serde_json::to_string_pretty(&expected).unwrap();
    expected_text.push('\n');
    Case {
        dir: dir.to_owned(),
        files: vec![
            ("README", format!("{}\n", exp.description).into_bytes()),
            ("policy.toml", policy.into_bytes()),
            ("intent.json", intent.into_bytes()),
            ("request.psbt", request),
            ("expected.json", expected_text.into_bytes()),
        ],
    }
}

/// A case that cannot be verified: exit code 2 with `error` as the error code. The request
/// file is written as given (raw bytes included).
fn error_case(
    dir: &str,
    description: &'static str,
    policy: String,
    intent: String,
    request: Vec<u8>,
    error: &str,
) -> Case {
    let expected =
        json!({ "description": description, "now": NOW, "exit_code": 2, "error": error });
    let mut expected_text = serde_json::to_string_pretty(&expected).unwrap();
    expected_text.push('\n');
    Case {
        dir: dir.to_owned(),
        files: vec![
            ("README", format!("{description}\n").into_bytes()),
            ("policy.toml", policy.into_bytes()),
            ("intent.json", intent.into_bytes()),
            ("request.psbt", request),
            ("expected.json", expected_text.into_bytes()),
        ],
    }
}

/// Cases that must not verify at all (exit 2): policies that break the descriptor rules of
/// SPEC 1.1 and limits out of range.
fn error_cases(treasury: &Wallet, honest: &Psbt) -> Vec<Case> {
    let intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let request = format!("{honest}\n").into_bytes();
    let base = policy("treasury", treasury, &[]);
    let body = treasury.descriptor.split('#').next().unwrap();
    let keys: Vec<&str> =
        body.trim_start_matches("wsh(sortedmulti(2,").trim_end_matches("))").split(',').collect();
    let with_keys = |k: [&str; 3]| {
        let descriptor = format!("wsh(sortedmulti(2,{},{},{}))", k[0], k[1], k[2]);
        base.replace(&treasury.descriptor, &descriptor)
    };
    let (origin, key) = keys[0].split_once(']').unwrap();
    let xpub = key.trim_end_matches("/<0;1>/*");
    let mut data = intentguard::bitcoin::base58::decode_check(xpub).unwrap();
    data[..4].copy_from_slice(&[0x02, 0xaa, 0x7e, 0xd3]); // Zpub (SLIP-132, P2WSH multisig)
    let zpub = intentguard::bitcoin::base58::encode_check(&data);
    let cases: [(&str, &'static str, String); 5] = [
        (
            "901-policy-max-tx-weight-over-consensus",
            "The policy raises max_tx_weight above 4,000,000 WU, the consensus limit.",
            policy("treasury", treasury, &[("max_tx_weight", "4000001")]),
        ),
        (
            "902-policy-key-without-origin",
            "The policy's first key has no key origin [fingerprint/path].",
            with_keys([key, keys[1], keys[2]]),
        ),
        (
            "903-policy-same-key-twice",
            "The policy lists its first key twice: a 2-of-3 that one key can sign alone.",
            with_keys([keys[0], keys[1], keys[0]]),
        ),
        (
            "904-policy-same-xpub-other-origin",
            "The policy's third key is its first xpub under another origin: the same key.",
            with_keys([keys[0], keys[1], &format!("[00000000/48'/0'/0'/2']{key}")]),
        ),
        (
            "905-policy-slip132-key",
            "The policy's first key is written as a SLIP-132 Zpub; a policy takes xpub only.",
            with_keys([&format!("{origin}]{zpub}/<0;1>/*"), keys[1], keys[2]]),
        ),
    ];
    cases
        .into_iter()
        .map(|(dir, description, policy)| {
            error_case(dir, description, policy, intent.json(), request.clone(), "POLICY_INVALID")
        })
        .collect()
}

/// The fee from the PSBT's own previous transactions, when every input has a consistent one.
fn fee(psbt: &Psbt) -> Value {
    let mut total_in: i128 = 0;
    for (txin, input) in psbt.unsigned_tx.input.iter().zip(&psbt.inputs) {
        let from_prev = input.non_witness_utxo.as_ref().and_then(|tx| {
            (tx.compute_txid() == txin.previous_output.txid)
                .then(|| tx.output.get(txin.previous_output.vout as usize))
                .flatten()
        });
        let amount = match (&input.non_witness_utxo, from_prev, &input.witness_utxo) {
            (Some(_), Some(out), _) => out.value,
            (None, _, Some(out)) => out.value,
            _ => return Value::Null,
        };
        total_in += i128::from(amount.to_sat());
    }
    let total_out: i128 =
        psbt.unsigned_tx.output.iter().map(|o| i128::from(o.value.to_sat())).sum();
    json!(total_in - total_out)
}

const BTC: u64 = 100_000_000;
const DMM_AMOUNT: u64 = 450_290_000_000;

/// Every case, in a fixed order.
pub fn all_cases() -> Vec<Case> {
    let treasury = Wallet::new("treasury", Kind::Wsh, true, Network::Bitcoin);
    let foreign = Wallet::new("foreign", Kind::Wsh, true, Network::Bitcoin);
    let base_policy = || policy("treasury", &treasury, &[]);
    let dmm_intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let fee = 20_000;
    let change = 3_000 * BTC + 2_000 * BTC - DMM_AMOUNT - fee;
    let dmm_inputs =
        || vec![input(&treasury, 0, 7, 3_000 * BTC), input(&treasury, 0, 12, 2_000 * BTC)];
    let honest_outputs =
        || vec![Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 3, change)];
    let honest = build(&treasury, &dmm_inputs(), &honest_outputs());
    let honest_alt = build(
        &treasury,
        &dmm_inputs(),
        &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 4, change - 1_000)],
    );

    let mut cases = Vec::new();
    let mut add = |dir: &str, policy: String, intent: String, psbt: &Psbt, exp: Expected| {
        cases.push(case(dir, policy, intent, psbt, exp));
    };

    // --- The DMM scenario -------------------------------------------------------------
    add(
        "dmm/honest",
        base_policy(),
        dmm_intent.json(),
        &honest,
        expected("The approved transfer, as approved: 4,502.9 BTC to the agreed address, change to the wallet.", vec![]),
    );
    let redirected = build(
        &treasury,
        &dmm_inputs(),
        &[Out::Pay(attacker_script(), DMM_AMOUNT), Out::Change(1, 3, change)],
    );
    add(
        "dmm/redirected",
        base_policy(),
        dmm_intent.json(),
        &redirected,
        expected(
            "The same transfer with its destination swapped for the attacker's address, as in May 2024.",
            vec![at_output("OUTPUT_NOT_IN_INTENT", 0), at_payment("PAYMENT_MISSING", 0)],
        ),
    );
    add(
        "dmm/honest-alt",
        base_policy(),
        dmm_intent.json(),
        &honest_alt,
        expected("Another valid transaction for the same intent (other change index and fee): a different txid.", vec![]),
    );

    // --- Positives, one per descriptor shape ----------------------------------------------
    let shapes: [(&str, Kind, bool); 6] = [
        ("001-wsh-sortedmulti", Kind::Wsh, true),
        ("002-wsh-multi", Kind::Wsh, false),
        ("003-sh-wsh-sortedmulti", Kind::ShWsh, true),
        ("004-sh-wsh-multi", Kind::ShWsh, false),
        ("005-sh-sortedmulti", Kind::Sh, true),
        ("006-sh-multi", Kind::Sh, false),
    ];
    for (dir, kind, sorted) in shapes {
        let w = Wallet::new(dir, kind, sorted, Network::Bitcoin);
        let inputs = [input(&w, 0, 0, BTC), input(&w, 1, 2, BTC / 2)];
        let psbt = build(
            &w,
            &inputs,
            &[Out::Pay(script_of(DESTINATION), BTC), Out::Change(1, 5, BTC / 2 - 30_000)],
        );
        let intent = IntentSpec::new(vec![(DESTINATION.to_owned(), BTC, None)]);
        add(
            dir,
            policy("treasury", &w, &[]),
            intent.json(),
            &psbt,
            expected("A 2-of-3 spend that pays exactly the intent, with change: approved.", vec![]),
        );
    }
    {
        let w = Wallet::new("regtest", Kind::Wsh, true, Network::Regtest);
        let dest = foreign_address(Network::Regtest);
        let psbt = build(&w, &[input(&w, 0, 1, BTC)], &[Out::Pay(script_of(&dest), BTC - 10_000)]);
        let mut intent = IntentSpec::new(vec![(dest, BTC - 10_000, Some("no change"))]);
        intent.network = "regtest";
        add(
            "007-regtest-no-change",
            policy("treasury", &w, &[]),
            intent.json(),
            &psbt,
            expected(
                "A regtest wallet paying its whole input to one address, no change: approved.",
                vec![],
            ),
        );
    }
    {
        let inputs = [input(&treasury, 0, 1, 2 * BTC)];
        let outputs = [
            Out::Pay(script_of(DESTINATION), BTC / 2),
            Out::Pay(script_of(DESTINATION_2), BTC / 4),
            Out::Pay(script_of(DESTINATION), BTC / 2),
            Out::Change(1, 0, BTC * 3 / 4 - 15_000),
        ];
        let psbt = build(&treasury, &inputs, &outputs);
        let intent = IntentSpec::new(vec![
            (DESTINATION.to_owned(), BTC / 2, Some("first half")),
            (DESTINATION_2.to_owned(), BTC / 4, None),
            (DESTINATION.to_owned(), BTC / 2, Some("second half")),
        ]);
        add(
            "008-batch-equal-payments",
            base_policy(),
            intent.json(),
            &psbt,
            expected("Three payments, two of them equal: each equal payment needs its own output. Approved.", vec![]),
        );
    }
    {
        let psbt = honest.clone();
        let mut psbt = psbt;
        for input in &mut psbt.inputs {
            input.non_witness_utxo = None;
        }
        add(
            "009-require-prev-tx-false",
            policy("treasury", &treasury, &[("require_prev_tx", "false")]),
            dmm_intent.json(),
            &psbt,
            expected("witness_utxo alone, with a policy that does not require previous transactions: approved.", vec![]),
        );
    }
    add(
        "010-clock-skew-allowed",
        base_policy(),
        dmm_intent.json(),
        &honest,
        Expected {
            now: "2024-05-31T00:55:00Z",
            ..expected(
                "created_at exactly 300 s after now is within the allowed clock skew: approved.",
                vec![],
            )
        },
    );

    // --- SPEC 2.1: the intent ---------------------------------------------------------------
    let mut intent = IntentSpec::new(dmm_intent.payments.clone());
    intent.wallet = "payroll";
    add(
        "101-intent-wrong-wallet",
        base_policy(),
        intent.json(),
        &honest,
        expected("The intent names another wallet.", vec![e("INTENT_WRONG_WALLET")]),
    );

    let mut intent = IntentSpec::new(vec![(
        Address::from_script(&script_of(DESTINATION), Network::Testnet).unwrap().to_string(),
        DMM_AMOUNT,
        Some("OTC settlement"),
    )]);
    intent.network = "testnet";
    add(
        "102-intent-wrong-network",
        base_policy(),
        intent.json(),
        &honest,
        expected(
            "The intent is for testnet; the wallet is on bitcoin (same script, other network).",
            vec![e("INTENT_WRONG_NETWORK")],
        ),
    );
    add(
        "103-intent-expired",
        base_policy(),
        dmm_intent.json(),
        &honest,
        Expected {
            now: EXPIRES,
            ..expected("now equals expires_at: expired.", vec![e("INTENT_EXPIRED")])
        },
    );
    add(
        "104-intent-not-yet-valid",
        base_policy(),
        dmm_intent.json(),
        &honest,
        Expected {
            now: "2024-05-31T00:54:59Z",
            ..expected("created_at is 301 s after now.", vec![e("INTENT_NOT_YET_VALID")])
        },
    );
    let mut intent = IntentSpec::new(dmm_intent.payments.clone());
    intent.expires_at = "2024-06-07T01:00:01Z";
    add(
        "105-intent-lifetime-too-long",
        base_policy(),
        intent.json(),
        &honest,
        expected(
            "expires_at - created_at is 7 days and 1 s; the default cap is 7 days.",
            vec![e("INTENT_LIFETIME_TOO_LONG")],
        ),
    );
    {
        let mut intent = IntentSpec::new(dmm_intent.payments.clone());
        intent.signers = vec!["alice", "bob"];
        let keys = approver_keys();
        let mut forged = keys[2].1.sign(&intent.message()).to_bytes();
        forged[0] ^= 1;
        add(
            "106-intent-bad-signature",
            base_policy(),
            intent.json_with(&[("carol", hex(&forged))]),
            &honest,
            expected("Quorum is met by alice and bob, but carol's signature does not verify: still an error.", vec![at_approval("INTENT_BAD_SIGNATURE", 2)]),
        );
    }
    {
        let intent = IntentSpec::new(dmm_intent.payments.clone());
        let mallory = SigningKey::from_bytes(&tagged("intentguard test mallory"));
        add(
            "107-intent-unknown-approver",
            base_policy(),
            intent.json_with(&[("mallory", hex(&mallory.sign(&intent.message()).to_bytes()))]),
            &honest,
            expected("An extra approval by someone the policy does not name: a warning; alice and bob suffice.", vec![at_approval("INTENT_UNKNOWN_APPROVER", 2)]),
        );
    }
    {
        let mut intent = IntentSpec::new(dmm_intent.payments.clone());
        intent.signers = vec!["alice", "alice"];
        add(
            "108-intent-quorum-not-met",
            base_policy(),
            intent.json(),
            &honest,
            expected(
                "alice approved twice: one approver, quorum 2.",
                vec![e("INTENT_QUORUM_NOT_MET")],
            ),
        );
    }
    add(
        "109-intent-destination-not-allowed",
        policy(
            "treasury",
            &treasury,
            &[("allowed_destinations", &format!("[\"{DESTINATION_2}\"]"))],
        ),
        dmm_intent.json(),
        &honest,
        expected(
            "The payment address is not on the policy's allowlist.",
            vec![at_payment("INTENT_DESTINATION_NOT_ALLOWED", 0)],
        ),
    );
    add(
        "110-intent-total-over-limit",
        policy("treasury", &treasury, &[("max_total_sat", "450289999999")]),
        dmm_intent.json(),
        &honest,
        expected(
            "The payments add up to 1 sat more than max_total_sat.",
            vec![e("INTENT_TOTAL_OVER_LIMIT")],
        ),
    );
    add(
        "111-intent-replayed",
        base_policy(),
        dmm_intent.json(),
        &honest,
        Expected {
            ledger_bound_txid: Some(honest_alt.unsigned_tx.compute_txid()),
            ..expected(
                "The ledger already bound this intent to another transaction.",
                vec![e("INTENT_REPLAYED")],
            )
        },
    );

    // --- SPEC 2.2: the inputs -------------------------------------------------------------
    {
        let i = input(&treasury, 0, 7, 3 * BTC);
        let inputs = [i, input(&treasury, 0, 7, 3 * BTC)];
        let psbt = build(
            &treasury,
            &inputs,
            &[Out::Pay(script_of(DESTINATION), 5 * BTC), Out::Change(1, 3, BTC - 20_000)],
        );
        let intent = IntentSpec::new(vec![(DESTINATION.to_owned(), 5 * BTC, None)]);
        add(
            "201-input-duplicate",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "The same outpoint spent by inputs 0 and 1: its amount would be counted twice.",
                vec![at_input("INPUT_DUPLICATE", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[1].non_witness_utxo = None;
        psbt.inputs[1].witness_utxo = None;
        add(
            "202-input-missing-utxo",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("Input 1 has no UTXO data at all.", vec![at_input("INPUT_MISSING_UTXO", 1)]),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].non_witness_utxo = None;
        add(
            "203-input-missing-prev-tx",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 0 has only witness_utxo; the policy requires the previous transaction.",
                vec![at_input("INPUT_MISSING_PREV_TX", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        if let Some(u) = psbt.inputs[0].witness_utxo.as_mut() {
            u.value = Amount::from_sat(u.value.to_sat() - 10 * BTC);
        }
        add(
            "204-input-prev-tx-mismatch-amount",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "witness_utxo understates input 0's amount by 10 BTC (a fee hidden from the signer); the hashed previous transaction disagrees.",
                vec![at_input("INPUT_PREV_TX_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let other = funding(&input(&treasury, 0, 7, 3_000 * BTC + 1));
        psbt.inputs[0].non_witness_utxo = Some(other);
        add(
            "205-input-prev-tx-mismatch-txid",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 0's previous transaction is not the one its outpoint names.",
                vec![at_input("INPUT_PREV_TX_MISMATCH", 0)],
            ),
        );
    }
    {
        let inputs = [
            In { vout: Some(5), ..input(&treasury, 0, 7, 3_000 * BTC) },
            input(&treasury, 0, 12, 2_000 * BTC),
        ];
        let psbt = build(&treasury, &inputs, &honest_outputs());
        add(
            "206-input-prev-tx-vout-past-end",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("Input 0 spends vout 5 of a previous transaction with 2 outputs: a finding, never a panic.", vec![at_input("INPUT_PREV_TX_MISMATCH", 0)]),
        );
    }
    {
        let inputs = [input(&treasury, 0, 7, 3_000 * BTC), input(&foreign, 0, 12, 2_000 * BTC)];
        let psbt = build(&treasury, &inputs, &honest_outputs());
        add(
            "207-input-not-owned-foreign",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 1 is another wallet's coin, with that wallet's key origins.",
                vec![at_input("INPUT_NOT_OWNED", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].bip32_derivation = treasury.origins(0, 8);
        add(
            "208-input-not-owned-origins-lie",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 0's key origins name index 8, but its script is the wallet's at index 7.",
                vec![at_input("INPUT_NOT_OWNED", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let mut origins = treasury.origins(0, 7);
        let (k, v) = treasury.origins(0, 9).into_iter().next().unwrap();
        let first = origins.keys().next().copied().unwrap();
        origins.remove(&first);
        origins.insert(k, v);
        psbt.inputs[0].bip32_derivation = origins;
        add(
            "209-input-not-owned-origins-disagree",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 0's wallet key origins disagree: two name index 7, one names index 9.",
                vec![at_input("INPUT_NOT_OWNED", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].witness_script = treasury.witness_script(0, 8);
        add(
            "210-input-script-mismatch",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 0's witness script is the wallet's at another index.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[1].sighash_type = Some(PsbtSighashType::from_u32(0x81));
        add(
            "211-input-sighash-field",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 1 asks for ALL|ANYONECANPAY.",
                vec![at_input("INPUT_SIGHASH_NOT_ALLOWED", 1)],
            ),
        );
    }
    {
        let inputs = dmm_inputs();
        let mut psbt = honest.clone();
        psbt.inputs[0].partial_sigs.clear();
        sign(&mut psbt, 0, &inputs[0], 0, EcdsaSighashType::All);
        sign(&mut psbt, 0, &inputs[0], 1, EcdsaSighashType::None);
        add(
            "212-input-sighash-on-signature",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("A valid signature with SIGHASH_NONE on input 0: it would let anyone change the outputs.", vec![at_input("INPUT_SIGHASH_NOT_ALLOWED", 0)]),
        );
    }
    {
        let mut psbt = honest.clone();
        let sk = treasury.secret(1, 0, 12);
        let wrong = Message::from_digest(tagged("another transaction"));
        let signature = treasury.secp.sign_ecdsa(&wrong, &sk);
        psbt.inputs[1].partial_sigs.insert(
            PublicKey::new(sk.public_key(&treasury.secp)),
            ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
        );
        add(
            "213-input-bad-partial-sig",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Input 1 carries a signature by a wallet key over another message.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 1)],
            ),
        );
    }
    {
        let inputs = dmm_inputs();
        let mut psbt = honest.clone();
        let sk = SecretKey::from_slice(&tagged("intentguard test attacker")).unwrap();
        let signature =
            treasury.secp.sign_ecdsa(&sighash(&psbt, 0, &inputs[0], EcdsaSighashType::All), &sk);
        psbt.inputs[0].partial_sigs.insert(
            PublicKey::new(sk.public_key(&treasury.secp)),
            ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
        );
        add(
            "214-input-foreign-key-sig",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("Input 0 carries a valid signature over this transaction by a key that is not the input's.", vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)]),
        );
    }

    // --- SPEC 2.3: the outputs ------------------------------------------------------------
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[
                Out::Pay(script_of(DESTINATION), DMM_AMOUNT),
                Out::Pay(attacker_script(), 10 * BTC),
                Out::Change(1, 3, change - 10 * BTC),
            ],
        );
        add(
            "301-output-not-in-intent",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "An extra 10 BTC output to an address the intent does not name.",
                vec![at_output("OUTPUT_NOT_IN_INTENT", 1)],
            ),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT - BTC), Out::Change(1, 3, change + BTC)],
        );
        add(
            "302-payment-amount-mismatch",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "The destination receives 1 BTC less than approved; the difference goes to change.",
                vec![at_output("PAYMENT_AMOUNT_MISMATCH", 0), at_payment("PAYMENT_MISSING", 0)],
            ),
        );
    }
    {
        let intent = IntentSpec::new(vec![
            (DESTINATION.to_owned(), DMM_AMOUNT - BTC, None),
            (DESTINATION_2.to_owned(), BTC, None),
        ]);
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT - BTC), Out::Change(1, 3, change + BTC)],
        );
        add(
            "303-payment-missing",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "The intent's second payment has no output; its amount went to change.",
                vec![at_payment("PAYMENT_MISSING", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.outputs[1].bip32_derivation = treasury.origins(1, 4);
        add(
            "304-change-derivation-mismatch",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("The change output's key origins name change index 4; its script is the wallet's at index 3.", vec![at_output("CHANGE_DERIVATION_MISMATCH", 1)]),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.outputs[1].witness_script = treasury.witness_script(1, 4);
        add(
            "305-change-witness-script-mismatch",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "The change output's witness script is not the derived one.",
                vec![at_output("CHANGE_DERIVATION_MISMATCH", 1)],
            ),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 100_001, change)],
        );
        add(
            "306-change-index-too-high",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Change at index 100001, above the default max_change_index 100000.",
                vec![at_output("CHANGE_INDEX_TOO_HIGH", 1)],
            ),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 100_000, change)],
        );
        add(
            "307-change-index-at-cap",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("Change at index 100000, exactly the cap: approved.", vec![]),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(0, 20, change)],
        );
        add(
            "308-change-on-receive-branch",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Change on the receive branch: accepted with a warning.",
                vec![at_output("CHANGE_ON_RECEIVE_BRANCH", 1)],
            ),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[
                Out::Pay(script_of(DESTINATION), DMM_AMOUNT),
                Out::Change(1, 3, change - BTC),
                Out::Change(1, 4, BTC),
            ],
        );
        add(
            "309-change-too-many-outputs",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "Two change outputs; the default allows one.",
                vec![e("CHANGE_TOO_MANY_OUTPUTS")],
            ),
        );
    }

    // --- SPEC 2.4: the fee ----------------------------------------------------------------
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 3, change + fee + 1)],
        );
        add(
            "401-fee-negative",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected("The outputs exceed the inputs by 1 sat.", vec![e("FEE_NEGATIVE")]),
        );
    }
    {
        let psbt = build(
            &treasury,
            &dmm_inputs(),
            &[Out::Pay(script_of(DESTINATION), DMM_AMOUNT), Out::Change(1, 3, change - 20_001)],
        );
        add(
            "402-fee-over-limit",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "A fee of 40,001 sat; the intent caps it at 40,000 (the policy at 500,000).",
                vec![e("FEE_OVER_LIMIT")],
            ),
        );
    }
    add(
        "403-fee-rate-over-limit",
        policy("treasury", &treasury, &[("max_fee_rate_sat_vb", "10")]),
        dmm_intent.json(),
        &honest,
        expected(
            "20,000 sat for about 300 vB is over the policy's 10 sat/vB.",
            vec![e("FEE_RATE_OVER_LIMIT")],
        ),
    );

    // --- PSBT fields ---------------------------------------------------------------------
    {
        let mut psbt = honest.clone();
        psbt.proprietary.insert(
            raw::ProprietaryKey { prefix: b"acme".to_vec(), subtype: 1, key: vec![] },
            b"ticket 42".to_vec(),
        );
        psbt.inputs[0]
            .unknown
            .insert(raw::Key { type_value: 0x99, key: vec![1, 2, 3] }, vec![4, 5, 6]);
        add(
            "501-psbt-unknown-field",
            base_policy(),
            dmm_intent.json(),
            &psbt,
            expected(
                "A proprietary global field and an unknown input field: warnings, approved.",
                vec![e("PSBT_UNKNOWN_FIELD"), at_input("PSBT_UNKNOWN_FIELD", 0)],
            ),
        );
    }
    hardening_cases(&mut add, &treasury, &honest);
    taproot_cases(&mut add);
    tr_final_cases(&mut add);
    cases.extend(prev_tx_cases(&treasury, &honest));
    cases.extend(ssh_cases(&treasury, &honest));
    // Version 2 copies of every approved case, and of the requests with fields a signer acts
    // on (SPEC 1.3): the version 2 parser must hand those fields on too.
    let v2: Vec<Case> =
        cases.iter().filter(|c| approved(c) || c.dir.starts_with("50")).map(v2_copy).collect();
    cases.extend(v2);
    cases.extend(error_cases(&treasury, &honest));
    cases.extend(raw_cases(&treasury, &honest));
    cases
}

fn file<'c>(case: &'c Case, name: &str) -> &'c [u8] {
    &case.files.iter().find(|(n, _)| *n == name).unwrap().1
}

fn approved(case: &Case) -> bool {
    let expected: Value = serde_json::from_slice(file(case, "expected.json")).unwrap();
    expected["exit_code"] == 0
}

/// The same case with its request written as a PSBT version 2 (BIP-370): same transaction,
/// so the same txid, verdict and findings.
fn v2_copy(case: &Case) -> Case {
    let text = std::str::from_utf8(file(case, "request.psbt")).unwrap().trim();
    let psbt = Psbt::from_str(text).unwrap();
    let v2 = to_v2(&psbt);
    let mut expected: Value = serde_json::from_slice(file(case, "expected.json")).unwrap();
    let description =
        format!("Version 2 copy of {}: {}", case.dir, expected["description"].as_str().unwrap());
    expected["description"] = json!(description);
    let mut expected_text = serde_json::to_string_pretty(&expected).unwrap();
    expected_text.push('\n');
    let files = case
        .files
        .iter()
        .map(|(name, bytes)| match *name {
            "request.psbt" => (
                *name,
                format!(
                    "{}\n",
                    intentguard::bitcoin::base64::Engine::encode(
                        &intentguard::bitcoin::base64::engine::general_purpose::STANDARD,
                        &v2
                    )
                )
                .into_bytes(),
            ),
            "expected.json" => (*name, expected_text.clone().into_bytes()),
            "README" => (*name, format!("{description}\n").into_bytes()),
            _ => (*name, bytes.clone()),
        })
        .collect();
    Case { dir: format!("v2/{}", case.dir), files }
}

fn compact_size(n: usize) -> Vec<u8> {
    match n {
        0..=0xfc => vec![u8::try_from(n).unwrap()],
        0xfd..=0xffff => [vec![0xfd], u16::try_from(n).unwrap().to_le_bytes().to_vec()].concat(),
        _ => [vec![0xfe], u32::try_from(n).unwrap().to_le_bytes().to_vec()].concat(),
    }
}

fn read_compact(bytes: &[u8], at: &mut usize) -> usize {
    let first = bytes[*at];
    *at += 1;
    let (len, n) = match first {
        0xfd => (2, u16::from_le_bytes([bytes[*at], bytes[*at + 1]]) as usize),
        0xfe => (4, u32::from_le_bytes(bytes[*at..*at + 4].try_into().unwrap()) as usize),
        0xff => unreachable!("no 8-byte lengths in the vectors"),
        n => (0, n as usize),
    };
    *at += len;
    n
}

/// The key-value pairs of the maps of a serialised PSBT: global, then each input and output.
fn raw_maps(bytes: &[u8]) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut at = 5; // magic
    let mut maps = Vec::new();
    while at < bytes.len() {
        let mut map = Vec::new();
        loop {
            let key_len = read_compact(bytes, &mut at);
            if key_len == 0 {
                break;
            }
            let key = bytes[at..at + key_len].to_vec();
            at += key_len;
            let value_len = read_compact(bytes, &mut at);
            let value = bytes[at..at + value_len].to_vec();
            at += value_len;
            map.push((key, value));
        }
        maps.push(map);
    }
    maps
}

fn to_v2(psbt: &Psbt) -> Vec<u8> {
    let tx = &psbt.unsigned_tx;
    let maps = raw_maps(&psbt.serialize());
    let mut global: Vec<(Vec<u8>, Vec<u8>)> =
        maps[0].iter().filter(|(k, _)| k[0] != 0x00).cloned().collect();
    global.push((vec![0x02], tx.version.0.to_le_bytes().to_vec()));
    if tx.lock_time.to_consensus_u32() != 0 {
        global.push((vec![0x03], tx.lock_time.to_consensus_u32().to_le_bytes().to_vec()));
    }
    global.push((vec![0x04], compact_size(tx.input.len())));
    global.push((vec![0x05], compact_size(tx.output.len())));
    global.push((vec![0xfb], 2u32.to_le_bytes().to_vec()));
    let mut out = b"psbt\xff".to_vec();
    let mut write = |map: &[(Vec<u8>, Vec<u8>)]| {
        for (k, v) in map {
            out.extend(compact_size(k.len()));
            out.extend(k);
            out.extend(compact_size(v.len()));
            out.extend(v);
        }
        out.push(0);
    };
    write(&global);
    for (n, txin) in tx.input.iter().enumerate() {
        let mut map = maps[1 + n].clone();
        map.push((vec![0x0e], txin.previous_output.txid.to_byte_array().to_vec()));
        map.push((vec![0x0f], txin.previous_output.vout.to_le_bytes().to_vec()));
        if txin.sequence != Sequence::MAX {
            map.push((vec![0x10], txin.sequence.0.to_le_bytes().to_vec()));
        }
        write(&map);
    }
    for (n, txout) in tx.output.iter().enumerate() {
        let mut map = maps[1 + tx.input.len() + n].clone();
        map.push((vec![0x03], txout.value.to_sat().to_le_bytes().to_vec()));
        map.push((vec![0x04], txout.script_pubkey.to_bytes()));
        write(&map);
    }
    out
}

/// A P2WPKH address of a fixed foreign key on `network`.
fn foreign_address(network: Network) -> String {
    Address::from_script(&attacker_script(), network).unwrap().to_string()
}

// --- Taproot ------------------------------------------------------------------------------
// Derived independently of miniscript: child keys from the xprivs, leaf scripts assembled
// opcode by opcode (keys sorted for sortedmulti_a, BIP-387), the tree with `TaprootBuilder`.

/// BIP-341's NUMS point H, a key nobody can sign for.
const NUMS: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

#[derive(Clone, Copy, PartialEq, Eq)]
enum TrShape {
    /// `tr(NUMS, sortedmulti_a(2, A, B, C))`
    NumsSorted,
    /// `tr(A, multi_a(2, B, C))`: a key path for A and a script path for B and C.
    KeyMulti,
    /// `tr(NUMS, {sortedmulti_a(2, A, B), {sortedmulti_a(2, A, C), sortedmulti_a(2, B, C)}})`
    Tree,
    /// `tr(NUMS, {sortedmulti_a(2, A, B, C), {and_v(v:pk(A), pk(B)), pkh(C)}})`: leaves whose
    /// satisfaction intentguard does not read when finalized.
    Mixed,
}

/// The script of a tap leaf.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TrLeafKind {
    /// `multi_a(2, ...)` or, when the leaf is sorted, `sortedmulti_a(2, ...)`.
    MultiA,
    /// `and_v(v:pk(X), pk(Y))`: `<X> OP_CHECKSIGVERIFY <Y> OP_CHECKSIG`.
    AndV,
    /// `pkh(X)`: `OP_DUP OP_HASH160 <HASH160(x-only X)> OP_EQUALVERIFY OP_CHECKSIG`.
    Pkh,
}

struct TrLeaf {
    cosigners: Vec<usize>,
    sorted: bool,
    depth: u8,
    kind: TrLeafKind,
}

struct TrWallet {
    network: Network,
    shape: TrShape,
    cosigners: Vec<Cosigner>,
    descriptor: String,
    secp: Secp256k1<All>,
}

impl TrWallet {
    fn new(tag: &str, shape: TrShape) -> TrWallet {
        let secp = Secp256k1::new();
        let network = Network::Bitcoin;
        let origin = DerivationPath::from_str("m/48'/0'/0'/3'").unwrap();
        let mut cosigners = Vec::new();
        let mut keys = Vec::new();
        for name in ["a", "b", "c"] {
            let master = Xpriv::new_master(
                network,
                &tagged(&format!("intentguard test {tag} cosigner {name}")),
            )
            .unwrap();
            let account = master.derive_priv(&secp, &origin).unwrap();
            let fingerprint = master.fingerprint(&secp);
            let xpub = Xpub::from_priv(&secp, &account);
            keys.push(format!("[{fingerprint}/48'/0'/0'/3']{xpub}/<0;1>/*"));
            cosigners.push(Cosigner { account, fingerprint, origin: origin.clone() });
        }
        let [a, b, c] = [&keys[0], &keys[1], &keys[2]];
        let body = match shape {
            TrShape::NumsSorted => format!("tr({NUMS},sortedmulti_a(2,{a},{b},{c}))"),
            TrShape::KeyMulti => format!("tr({a},multi_a(2,{b},{c}))"),
            TrShape::Tree => format!(
                "tr({NUMS},{{sortedmulti_a(2,{a},{b}),{{sortedmulti_a(2,{a},{c}),sortedmulti_a(2,{b},{c})}}}})"
            ),
            TrShape::Mixed => format!(
                "tr({NUMS},{{sortedmulti_a(2,{a},{b},{c}),{{and_v(v:pk({a}),pk({b})),pkh({c})}}}})"
            ),
        };
        let mut engine = intentguard::miniscript::descriptor::checksum::Engine::new();
        engine.input(&body).unwrap();
        let descriptor = format!("{body}#{}", engine.checksum());
        TrWallet { network, shape, cosigners, descriptor, secp }
    }

    fn leaves(&self) -> Vec<TrLeaf> {
        let leaf = |cosigners: Vec<usize>, sorted, depth| TrLeaf {
            cosigners,
            sorted,
            depth,
            kind: TrLeafKind::MultiA,
        };
        match self.shape {
            TrShape::NumsSorted => vec![leaf(vec![0, 1, 2], true, 0)],
            TrShape::KeyMulti => vec![leaf(vec![1, 2], false, 0)],
            TrShape::Tree => vec![
                leaf(vec![0, 1], true, 1),
                leaf(vec![0, 2], true, 2),
                leaf(vec![1, 2], true, 2),
            ],
            TrShape::Mixed => vec![
                leaf(vec![0, 1, 2], true, 1),
                TrLeaf { kind: TrLeafKind::AndV, ..leaf(vec![0, 1], false, 2) },
                TrLeaf { kind: TrLeafKind::Pkh, ..leaf(vec![2], false, 2) },
            ],
        }
    }

    fn secret(&self, cosigner: usize, branch: u32, index: u32) -> SecretKey {
        let path = [
            ChildNumber::from_normal_idx(branch).unwrap(),
            ChildNumber::from_normal_idx(index).unwrap(),
        ];
        self.cosigners[cosigner].account.derive_priv(&self.secp, &path).unwrap().private_key
    }

    fn xonly(&self, cosigner: usize, branch: u32, index: u32) -> XOnlyPublicKey {
        self.secret(cosigner, branch, index).x_only_public_key(&self.secp).0
    }

    fn internal_key(&self, branch: u32, index: u32) -> XOnlyPublicKey {
        match self.shape {
            TrShape::KeyMulti => self.xonly(0, branch, index),
            _ => XOnlyPublicKey::from_slice(&hex32(NUMS)).unwrap(),
        }
    }

    /// The leaf's keys in script order, and its script.
    fn leaf_script(
        &self,
        leaf: &TrLeaf,
        branch: u32,
        index: u32,
    ) -> (Vec<XOnlyPublicKey>, ScriptBuf) {
        let mut keys: Vec<XOnlyPublicKey> =
            leaf.cosigners.iter().map(|&c| self.xonly(c, branch, index)).collect();
        if leaf.sorted {
            keys.sort_by_key(|k| k.serialize());
        }
        let script = match leaf.kind {
            TrLeafKind::MultiA => {
                let mut builder = Builder::new();
                for (n, key) in keys.iter().enumerate() {
                    builder = builder.push_x_only_key(key).push_opcode(if n == 0 {
                        OP_CHECKSIG
                    } else {
                        OP_CHECKSIGADD
                    });
                }
                builder.push_int(2).push_opcode(OP_NUMEQUAL).into_script()
            }
            TrLeafKind::AndV => Builder::new()
                .push_x_only_key(&keys[0])
                .push_opcode(OP_CHECKSIGVERIFY)
                .push_x_only_key(&keys[1])
                .push_opcode(OP_CHECKSIG)
                .into_script(),
            TrLeafKind::Pkh => Builder::new()
                .push_opcode(OP_DUP)
                .push_opcode(OP_HASH160)
                .push_slice(hash160::Hash::hash(&keys[0].serialize()).to_byte_array())
                .push_opcode(OP_EQUALVERIFY)
                .push_opcode(OP_CHECKSIG)
                .into_script(),
        };
        (keys, script)
    }

    fn builder(&self, branch: u32, index: u32) -> TaprootBuilder {
        let mut builder = TaprootBuilder::new();
        for leaf in self.leaves() {
            builder =
                builder.add_leaf(leaf.depth, self.leaf_script(&leaf, branch, index).1).unwrap();
        }
        builder
    }

    fn spend_info(&self, branch: u32, index: u32) -> TaprootSpendInfo {
        self.builder(branch, index).finalize(&self.secp, self.internal_key(branch, index)).unwrap()
    }

    fn script(&self, branch: u32, index: u32) -> ScriptBuf {
        ScriptBuf::new_p2tr_tweaked(self.spend_info(branch, index).output_key())
    }

    fn address(&self, branch: u32, index: u32) -> String {
        Address::from_script(&self.script(branch, index), self.network).unwrap().to_string()
    }

    fn origins(
        &self,
        branch: u32,
        index: u32,
    ) -> BTreeMap<XOnlyPublicKey, (Vec<TapLeafHash>, (Fingerprint, DerivationPath))> {
        let mut map = BTreeMap::new();
        for (k, c) in self.cosigners.iter().enumerate() {
            let key = self.xonly(k, branch, index);
            let hashes = self
                .leaves()
                .iter()
                .filter(|l| l.cosigners.contains(&k))
                .map(|l| {
                    TapLeafHash::from_script(
                        &self.leaf_script(l, branch, index).1,
                        LeafVersion::TapScript,
                    )
                })
                .collect();
            let path = c.origin.extend([
                ChildNumber::from_normal_idx(branch).unwrap(),
                ChildNumber::from_normal_idx(index).unwrap(),
            ]);
            map.insert(key, (hashes, (c.fingerprint, path)));
        }
        map
    }

    fn input_map(&self, branch: u32, index: u32) -> Input {
        let info = self.spend_info(branch, index);
        let mut tap_scripts = BTreeMap::new();
        for leaf in self.leaves() {
            let script = self.leaf_script(&leaf, branch, index).1;
            let cb = info.control_block(&(script.clone(), LeafVersion::TapScript)).unwrap();
            tap_scripts.insert(cb, (script, LeafVersion::TapScript));
        }
        Input {
            tap_internal_key: Some(self.internal_key(branch, index)),
            tap_merkle_root: info.merkle_root(),
            tap_scripts,
            tap_key_origins: self.origins(branch, index),
            ..Input::default()
        }
    }

    fn output_map(&self, branch: u32, index: u32) -> Output {
        Output {
            tap_internal_key: Some(self.internal_key(branch, index)),
            tap_tree: Some(TapTree::try_from(self.builder(branch, index)).unwrap()),
            tap_key_origins: self.origins(branch, index),
            ..Output::default()
        }
    }
}

/// A taproot input: the wallet's output at (branch, index) of a deterministic funding tx.
struct TrIn<'w> {
    wallet: &'w TrWallet,
    branch: u32,
    index: u32,
    sat: u64,
}

fn tr_funding(i: &TrIn) -> Transaction {
    funding_tx(&i.wallet.descriptor, i.branch, i.index, i.sat, i.wallet.script(i.branch, i.index))
}

/// How the taproot inputs are signed.
#[derive(Clone, Copy)]
enum TrSigning {
    /// Script path, leaf 0, by the first two keys of that leaf.
    Script,
    /// Key path by the internal key (TrShape::KeyMulti only).
    Key,
}

/// Builds a taproot PSBT: `witness_utxo` and the previous transaction on every input.
fn build_tr(wallet: &TrWallet, inputs: &[TrIn], outputs: &[Out], signing: TrSigning) -> Psbt {
    let outpoints =
        inputs.iter().map(|i| OutPoint { txid: tr_funding(i).compute_txid(), vout: 1 }).collect();
    let tx = spending_tx(outpoints, tx_outs(outputs, |b, i| wallet.script(b, i)));
    let mut psbt = Psbt::from_unsigned_tx(tx).unwrap();
    for (n, i) in inputs.iter().enumerate() {
        let prev = tr_funding(i);
        psbt.inputs[n] = Input {
            witness_utxo: Some(prev.output[1].clone()),
            non_witness_utxo: Some(prev),
            ..i.wallet.input_map(i.branch, i.index)
        };
    }
    for (n, o) in outputs.iter().enumerate() {
        if let Out::Change(b, i, _) = o {
            psbt.outputs[n] = wallet.output_map(*b, *i);
        }
    }
    let prevouts: Vec<TxOut> = inputs.iter().map(|i| tr_funding(i).output[1].clone()).collect();
    for (n, i) in inputs.iter().enumerate() {
        match signing {
            TrSigning::Script => {
                let leaf = &i.wallet.leaves()[0];
                for &c in &leaf.cosigners[..2] {
                    sign_tr_script(&mut psbt, &prevouts, n, i, c, TapSighashType::Default);
                }
            }
            TrSigning::Key => sign_tr_key(&mut psbt, &prevouts, n, i),
        }
    }
    psbt
}

/// Adds `cosigner`'s script-path signature for leaf 0 of input `n`.
fn sign_tr_script(
    psbt: &mut Psbt,
    prevouts: &[TxOut],
    n: usize,
    i: &TrIn,
    cosigner: usize,
    ty: TapSighashType,
) {
    let w = i.wallet;
    let leaf_script = w.leaf_script(&w.leaves()[0], i.branch, i.index).1;
    let leaf_hash = TapLeafHash::from_script(&leaf_script, LeafVersion::TapScript);
    let tx = psbt.unsigned_tx.clone();
    let sighash = SighashCache::new(&tx)
        .taproot_script_spend_signature_hash(n, &Prevouts::All(prevouts), leaf_hash, ty)
        .unwrap();
    let keypair = Keypair::from_secret_key(&w.secp, &w.secret(cosigner, i.branch, i.index));
    let signature =
        w.secp.sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &keypair);
    psbt.inputs[n].tap_script_sigs.insert(
        (keypair.x_only_public_key().0, leaf_hash),
        taproot::Signature { signature, sighash_type: ty },
    );
}

/// Adds the key-path signature of input `n` (internal key tweaked with the merkle root).
fn sign_tr_key(psbt: &mut Psbt, prevouts: &[TxOut], n: usize, i: &TrIn) {
    sign_tr_key_with(psbt, prevouts, n, i, TapSighashType::Default);
}

/// Adds the key-path signature of input `n` with sighash type `ty`.
fn sign_tr_key_with(psbt: &mut Psbt, prevouts: &[TxOut], n: usize, i: &TrIn, ty: TapSighashType) {
    let w = i.wallet;
    let tx = psbt.unsigned_tx.clone();
    let sighash = SighashCache::new(&tx)
        .taproot_key_spend_signature_hash(n, &Prevouts::All(prevouts), ty)
        .unwrap();
    let keypair = Keypair::from_secret_key(&w.secp, &w.secret(0, i.branch, i.index));
    let tweaked =
        keypair.tap_tweak(&w.secp, w.spend_info(i.branch, i.index).merkle_root()).to_keypair();
    let signature =
        w.secp.sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &tweaked);
    psbt.inputs[n].tap_key_sig = Some(taproot::Signature { signature, sighash_type: ty });
}

/// Policy text for a taproot wallet with the standard approvers.
fn tr_policy(wallet: &TrWallet, limits: &[(&str, &str)]) -> String {
    let stand_in = Wallet::new("treasury", Kind::Wsh, true, Network::Bitcoin);
    policy("treasury", &stand_in, limits).replace(&stand_in.descriptor, &wallet.descriptor)
}

/// Taproot cases: positives per shape, then one per taproot failure.
fn taproot_cases(add: &mut dyn FnMut(&str, String, String, &Psbt, Expected)) {
    let nums = TrWallet::new("taproot nums", TrShape::NumsSorted);
    let keyed = TrWallet::new("taproot keyed", TrShape::KeyMulti);
    let tree = TrWallet::new("taproot tree", TrShape::Tree);
    let foreign = TrWallet::new("taproot foreign", TrShape::NumsSorted);
    let intent = IntentSpec::new(vec![(DESTINATION.to_owned(), BTC, None)]);
    let outputs =
        || vec![Out::Pay(script_of(DESTINATION), BTC), Out::Change(1, 2, BTC / 2 - 12_000)];
    let ins = |w| {
        vec![
            TrIn { wallet: w, branch: 0, index: 4, sat: BTC },
            TrIn { wallet: w, branch: 1, index: 1, sat: BTC / 2 },
        ]
    };

    for (dir, w, signing, what) in [
        (
            "601-tr-nums-sortedmulti-a",
            &nums,
            TrSigning::Script,
            "tr(NUMS, sortedmulti_a(2,A,B,C)) spent by script path",
        ),
        (
            "602-tr-key-multi-a-script-path",
            &keyed,
            TrSigning::Script,
            "tr(A, multi_a(2,B,C)) spent by script path",
        ),
        (
            "603-tr-key-multi-a-key-path",
            &keyed,
            TrSigning::Key,
            "tr(A, multi_a(2,B,C)) spent by key path",
        ),
        (
            "604-tr-tree-three-leaves",
            &tree,
            TrSigning::Script,
            "tr(NUMS, three sortedmulti_a leaves) spent by the first leaf",
        ),
    ] {
        let psbt = build_tr(w, &ins(w), &outputs(), signing);
        add(
            dir,
            tr_policy(w, &[]),
            intent.json(),
            &psbt,
            expected(Box::leak(format!("{what}: approved.").into_boxed_str()), vec![]),
        );
    }
    let honest = build_tr(&nums, &ins(&nums), &outputs(), TrSigning::Script);
    {
        let mut inputs = ins(&nums);
        inputs[1] = TrIn { wallet: &foreign, branch: 0, index: 4, sat: BTC / 2 };
        let psbt = build_tr(&nums, &inputs, &outputs(), TrSigning::Script);
        add(
            "611-tr-input-not-owned",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 1 is another taproot wallet's coin.",
                vec![at_input("INPUT_NOT_OWNED", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let other = nums.input_map(0, 5).tap_scripts;
        psbt.inputs[0].tap_scripts = other;
        add(
            "612-tr-leaf-swapped",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's leaf script and control block are the wallet's at another index.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[1].tap_merkle_root = nums.spend_info(0, 9).merkle_root();
        add(
            "613-tr-merkle-root-mismatch",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 1's merkle root is not the derived one.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.outputs[1].tap_internal_key = Some(nums.xonly(0, 1, 2));
        add(
            "614-tr-change-wrong-internal-key",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "The change output claims an internal key that is not the derived one.",
                vec![at_output("CHANGE_DERIVATION_MISMATCH", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.outputs[1].tap_tree = Some(TapTree::try_from(nums.builder(1, 3)).unwrap());
        add(
            "615-tr-change-wrong-tree",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "The change output's tap tree is the wallet's at another index.",
                vec![at_output("CHANGE_DERIVATION_MISMATCH", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let (key, sig) =
            psbt.inputs[0].tap_script_sigs.iter().next().map(|(k, v)| (*k, *v)).unwrap();
        let other = honest.inputs[1].tap_script_sigs.values().next().copied().unwrap();
        psbt.inputs[0]
            .tap_script_sigs
            .insert(key, taproot::Signature { signature: other.signature, ..sig });
        add(
            "616-tr-signature-over-another-transaction",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 carries a script-path signature made for another input's sighash.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let i = TrIn { wallet: &foreign, branch: 0, index: 4, sat: BTC };
        let prevouts: Vec<TxOut> =
            ins(&nums).iter().map(|i| tr_funding(i).output[1].clone()).collect();
        // A foreign key signing for the wallet's leaf.
        let leaf_hash = *psbt.inputs[0].tap_script_sigs.keys().next().map(|(_, h)| h).unwrap();
        let tx = psbt.unsigned_tx.clone();
        let sighash = SighashCache::new(&tx)
            .taproot_script_spend_signature_hash(
                0,
                &Prevouts::All(&prevouts),
                leaf_hash,
                TapSighashType::Default,
            )
            .unwrap();
        let keypair =
            Keypair::from_secret_key(&foreign.secp, &foreign.secret(0, i.branch, i.index));
        let signature = foreign
            .secp
            .sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &keypair);
        psbt.inputs[0].tap_script_sigs.insert(
            (keypair.x_only_public_key().0, leaf_hash),
            taproot::Signature { signature, sighash_type: TapSighashType::Default },
        );
        add(
            "617-tr-foreign-key-signature",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 carries a valid script-path signature by a key that is not in the leaf.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        let inputs = ins(&nums);
        let prevouts: Vec<TxOut> = inputs.iter().map(|i| tr_funding(i).output[1].clone()).collect();
        let mut psbt = honest.clone();
        psbt.inputs[1].tap_script_sigs.clear();
        sign_tr_script(&mut psbt, &prevouts, 1, &inputs[1], 0, TapSighashType::AllPlusAnyoneCanPay);
        sign_tr_script(&mut psbt, &prevouts, 1, &inputs[1], 1, TapSighashType::Default);
        add(
            "618-tr-sighash-not-default",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "A valid script-path signature with ALL|ANYONECANPAY on input 1.",
                vec![at_input("INPUT_SIGHASH_NOT_ALLOWED", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        if let Some(u) = psbt.inputs[0].witness_utxo.as_mut() {
            u.value = Amount::from_sat(u.value.to_sat() - 100_000);
        }
        add("619-tr-witness-utxo-understated", tr_policy(&nums, &[]), intent.json(), &psbt, expected("Input 0's witness_utxo understates its amount; the previous transaction disagrees.", vec![at_input("INPUT_PREV_TX_MISMATCH", 0)]));
    }
    {
        let mut psbt = honest.clone();
        for input in &mut psbt.inputs {
            input.non_witness_utxo = None;
        }
        if let Some(u) = psbt.inputs[0].witness_utxo.as_mut() {
            u.value = Amount::from_sat(u.value.to_sat() - 10_000);
        }
        add(
            "620-tr-witness-utxo-understated-no-prev-tx",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "witness_utxo alone, understated by 10,000 sat on input 0: every taproot signature commits to all amounts, so none verifies.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0), at_input("INPUT_BAD_PARTIAL_SIG", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        for input in &mut psbt.inputs {
            input.non_witness_utxo = None;
        }
        add("621-tr-witness-utxo-suffices", tr_policy(&nums, &[]), intent.json(), &psbt, expected("Taproot inputs with witness_utxo alone: approved even though require_prev_tx is on.", vec![]));
    }
    {
        let mut psbt = build_tr(&keyed, &ins(&keyed), &outputs(), TrSigning::Key);
        let sig = psbt.inputs[1].tap_key_sig.unwrap();
        psbt.inputs[0].tap_key_sig = Some(sig);
        add(
            "622-tr-key-path-signature-invalid",
            tr_policy(&keyed, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's key-path signature is input 1's.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        // A valid signature by a wallet key, over this transaction, but for a leaf that is not
        // in the wallet's tree (a 1-of-1 leaf of that same key).
        let mut psbt = honest.clone();
        let prevouts: Vec<TxOut> =
            ins(&nums).iter().map(|i| tr_funding(i).output[1].clone()).collect();
        let key = nums.xonly(0, 0, 4);
        let foreign_leaf =
            Builder::new().push_x_only_key(&key).push_opcode(OP_CHECKSIG).into_script();
        let leaf_hash = TapLeafHash::from_script(&foreign_leaf, LeafVersion::TapScript);
        let tx = psbt.unsigned_tx.clone();
        let sighash = SighashCache::new(&tx)
            .taproot_script_spend_signature_hash(
                0,
                &Prevouts::All(&prevouts),
                leaf_hash,
                TapSighashType::Default,
            )
            .unwrap();
        let keypair = Keypair::from_secret_key(&nums.secp, &nums.secret(0, 0, 4));
        let signature = nums
            .secp
            .sign_schnorr_no_aux_rand(&Message::from_digest(sighash.to_byte_array()), &keypair);
        psbt.inputs[0].tap_script_sigs.insert(
            (key, leaf_hash),
            taproot::Signature { signature, sighash_type: TapSighashType::Default },
        );
        add(
            "625-tr-signature-for-foreign-leaf",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 carries a valid signature by a wallet key for a leaf that is not in the wallet's tree.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].tap_internal_key = Some(nums.xonly(0, 0, 4));
        add(
            "624-tr-input-wrong-internal-key",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 claims an internal key (a cosigner's) that is not the derived one (NUMS).",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[1].witness_utxo = None;
        psbt.inputs[1].non_witness_utxo = None;
        add(
            "623-tr-input-missing-utxo",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Taproot input 1 has no UTXO data: its own finding; the signatures, which commit to every UTXO, cannot be checked and add none.",
                vec![at_input("INPUT_MISSING_UTXO", 1)],
            ),
        );
    }
}

/// Addresses of the taproot wallets, for known-answer tests against an independent
/// implementation: (descriptor, branch, index, address).
pub fn taproot_addresses() -> Vec<(String, u32, u32, String)> {
    let mut out = Vec::new();
    for (tag, shape) in [
        ("taproot nums", TrShape::NumsSorted),
        ("taproot keyed", TrShape::KeyMulti),
        ("taproot tree", TrShape::Tree),
    ] {
        let w = TrWallet::new(tag, shape);
        for (b, i) in [(0, 0), (0, 4), (1, 2)] {
            out.push((w.descriptor.clone(), b, i, w.address(b, i)));
        }
    }
    out
}

/// The example policies of `policies/`: file name and contents.
pub fn policies() -> Vec<(&'static str, String)> {
    let treasury = Wallet::new("treasury", Kind::Wsh, true, Network::Bitcoin);
    let vault = Wallet::new("vault", Kind::ShWsh, false, Network::Testnet);
    vec![
        ("treasury.toml", policy("treasury", &treasury, &[])),
        (
            "vault-testnet.toml",
            policy(
                "vault",
                &vault,
                &[
                    ("max_fee_sat", "100000"),
                    ("max_change_outputs", "2"),
                    ("max_intent_lifetime_s", "86400"),
                    ("max_total_sat", "1000000000"),
                    ("allowed_destinations", "[\"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx\"]"),
                ],
            ),
        ),
    ]
}

// --- Benchmarks ---------------------------------------------------------------------------

/// A signed request of `n` inputs for the benchmark: (policy, intent, PSBT bytes). Each input
/// spends its own previous transaction, carried in full, and has one signature by each of
/// two cosigners. Signing shares one sighash cache, so building stays linear.
pub fn bench_request(taproot: bool, n: usize) -> (String, String, Vec<u8>) {
    bench_request_with_prev_txs_of(taproot, n, 0)
}

/// As [`bench_request`], with each previous transaction `padding` bytes larger (one more
/// output, after the wallet's, with a script of that many bytes): what hashing large
/// previous transactions costs.
pub fn bench_request_with_prev_txs_of(
    taproot: bool,
    n: usize,
    padding: usize,
) -> (String, String, Vec<u8>) {
    let pad = |mut prev: Transaction| {
        if padding > 0 {
            let script_pubkey = ScriptBuf::from_bytes(vec![0x6a; padding]);
            prev.output.push(TxOut { value: Amount::ZERO, script_pubkey });
        }
        prev
    };
    let per_input = 100_000u64;
    let total = per_input * u64::try_from(n).unwrap();
    let fee = 10_000 * u64::try_from(n).unwrap();
    let pay = total / 2;
    let change = total - pay - fee;
    let intent = IntentSpec {
        max_fee_sat: None,
        ..IntentSpec::new(vec![(DESTINATION.to_owned(), pay, None)])
    };
    // Requests of 1,000 inputs and more weigh more than the default max_tx_weight (SPEC 2.7).
    let limits = [
        ("max_fee_sat", "2100000000000000"),
        ("max_fee_rate_sat_vb", "1000000"),
        ("max_tx_weight", "4000000"),
    ];
    let secp = Secp256k1::new();
    if taproot {
        let w = TrWallet::new("bench", TrShape::NumsSorted);
        let inputs: Vec<TrIn> = (0..n)
            .map(|i| TrIn {
                wallet: &w,
                branch: 0,
                index: u32::try_from(i).unwrap(),
                sat: per_input,
            })
            .collect();
        let prevs: Vec<Transaction> = inputs.iter().map(tr_funding).map(pad).collect();
        let tx = bench_tx(&prevs, pay, w.script(1, 0), change);
        let mut psbt = Psbt::from_unsigned_tx(tx.clone()).unwrap();
        psbt.outputs[1] = w.output_map(1, 0);
        let prevouts: Vec<TxOut> = prevs.iter().map(|p| p.output[1].clone()).collect();
        let mut cache = SighashCache::new(&tx);
        for (n, (i, prev)) in inputs.iter().zip(&prevs).enumerate() {
            psbt.inputs[n] = Input {
                witness_utxo: Some(prev.output[1].clone()),
                non_witness_utxo: Some(prev.clone()),
                ..w.input_map(0, i.index)
            };
            let leaf = &w.leaves()[0];
            let leaf_hash = TapLeafHash::from_script(
                &w.leaf_script(leaf, 0, i.index).1,
                LeafVersion::TapScript,
            );
            let sighash = cache
                .taproot_script_spend_signature_hash(
                    n,
                    &Prevouts::All(&prevouts),
                    leaf_hash,
                    TapSighashType::Default,
                )
                .unwrap();
            let msg = Message::from_digest(sighash.to_byte_array());
            for &c in &leaf.cosigners[..2] {
                let keypair = Keypair::from_secret_key(&secp, &w.secret(c, 0, i.index));
                let signature = secp.sign_schnorr_no_aux_rand(&msg, &keypair);
                psbt.inputs[n].tap_script_sigs.insert(
                    (keypair.x_only_public_key().0, leaf_hash),
                    taproot::Signature { signature, sighash_type: TapSighashType::Default },
                );
            }
        }
        (tr_policy(&w, &limits), intent.json(), psbt.serialize())
    } else {
        let w = Wallet::new("bench", Kind::Wsh, true, Network::Bitcoin);
        let inputs: Vec<In> =
            (0..n).map(|i| input(&w, 0, u32::try_from(i).unwrap(), per_input)).collect();
        let prevs: Vec<Transaction> = inputs.iter().map(funding).map(pad).collect();
        let tx = bench_tx(&prevs, pay, w.script(1, 0), change);
        let mut psbt = Psbt::from_unsigned_tx(tx.clone()).unwrap();
        psbt.outputs[1] = Output {
            witness_script: w.witness_script(1, 0),
            bip32_derivation: w.origins(1, 0),
            ..Output::default()
        };
        let mut cache = SighashCache::new(&tx);
        for (n, (i, prev)) in inputs.iter().zip(&prevs).enumerate() {
            let witness_script = w.witness_script(0, i.index).unwrap();
            let sighash = cache
                .p2wsh_signature_hash(
                    n,
                    &witness_script,
                    Amount::from_sat(per_input),
                    EcdsaSighashType::All,
                )
                .unwrap();
            let msg = Message::from_digest(sighash.to_byte_array());
            psbt.inputs[n] = Input {
                witness_utxo: Some(prev.output[1].clone()),
                non_witness_utxo: Some(prev.clone()),
                witness_script: Some(witness_script),
                bip32_derivation: w.origins(0, i.index),
                ..Input::default()
            };
            for c in [0, 1] {
                let sk = w.secret(c, 0, i.index);
                let signature = secp.sign_ecdsa(&msg, &sk);
                psbt.inputs[n].partial_sigs.insert(
                    PublicKey::new(sk.public_key(&secp)),
                    ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
                );
            }
        }
        (policy("treasury", &w, &limits), intent.json(), psbt.serialize())
    }
}

fn bench_tx(prevs: &[Transaction], pay: u64, change_script: ScriptBuf, change: u64) -> Transaction {
    let outpoints = prevs.iter().map(|p| OutPoint { txid: p.compute_txid(), vout: 1 }).collect();
    let outputs = vec![
        TxOut { value: Amount::from_sat(pay), script_pubkey: script_of(DESTINATION) },
        TxOut { value: Amount::from_sat(change), script_pubkey: change_script },
    ];
    spending_tx(outpoints, outputs)
}

/// The unsigned transaction of a request: version 2, locktime 0, RBF sequences.
fn spending_tx(outpoints: Vec<OutPoint>, output: Vec<TxOut>) -> Transaction {
    Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: outpoints
            .into_iter()
            .map(|previous_output| TxIn {
                previous_output,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
                witness: Witness::new(),
            })
            .collect(),
        output,
    }
}

/// The outputs of a request; change scripts come from `change_script(branch, index)`.
fn tx_outs(outputs: &[Out], change_script: impl Fn(u32, u32) -> ScriptBuf) -> Vec<TxOut> {
    outputs
        .iter()
        .map(|o| match o {
            Out::Pay(script, sat) => {
                TxOut { value: Amount::from_sat(*sat), script_pubkey: script.clone() }
            }
            Out::Change(b, i, sat) => {
                TxOut { value: Amount::from_sat(*sat), script_pubkey: change_script(*b, *i) }
            }
        })
        .collect()
}

// --- Finalized inputs, fields a signer acts on, the weight limit (contract version 2) ------

/// The public keys a `multi`/`sortedmulti` script pushes, in the script's order.
fn script_keys(script: &ScriptBuf) -> Vec<PublicKey> {
    script
        .instructions()
        .filter_map(|i| match i.unwrap() {
            Instruction::PushBytes(p) => PublicKey::from_slice(p.as_bytes()).ok(),
            Instruction::Op(_) => None,
        })
        .collect()
}

/// A script that pushes each element, as a P2SH scriptSig does.
fn push_all(elements: &[Vec<u8>]) -> ScriptBuf {
    elements
        .iter()
        .fold(Builder::new(), |b, e| b.push_slice(PushBytesBuf::try_from(e.clone()).unwrap()))
        .into_script()
}

/// Finalizes input `n` as a BIP-174 finalizer does: the final scriptSig and witness from its
/// partial signatures, in the script's key order; the signatures and scripts are removed.
/// Key origins are kept: the verifier locates the input in the wallet by them.
fn finalize(psbt: &mut Psbt, n: usize, i: &In) {
    let w = i.wallet;
    let script = match w.kind {
        Kind::Wsh | Kind::ShWsh => w.witness_script(i.branch, i.index),
        Kind::Sh => w.redeem_script(i.branch, i.index),
    }
    .unwrap();
    let input = &mut psbt.inputs[n];
    let mut stack = vec![Vec::new()];
    stack.extend(
        script_keys(&script).iter().filter_map(|k| input.partial_sigs.get(k)).map(|s| s.to_vec()),
    );
    stack.push(script.to_bytes());
    match w.kind {
        Kind::Wsh => input.final_script_witness = Some(Witness::from_slice(&stack)),
        Kind::ShWsh => {
            input.final_script_witness = Some(Witness::from_slice(&stack));
            let redeem = w.redeem_script(i.branch, i.index).unwrap();
            input.final_script_sig = Some(push_all(&[redeem.to_bytes()]));
        }
        Kind::Sh => input.final_script_sig = Some(push_all(&stack)),
    }
    input.partial_sigs.clear();
    input.witness_script = None;
    input.redeem_script = None;
}

/// The final witness of input `n`, changed by `change`.
fn edit_witness(psbt: &mut Psbt, n: usize, change: impl FnOnce(&mut Vec<Vec<u8>>)) {
    let input = &mut psbt.inputs[n];
    let mut stack: Vec<Vec<u8>> =
        input.final_script_witness.as_ref().unwrap().iter().map(<[u8]>::to_vec).collect();
    change(&mut stack);
    input.final_script_witness = Some(Witness::from_slice(&stack));
}

/// Finalizes taproot input `n`: the script path of leaf 0 (a signature or an empty element per
/// key, last key first, then the leaf script and its control block), or the key path.
fn finalize_tr(psbt: &mut Psbt, n: usize, i: &TrIn) {
    let w = i.wallet;
    let input = &mut psbt.inputs[n];
    let witness = match input.tap_key_sig.take() {
        Some(sig) => Witness::from_slice(&[sig.to_vec()]),
        None => {
            let (keys, script) = w.leaf_script(&w.leaves()[0], i.branch, i.index);
            let leaf_hash = TapLeafHash::from_script(&script, LeafVersion::TapScript);
            let info = w.spend_info(i.branch, i.index);
            let control_block =
                info.control_block(&(script.clone(), LeafVersion::TapScript)).unwrap();
            let mut stack: Vec<Vec<u8>> = keys
                .iter()
                .rev()
                .map(|k| {
                    input
                        .tap_script_sigs
                        .get(&(*k, leaf_hash))
                        .map(|s| s.to_vec())
                        .unwrap_or_default()
                })
                .collect();
            stack.push(script.to_bytes());
            stack.push(control_block.serialize());
            Witness::from_slice(&stack)
        }
    };
    input.final_script_witness = Some(witness);
    input.tap_script_sigs.clear();
    input.tap_scripts.clear();
    input.tap_internal_key = None;
    input.tap_merkle_root = None;
}

/// A valid compressed public key from a tag, for fields whose content does not matter.
fn tag_key(tag: &str) -> Vec<u8> {
    let secp = Secp256k1::new();
    SecretKey::from_slice(&tagged(tag)).unwrap().public_key(&secp).serialize().to_vec()
}

/// The estimated final weight of SPEC 2.4 for a request of `wallet`: the unsigned
/// transaction's weight plus the descriptor's maximum satisfaction weight per input.
fn estimated_weight(descriptor: &str, psbt: &Psbt) -> u64 {
    let d = Descriptor::<DescriptorPublicKey>::from_str(descriptor).unwrap();
    let per_input = d.max_weight_to_satisfy().unwrap().to_wu();
    psbt.unsigned_tx.weight().to_wu() + per_input * psbt.inputs.len() as u64
}

/// Finalized inputs (SPEC 2.6), fields a signer acts on (1.3) and the weight limit (2.7), on
/// the DMM request and the segwit v0 and P2SH shapes.
fn hardening_cases(
    add: &mut dyn FnMut(&str, String, String, &Psbt, Expected),
    treasury: &Wallet,
    honest: &Psbt,
) {
    let intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let base_policy = || policy("treasury", treasury, &[]);
    let dmm_inputs = [input(treasury, 0, 7, 3_000 * BTC), input(treasury, 0, 12, 2_000 * BTC)];

    // Finalized inputs that must be approved: what a coordinator holds before broadcast.
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        finalize(&mut psbt, 1, &dmm_inputs[1]);
        add(
            "701-final-wsh",
            base_policy(),
            intent.json(),
            &psbt,
            expected("Both inputs finalized (wsh): empty element, two ALL signatures in key order, the derived witness script. Approved.", vec![]),
        );
    }
    for (dir, kind, sorted, what) in [
        (
            "702-final-sh-wsh-sortedmulti",
            Kind::ShWsh,
            true,
            "sh(wsh): scriptSig pushes the derived redeem script, witness as for wsh",
        ),
        (
            "703-final-sh-multi",
            Kind::Sh,
            false,
            "sh(multi): scriptSig OP_0, two signatures in key order, the derived redeem script",
        ),
    ] {
        let w = Wallet::new(dir, kind, sorted, Network::Bitcoin);
        let inputs = [input(&w, 0, 0, BTC), input(&w, 1, 2, BTC / 2)];
        let outputs = [Out::Pay(script_of(DESTINATION), BTC), Out::Change(1, 5, BTC / 2 - 30_000)];
        let mut psbt = build(&w, &inputs, &outputs);
        finalize(&mut psbt, 0, &inputs[0]);
        finalize(&mut psbt, 1, &inputs[1]);
        let intent = IntentSpec::new(vec![(DESTINATION.to_owned(), BTC, None)]);
        add(
            dir,
            policy("treasury", &w, &[]),
            intent.json(),
            &psbt,
            expected(
                Box::leak(format!("Both inputs finalized, {what}. Approved.").into_boxed_str()),
                vec![],
            ),
        );
        let mut broken = psbt.clone();
        let (dir, exp) = if kind == Kind::Sh {
            broken.inputs[0].final_script_sig = Some(push_all(&[Vec::new()]));
            (
                "715-final-sh-op0-only",
                expected(
                    "Input 0's final scriptSig is OP_0 alone: no signatures, no redeem script.",
                    vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
                ),
            )
        } else {
            let other = w.redeem_script(0, 9).unwrap();
            broken.inputs[0].final_script_sig = Some(push_all(&[other.to_bytes()]));
            (
                "722-final-sh-wsh-foreign-redeem-script",
                expected(
                    "Input 0's final scriptSig pushes the wallet's redeem script of another index.",
                    vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
                ),
            )
        };
        add(dir, policy("treasury", &w, &[]), intent.json(), &broken, exp);
        let redeem = w.redeem_script(0, 0).unwrap().to_bytes();
        let more: Vec<(&str, &'static str, Psbt)> = if kind == Kind::Sh {
            let mut with_witness = psbt.clone();
            with_witness.inputs[0].final_script_witness = Some(Witness::from_slice(&[vec![0x01]]));
            vec![(
                "727-final-sh-with-witness",
                "Input 0 (P2SH) is finalized with a correct scriptSig and also a final witness, which a P2SH spend has none of.",
                with_witness,
            )]
        } else {
            let mut two = psbt.clone();
            two.inputs[0].final_script_sig = Some(push_all(&[redeem.clone(), redeem.clone()]));
            // OP_PUSHDATA1 for 34 bytes, where OP_PUSHBYTES_34 is the minimal push.
            let mut non_minimal = psbt.clone();
            let mut script_sig = vec![0x4c, u8::try_from(redeem.len()).unwrap()];
            script_sig.extend(&redeem);
            non_minimal.inputs[0].final_script_sig = Some(ScriptBuf::from(script_sig));
            vec![
                (
                    "726-final-sh-wsh-two-pushes",
                    "Input 0's final scriptSig pushes the derived redeem script twice; P2SH-P2WSH takes exactly one push of it.",
                    two,
                ),
                (
                    "728-final-sh-wsh-non-minimal-push",
                    "Input 0's final scriptSig pushes the derived redeem script with OP_PUSHDATA1, not minimally, so it is not exactly the one push P2SH-P2WSH takes.",
                    non_minimal,
                ),
            ]
        };
        for (dir, description, psbt) in more {
            add(
                dir,
                policy("treasury", &w, &[]),
                intent.json(),
                &psbt,
                expected(description, vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)]),
            );
        }
    }
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        add(
            "704-final-one-of-two",
            base_policy(),
            intent.json(),
            &psbt,
            expected("Input 0 finalized, input 1 still partially signed. Approved.", vec![]),
        );
    }

    // Finalized inputs that must be rejected.
    for (dir, ty, what) in [
        (
            "711-final-sighash-none",
            EcdsaSighashType::None,
            "SIGHASH_NONE: a blank cheque for that coin",
        ),
        (
            "712-final-sighash-anyonecanpay",
            EcdsaSighashType::AllPlusAnyoneCanPay,
            "ALL|ANYONECANPAY",
        ),
    ] {
        let mut psbt = honest.clone();
        psbt.inputs[0].partial_sigs.clear();
        sign(&mut psbt, 0, &dmm_inputs[0], 0, EcdsaSighashType::All);
        sign(&mut psbt, 0, &dmm_inputs[0], 1, ty);
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        add(
            dir,
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                Box::leak(
                    format!("Input 0's final witness holds a valid signature with {what}.")
                        .into_boxed_str(),
                ),
                vec![at_input("INPUT_SIGHASH_NOT_ALLOWED", 0)],
            ),
        );
    }
    {
        let foreign = Wallet::new("foreign", Kind::Wsh, true, Network::Bitcoin);
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        edit_witness(&mut psbt, 0, |stack| {
            *stack.last_mut().unwrap() = foreign.witness_script(0, 7).unwrap().to_bytes();
        });
        add(
            "713-final-foreign-witness-script",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness ends in another wallet's witness script.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    let bad_final = {
        let mut psbt = honest.clone();
        psbt.inputs[0].partial_sigs.clear();
        sign(&mut psbt, 0, &dmm_inputs[0], 0, EcdsaSighashType::All);
        let sk = treasury.secret(1, 0, 7);
        let signature =
            treasury.secp.sign_ecdsa(&Message::from_digest(tagged("another transaction")), &sk);
        psbt.inputs[0].partial_sigs.insert(
            PublicKey::new(sk.public_key(&treasury.secp)),
            ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
        );
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        psbt
    };
    add(
        "716-final-signature-over-another-transaction",
        base_policy(),
        intent.json(),
        &bad_final,
        expected(
            "Input 0's final witness holds a wallet key's signature over another message.",
            vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
        ),
    );
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        sign(&mut psbt, 0, &dmm_inputs[0], 2, EcdsaSighashType::All);
        add(
            "717-final-with-disagreeing-partial-sig",
            base_policy(),
            intent.json(),
            &psbt,
            expected("Input 0 is finalized and also carries a valid partial signature that its final witness does not hold.", vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)]),
        );
    }
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].partial_sigs.clear();
        sign(&mut psbt, 0, &dmm_inputs[0], 0, EcdsaSighashType::All);
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        add(
            "718-final-one-signature",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has one signature where the 2-of-3 script needs two.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        psbt.inputs[0].final_script_sig =
            Some(push_all(&[treasury.witness_script(0, 7).unwrap().to_bytes()]));
        add(
            "721-final-wsh-with-script-sig",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0 (native wsh) is finalized with a non-empty scriptSig.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        edit_witness(&mut psbt, 0, |stack| stack[0] = vec![0x01]);
        add(
            "729-final-wsh-dummy-not-empty",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness starts with 0x01 where OP_CHECKMULTISIG's dummy element must be empty (BIP-147); its signatures are valid.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        let keypair = Keypair::from_secret_key(&treasury.secp, &treasury.secret(2, 0, 7));
        let signature = treasury.secp.sign_schnorr_no_aux_rand(
            &Message::from_digest(tagged("another transaction")),
            &keypair,
        );
        psbt.inputs[0].tap_key_sig =
            Some(taproot::Signature { signature, sighash_type: TapSighashType::Default });
        add(
            "730-final-wsh-with-taproot-signature",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0 (wsh) is finalized and also carries a taproot key-path signature, which its final witness does not hold and a wsh input cannot use.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0), at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        sign(&mut psbt, 0, &dmm_inputs[0], 2, EcdsaSighashType::All);
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        add(
            "741-final-wsh-three-signatures",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has three valid signatures where the 2-of-3 script takes exactly two (the extra element fails the spend).",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let foreign = Wallet::new("foreign", Kind::Wsh, true, Network::Bitcoin);
        let script = foreign.witness_script(0, 7).unwrap();
        let mut psbt = honest.clone();
        finalize(&mut psbt, 0, &dmm_inputs[0]);
        edit_witness(&mut psbt, 0, |stack| *stack.last_mut().unwrap() = script.to_bytes());
        psbt.inputs[0].witness_script = Some(script);
        add(
            "738-final-foreign-witness-script-twice",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 0's PSBT witness script and the script its final witness ends in are both another wallet's: one INPUT_SCRIPT_MISMATCH for the input, as a code is reported once per place.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }

    // Fields a signer would act on, which intentguard does not verify (SPEC 1.3).
    let key = |type_value: u8, key: Vec<u8>| raw::Key { type_value, key };
    {
        let mut psbt = honest.clone();
        let info = [tag_key("scan"), tag_key("spend")].concat();
        psbt.outputs[0].unknown.insert(key(0x09, vec![]), info);
        add(
            "502-psbt-silent-payment-output",
            base_policy(),
            intent.json(),
            &psbt,
            expected("The payment output carries PSBT_OUT_SP_V0_INFO (BIP-375): a silent-payment signer would pay a script it computes from it.", vec![at_output("PSBT_FIELD_NOT_ALLOWED", 0)]),
        );
    }
    {
        let mut psbt = honest.clone();
        let participants = [tag_key("musig a"), tag_key("musig b")].concat();
        psbt.inputs[1].unknown.insert(key(0x1a, tag_key("musig aggregate")), participants);
        add(
            "503-psbt-musig2-input",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Input 1 carries PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS (BIP-373).",
                vec![at_input("PSBT_FIELD_NOT_ALLOWED", 1)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let mut proof = vec![5];
        proof.extend(b"alice");
        proof.extend([0u8; 16]);
        psbt.outputs[1].unknown.insert(key(0x35, vec![]), proof);
        psbt.unknown.insert(key(0x07, tag_key("scan")), tag_key("share"));
        psbt.unknown.insert(key(0x99, vec![1]), vec![2]);
        add(
            "504-psbt-dnssec-proof-and-global-ecdh-share",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "Output 1 carries PSBT_OUT_DNSSEC_PROOF (BIP-353); the global map PSBT_GLOBAL_SP_ECDH_SHARE (BIP-375) and an unknown field.",
                vec![e("PSBT_FIELD_NOT_ALLOWED"), e("PSBT_UNKNOWN_FIELD"), at_output("PSBT_FIELD_NOT_ALLOWED", 1)],
            ),
        );
    }

    {
        let mut psbt = honest.clone();
        psbt.unknown
            .insert(key(0x08, tag_key("scan")), [tagged("dleq e"), tagged("dleq s")].concat());
        psbt.inputs[0].unknown.insert(key(0x1d, tag_key("scan")), tag_key("input share"));
        psbt.inputs[1]
            .unknown
            .insert(key(0x1e, tag_key("scan")), [tagged("dleq e 1"), tagged("dleq s 1")].concat());
        psbt.outputs[1].unknown.insert(key(0x0a, vec![]), 7u32.to_le_bytes().to_vec());
        add(
            "505-psbt-silent-payment-fields",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "BIP-375 fields, one per map: PSBT_GLOBAL_SP_DLEQ in the global map, PSBT_IN_SP_ECDH_SHARE on input 0, PSBT_IN_SP_DLEQ on input 1, PSBT_OUT_SP_V0_LABEL on output 1.",
                vec![
                    e("PSBT_FIELD_NOT_ALLOWED"),
                    at_input("PSBT_FIELD_NOT_ALLOWED", 0),
                    at_input("PSBT_FIELD_NOT_ALLOWED", 1),
                    at_output("PSBT_FIELD_NOT_ALLOWED", 1),
                ],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let aggregate = tag_key("musig aggregate");
        let participant_and_aggregate = [tag_key("musig participant"), aggregate.clone()].concat();
        psbt.inputs[0].unknown.insert(
            key(0x1b, participant_and_aggregate.clone()),
            [tag_key("musig nonce 1"), tag_key("musig nonce 2")].concat(),
        );
        psbt.inputs[1].unknown.insert(
            key(0x1c, participant_and_aggregate),
            tagged("musig partial signature").to_vec(),
        );
        psbt.outputs[1]
            .unknown
            .insert(key(0x08, aggregate), [tag_key("musig a"), tag_key("musig b")].concat());
        add(
            "506-psbt-musig2-fields",
            base_policy(),
            intent.json(),
            &psbt,
            expected(
                "BIP-373 fields, one per map: PSBT_IN_MUSIG2_PUB_NONCE on input 0, PSBT_IN_MUSIG2_PARTIAL_SIG on input 1, PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS on output 1.",
                vec![
                    at_input("PSBT_FIELD_NOT_ALLOWED", 0),
                    at_input("PSBT_FIELD_NOT_ALLOWED", 1),
                    at_output("PSBT_FIELD_NOT_ALLOWED", 1),
                ],
            ),
        );
    }

    // BIP-388's shorthand `/**` means `/<0;1>/*` (SPEC 1.1).
    {
        let body = treasury.descriptor.split('#').next().unwrap().replace("/<0;1>/*", "/**");
        add(
            "011-policy-double-star",
            base_policy().replace(&treasury.descriptor, &body),
            intent.json(),
            honest,
            expected(
                "The DMM request under the same wallet written with /** for /<0;1>/*: approved.",
                vec![],
            ),
        );
    }

    // The weight limit (SPEC 2.7).
    let weight = estimated_weight(&treasury.descriptor, honest);
    let exact = weight.to_string();
    add(
        "801-tx-weight-at-limit",
        policy("treasury", treasury, &[("max_tx_weight", &exact)]),
        intent.json(),
        honest,
        expected(
            "The policy's max_tx_weight is exactly the request's estimated final weight: approved.",
            vec![],
        ),
    );
    let under = (weight - 1).to_string();
    add(
        "802-tx-over-standard-weight",
        policy("treasury", treasury, &[("max_tx_weight", &under)]),
        intent.json(),
        honest,
        expected(
            "The request's estimated final weight is 1 WU over the policy's max_tx_weight.",
            vec![e("TX_OVER_STANDARD_WEIGHT")],
        ),
    );
    {
        let mut psbt = honest.clone();
        let sk = treasury.secret(1, 0, 12);
        let signature =
            treasury.secp.sign_ecdsa(&Message::from_digest(tagged("another transaction")), &sk);
        psbt.inputs[1].partial_sigs.insert(
            PublicKey::new(sk.public_key(&treasury.secp)),
            ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
        );
        add(
            "803-tx-over-weight-signatures-unchecked",
            policy("treasury", treasury, &[("max_tx_weight", &under)]),
            intent.json(),
            &psbt,
            expected("Over the weight limit with a bad signature on input 1: refused for its weight, before any signature is checked.", vec![e("TX_OVER_STANDARD_WEIGHT")]),
        );
    }
    add(
        "804-tx-over-weight-final-signature-unchecked",
        policy("treasury", treasury, &[("max_tx_weight", &under)]),
        intent.json(),
        &bad_final,
        expected("716's request (input 0 finalized with a signature over another message) over the weight limit: refused for its weight; final signatures are not verified either.", vec![e("TX_OVER_STANDARD_WEIGHT")]),
    );
}

/// Finalized taproot inputs: key path and script path approved; an annex, a foreign
/// control block, a missing signature, SIGHASH_NONE and a bad signature rejected.
fn tr_final_cases(add: &mut dyn FnMut(&str, String, String, &Psbt, Expected)) {
    let nums = TrWallet::new("taproot nums", TrShape::NumsSorted);
    let keyed = TrWallet::new("taproot keyed", TrShape::KeyMulti);
    let tree = TrWallet::new("taproot tree", TrShape::Tree);
    let intent = IntentSpec::new(vec![(DESTINATION.to_owned(), BTC, None)]);
    let outputs =
        || vec![Out::Pay(script_of(DESTINATION), BTC), Out::Change(1, 2, BTC / 2 - 12_000)];
    fn ins(w: &TrWallet) -> Vec<TrIn<'_>> {
        vec![
            TrIn { wallet: w, branch: 0, index: 4, sat: BTC },
            TrIn { wallet: w, branch: 1, index: 1, sat: BTC / 2 },
        ]
    }
    let finalized = |w: &TrWallet, signing| {
        let inputs = ins(w);
        let mut psbt = build_tr(w, &inputs, &outputs(), signing);
        for (n, i) in inputs.iter().enumerate() {
            finalize_tr(&mut psbt, n, i);
        }
        psbt
    };
    for (dir, w, signing, what) in [
        ("705-final-tr-script-path", &nums, TrSigning::Script, "tr(NUMS, sortedmulti_a(2,A,B,C)) by script path: signatures or empty elements per key, the leaf script, its control block"),
        ("706-final-tr-key-path", &keyed, TrSigning::Key, "tr(A, multi_a(2,B,C)) by key path: one signature"),
        ("707-final-tr-tree-leaf", &tree, TrSigning::Script, "tr(NUMS, three leaves) by its first leaf, whose control block has a merkle path"),
    ] {
        add(
            dir,
            tr_policy(w, &[]),
            intent.json(),
            &finalized(w, signing),
            expected(Box::leak(format!("Both inputs finalized, {what}. Approved.").into_boxed_str()), vec![]),
        );
    }
    let honest = finalized(&nums, TrSigning::Script);
    let prevouts = |w: &TrWallet| -> Vec<TxOut> {
        ins(w).iter().map(|i| tr_funding(i).output[1].clone()).collect()
    };
    {
        let mut psbt = honest.clone();
        psbt.inputs[0].final_script_sig = Some(push_all(&[tagged("script sig").to_vec()]));
        add(
            "725-final-tr-with-script-sig",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 (taproot) is finalized with a correct witness and a scriptSig of one 32-byte push; a taproot spend has an empty scriptSig.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let sk = nums.secret(0, 0, 4);
        let signature =
            nums.secp.sign_ecdsa(&Message::from_digest(tagged("another transaction")), &sk);
        psbt.inputs[0].partial_sigs.insert(
            PublicKey::new(sk.public_key(&nums.secp)),
            ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
        );
        add(
            "731-final-tr-with-ecdsa-partial-sig",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 (taproot) is finalized and also carries an ECDSA partial signature by a leaf key's public key; a taproot input has no ECDSA signatures.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0), at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let inputs = ins(&nums);
        let mut psbt = build_tr(&nums, &inputs, &outputs(), TrSigning::Script);
        sign_tr_script(&mut psbt, &prevouts(&nums), 0, &inputs[0], 2, TapSighashType::Default);
        for (n, i) in inputs.iter().enumerate() {
            finalize_tr(&mut psbt, n, i);
        }
        add(
            "742-final-tr-three-signatures",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has three valid signatures for the 2-of-3 leaf, which sums to 3 and fails its 2 OP_NUMEQUAL.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let third = nums.leaves()[0].cosigners[2];
        sign_tr_script(
            &mut psbt,
            &prevouts(&nums),
            0,
            &ins(&nums)[0],
            third,
            TapSighashType::Default,
        );
        add(
            "737-final-tr-with-disagreeing-script-sig",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 is finalized and also carries a valid script-path signature by the third leaf key, which its final witness does not hold.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        edit_witness(&mut psbt, 0, |stack| {
            let at = stack.len() - 2;
            stack.insert(at, Vec::new());
        });
        add(
            "736-final-tr-extra-element",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has four elements before the leaf script of three keys (an extra empty one).",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let script = nums.leaf_script(&nums.leaves()[0], 0, 9).1;
        let cb = nums
            .spend_info(0, 9)
            .control_block(&(script.clone(), LeafVersion::TapScript))
            .unwrap()
            .serialize();
        edit_witness(&mut psbt, 0, |stack| {
            let n = stack.len();
            stack[n - 2] = script.to_bytes();
            stack[n - 1] = cb;
        });
        add(
            "735-final-tr-foreign-leaf-script",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness spends the wallet's leaf script of another index, with that leaf's control block.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        edit_witness(&mut psbt, 0, |stack| stack.push(vec![0x50, 0x01, 0x02]));
        add(
            "714-final-tr-annex",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness ends in an annex (0x50 ...).",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        // One leaf under NUMS has the same control block at every index; a tree's differ.
        let mut psbt = finalized(&tree, TrSigning::Script);
        let other = tree.spend_info(0, 5);
        let script = tree.leaf_script(&tree.leaves()[0], 0, 5).1;
        let cb = other.control_block(&(script, LeafVersion::TapScript)).unwrap().serialize();
        edit_witness(&mut psbt, 0, |stack| *stack.last_mut().unwrap() = cb);
        add(
            "720-final-tr-foreign-control-block",
            tr_policy(&tree, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has the control block of another index.",
                vec![at_input("INPUT_SCRIPT_MISMATCH", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        edit_witness(&mut psbt, 0, |stack| {
            let signed = stack.iter().position(|e| !e.is_empty()).unwrap();
            stack[signed].clear();
        });
        add(
            "723-final-tr-one-signature",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness has one signature where the leaf needs two.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = honest.clone();
        let w = &nums;
        let (keys, script) = w.leaf_script(&w.leaves()[0], 0, 4);
        let last = keys.len() - 1;
        let signer = (0..3).find(|&c| w.xonly(c, 0, 4) == keys[last]).unwrap();
        let keypair = Keypair::from_secret_key(&w.secp, &w.secret(signer, 0, 4));
        let wrong = w.secp.sign_schnorr_no_aux_rand(
            &Message::from_digest(tagged("another transaction")),
            &keypair,
        );
        assert!(!script.is_empty());
        edit_witness(&mut psbt, 0, |stack| {
            // The first element is the last key's.
            if stack[0].is_empty() {
                let signed = stack.iter().position(|e| !e.is_empty()).unwrap();
                stack[signed].clear();
            }
            stack[0] = wrong.as_ref().to_vec();
        });
        add(
            "724-final-tr-signature-over-another-transaction",
            tr_policy(&nums, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final witness holds a leaf key's signature over another message.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        let inputs = ins(&keyed);
        let mut psbt = build_tr(&keyed, &inputs, &outputs(), TrSigning::Key);
        let prevouts: Vec<TxOut> = inputs.iter().map(|i| tr_funding(i).output[1].clone()).collect();
        sign_tr_key_with(&mut psbt, &prevouts, 0, &inputs[0], TapSighashType::None);
        for (n, i) in inputs.iter().enumerate() {
            finalize_tr(&mut psbt, n, i);
        }
        add(
            "719-final-tr-key-path-sighash-none",
            tr_policy(&keyed, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final key-path signature is valid with SIGHASH_NONE.",
                vec![at_input("INPUT_SIGHASH_NOT_ALLOWED", 0)],
            ),
        );
    }
    let key_path = finalized(&keyed, TrSigning::Key);
    {
        let mut psbt = key_path.clone();
        sign_tr_key_with(&mut psbt, &prevouts(&keyed), 0, &ins(&keyed)[0], TapSighashType::All);
        add(
            "732-final-tr-key-path-with-other-key-sig",
            tr_policy(&keyed, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0 is finalized by the key path and also carries a valid SIGHASH_ALL key-path signature that is not its final one.",
                vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)],
            ),
        );
    }
    {
        let mut psbt = key_path.clone();
        let keypair = Keypair::from_secret_key(&keyed.secp, &keyed.secret(0, 0, 4));
        let tweaked =
            keypair.tap_tweak(&keyed.secp, keyed.spend_info(0, 4).merkle_root()).to_keypair();
        let wrong = keyed.secp.sign_schnorr_no_aux_rand(
            &Message::from_digest(tagged("another transaction")),
            &tweaked,
        );
        edit_witness(&mut psbt, 0, |stack| *stack = vec![wrong.as_ref().to_vec()]);
        add(
            "733-final-tr-key-path-signature-over-another-transaction",
            tr_policy(&keyed, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final key-path signature is by the output key, over another message.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }
    {
        let mut psbt = key_path.clone();
        edit_witness(&mut psbt, 0, |stack| stack[0].push(0x00));
        add(
            "734-final-tr-key-path-sighash-byte-zero",
            tr_policy(&keyed, &[]),
            intent.json(),
            &psbt,
            expected(
                "Input 0's final key-path signature is valid but written as 65 bytes ending in 0x00 (SIGHASH_DEFAULT spelled out), which BIP-341 makes an invalid signature.",
                vec![at_input("INPUT_BAD_PARTIAL_SIG", 0)],
            ),
        );
    }

    // Leaves whose satisfaction intentguard does not read finalized (docs/decisions.md).
    let mixed = TrWallet::new("taproot mixed", TrShape::Mixed);
    add(
        "708-final-tr-mixed-tree-multi-a-leaf",
        tr_policy(&mixed, &[]),
        intent.json(),
        &finalized(&mixed, TrSigning::Script),
        expected("tr(NUMS, {sortedmulti_a(2,A,B,C), {and_v(v:pk(A),pk(B)), pkh(C)}}) with both inputs finalized by its sortedmulti_a leaf. Approved.", vec![]),
    );
    let leaves = mixed.leaves();
    for (dir, leaf, what) in [
        (
            "739-final-tr-and-v-leaf",
            &leaves[1],
            "Input 0 is finalized by the and_v(v:pk(A),pk(B)) leaf with both valid signatures; intentguard reads finalized multi_a, sortedmulti_a and pk leaves only.",
        ),
        (
            "740-final-tr-pkh-leaf",
            &leaves[2],
            "Input 0 is finalized by the pkh(C) leaf: a valid signature and C's x-only key; intentguard reads finalized multi_a, sortedmulti_a and pk leaves only.",
        ),
    ] {
        let inputs = ins(&mixed);
        let mut psbt = build_tr(&mixed, &inputs, &outputs(), TrSigning::Script);
        finalize_tr(&mut psbt, 1, &inputs[1]);
        let (keys, script) = mixed.leaf_script(leaf, 0, 4);
        let leaf_hash = TapLeafHash::from_script(&script, LeafVersion::TapScript);
        let sighash = SighashCache::new(&psbt.unsigned_tx)
            .taproot_script_spend_signature_hash(
                0,
                &Prevouts::All(&prevouts(&mixed)),
                leaf_hash,
                TapSighashType::Default,
            )
            .unwrap();
        let sig = |cosigner: usize| {
            let keypair = Keypair::from_secret_key(&mixed.secp, &mixed.secret(cosigner, 0, 4));
            let message = Message::from_digest(sighash.to_byte_array());
            mixed.secp.sign_schnorr_no_aux_rand(&message, &keypair).as_ref().to_vec()
        };
        let mut stack = match leaf.kind {
            // The top of the stack (the last element) is for the first key.
            TrLeafKind::AndV => vec![sig(leaf.cosigners[1]), sig(leaf.cosigners[0])],
            TrLeafKind::Pkh => vec![sig(leaf.cosigners[0]), keys[0].serialize().to_vec()],
            TrLeafKind::MultiA => unreachable!(),
        };
        let info = mixed.spend_info(0, 4);
        stack.push(script.to_bytes());
        stack.push(info.control_block(&(script, LeafVersion::TapScript)).unwrap().serialize());
        let input = &mut psbt.inputs[0];
        input.final_script_witness = Some(Witness::from_slice(&stack));
        input.tap_script_sigs.clear();
        input.tap_scripts.clear();
        input.tap_internal_key = None;
        input.tap_merkle_root = None;
        add(
            dir,
            tr_policy(&mixed, &[]),
            intent.json(),
            &psbt,
            expected(what, vec![at_input("INPUT_FINAL_SCRIPT_INVALID", 0)]),
        );
    }
}

// --- Hostile shapes for benches/hostile.rs and the message-length test -------------------

/// A request that pays `n` outputs to the intent's one address, each an amount none of the
/// intent's `n` payments has: `n` PAYMENT_AMOUNT_MISMATCH and `n` PAYMENT_MISSING findings,
/// each of which could list all `n` amounts. Returns policy, intent and PSBT bytes.
pub fn many_payments_request(n: usize) -> (String, String, Vec<u8>) {
    let w = Wallet::new("many payments", Kind::Wsh, true, Network::Bitcoin);
    let payments: Vec<(String, u64, Option<&'static str>)> =
        (0..n as u64).map(|k| (DESTINATION.to_owned(), 10_000 + 2 * k, None)).collect();
    let total: u64 = payments.iter().map(|(_, sat, _)| sat + 1).sum();
    let outputs: Vec<Out> =
        payments.iter().map(|(_, sat, _)| Out::Pay(script_of(DESTINATION), sat + 1)).collect();
    let psbt = build(&w, &[input(&w, 0, 0, total + 50_000)], &outputs);
    let intent = IntentSpec { max_fee_sat: None, ..IntentSpec::new(payments) };
    (policy("treasury", &w, &[]), intent.json(), psbt.serialize())
}

/// A legacy `sh(sortedmulti)` request of `n` inputs, two signatures each (well-formed, over
/// another message: the verifier hashes every input's legacy sighash before it can tell),
/// and one extra output of `big` script bytes. Legacy sighashes serialise the whole
/// transaction per input, so checking its signatures costs `n` × its size. `max_tx_weight`
/// is written into the policy when given.
pub fn legacy_request(
    n: usize,
    big: usize,
    max_tx_weight: Option<u64>,
) -> (String, String, Vec<u8>) {
    let w = Wallet::new("legacy", Kind::Sh, true, Network::Bitcoin);
    let per_input = 100_000u64;
    let pay = per_input * n as u64 / 2;
    let inputs: Vec<In> =
        (0..n).map(|i| input(&w, 0, u32::try_from(i).unwrap(), per_input)).collect();
    let prevs: Vec<Transaction> = inputs.iter().map(funding).collect();
    let outpoints = prevs.iter().map(|p| OutPoint { txid: p.compute_txid(), vout: 1 }).collect();
    let mut outputs =
        vec![TxOut { value: Amount::from_sat(pay), script_pubkey: script_of(DESTINATION) }];
    if big > 0 {
        outputs
            .push(TxOut { value: Amount::ZERO, script_pubkey: ScriptBuf::from(vec![0x6a; big]) });
    }
    let tx = spending_tx(outpoints, outputs);
    let mut psbt = Psbt::from_unsigned_tx(tx).unwrap();
    let wrong = Message::from_digest(tagged("another transaction"));
    for (k, (i, prev)) in inputs.iter().zip(prevs).enumerate() {
        let mut input = Input {
            non_witness_utxo: Some(prev),
            redeem_script: w.redeem_script(0, i.index),
            bip32_derivation: w.origins(0, i.index),
            ..Input::default()
        };
        for c in [0, 1] {
            let sk = w.secret(c, 0, i.index);
            let signature = w.secp.sign_ecdsa(&wrong, &sk);
            input.partial_sigs.insert(
                PublicKey::new(sk.public_key(&w.secp)),
                ecdsa::Signature { signature, sighash_type: EcdsaSighashType::All },
            );
        }
        psbt.inputs[k] = input;
    }
    let intent = IntentSpec {
        max_fee_sat: None,
        ..IntentSpec::new(vec![(DESTINATION.to_owned(), pay, None)])
    };
    let weight = max_tx_weight.map(|m| m.to_string());
    let mut limits = vec![("max_fee_sat", "2100000000000000"), ("max_fee_rate_sat_vb", "1000000")];
    if let Some(weight) = &weight {
        limits.push(("max_tx_weight", weight));
    }
    (policy("treasury", &w, &limits), intent.json(), psbt.serialize())
}

/// Requests as other tools write them (SPEC 1.3): a raw file taken byte for byte, and a
/// SLIP-132 version inside a global xpub, which is not checked.
/// `prev-tx.hex`, the previous transactions a case supplies beside its PSBT (`--prev-tx`),
/// as hex, one per line.
fn with_prev_txs(mut case: Case, txs: &[Transaction]) -> Case {
    use intentguard::bitcoin::hex::DisplayHex;
    let lines: String = txs
        .iter()
        .map(|tx| {
            format!("{}\n", intentguard::bitcoin::consensus::serialize(tx).to_lower_hex_string())
        })
        .collect();
    case.files.insert(case.files.len() - 1, ("prev-tx.hex", lines.into_bytes()));
    case
}

/// Requests whose previous transactions come beside the PSBT (SPEC 3, `--prev-tx`), as
/// 41 of 88 real multisig PSBTs need: approved exactly when the supplied ones are right.
fn prev_tx_cases(treasury: &Wallet, honest: &Psbt) -> Vec<Case> {
    let intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let base = policy("treasury", treasury, &[]);
    let prev_txs: Vec<Transaction> =
        honest.inputs.iter().map(|i| i.non_witness_utxo.clone().unwrap()).collect();
    let mut stripped = honest.clone();
    for input in &mut stripped.inputs {
        input.non_witness_utxo = None;
    }
    let supplied = with_prev_txs(
        case("215-prev-tx-supplied", base.clone(), intent.json(), &stripped, expected(
            "The DMM request without previous transactions, as many coordinators write it; both are supplied beside it (--prev-tx), hashed and used as non_witness_utxo: approved.",
            vec![],
        )),
        &prev_txs,
    );
    let unrelated = with_prev_txs(
        case("216-prev-tx-supplied-unspent", base.clone(), intent.json(), &stripped, expected(
            "The DMM request without previous transactions; the transaction supplied beside it is one no input spends (the request's own): ignored, so the policy's require_prev_tx rejects both inputs.",
            vec![at_input("INPUT_MISSING_PREV_TX", 0), at_input("INPUT_MISSING_PREV_TX", 1)],
        )),
        std::slice::from_ref(&honest.unsigned_tx),
    );
    let mut understated = stripped.clone();
    if let Some(u) = understated.inputs[0].witness_utxo.as_mut() {
        u.value = Amount::from_sat(u.value.to_sat() - 10 * BTC);
    }
    // The fee is the one the supplied transactions prove.
    let mut proven = understated.clone();
    for (input, tx) in proven.inputs.iter_mut().zip(&prev_txs) {
        input.non_witness_utxo = Some(tx.clone());
    }
    let understated = with_prev_txs(
        case_with_request("217-prev-tx-supplied-witness-utxo-understated", base.clone(), intent.json(), &proven, format!("{understated}\n").into_bytes(), expected(
            "witness_utxo understates input 0's amount by 10 BTC; the previous transaction supplied beside the PSBT disagrees, exactly as one inside it would.",
            vec![at_input("INPUT_PREV_TX_MISMATCH", 0)],
        )),
        &prev_txs,
    );
    let mut wrong_inside = honest.clone();
    wrong_inside.inputs[0].non_witness_utxo =
        Some(funding(&input(treasury, 0, 7, 3_000 * BTC + 1)));
    let not_replaced = with_prev_txs(
        case("218-prev-tx-supplied-does-not-replace-the-psbt-s", base.clone(), intent.json(), &wrong_inside, expected(
            "Input 0 carries a previous transaction that is not the one its outpoint names; the right one supplied beside the PSBT does not replace it: a wrong one in the request stays a finding.",
            vec![at_input("INPUT_PREV_TX_MISMATCH", 0)],
        )),
        &prev_txs,
    );
    let mut unreadable = error_case(
        "913-prev-tx-file-malformed",
        "The DMM request without previous transactions, with a --prev-tx file that holds no transaction: could not verify.",
        base,
        intent.json(),
        format!("{stripped}\n").into_bytes(),
        "PSBT_MALFORMED",
    );
    unreadable
        .files
        .insert(unreadable.files.len() - 1, ("prev-tx.hex", b"not a transaction\n".to_vec()));
    vec![supplied, unrelated, understated, not_replaced, unreadable]
}

/// Bob's FIDO2 security key and carol's plain OpenSSH key (SPEC 1.1 `ssh` approvers).
fn bob_sk() -> sshsig::SshKey {
    sshsig::SshKey::sk_ed25519(tagged("intentguard test approver bob, security key"), "ssh:")
}

fn carol_ssh() -> sshsig::SshKey {
    sshsig::SshKey::ed25519(tagged("intentguard test approver carol, ssh-agent"))
}

/// The treasury policy with alice's hex key, bob's security key and carol's OpenSSH key.
fn ssh_policy(treasury: &Wallet, require_uv: bool) -> String {
    let keys = approver_keys();
    let mut text = policy("treasury", treasury, &[]);
    for (name, line) in [
        ("bob", bob_sk().public_line("bob@yubikey")),
        ("carol", carol_ssh().public_line("carol@laptop")),
    ] {
        let key = &keys.iter().find(|(n, _)| *n == name).unwrap().1;
        let hex_line = format!("key = \"{}\"", hex(key.verifying_key().as_bytes()));
        text = text.replacen(&hex_line, &format!("ssh = \"{line}\""), 1);
    }
    if require_uv {
        text = text.replacen("quorum = 2\n", "quorum = 2\nrequire_user_verification = true\n", 1);
    }
    text
}

/// The intent file with alice's hex approval (if `alice`), then these `sshsig` approvals.
fn ssh_intent(intent: &IntentSpec, alice: bool, sshsigs: &[(&str, String)]) -> String {
    let spec = IntentSpec { signers: if alice { vec!["alice"] } else { vec![] }, ..intent.clone() };
    let mut file: Value = serde_json::from_str(&spec.json()).unwrap();
    let approvals = file["approvals"].as_array_mut().unwrap();
    for (name, armored) in sshsigs {
        approvals.push(json!({ "approver": name, "sshsig": armored }));
    }
    let mut text = serde_json::to_string_pretty(&file).unwrap();
    text.push('\n');
    text
}

/// Approvals made with OpenSSH keys (SPEC 1.2 "SSH approvals"): a mixed quorum is approved,
/// and each condition an SSHSIG must meet has a case that breaks it alone. Alice (hex) and
/// carol (`ssh-ed25519`) meet the quorum in the rejections, so the one error is bob's.
fn ssh_cases(treasury: &Wallet, honest: &Psbt) -> Vec<Case> {
    use sshsig::{Form, HashAlg, Sshsig, FLAG_EXTENSION, FLAG_USER_PRESENT, FLAG_USER_VERIFIED};
    let intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let message = intent.message();
    let (bob, carol) = (bob_sk(), carol_ssh());
    let touched = Sshsig { counter: 17, ..Sshsig::default() };
    let carol_sig = ("carol", Sshsig::default().armored(&carol, &message));
    let mut cases = Vec::new();
    let mut approved =
        |dir: &str, require_uv: bool, alice: bool, sigs: &[(&str, String)], what: &'static str| {
            cases.push(case(
                dir,
                ssh_policy(treasury, require_uv),
                ssh_intent(&intent, alice, sigs),
                honest,
                expected(what, vec![]),
            ));
        };
    approved(
        "121-ssh-mixed-quorum",
        false,
        true,
        &[("bob", touched.armored(&bob, &message))],
        "Alice approves with her hex key, bob with a FIDO2 security key (sk-ssh-ed25519, touched): a mixed quorum, approved.",
    );
    approved(
        "122-ssh-agent-and-security-key",
        false,
        false,
        &[("bob", Sshsig { hash: HashAlg::Sha256, ..touched.clone() }.armored(&bob, &message)), carol_sig.clone()],
        "Bob (security key, sha256) and carol (ssh-ed25519 in ssh-agent, sha512) approve with SSH signatures only: approved.",
    );
    approved(
        "123-ssh-user-verification-given",
        true,
        true,
        &[("bob", Sshsig { flags: FLAG_USER_PRESENT | FLAG_USER_VERIFIED, ..touched.clone() }.armored(&bob, &message))],
        "The policy requires user verification; bob's security key reports a touch and a PIN (flags 0x05): approved.",
    );
    let rejected: Vec<(&str, bool, String, &'static str)> = vec![
        ("124-ssh-version-2", false, Sshsig { version: 2, ..touched.clone() }.armored(&bob, &message), "Bob's SSHSIG says version 2; only version 1 is defined."),
        ("125-ssh-other-key", false, Sshsig { public_blob: Some(carol.public_blob()), ..touched.clone() }.armored(&carol, &message), "Bob's approval is an SSHSIG by carol's key."),
        ("126-ssh-other-application", false, touched.armored(&sshsig::SshKey::sk_ed25519(tagged("intentguard test approver bob, security key"), "ssh:other"), &message), "Bob's security-key signature is for the FIDO application ssh:other; the policy's key is for ssh:."),
        ("127-ssh-plain-type-for-security-key", false, Sshsig::default().armored(&sshsig::SshKey::ed25519(tagged("intentguard test approver bob, security key")), &message), "Bob's SSHSIG is an ssh-ed25519 signature by the same Ed25519 key as his security key: another key type than the policy's."),
        ("128-ssh-wrong-namespace", false, Sshsig { namespace: "file".into(), ..touched.clone() }.armored(&bob, &message), "Bob's SSHSIG is in the namespace file, not intentguard-intent-v1."),
        ("129-ssh-reserved-not-empty", false, Sshsig { reserved: b"x".to_vec(), ..touched.clone() }.armored(&bob, &message), "Bob's SSHSIG has a non-empty reserved field (stricter than PROTOCOL.sshsig)."),
        ("130-ssh-hash-sha1", false, Sshsig { hash: HashAlg::Other("sha1".into()), ..touched.clone() }.armored(&bob, &message), "Bob's SSHSIG names the hash algorithm sha1."),
        ("131-ssh-signature-corrupted", false, Sshsig { corrupt_signature: true, ..touched.clone() }.armored(&bob, &message), "Bob's security-key signature has one bit flipped."),
        ("132-ssh-no-user-presence", false, Sshsig { flags: 0, ..touched.clone() }.armored(&bob, &message), "Bob's security key signed without a touch (flags 0x00)."),
        ("133-ssh-extension-flag", false, Sshsig { flags: FLAG_USER_PRESENT | FLAG_EXTENSION, ..touched.clone() }.armored(&bob, &message), "Bob's security-key signature sets the extension-data flag (0x80)."),
        ("134-ssh-flags-changed-after-signing", true, Sshsig { flags_after_signing: Some(FLAG_USER_PRESENT | FLAG_USER_VERIFIED), ..touched.clone() }.armored(&bob, &message), "Bob's security key signed flags 0x01; the flags byte was changed to 0x05 afterwards to fake a PIN: the signature covers it."),
        ("135-ssh-user-verification-missing", true, touched.armored(&bob, &message), "The policy requires user verification; bob's security key reports a touch only (flags 0x01)."),
        ("136-ssh-plain-form-under-security-key", false, Sshsig { form: Some(Form::Ed25519), ..touched.clone() }.armored(&bob, &message), "Bob's SSHSIG carries his security key but a plain ssh-ed25519 signature layout."),
        ("137-ssh-other-intent", false, touched.armored(&bob, b"intentguard/intent/v1\n{}"), "Bob's SSHSIG is a valid signature over another message."),
    ];
    for (dir, require_uv, bob_sig, what) in rejected {
        cases.push(case(
            dir,
            ssh_policy(treasury, require_uv),
            ssh_intent(&intent, true, &[("bob", bob_sig), carol_sig.clone()]),
            honest,
            expected(what, vec![at_approval("INTENT_BAD_SIGNATURE", 1)]),
        ));
    }
    // The wrong kind of approval for the approver's kind of key.
    let keys = approver_keys();
    let bob_hex_key = &keys.iter().find(|(n, _)| *n == "bob").unwrap().1;
    let hex_by_ssh_approver = {
        let mut file: Value =
            serde_json::from_str(&ssh_intent(&intent, true, std::slice::from_ref(&carol_sig)))
                .unwrap();
        let hex_sig = hex(&bob_hex_key.sign(&message).to_bytes());
        file["approvals"]
            .as_array_mut()
            .unwrap()
            .insert(1, json!({ "approver": "bob", "signature": hex_sig }));
        format!("{}\n", serde_json::to_string_pretty(&file).unwrap())
    };
    cases.push(case(
        "138-ssh-approver-with-hex-signature",
        ssh_policy(treasury, false),
        hex_by_ssh_approver,
        honest,
        expected(
            "Bob is an ssh approver, but his approval is a hex signature: it does not count.",
            vec![at_approval("INTENT_BAD_SIGNATURE", 1)],
        ),
    ));
    let alice_ssh = sshsig::SshKey::ed25519(hex32(ALICE_SEED));
    cases.push(case(
        "139-key-approver-with-sshsig",
        ssh_policy(treasury, false),
        ssh_intent(&intent, false, &[("alice", Sshsig::default().armored(&alice_ssh, &message)), ("bob", touched.armored(&bob, &message)), carol_sig]),
        honest,
        expected("Alice is a key approver, but her approval is an SSHSIG (by her own Ed25519 key): it does not count.", vec![at_approval("INTENT_BAD_SIGNATURE", 0)]),
    ));
    cases
}

fn raw_cases(treasury: &Wallet, honest: &Psbt) -> Vec<Case> {
    let intent =
        IntentSpec::new(vec![(DESTINATION.to_owned(), DMM_AMOUNT, Some("OTC settlement"))]);
    let base = policy("treasury", treasury, &[]);
    let mut raw = honest.serialize();
    raw.push(b'\n');
    let trailing = error_case(
        "912-psbt-raw-trailing-newline",
        "The DMM request as a raw (binary) file followed by a newline: a byte after the last map.",
        base.clone(),
        intent.json(),
        raw,
        "PSBT_MALFORMED",
    );
    let mut psbt = honest.clone();
    let c = &treasury.cosigners[0];
    let xpub = Xpub::from_priv(&treasury.secp, &c.account);
    psbt.xpub.insert(xpub, (c.fingerprint, c.origin.clone()));
    let mut bytes = psbt.serialize();
    let encoded = xpub.encode();
    let at = bytes.windows(78).position(|w| w == encoded).unwrap();
    bytes[at..at + 4].copy_from_slice(&[0x02, 0xaa, 0x7e, 0xd3]); // Zpub, as Coldcard writes
    let text = intentguard::bitcoin::base64::Engine::encode(
        &intentguard::bitcoin::base64::engine::general_purpose::STANDARD,
        &bytes,
    );
    let slip132 = case_with_request(
        "013-psbt-slip132-global-xpub",
        base,
        intent.json(),
        &psbt,
        format!("{text}\n").into_bytes(),
        expected("The DMM request with a global xpub written with SLIP-132 Zpub version bytes (as Coldcard writes it); global xpubs are hints, their version bytes are not checked: approved.", vec![]),
    );
    vec![slip132, trailing]
}
