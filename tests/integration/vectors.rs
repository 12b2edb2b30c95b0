//! Walks `vectors/`: every case verifies to exactly its expected exit code, verdict,
//! txid, fee and findings; and the generator reproduces the folder byte for byte.

#[allow(dead_code, reason = "the generator also serves the example and the benchmark")]
#[path = "../../examples/gen_vectors/generator.rs"]
pub(crate) mod generator;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use intentguard::{
    verify, Code, Error, Intent, Ledger, MemoryLedger, Place, Policy, Report, Request, Timestamp,
    Verdict,
};
use serde_json::Value;

fn vectors_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every folder under `vectors/` that holds an `expected.json`.
fn case_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    entries.sort();
    for path in entries {
        if path.join("expected.json").is_file() {
            out.push(path.clone());
        }
        case_dirs(&path, out);
    }
}

fn place_of(finding: &Value) -> Place {
    let index =
        |k: &str| finding.get(k).and_then(Value::as_u64).map(|v| usize::try_from(v).unwrap());
    match (index("input"), index("output"), index("payment"), index("approval")) {
        (Some(i), None, None, None) => Place::Input(i),
        (None, Some(i), None, None) => Place::Output(i),
        (None, None, Some(i), None) => Place::Payment(i),
        (None, None, None, Some(i)) => Place::Approval(i),
        (None, None, None, None) => Place::Request,
        _ => panic!("finding with two places: {finding}"),
    }
}

/// Reads a case's files; the error code of the first that does not load, if one does not.
fn load_case(dir: &Path) -> Result<(Policy, Intent, Request), &'static str> {
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let policy = Policy::from_toml_bytes(&read("policy.toml"))
        .map_err(|e| Error::from(e).code().as_str())?;
    let intent = Intent::from_json_bytes(&read("intent.json"))
        .map_err(|e| Error::from(e).code().as_str())?;
    let mut request =
        Request::from_bytes(&read("request.psbt")).map_err(|e| Error::from(e).code().as_str())?;
    // Previous transactions the case supplies beside the PSBT (`--prev-tx`).
    if dir.join("prev-tx.hex").is_file() {
        let txs = intentguard::parse_prev_txs(&read("prev-tx.hex"))
            .map_err(|e| Error::from(e).code().as_str())?;
        request.supply_prev_txs(&txs).map_err(|e| Error::from(e).code().as_str())?;
    }
    Ok((policy, intent, request))
}

fn expected_of(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap()
}

fn run_case(dir: &Path) -> (Value, Report) {
    let expected = expected_of(dir);
    let (policy, intent, request) =
        load_case(dir).unwrap_or_else(|code| panic!("{}: {code}", dir.display()));
    let now: Timestamp = expected["now"].as_str().unwrap().parse().unwrap();
    let ledger = MemoryLedger::new();
    if let Some(bound) = expected.get("ledger_bound_txid").and_then(Value::as_str) {
        ledger.bind(policy.name(), intent.id(), "earlier", bound.parse().unwrap()).unwrap();
    }
    let report = verify(&policy, &intent, &request, now, Some(&ledger)).unwrap();
    (expected, report)
}

