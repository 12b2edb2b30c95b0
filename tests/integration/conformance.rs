//! Conformance of `intentguard::psbt::parse` with the public PSBT test vectors in
//! `../shared/conformance` (BIP-174, BIP-370, BIP-371 and Bitcoin Core's `rpc_psbt.json`):
//! every invalid PSBT refused, every valid one accepted, BIP-370's locktimes computed, and
//! every valid version 0 PSBT stable through `bitcoin`'s encoder.
//!
//! The vectors are read from outside the repository and never copied into it. A missing
//! folder is a failure, not a skip; the tests are ignored by a plain `cargo test` (a clone
//! without `shared/`) and run by `.ci/run` with `--ignored`.

use std::path::{Path, PathBuf};

use intentguard::bitcoin::base64::alphabet;
use intentguard::bitcoin::base64::engine::general_purpose::{GeneralPurpose, STANDARD};
use intentguard::bitcoin::base64::engine::{DecodePaddingMode, GeneralPurposeConfig};
use intentguard::bitcoin::base64::Engine;
use intentguard::psbt::{self, ParsedPsbt};
use serde_json::Value;

const IGNORED: &str = "needs ../shared/conformance; run by .ci/run";

fn folder() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    assert!(
        dir.is_dir(),
        "the conformance vectors are missing: {} is not a folder ({IGNORED})",
        dir.display()
    );
    dir
}

fn load(name: &str) -> Value {
    let path = folder().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A BIP vector: `{"description", "psbt_base64", "valid"}`.
struct BipVector {
    description: String,
    bytes: Vec<u8>,
    valid: bool,
}

fn bip_vectors(name: &str) -> Vec<BipVector> {
    let Value::Array(entries) = load(name) else { panic!("{name} is not a JSON list") };
    assert!(!entries.is_empty(), "{name} has no vectors");
    entries
        .iter()
        .map(|entry| {
            let description = entry["description"].as_str().expect("a description").to_owned();
            let base64 = entry["psbt_base64"].as_str().expect("a psbt_base64 string");
            let bytes = STANDARD
                .decode(base64)
                .unwrap_or_else(|e| panic!("{name}: {description}: not base64: {e}"));
            BipVector { description, bytes, valid: entry["valid"].as_bool().expect("valid") }
        })
        .collect()
}

fn strings<'a>(value: &'a Value, what: &str) -> Vec<&'a str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what} is not a list"))
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("{what} holds a non-string")))
        .collect()
}

/// Counts one file and direction, prints `name direction: n/m verb`, and keeps the failures.
struct Tally {
    label: String,
    verb: &'static str,
    total: usize,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(label: &str, verb: &'static str) -> Self {
        Tally { label: label.to_owned(), verb, total: 0, passed: 0, failures: Vec::new() }
    }

    fn record(&mut self, passed: bool, what: impl FnOnce() -> String) {
        self.total += 1;
        if passed {
            self.passed += 1;
        } else {
            self.failures.push(what());
        }
    }

    /// Records a PSBT that must be refused.
    fn refuse(&mut self, name: &str, bytes: &[u8]) {
        let result = psbt::parse(bytes);
        self.record(result.is_err(), || format!("{name}: accepted, but it is invalid"));
    }

    /// Records a PSBT that must be accepted, and returns it.
    fn accept(&mut self, name: &str, bytes: &[u8]) -> Option<ParsedPsbt> {
        match psbt::parse(bytes) {
            Ok(parsed) => {
                self.record(true, String::new);
                Some(parsed)
            }
            Err(e) => {
                self.record(false, || format!("{name}: refused ({e}), but it is valid"));
                None
            }
        }
    }

    fn report(&self) -> String {
        format!("{}: {}/{} {}", self.label, self.passed, self.total, self.verb)
    }
}

