//! `intentguard inspect` as a person or a program runs it: exit codes, the JSON listing of
//! version 0, version 2 and taproot PSBTs with and without a policy, unknown and proprietary
//! fields, the error object of exit code 2, and escaping of what the PSBT says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::str::FromStr;

use crate::common::{
    self, assert_exit, assert_json_error, case, repo, run_with_stdin, show, stderr, stdout, BIN,
};
use intentguard::bitcoin::base58;
use intentguard::bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use intentguard::bitcoin::psbt::raw;
use intentguard::bitcoin::Psbt;
use serde_json::{json, Value};

const HONEST_TXID: &str = "ef98db06a9f966295f914d2e26025b547f20325d1021f68e7614f111fc9746be";
const NUMS_H: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

fn treasury() -> PathBuf {
    repo("policies/treasury.toml")
}

/// A file under the system's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("intentguard-inspect-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn inspect(args: &[&str], psbt: &Path) -> Output {
    Command::new(BIN)
        .arg("inspect")
        .args(args)
        .arg(psbt)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn inspect_stdin(args: &[&str], bytes: &[u8]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("inspect").args(args).arg("-");
    run_with_stdin(command, bytes)
}

/// Asserts exit code 0 and nothing on standard error; returns standard output.
fn listed(out: &Output) -> String {
    assert_exit(out, 0);
    assert!(out.stderr.is_empty(), "{}", show(out));
    stdout(out)
}

/// Asserts exit code 0 and exactly one JSON object on standard output.
fn listed_json(out: &Output) -> Value {
    listed(out);
    common::json(out)
}

fn ownerships(value: &Value, map: &str) -> Vec<Value> {
    value[map].as_array().unwrap().iter().map(|m| m["ownership"].clone()).collect()
}