#[test]
fn every_vector_verifies_as_expected() {
    let mut dirs = Vec::new();
    case_dirs(&vectors_root(), &mut dirs);
    assert!(
        dirs.len() >= 40,
        "only {} vectors found under {}",
        dirs.len(),
        vectors_root().display()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let want = expected_of(dir);
        if want["exit_code"] == 2 {
            let got = load_case(dir).err();
            if got != want["error"].as_str() {
                failures.push(format!(
                    "{}: want error {}, got {got:?}",
                    dir.display(),
                    want["error"]
                ));
            }
            continue;
        }
        let (expected, report) = run_case(dir);
        let want_verdict = match expected["verdict"].as_str().unwrap() {
            "approved" => Verdict::Approved,
            _ => Verdict::Rejected,
        };
        let exit_code = if report.is_approved() { 0 } else { 1 };
        let mut want: Vec<(Code, Place)> = expected["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (Code::from_name(f["code"].as_str().unwrap()).unwrap(), place_of(f)))
            .collect();
        want.sort();
        let mut got: Vec<(Code, Place)> =
            report.findings.iter().map(|f| (f.code, f.place)).collect();
        got.sort();
        let want_fee = expected["fee_sat"].as_i64();
        let ok = report.verdict == want_verdict
            && exit_code == expected["exit_code"].as_i64().unwrap()
            && got == want
            && report.txid == expected["txid"].as_str().unwrap()
            && report.fee_sat == want_fee;
        if !ok {
            failures.push(format!(
                "{}:\n  want {want_verdict:?} {want:?} txid {} fee {want_fee:?}\n  got  {:?} {got:?} txid {} fee {:?}\n  messages: {:#?}",
                dir.display(),
                expected["txid"],
                report.verdict,
                report.txid,
                report.fee_sat,
                report.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
    println!("{} vectors verified as expected", dirs.len());
}

#[test]
fn every_finding_code_has_a_vector() {
    let mut dirs = Vec::new();
    case_dirs(&vectors_root(), &mut dirs);
    let mut seen = BTreeSet::new();
    for dir in &dirs {
        let expected: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        for f in expected["findings"].as_array().into_iter().flatten() {
            seen.insert(f["code"].as_str().unwrap().to_owned());
        }
    }
    let missing: Vec<&str> =
        Code::ALL.iter().map(|c| c.as_str()).filter(|c| !seen.contains(*c)).collect();
    assert!(missing.is_empty(), "finding codes without a vector: {missing:?}");
}

#[test]
fn generator_reproduces_the_folder_byte_for_byte() {
    let root = vectors_root();
    let cases = generator::all_cases();
    let mut generated = BTreeSet::new();
    for case in &cases {
        generated.insert(root.join(&case.dir));
        for (name, bytes) in &case.files {
            let path = root.join(&case.dir).join(name);
            let on_disk =
                std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                on_disk == *bytes,
                "{} differs from what the generator writes; run `cargo run --example gen_vectors`",
                path.display()
            );
        }
    }
    let mut dirs = Vec::new();
    case_dirs(&root, &mut dirs);
    let on_disk: BTreeSet<PathBuf> = dirs.into_iter().collect();
    assert_eq!(
        on_disk, generated,
        "vectors/ holds cases the generator does not make, or misses some"
    );
}

#[test]
fn generator_reproduces_the_example_policies_and_each_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let generated = generator::policies();
    let mut want: Vec<String> = generated.iter().map(|(n, _)| (*n).to_owned()).collect();
    want.sort();
    assert_eq!(names, want, "policies/ differs from the generator's list");
    for (name, text) in generated {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(on_disk, text, "policies/{name} differs; run `cargo run --example gen_vectors`");
        Policy::from_toml(&on_disk).unwrap_or_else(|e| panic!("policies/{name}: {e}"));
    }
    assert_eq!(
        std::fs::read(dir.join("treasury.toml")).unwrap(),
        std::fs::read(vectors_root().join("dmm/honest/policy.toml")).unwrap(),
        "the README demo's policy is the DMM vectors' policy"
    );
}

#[test]
fn generator_taproot_addresses_match_embit() {
    let data: Value = serde_json::from_str(include_str!("../data/known-addresses.json")).unwrap();
    let known: Vec<(String, u64, u64, String)> = data["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = e["descriptor"].as_str().unwrap().to_owned();
            (
                text,
                e["branch"].as_u64().unwrap(),
                e["index"].as_u64().unwrap(),
                e["address"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let ours = generator::taproot_addresses();
    assert_eq!(ours.len(), 9);
    for (descriptor, branch, index, address) in ours {
        let hit = known.iter().find(|(d, b, i, _)| {
            *d == descriptor && *b == u64::from(branch) && *i == u64::from(index)
        });
        let (_, _, _, want) = hit
            .unwrap_or_else(|| panic!("no known answer for {descriptor} at ({branch}, {index})"));
        assert_eq!(&address, want, "{descriptor} at ({branch}, {index})");
    }
}

/// SPEC 2.7: no finding message is longer than 1,000 characters, and one that would list
/// many values names a few and says how many more. 300 payments to one address and 300
/// outputs there with amounts none of them has: each PAYMENT_AMOUNT_MISMATCH could list
/// 300 amounts (about 4,500 characters).
#[test]
fn messages_name_a_few_values_and_count_the_rest() {
    let (policy, intent, psbt) = generator::many_payments_request(300);
    let policy = Policy::from_toml(&policy).unwrap();
    let intent = Intent::from_json(&intent).unwrap();
    let request = Request::from_bytes(&psbt).unwrap();
    let now: Timestamp = "2024-05-31T02:00:00Z".parse().unwrap();
    let report = verify(&policy, &intent, &request, now, None).unwrap();
    let mismatches: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::PaymentAmountMismatch)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(mismatches.len(), 300);
    assert_eq!(
        mismatches[0],
        "output 0 pays 10001 sat to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq; the intent pays that address 10000 sat or 10002 sat or 10004 sat or one of 297 other amounts"
    );
    let longest = report.findings.iter().map(|f| f.message.chars().count()).max().unwrap();
    assert!(longest <= 200, "{longest}");
    let json = serde_json::to_vec(&report).unwrap();
    assert!(json.len() < 300 * 2 * 400, "{} bytes of report for 600 findings", json.len());
}

/// The finalized inputs of the approved vectors are real spends: miniscript's interpreter,
/// which knows nothing of intentguard's checks, reads every final scriptSig and witness
/// against the UTXO's script and verifies every signature in it.
#[test]
fn approved_finalized_inputs_satisfy_their_scripts_for_miniscript() {
    use intentguard::bitcoin::sighash::Prevouts;
    use intentguard::bitcoin::{Psbt, ScriptBuf, TxOut, Witness};
    use intentguard::miniscript::interpreter::Interpreter;

    let mut dirs = Vec::new();
    case_dirs(&vectors_root(), &mut dirs);
    let secp = intentguard::bitcoin::secp256k1::Secp256k1::verification_only();
    let mut checked = 0;
    for dir in dirs.iter().filter(|d| d.to_string_lossy().contains("-final-")) {
        if expected_of(dir)["exit_code"] != 0 {
            continue;
        }
        // The strict parser's model of the PSBT (for version 2, the transaction BIP-370
        // constructs), as the verifier read it.
        let bytes = std::fs::read(dir.join("request.psbt")).unwrap();
        let parsed = intentguard::psbt::parse(&intentguard::decode_encoding(&bytes).unwrap().1);
        let psbt: &Psbt = &parsed.as_ref().unwrap().psbt;
        let tx = &psbt.unsigned_tx;
        let utxos: Vec<TxOut> = tx
            .input
            .iter()
            .zip(&psbt.inputs)
            .map(|(txin, input)| {
                input.non_witness_utxo.as_ref().unwrap().output
                    [usize::try_from(txin.previous_output.vout).unwrap()]
                .clone()
            })
            .collect();
        let prevouts = Prevouts::All(&utxos);
        for (n, input) in psbt.inputs.iter().enumerate() {
            if input.final_script_sig.is_none() && input.final_script_witness.is_none() {
                continue;
            }
            let empty_sig = ScriptBuf::new();
            let empty_witness = Witness::new();
            let interpreter = Interpreter::from_txdata(
                &utxos[n].script_pubkey,
                input.final_script_sig.as_ref().unwrap_or(&empty_sig),
                input.final_script_witness.as_ref().unwrap_or(&empty_witness),
                tx.input[n].sequence,
                tx.lock_time,
            )
            .unwrap_or_else(|e| panic!("{} input {n}: {e}", dir.display()));
            let constraints: Vec<_> = interpreter
                .iter(&secp, tx, n, &prevouts)
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{} input {n}: {e}", dir.display()));
            assert!(!constraints.is_empty(), "{} input {n}", dir.display());
            checked += 1;
        }
    }
    // 701, 702, 703 and 705-708 finalize both inputs, 704 one; and so do their version 2
    // copies.
    assert_eq!(checked, 30, "finalized inputs checked");
}
