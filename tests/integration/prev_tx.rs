//! `--prev-tx FILE` (SPEC 3) through the binary: previous transactions supplied beside a PSBT
//! that carries none, for `verify` and `inspect`. The vectors 215–218 and 913 hold the
//! requests and their `prev-tx.hex` files; every vector test passes them too.

use std::process::Output;

use serde_json::Value;

use crate::common::{
    assert_exit, assert_json_error, case, intentguard, json, show, stderr, verify_case, TempDir,
};

fn output(mut command: std::process::Command) -> Output {
    command.output().unwrap()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}@{}", f["code"].as_str().unwrap(), f["input"]))
        .collect()
}

#[test]
fn the_right_previous_transactions_beside_the_psbt_approve_it() {
    let home = TempDir::new("prev-tx", "approve");
    let dir = case("215-prev-tx-supplied");
    let out = output(verify_case(&home, &dir, &["--no-ledger", "--format", "json"]));
    assert_exit(&out, 0);
    assert_eq!(json(&out)["fee_sat"], 20_000, "{}", show(&out));
    assert!(out.stderr.is_empty(), "{}", show(&out));

    // The same request without them: the policy's require_prev_tx rejects both inputs, and
    // the message says how to supply them.
    let mut command = intentguard(&home);
    command.args(["verify", "--no-ledger", "--format", "json", "--now", "2024-05-31T02:00:00Z"]);
    command.arg("--policy").arg(dir.join("policy.toml"));
    command.arg("--intent").arg(dir.join("intent.json"));
    command.arg(dir.join("request.psbt"));
    let out = output(command);
    assert_exit(&out, 1);
    let report = json(&out);
    assert_eq!(codes(&report), ["INPUT_MISSING_PREV_TX@0", "INPUT_MISSING_PREV_TX@1"]);
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("--prev-tx FILE"), "{message}");
    assert!(message.contains("bitcoin-cli getrawtransaction "), "{message}");
}

#[test]
fn a_transaction_no_input_spends_is_ignored_with_a_note() {
    let home = TempDir::new("prev-tx", "unspent");
    let dir = case("216-prev-tx-supplied-unspent");
    let out = output(verify_case(&home, &dir, &["--no-ledger", "--format", "json"]));
    assert_exit(&out, 1);
    assert_eq!(codes(&json(&out)), ["INPUT_MISSING_PREV_TX@0", "INPUT_MISSING_PREV_TX@1"]);
    let note = stderr(&out);
    assert!(
        note.starts_with("note: ")
            && note.contains("prev-tx.hex: transaction ")
            && note.ends_with("is spent by no input of the PSBT; ignored\n"),
        "{}",
        show(&out)
    );
    assert_eq!(note.lines().count(), 1, "{}", show(&out));
}

#[test]
fn an_unreadable_file_is_psbt_malformed_naming_it() {
    let home = TempDir::new("prev-tx", "unreadable");
    let dir = case("913-prev-tx-file-malformed");
    let out = output(verify_case(&home, &dir, &["--no-ledger", "--format", "json"]));
    let message = assert_json_error(&out, "PSBT_MALFORMED");
    let file = dir.join("prev-tx.hex");
    assert_eq!(
        message,
        format!(
            "{}: not a previous transaction: the bytes end inside a transaction; give each previous transaction as raw bytes, or as hex one per line as `bitcoin-cli getrawtransaction TXID` prints it",
            file.display()
        )
    );

    let mut command = intentguard(&home);
    command.args(["inspect", "--format", "json", "--prev-tx"]).arg(&file);
    command.arg(dir.join("request.psbt"));
    assert_json_error(&output(command), "PSBT_MALFORMED");
}

#[test]
fn inspect_shows_supplied_amounts_as_proven() {
    let home = TempDir::new("prev-tx", "inspect");
    let dir = case("215-prev-tx-supplied");
    let inspect = |supply: bool| {
        let mut command = intentguard(&home);
        command.args(["inspect", "--format", "json"]);
        if supply {
            command.arg("--prev-tx").arg(dir.join("prev-tx.hex"));
        }
        command.arg(dir.join("request.psbt"));
        let out = output(command);
        assert_exit(&out, 0);
        let listing = json(&out);
        listing["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{}/{}", i["amount_from"], i["previous_tx"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(inspect(false), [r#""witness_utxo"/"absent""#; 2]);
    assert_eq!(inspect(true), [r#""previous_transaction"/"matches""#; 2]);
}