fn finish(tallies: &[Tally]) {
    let mut failures = Vec::new();
    for tally in tallies {
        println!("{}", tally.report());
        assert!(tally.total > 0, "{}: no vectors at all", tally.label);
        failures.extend(tally.failures.iter().map(|f| format!("{}: {f}", tally.label)));
    }
    assert!(failures.is_empty(), "{} vectors disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
#[ignore = "needs ../shared/conformance; run by .ci/run"]
fn bip_vectors_are_refused_or_accepted_as_their_bip_says() {
    let mut tallies = Vec::new();
    for bip in ["bip174", "bip370", "bip371"] {
        let mut invalid = Tally::new(&format!("{bip} invalid"), "refused");
        let mut valid = Tally::new(&format!("{bip} valid"), "accepted");
        for (i, vector) in bip_vectors(&format!("{bip}_vectors.json")).iter().enumerate() {
            let name = format!("[{i}] {}", vector.description);
            if vector.valid {
                valid.accept(&name, &vector.bytes);
            } else {
                invalid.refuse(&name, &vector.bytes);
            }
        }
        tallies.extend([invalid, valid]);
    }
    finish(&tallies);
}

/// Decodes one of Core's strings; two of its `invalid` entries are not valid base64.
fn core_bytes(base64: &str) -> Result<Vec<u8>, String> {
    STANDARD.decode(base64).map_err(|e| e.to_string())
}

/// For a string that is not valid base64: the bytes a lenient reader would make of it (no
/// padding required, characters outside the alphabet dropped, a dangling character cut).
fn lenient_bytes(base64: &str) -> Vec<u8> {
    let lenient = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let mut cleaned: String =
        base64.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/')).collect();
    if cleaned.len() % 4 == 1 {
        cleaned.pop();
    }
    lenient.decode(&cleaned).expect("cleaned base64 decodes")
}

#[test]
#[ignore = "needs ../shared/conformance; run by .ci/run"]
fn core_vectors_are_refused_or_accepted_as_bitcoin_core_does() {
    let core = load("core_rpc_psbt.json");

    let mut invalid = Tally::new("core invalid", "refused");
    let mut not_base64 = 0;
    for (i, base64) in strings(&core["invalid"], "invalid").iter().enumerate() {
        match core_bytes(base64) {
            Ok(bytes) => invalid.refuse(&format!("invalid[{i}]"), &bytes),
            Err(_) => {
                // Refused before any PSBT logic; what a lenient reader would make of it must
                // be refused too.
                not_base64 += 1;
                invalid.refuse(&format!("invalid[{i}] (lenient base64)"), &lenient_bytes(base64));
            }
        }
    }
    println!("core invalid: {not_base64} of them are not valid base64; their leniently decoded bytes were parsed");

    let mut with_msg = Tally::new("core invalid_with_msg", "refused");
    for (i, entry) in core["invalid_with_msg"].as_array().expect("a list").iter().enumerate() {
        let base64 = entry[0].as_str().expect("a base64 string");
        let message = entry[1].as_str().expect("Core's message");
        let bytes = core_bytes(base64).expect("base64");
        with_msg.refuse(&format!("invalid_with_msg[{i}] (Core: {message})"), &bytes);
    }

    let mut valid = Tally::new("core valid", "accepted");
    for (i, base64) in strings(&core["valid"], "valid").iter().enumerate() {
        valid.accept(&format!("valid[{i}]"), &core_bytes(base64).expect("base64"));
    }

    // The role vectors hold valid PSBTs too (a signer that refuses to sign still holds one).
    let mut roles =
        Tally::new("core creator/signer/combiner/finalizer/extractor PSBTs", "accepted");
    let role_psbts: Vec<(String, &str)> = [
        ("creator", &["result"][..]),
        ("signer", &["psbt", "result"][..]),
        ("finalizer", &["finalize", "result"][..]),
        ("extractor", &["extract"][..]),
    ]
    .iter()
    .flat_map(|(role, fields)| {
        let entries = core[*role].as_array().expect("a list");
        entries.iter().enumerate().flat_map(move |(i, entry)| {
            fields.iter().map(move |field| {
                (format!("{role}[{i}].{field}"), entry[*field].as_str().expect("a string"))
            })
        })
    })
    .chain(core["combiner"].as_array().expect("a list").iter().enumerate().flat_map(
        |(i, entry)| {
            strings(&entry["combine"], "combine")
                .into_iter()
                .enumerate()
                .map(move |(j, s)| (format!("combiner[{i}].combine[{j}]"), s))
                .chain([(
                    format!("combiner[{i}].result"),
                    entry["result"].as_str().expect("a string"),
                )])
        },
    ))
    .collect();
    for (name, base64) in role_psbts {
        roles.accept(&name, &core_bytes(base64).expect("base64"));
    }

    finish(&[invalid, with_msg, valid, roles]);
}

#[test]
#[ignore = "needs ../shared/conformance; run by .ci/run"]
fn bip370_locktimes_are_computed_as_the_bip_expects() {
    let mut tally = Tally::new("bip370 locktime", "computed as expected");
    for vector in bip_vectors("bip370_vectors.json") {
        let Some(rest) = vector.description.strip_prefix("Timelock ") else { continue };
        let name = vector.description.clone();
        let parsed = psbt::parse(&vector.bytes);
        if rest.starts_with("cannot be computed") {
            tally.record(matches!(&parsed, Ok(p) if !p.locktime_determined), || {
                format!("{name}: got {parsed:?}")
            });
            continue;
        }
        let expected: u32 = rest
            .strip_prefix("should be computed to be ")
            .and_then(|s| s.split(':').next())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| panic!("no expected locktime in {name:?}"));
        let got = parsed.as_ref().ok().map(|p| {
            (p.version, p.locktime_determined, p.psbt.unsigned_tx.lock_time.to_consensus_u32())
        });
        tally.record(got == Some((2, true, expected)), || {
            format!("{name}: expected locktime {expected}, got {got:?} ({:?})", parsed.err())
        });
    }
    finish(&[tally]);
}

#[test]
#[ignore = "needs ../shared/conformance; run by .ci/run"]
fn valid_v0_psbts_parse_the_same_after_bitcoins_encoder() {
    let core = load("core_rpc_psbt.json");
    let mut all: Vec<(String, Vec<u8>)> = Vec::new();
    for bip in ["bip174", "bip370", "bip371"] {
        for (i, vector) in bip_vectors(&format!("{bip}_vectors.json")).into_iter().enumerate() {
            if vector.valid {
                all.push((format!("{bip}[{i}] {}", vector.description), vector.bytes));
            }
        }
    }
    for (i, base64) in strings(&core["valid"], "valid").iter().enumerate() {
        all.push((format!("core valid[{i}]"), core_bytes(base64).expect("base64")));
    }

    let mut tally = Tally::new("valid v0 round trip", "equal after parse, serialize, parse");
    let mut v2 = 0;
    for (name, bytes) in all {
        let first = psbt::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if first.version != 0 {
            v2 += 1;
            continue;
        }
        let again = psbt::parse(&first.psbt.serialize());
        tally.record(again.as_ref() == Ok(&first), || format!("{name}: {again:?}"));
    }
    println!("({v2} valid version 2 PSBTs skipped: bitcoin 0.32 encodes version 0 only)");
    finish(&[tally]);
}

/// What `intentguard inspect --format json -` did with a PSBT given as base64 on standard
/// input: its exit code and its one JSON object.
fn inspect_binary(base64: &str) -> (Option<i32>, Value) {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_intentguard"))
        .args(["inspect", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the intentguard binary runs");
    child.stdin.take().expect("a pipe").write_all(base64.as_bytes()).expect("stdin written");
    let out = child.wait_with_output().expect("the binary ends");
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        Value::String(format!(
            "stdout is not JSON ({e}): {}; stderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    });
    (out.status.code(), value)
}

#[test]
#[ignore = "needs ../shared/conformance; run by .ci/run"]
fn inspect_binary_refuses_every_invalid_vector_and_lists_every_valid_one() {
    let core = load("core_rpc_psbt.json");
    // (name, base64, valid), every PSBT of the four files; Core's strings that are not valid
    // base64 go to the binary as they are.
    let mut all: Vec<(String, String, bool)> = Vec::new();
    for bip in ["bip174", "bip370", "bip371"] {
        let Value::Array(entries) = load(&format!("{bip}_vectors.json")) else {
            panic!("{bip}_vectors.json is not a JSON list")
        };
        for (i, entry) in entries.iter().enumerate() {
            let description = entry["description"].as_str().expect("a description");
            let base64 = entry["psbt_base64"].as_str().expect("a psbt_base64 string");
            let valid = entry["valid"].as_bool().expect("valid");
            all.push((format!("{bip}[{i}] {description}"), base64.to_owned(), valid));
        }
    }
    for (i, base64) in strings(&core["invalid"], "invalid").iter().enumerate() {
        all.push((format!("core invalid[{i}]"), (*base64).to_owned(), false));
    }
    for (i, entry) in core["invalid_with_msg"].as_array().expect("a list").iter().enumerate() {
        let base64 = entry[0].as_str().expect("a base64 string");
        all.push((format!("core invalid_with_msg[{i}]"), base64.to_owned(), false));
    }
    for (i, base64) in strings(&core["valid"], "valid").iter().enumerate() {
        all.push((format!("core valid[{i}]"), (*base64).to_owned(), true));
    }
    for (role, fields) in [
        ("creator", &["result"][..]),
        ("signer", &["psbt", "result"][..]),
        ("finalizer", &["finalize", "result"][..]),
        ("extractor", &["extract"][..]),
    ] {
        for (i, entry) in core[role].as_array().expect("a list").iter().enumerate() {
            for field in fields {
                let base64 = entry[*field].as_str().expect("a string");
                all.push((format!("core {role}[{i}].{field}"), base64.to_owned(), true));
            }
        }
    }
    for (i, entry) in core["combiner"].as_array().expect("a list").iter().enumerate() {
        for (j, base64) in strings(&entry["combine"], "combine").into_iter().enumerate() {
            all.push((format!("core combiner[{i}].combine[{j}]"), base64.to_owned(), true));
        }
        let result = entry["result"].as_str().expect("a string");
        all.push((format!("core combiner[{i}].result"), result.to_owned(), true));
    }

    let mut invalid = Tally::new("inspect: invalid", "refused (exit 2, PSBT_MALFORMED)");
    let mut valid = Tally::new("inspect: valid", "accepted (exit 0)");
    let mut locktimes = Tally::new("inspect: bip370 locktime", "shown as the BIP expects");
    for (name, base64, is_valid) in &all {
        let (code, value) = inspect_binary(base64);
        if *is_valid {
            let listed = code == Some(0) && value.get("psbt_version").is_some();
            valid.record(listed, || format!("{name}: exit {code:?}, {value}"));
        } else {
            let refused = code == Some(2) && value["error"]["code"] == "PSBT_MALFORMED";
            invalid.record(refused, || format!("{name}: exit {code:?}, {value}"));
        }
        // BIP-370's locktime vectors: the listing shows the computed locktime, or no txid.
        let Some(rest) = name.split_once("] Timelock ").map(|(_, rest)| rest) else { continue };
        let want = if rest.starts_with("cannot be computed") {
            (Value::Bool(false), Value::Null)
        } else {
            let n: u32 = rest
                .strip_prefix("should be computed to be ")
                .and_then(|s| s.split(':').next())
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or_else(|| panic!("no expected locktime in {name:?}"));
            (Value::Bool(true), Value::from(n))
        };
        let got = if want.0 == Value::Bool(false) {
            (value["locktime_determined"].clone(), value["txid"].clone())
        } else {
            (value["locktime_determined"].clone(), value["locktime"].clone())
        };
        locktimes.record(code == Some(0) && got == want, || {
            format!("{name}: expected {want:?}, got exit {code:?}, {value}")
        });
    }
    println!(
        "inspect: {}/{} invalid refused, {}/{} valid accepted",
        invalid.passed, invalid.total, valid.passed, valid.total
    );
    finish(&[invalid, valid, locktimes]);
}