fn assert_fits_80_columns(text: &str) {
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "longer than 80 columns: {line:?}\n{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Listings.

#[test]
fn v0_without_policy_lists_amounts_addresses_and_fee_for_mainnet() {
    let v = listed_json(&inspect(&["--format", "json"], &case("dmm/honest/request.psbt")));
    assert_eq!(v["psbt_version"], 0);
    assert_eq!(v["txid"], HONEST_TXID);
    assert_eq!(v["locktime_determined"], true);
    assert_eq!((v["tx_version"].clone(), v["locktime"].clone()), (json!(2), json!(0)));
    assert_eq!(v["network"], "bitcoin");
    assert_eq!(v["network_from_policy"], false);
    assert_eq!(v["wallet"], Value::Null);
    assert_eq!(v["fee_sat"], 20_000);
    assert_eq!(v["input_total_sat"], 500_000_000_000u64);
    assert_eq!(v["output_total_sat"], 499_999_980_000u64);

    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        inputs[0]["outpoint"],
        "302a0fa11e976149bb91ac20a3bedc7afba6f37ba55e260efe8513b4818ae271:1"
    );
    assert_eq!(inputs[0]["sequence"], 0xffff_fffd_u32);
    assert_eq!(inputs[0]["amount_sat"], 300_000_000_000u64);
    assert_eq!(inputs[0]["amount_from"], "previous_transaction");
    assert_eq!(inputs[0]["previous_tx"], "matches");
    assert_eq!(inputs[0]["witness_utxo_disagrees"], false);
    assert_eq!(inputs[0]["sighash_type"], Value::Null);
    assert_eq!(inputs[0]["key_origins"].as_array().unwrap().len(), 3);
    assert_eq!(inputs[0]["key_origins"][2]["fingerprint"], "a612bb6a");
    assert_eq!(inputs[0]["key_origins"][2]["path"], "48'/0'/0'/2'/0/7");
    let sigs: Vec<&str> = inputs[0]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(sigs, ["ecdsa", "ecdsa"]);
    assert_eq!(inputs[0]["scripts"]["witness_script"].as_str().unwrap().len(), 210);
    assert_eq!(inputs[1]["amount_sat"], 200_000_000_000u64);
    assert_eq!(ownerships(&v, "inputs"), [Value::Null, Value::Null]);

    let outputs = v["outputs"].as_array().unwrap();
    assert_eq!(outputs[0]["address"], "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
    assert_eq!(outputs[0]["amount_sat"], 450_290_000_000u64);
    assert_eq!(outputs[1]["amount_sat"], 49_709_980_000u64);
    assert_eq!(ownerships(&v, "outputs"), [Value::Null, Value::Null]);
    for map in [&v["global"], &inputs[0], &outputs[1]] {
        assert_eq!((map["unknown"].clone(), map["proprietary"].clone()), (json!([]), json!([])));
    }
}

#[test]
fn v0_with_policy_says_which_inputs_and_outputs_are_the_wallets() {
    let policy = treasury();
    let args = ["--policy", policy.to_str().unwrap(), "--format", "json"];
    let v = listed_json(&inspect(&args, &case("dmm/honest/request.psbt")));
    assert_eq!(v["network_from_policy"], true);
    assert_eq!(v["wallet"], "treasury");
    assert_eq!(
        ownerships(&v, "inputs"),
        [
            json!({"status": "wallet", "branch": 0, "index": 7, "differs": []}),
            json!({"status": "wallet", "branch": 0, "index": 12, "differs": []}),
        ]
    );
    assert_eq!(
        ownerships(&v, "outputs"),
        [
            json!({"status": "not_wallet"}),
            json!({"status": "wallet", "branch": 1, "index": 3, "differs": []}),
        ]
    );
}

#[test]
fn v0_with_policy_in_text_reads_in_full() {
    let policy = treasury();
    let text =
        listed(&inspect(&["--policy", policy.to_str().unwrap()], &case("dmm/honest/request.psbt")));
    let expected = "\
PSBT version 0, 2 inputs and 2 outputs: listed as found, not verified; run
intentguard verify before signing

txid        ef98db06a9f966295f914d2e26025b547f20325d1021f68e7614f111fc9746be
tx version  2
locktime    0 (none)
wallet      treasury, network bitcoin
fee         0.00020000 BTC (20000 sat)

global map: the transaction only

inputs (2)
  #0  302a0fa11e976149bb91ac20a3bedc7afba6f37ba55e260efe8513b4818ae271:1
      3000.00000000 BTC (300000000000 sat), from the previous transaction
      spends bc1q0l3hpphwe6yzge03ldmrv4qcw3u05056x6nnllv63t4neyzp83jq2tggv7
      sequence 0xfffffffd
      the wallet's at branch 0 (receive) index 7
      key origins (3)
        43744e0d/48'/0'/0'/2'/0/7
          02acada2d597ca327ff82cfc3a2761802206f02eb00a15767808db9a15d88764c5
        c16ae21c/48'/0'/0'/2'/0/7
          0344b8085713f31e380f538b5f485a3ecace436bea82478bdec49d7499517d2c9e
        a612bb6a/48'/0'/0'/2'/0/7
          03c1043682808b68892f6b643fd564ac4f5b2e08cf1969e753ea8b9531d9adaf7f
      signatures (2), present: not verified
        ECDSA, SIGHASH_ALL, key 43744e0d/48'/0'/0'/2'/0/7
        ECDSA, SIGHASH_ALL, key a612bb6a/48'/0'/0'/2'/0/7
      witness script, 105 bytes
      unknown or proprietary fields: none
  #1  36b4c9c189838e7d248e3418ae0c24b9c2da33b7574c70b3e90986ae13b7c39d:1
      2000.00000000 BTC (200000000000 sat), from the previous transaction
      spends bc1qpht38pjde2najzl0ampks58tpqcp2r325l3drf0sd6f8tnctexeszzv89r
      sequence 0xfffffffd
      the wallet's at branch 0 (receive) index 12
      key origins (3)
        43744e0d/48'/0'/0'/2'/0/12
          022426042069e7ffeb4f152f76c15d905bcde197be9ad2244adf56d6504408e3e5
        a612bb6a/48'/0'/0'/2'/0/12
          030956e7684d42ac6a7bbefc90db5fbf12412e9123894b1dc126be902729d4cc91
        c16ae21c/48'/0'/0'/2'/0/12
          036891b0100f79ccab48ba9875e82402b4d3d1f93c92a981fa3ff01fe921c24ded
      signatures (2), present: not verified
        ECDSA, SIGHASH_ALL, key 43744e0d/48'/0'/0'/2'/0/12
        ECDSA, SIGHASH_ALL, key a612bb6a/48'/0'/0'/2'/0/12
      witness script, 105 bytes
      unknown or proprietary fields: none

outputs (2)
  #0  4502.90000000 BTC (450290000000 sat)
      bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
      not the wallet's
      key origins: none
      unknown or proprietary fields: none
  #1  497.09980000 BTC (49709980000 sat)
      bc1qaap8s0yr28gytr5t2dwfquyt4kld55a9salmt53rfl8qgmmg866qjxnass
      the wallet's at branch 1 (change) index 3
      key origins (3)
        c16ae21c/48'/0'/0'/2'/1/3
          026612126493e84683a8970997a90e83e0ae89542475d4b09d3851790895624746
        a612bb6a/48'/0'/0'/2'/1/3
          02a344ac5df5c1bf23e409d10cc438099033c620ef223d9ae9817f5a3c6d20f273
        43744e0d/48'/0'/0'/2'/1/3
          03695a2248b2769678a3b33b751e6b14eaafa5f2791c42662ad04579470756746c
      witness script, 105 bytes
      unknown or proprietary fields: none
";
    assert_eq!(text, expected, "\n{text}");
}

#[test]
fn text_without_policy_says_the_addresses_are_for_mainnet() {
    let text = listed(&inspect(&[], &case("dmm/honest/request.psbt")));
    assert!(
        text.contains(
            "\nnetwork     bitcoin: assumed for the addresses below (no --policy given)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("the wallet's"), "{text}");
}

#[test]
fn v2_has_the_txid_of_the_same_v0_transaction() {
    let v0 = listed_json(&inspect(&["--format", "json"], &case("dmm/honest/request.psbt")));
    let policy = treasury();
    let args = ["--policy", policy.to_str().unwrap(), "--format", "json"];
    let v2 = listed_json(&inspect(&args, &case("v2/dmm/honest/request.psbt")));
    assert_eq!(v2["psbt_version"], 2);
    assert_eq!(v2["txid"], HONEST_TXID);
    assert_eq!(v2["locktime_determined"], true);
    assert_eq!(v2["fee_sat"], 20_000);
    for key in ["tx_version", "locktime", "input_total_sat", "output_total_sat"] {
        assert_eq!(v2[key], v0[key], "{key}");
    }
    for (a, b) in v2["inputs"].as_array().unwrap().iter().zip(v0["inputs"].as_array().unwrap()) {
        for key in ["outpoint", "sequence", "amount_sat", "key_origins", "signatures"] {
            assert_eq!(a[key], b[key], "{key}");
        }
    }
    assert_eq!(
        ownerships(&v2, "inputs")
            .iter()
            .chain(&ownerships(&v2, "outputs"))
            .map(|o| (o["status"].clone(), o["branch"].clone(), o["index"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("wallet"), json!(0), json!(7)),
            (json!("wallet"), json!(0), json!(12)),
            (json!("not_wallet"), Value::Null, Value::Null),
            (json!("wallet"), json!(1), json!(3)),
        ]
    );
    let text = listed(&inspect(&[], &case("v2/dmm/honest/request.psbt")));
    assert!(text.starts_with("PSBT version 2, 2 inputs and 2 outputs"), "{text}");
    assert!(text.contains(&format!("\ntxid        {HONEST_TXID}\n")), "{text}");
}

#[test]
fn taproot_lists_script_path_signatures_and_wallet_places() {
    let dir = case("601-tr-nums-sortedmulti-a");
    let policy = dir.join("policy.toml");
    let psbt = dir.join("request.psbt");
    let v =
        listed_json(&inspect(&["--policy", policy.to_str().unwrap(), "--format", "json"], &psbt));
    let input = &v["inputs"][0];
    assert_eq!(input["scripts"]["tap_internal_key"], NUMS_H);
    assert_eq!(input["scripts"]["tap_leaves"].as_array().unwrap().len(), 1);
    assert_eq!(input["scripts"]["tap_leaves"][0]["leaf_version"], 0xc0);
    let origins = input["key_origins"].as_array().unwrap();
    assert_eq!(origins.len(), 3);
    assert!(origins.iter().all(|o| o["taproot"] == true && o["key"].as_str().unwrap().len() == 64));
    let sigs = input["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    for sig in sigs {
        assert_eq!(sig["kind"], "taproot_script_path");
        assert_eq!(sig["sighash"], "SIGHASH_DEFAULT");
        assert_eq!(sig["leaf_hash"], input["scripts"]["tap_leaves"][0]["leaf_hash"]);
    }
    assert!(v["inputs"][0]["address"].as_str().unwrap().starts_with("bc1p"));
    assert_eq!(
        ownerships(&v, "inputs"),
        [
            json!({"status": "wallet", "branch": 0, "index": 4, "differs": []}),
            json!({"status": "wallet", "branch": 1, "index": 1, "differs": []}),
        ]
    );
    assert_eq!(
        ownerships(&v, "outputs"),
        [
            json!({"status": "not_wallet"}),
            json!({"status": "wallet", "branch": 1, "index": 2, "differs": []}),
        ]
    );
    assert_eq!(v["outputs"][1]["scripts"]["tap_leaves"][0]["depth"], 0);

    let text = listed(&inspect(&["--policy", policy.to_str().unwrap()], &psbt));
    assert_fits_80_columns(&text);
    assert!(text.contains("\n      taproot internal key (NUMS: no key path)\n"), "{text}");
    assert!(
        text.contains(
            "\n        taproot script path, SIGHASH_DEFAULT, key b04be7b0/48'/0'/0'/3'/0/4,\n"
        ),
        "{text}"
    );
    assert!(text.contains("\n      the wallet's at branch 1 (change) index 2\n"), "{text}");
}

/// `(vector, input or output, index)` → the ownership JSON `inspect --policy` gives it.
#[test]
fn claims_that_do_not_derive_and_scripts_that_differ_are_told_apart() {
    let cases = [
        (
            "208-input-not-owned-origins-lie",
            "inputs",
            0,
            json!({"status": "claims_wallet_does_not_derive", "branch": 0, "index": 8}),
        ),
        (
            "209-input-not-owned-origins-disagree",
            "inputs",
            0,
            json!({"status": "claims_wallet_does_not_derive", "branch": null, "index": null}),
        ),
        ("207-input-not-owned-foreign", "inputs", 1, json!({"status": "not_wallet"})),
        (
            "202-input-missing-utxo",
            "inputs",
            1,
            json!({"status": "script_unknown", "branch": 0, "index": 12}),
        ),
        (
            "210-input-script-mismatch",
            "inputs",
            0,
            json!({"status": "wallet", "branch": 0, "index": 7, "differs": ["witness script"]}),
        ),
        (
            "304-change-derivation-mismatch",
            "outputs",
            1,
            json!({"status": "claims_wallet_does_not_derive", "branch": 1, "index": 4}),
        ),
        (
            "305-change-witness-script-mismatch",
            "outputs",
            1,
            json!({"status": "wallet", "branch": 1, "index": 3, "differs": ["witness script"]}),
        ),
        (
            "612-tr-leaf-swapped",
            "inputs",
            0,
            json!({"status": "wallet", "branch": 0, "index": 4, "differs": ["taproot leaf script or control block"]}),
        ),
        (
            "615-tr-change-wrong-tree",
            "outputs",
            1,
            json!({"status": "wallet", "branch": 1, "index": 2, "differs": ["taproot tree"]}),
        ),
    ];
    for (name, map, index, want) in cases {
        let dir = case(name);
        let policy = dir.join("policy.toml");
        let args = ["--policy", policy.to_str().unwrap(), "--format", "json"];
        let v = listed_json(&inspect(&args, &dir.join("request.psbt")));
        assert_eq!(v[map][index]["ownership"], want, "{name} {map} {index}");
    }
    let dir = case("304-change-derivation-mismatch");
    let policy = dir.join("policy.toml");
    let text = listed(&inspect(&["--policy", policy.to_str().unwrap()], &dir.join("request.psbt")));
    assert!(
        text.contains(
            "\n      CLAIMS THE WALLET but does not derive: the wallet's script at branch 1\n        \
             (change) index 4 is different\n"
        ),
        "{text}"
    );
}

#[test]
fn a_witness_utxo_that_disagrees_with_the_previous_transaction_is_flagged() {
    let psbt = case("619-tr-witness-utxo-understated/request.psbt");
    let v = listed_json(&inspect(&["--format", "json"], &psbt));
    let input = &v["inputs"][0];
    assert_eq!(input["amount_from"], "previous_transaction");
    assert_eq!(input["amount_sat"], 100_000_000);
    assert_eq!(input["witness_utxo_disagrees"], true);
    assert_eq!(input["witness_utxo_amount_sat"], 99_900_000);
    let text = listed(&inspect(&[], &psbt));
    assert!(
        text.contains(
            "\n      witness_utxo DISAGREES with the previous transaction: it claims 0.99900000\n"
        ),
        "{text}"
    );
}

#[test]
fn unknown_and_proprietary_fields_are_counted_per_map_with_their_key_types() {
    let psbt = case("501-psbt-unknown-field/request.psbt");
    let v = listed_json(&inspect(&["--format", "json"], &psbt));
    assert_eq!(
        v["global"]["proprietary"],
        json!([{"prefix": "acme", "prefix_hex": "61636d65", "subtype": 1, "key_data": "", "value_len": 9}])
    );
    assert_eq!(v["global"]["unknown"], json!([]));
    assert_eq!(
        v["inputs"][0]["unknown"],
        json!([{"key_type": 0x99, "name": null, "key_data": "010203", "value_len": 3}])
    );
    assert_eq!(v["inputs"][1]["unknown"], json!([]));
    for output in v["outputs"].as_array().unwrap() {
        assert_eq!(
            (output["unknown"].clone(), output["proprietary"].clone()),
            (json!([]), json!([]))
        );
    }
    let text = listed(&inspect(&[], &psbt));
    assert!(
        text.contains(
            "\nglobal map\n  proprietary fields (1), not read\n    prefix \"acme\" (4 bytes), \
             subtype 0x01, key data 0 bytes, value 9 bytes\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\n      unknown fields (1), not read\n        key type 0x99, key data 3 bytes, \
             value 3 bytes\n"
        ),
        "{text}"
    );
}

/// The honest request with the treasury's first key as a global xpub, written as Coldcard
/// and Casa write a P2WSH multisig key: SLIP-132 `Zpub` version bytes.
fn zpub_psbt() -> (Vec<u8>, String, String) {
    let policy = std::fs::read_to_string(treasury()).unwrap();
    let from = policy.find("]xpub").unwrap() + 1;
    let xpub_text = &policy[from..from + policy[from..].find('/').unwrap()];
    let xpub = Xpub::from_str(xpub_text).unwrap();
    let base64 = std::fs::read_to_string(case("dmm/honest/request.psbt")).unwrap();
    let mut psbt = Psbt::from_str(base64.trim()).unwrap();
    let origin = DerivationPath::from_str("48'/0'/0'/2'").unwrap();
    psbt.xpub.insert(xpub, (Fingerprint::from_str("a612bb6a").unwrap(), origin));
    let mut bytes = psbt.serialize();
    let key = [[0x01].as_slice(), &xpub.encode()].concat();
    let at = bytes.windows(key.len()).position(|w| w == key.as_slice()).unwrap();
    bytes[at + 1..at + 5].copy_from_slice(&[0x02, 0xaa, 0x7e, 0xd3]);
    let zpub = base58::encode_check(&bytes[at + 1..at + 79]);
    assert!(zpub.starts_with("Zpub"), "{zpub}");
    (bytes, zpub, xpub_text.to_owned())
}

#[test]
fn a_slip132_global_xpub_is_listed_as_written() {
    // SPEC 1.3: the version bytes are not checked; what inspect shows is what the PSBT holds.
    let (bytes, zpub, xpub) = zpub_psbt();
    let psbt = TempFile::new("zpub.psbt", &bytes);
    let v = listed_json(&inspect(&["--format", "json"], &psbt.0));
    assert_eq!(v["txid"], HONEST_TXID);
    assert_eq!(
        v["global"]["xpubs"],
        json!([{
            "xpub": zpub,
            "version": "02aa7ed3",
            "version_name": "Zpub",
            "fingerprint": "a612bb6a",
            "path": "48'/0'/0'/2'"
        }])
    );
    assert!(!v.to_string().contains(&xpub), "the key is shown as written, not as xpub");
    let text = listed(&inspect(&[], &psbt.0));
    assert_fits_80_columns(&text);
    let (first, rest) = zpub.split_at(74);
    assert!(
        text.contains(&format!(
            "\nglobal map\n  xpubs (1)\n    a612bb6a/48'/0'/0'/2'\n      {first}\n      {rest}\n      \
             SLIP-132 Zpub version bytes 02aa7ed3, not checked\n"
        )),
        "{text}"
    );
    // With the policy, the wallet's inputs and outputs are found as without the xpub.
    let v = listed_json(&inspect(
        &["--policy", treasury().to_str().unwrap(), "--format", "json"],
        &psbt.0,
    ));
    assert_eq!(
        v["inputs"][0]["ownership"],
        json!({"status": "wallet", "branch": 0, "index": 7, "differs": []})
    );
}

/// The honest request with fields a hostile coordinator could add: a proprietary prefix
/// that paints a banner and reverses text, and a MuSig2 field that `bitcoin` keeps as
/// unknown.
fn hostile_psbt() -> Vec<u8> {
    let base64 = std::fs::read_to_string(case("dmm/honest/request.psbt")).unwrap();
    let mut psbt = Psbt::from_str(base64.trim()).unwrap();
    psbt.proprietary.insert(
        raw::ProprietaryKey {
            prefix: b"\x1b[2J\x1b[32mAPPROVED\xe2\x80\xae".to_vec(),
            subtype: 7,
            key: vec![0xab],
        },
        b"x".to_vec(),
    );
    let key = psbt.inputs[0].bip32_derivation.keys().next().unwrap().serialize().to_vec();
    let participants: Vec<u8> =
        psbt.inputs[0].bip32_derivation.keys().flat_map(|k| k.serialize()).collect();
    psbt.inputs[0].unknown.insert(raw::Key { type_value: 0x1a, key }, participants);
    psbt.serialize()
}

#[test]
fn untrusted_strings_are_escaped_in_text_and_kept_in_json() {
    let psbt = TempFile::new("hostile.psbt", &hostile_psbt());
    let out = inspect(&[], &psbt.0);
    let text = listed(&out);
    assert!(!out.stdout.contains(&0x1b), "a raw ESC reached the terminal: {text}");
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(
        text.contains(
            "\nglobal map\n  proprietary fields (1), not read\n    prefix \
             \"\\u{1b}[2J\\u{1b}[32mAPPROVED\\u{202e}\" (20 bytes), subtype 0x07, key\n      \
             data 1 byte, value 1 byte\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\n        key type 0x1a (PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS), key data 33 bytes,\n          \
             value 99 bytes\n"
        ),
        "{text}"
    );
    assert_fits_80_columns(&text);

    let v = listed_json(&inspect(&["--format", "json"], &psbt.0));
    assert_eq!(v["global"]["proprietary"][0]["prefix"], "\u{1b}[2J\u{1b}[32mAPPROVED\u{202e}");
    assert_eq!(
        v["global"]["proprietary"][0]["prefix_hex"],
        "1b5b324a1b5b33326d415050524f564544e280ae"
    );
    assert_eq!(v["inputs"][0]["unknown"][0]["name"], "PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS");
    assert_eq!(v["inputs"][0]["unknown"][0]["value_len"], 99);
}

#[test]
fn psbt_from_standard_input_in_any_encoding() {
    let base64 = std::fs::read(case("dmm/honest/request.psbt")).unwrap();
    let v = listed_json(&inspect_stdin(&["--format", "json"], &base64));
    assert_eq!(v["txid"], HONEST_TXID);
    let raw = intentguard::decode_encoding(&base64).unwrap().1.into_owned();
    let v = listed_json(&inspect_stdin(&["--format", "json"], &raw));
    assert_eq!(v["txid"], HONEST_TXID);
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let v = listed_json(&inspect_stdin(&["--format", "json"], format!("\n{hex}\n").as_bytes()));
    assert_eq!(v["txid"], HONEST_TXID);
}

#[test]
fn every_vector_is_listed_or_refused_and_fits_80_columns() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo("vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("request.psbt").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() > 50, "{dirs:?}");
    let mut refused = Vec::new();
    for dir in &dirs {
        let policy = dir.join("policy.toml");
        let prev_tx = dir.join("prev-tx.hex");
        let mut args = vec!["--policy", policy.to_str().unwrap()];
        if prev_tx.is_file() {
            args.extend(["--prev-tx", prev_tx.to_str().unwrap()]);
        }
        let out = inspect(&args, &dir.join("request.psbt"));
        let expected = std::fs::read_to_string(dir.join("expected.json")).unwrap();
        if expected.contains("\"exit_code\": 2") {
            // A case that cannot be verified cannot be inspected with its policy either.
            assert_eq!(out.status.code(), Some(2), "{}: {}", dir.display(), show(&out));
            continue;
        }
        match out.status.code() {
            Some(0) => {
                // Only a supplied transaction that no input spends may say something.
                let notes = String::from_utf8_lossy(&out.stderr).into_owned();
                assert!(notes.lines().all(|l| l.starts_with("note: ")), "{}", show(&out));
                assert_fits_80_columns(&stdout(&out));
            }
            Some(2) => refused.push(dir.file_name().unwrap().to_string_lossy().into_owned()),
            _ => panic!("{}: {}", dir.display(), show(&out)),
        }
    }
    // BIP-174 calls a previous transaction that does not match its outpoint invalid; `verify`
    // reports it as a finding, `inspect` reads strictly.
    assert_eq!(
        refused,
        [
            "205-input-prev-tx-mismatch-txid",
            "206-input-prev-tx-vout-past-end",
            "218-prev-tx-supplied-does-not-replace-the-psbt-s"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Exit code 2.

#[test]
fn junk_is_psbt_malformed() {
    let junk = TempFile::new("junk.psbt", b"this is not a signing request\n");
    let message = assert_json_error(&inspect(&["--format", "json"], &junk.0), "PSBT_MALFORMED");
    assert!(
        message.starts_with(&format!("{}: the request is not a PSBT: ", junk.0.display())),
        "{message}"
    );

    let out = inspect(&[], &junk.0);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(out.stdout.is_empty(), "{}", show(&out));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("error: {}: the request is not a PSBT: ", junk.0.display())),
        "{stderr}"
    );

    let message =
        assert_json_error(&inspect_stdin(&["--format", "json"], b"cHNidP8BAAo="), "PSBT_MALFORMED");
    assert!(message.starts_with("standard input: the PSBT is malformed: "), "{message}");
}

#[test]
fn a_malformed_psbt_gets_the_parsers_message() {
    let psbt = case("205-input-prev-tx-mismatch-txid/request.psbt");
    let message = assert_json_error(&inspect(&["--format", "json"], &psbt), "PSBT_MALFORMED");
    let want = format!(
        "{}: the PSBT is malformed: input 0, key type 0x00 (PSBT_IN_NON_WITNESS_UTXO): the \
         previous transaction's txid is ",
        psbt.display()
    );
    assert!(message.starts_with(&want), "{message}");
}

#[test]
fn a_raw_psbt_file_is_taken_byte_for_byte() {
    // SPEC 1.3: raw bytes are taken exactly, so a newline after the last output map is a
    // trailing byte, and whitespace before the magic is not a PSBT.
    let base64 = std::fs::read(case("dmm/honest/request.psbt")).unwrap();
    let raw = intentguard::decode_encoding(&base64).unwrap().1.into_owned();
    let exact = TempFile::new("raw.psbt", &raw);
    assert_eq!(listed_json(&inspect(&["--format", "json"], &exact.0))["txid"], HONEST_TXID);

    let newline = TempFile::new("raw-newline.psbt", &[raw.as_slice(), b"\n"].concat());
    let message = assert_json_error(&inspect(&["--format", "json"], &newline.0), "PSBT_MALFORMED");
    assert_eq!(
        message,
        format!(
            "{}: the PSBT is malformed: after the last map: 1 byte follows the last output map; \
             ask the coordinator for the signing request again (a PSBT as raw bytes, hex or base64)",
            newline.0.display()
        )
    );
    let out = inspect(&[], &newline.0);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: {}: the PSBT is malformed: after the last map: 1 byte follows the last output map\n",
            newline.0.display()
        )),
        "{}",
        show(&out)
    );
    let message = assert_json_error(
        &inspect_stdin(&["--format", "json"], &[raw.as_slice(), b"\n"].concat()),
        "PSBT_MALFORMED",
    );
    assert!(
        message.starts_with(
            "standard input: the PSBT is malformed: after the last map: 1 byte follows"
        ),
        "{message}"
    );

    let leading = TempFile::new("raw-leading.psbt", &[b"\n", raw.as_slice()].concat());
    let message = assert_json_error(&inspect(&["--format", "json"], &leading.0), "PSBT_MALFORMED");
    assert!(
        message.starts_with(&format!(
            "{}: the request is not a PSBT: raw PSBT bytes must start with the magic",
            leading.0.display()
        )),
        "{message}"
    );
}

#[test]
fn bad_policy_missing_file_and_usage_errors() {
    let psbt = case("dmm/honest/request.psbt");
    let bad = TempFile::new("bad-policy.toml", b"name = \"treasury\"\nnetwork = \"bitcoin\"\n");
    let message = assert_json_error(
        &inspect(&["--policy", bad.0.to_str().unwrap(), "--format", "json"], &psbt),
        "POLICY_INVALID",
    );
    assert!(message.starts_with(&format!("{}: ", bad.0.display())), "{message}");

    let missing = Path::new("/nonexistent/intentguard/request.psbt");
    let message = assert_json_error(&inspect(&["--format", "json"], missing), "IO");
    assert!(message.starts_with("cannot read the PSBT file /nonexistent/"), "{message}");

    let missing_policy = ["--policy", "/nonexistent/p.toml", "--format", "json"];
    assert_json_error(&inspect(&missing_policy, &psbt), "IO");

    assert_json_error(&inspect(&["--format", "json", "--bogus"], &psbt), "USAGE");
    let out = Command::new(BIN).args(["inspect", "--format", "json"]).output().unwrap();
    assert_json_error(&out, "USAGE");
    let out = Command::new(BIN).args(["inspect", "--format", "xml", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(out.stdout.is_empty(), "{}", show(&out));
}

#[test]
fn help_names_the_network_choice() {
    let out = Command::new(BIN).args(["inspect", "--help"]).output().unwrap();
    let text = listed(&out);
    assert!(text.contains("Without --policy, addresses are shown for mainnet (bitcoin)"), "{text}");
}

#[test]
fn a_psbt_over_100_mib_is_refused_unread() {
    let huge = TempFile::new("huge.psbt", b"");
    // A sparse file one byte over the limit: it takes no disk space.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&huge.0)
        .unwrap()
        .set_len(100 * 1024 * 1024 + 1)
        .unwrap();
    let message = assert_json_error(&inspect(&["--format", "json"], &huge.0), "PSBT_MALFORMED");
    assert!(message.contains("larger than 104857600 bytes and was not read"), "{message}");
}
