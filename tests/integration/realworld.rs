//! PSBTs that other projects' tools wrote, read in place from `../shared/realworld-corpus`
//! (one folder per source, each with a `SOURCES.json` naming the repository, path and commit
//! every file came from; `wallets/` holds wallet files, not PSBTs, and is skipped).
//!
//! The contract: `intentguard inspect --format json FILE` lists (exit 0) every PSBT that
//! BIP-174, BIP-370 and BIP-371 call valid, and refuses (exit 2, `PSBT_MALFORMED`) the others
//! for a rule those BIPs or the SPEC state. The outcome is pinned exactly: [`REFUSED`] is the
//! whole set of refused files, each with the parser's message and the rule it broke, checked
//! by reading the PSBT's bytes (and the test or fixture it came from).
//!
//! The corpus is never copied into this repository. A missing folder is a failure, not a
//! skip; the test is ignored by a plain `cargo test` (a clone without `shared/`) and run by
//! `.ci/run` with `--ignored --nocapture`, which prints the summary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::{show, BIN};
use intentguard::bitcoin::hashes::{sha256, Hash};
use intentguard::{decode_encoding, Encoding};
use serde_json::Value;

const IGNORED: &str = "needs ../shared/realworld-corpus; run by .ci/run";

/// One refused file: where it is in the corpus, the rule it breaks, the parser's problem
/// exactly as `inspect` gives it, and why, as read in the PSBT.
struct Refusal {
    file: &'static str,
    rule: &'static str,
    problem: &'static str,
    why: &'static str,
}

const TRAILING: &str = "bytes after the last output map (SPEC 1.3, BIP-174)";
const PREV_TX: &str = "previous transaction does not match the input (BIP-174)";
const PUBKEY: &str = "key data not a valid public key (BIP-174)";
const CUT: &str = "input ends inside a map (BIP-174)";
const V2_IN_V0: &str = "version 2 field in a version 0 PSBT (BIP-370)";
const TAP_TREE: &str = "empty PSBT_OUT_TAP_TREE (BIP-371)";
const XPUB_LEN: &str = "global xpub not 78 bytes (BIP-174)";
const V0_IN_V2: &str = "PSBT_GLOBAL_UNSIGNED_TX in a version 2 PSBT (BIP-370)";
const KEY_TYPE: &str = "key type not minimally encoded (BIP-174)";
const COUNT: &str = "input count not a compact size (BIP-370)";

const ONE_BYTE: &str = "after the last map: 1 byte follows the last output map";
const NO_OUTPUTS: &str = "bitcoinjs writes an empty map for a transaction with no outputs; \
     no output map is due, so that 0x00 follows the last map (Core: extra data after PSBT)";

/// Every file of the corpus that `inspect` refuses, and why. Nothing else may be refused.
const REFUSED: &[Refusal] = &[
    Refusal { file: "bitcoinjs/psbt-22.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-23.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-24.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-26.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-31.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-32.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal {
        file: "bitcoinjs/psbt-33.psbt",
        rule: PREV_TX,
        problem: "input 0, key type 0x00 (PSBT_IN_NON_WITNESS_UTXO): the previous transaction's \
                  txid is e8e96692d721276a86e8b71ef273df6c45fa44d62f3b73ea0b5d1e3c7f6def4f but the \
                  input spends 5d7dc113b46250cc00dce1c6b4a0fafde9b553c91017f689726304afb5fa5a75:0",
        why: "bitcoinjs's signInput shouldThrow fixture 'Non-witness UTXO hash for input #0 \
              doesn't match the hash specified in the prevout' (and no outputs, a trailing 0x00)",
    },
    Refusal { file: "bitcoinjs/psbt-34.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-35.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-36.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-37.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-38.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal { file: "bitcoinjs/psbt-45.psbt", rule: TRAILING, problem: ONE_BYTE, why: NO_OUTPUTS },
    Refusal {
        file: "bitcoinjs/psbt-46.psbt",
        rule: PUBKEY,
        problem: "input 0, key type 0x06 (PSBT_IN_BIP32_DERIVATION): the key data is not a valid \
                  public key",
        why: "bitcoinjs's signInputHD shouldThrow fixture: the key 03ffce6f… (9f changed to ff) \
              has no point on secp256k1 for its x (and no outputs, a trailing 0x00)",
    },
    Refusal {
        file: "bitcoinjs/psbt-47.psbt",
        rule: PUBKEY,
        problem: "input 0, key type 0x06 (PSBT_IN_BIP32_DERIVATION): the key data is not a valid \
                  public key",
        why: "the same off-curve key 03ffce6f… as psbt-46 (and no outputs, a trailing 0x00)",
    },
    Refusal {
        file: "bitcoinjs/psbt-spec-01.psbt",
        rule: TRAILING,
        problem: "after the last map: 2 bytes follow the last output map",
        why: "bitcoinjs's empty PSBT: no inputs and no outputs, yet an empty input map and an \
              empty output map follow the global map",
    },
    Refusal {
        file: "caravan/psbt-test-07.psbt",
        rule: TRAILING,
        problem: "after the last map: 2 bytes follow the last output map",
        why: "the same empty PSBT as bitcoinjs's (caravan builds on bitcoinjs), tx version 2",
    },
    Refusal {
        file: "coldcard/truncated.psbt",
        rule: CUT,
        problem: "input 0, key type 0x02 (PSBT_IN_PARTIAL_SIG): the value needs 72 bytes but \
                  only 16 remain",
        why: "Coldcard's testing/data/truncated.psbt: a PSBT cut at 512 bytes (1,024 hex digits), \
              inside input 0's second partial signature",
    },
    Refusal {
        file: "coldcard/unknowns-ins.psbt",
        rule: V2_IN_V0,
        problem: "input 0, key type 0x0f (PSBT_IN_OUTPUT_INDEX): this field exists only in \
                  version 2 PSBTs; this one is version 0",
        why:
            "BIP-174's old 'unknown types in the inputs' vector, key type 0x0f with 9 bytes of \
              key data; BIP-370 made 0x0f PSBT_IN_OUTPUT_INDEX and BIP-174 moved its vector to 0xf0",
    },
    Refusal {
        file: "coldcard/xpub-vector.psbt",
        rule: PREV_TX,
        problem: "input 0, key type 0x00 (PSBT_IN_NON_WITNESS_UTXO): the transaction has no \
                  inputs, or an unknown segwit flag 0x02",
        why: "the previous transaction is a made-up one with no inputs (which BIP-144's encoding \
              reads as marker 0x00, flag 0x02, as Core does), and it hashes to 4f34add8…, not the \
              outpoint's 3c78889b…",
    },
    Refusal {
        file: "embit/test_taproot-02.psbt",
        rule: TAP_TREE,
        problem: "output 0, key type 0x06 (PSBT_OUT_TAP_TREE): the tap tree is empty",
        why: "embit's TAP_PSBTS[0] writes PSBT_OUT_TAP_TREE with an empty value for a key-path \
              output; BIP-371 requires one or more leaves (Core: 'Output Taproot tree must not \
              be empty')",
    },
    Refusal {
        file: "hwi/test_psbt-01.psbt",
        rule: XPUB_LEN,
        problem: "global map, key type 0x01 (PSBT_GLOBAL_XPUB): the key data is 77 bytes; an \
                  extended public key is 78 bytes",
        why: "in HWI's test_psbt.json 'invalid' list: the first global xpub (an Upub) lacks a \
              byte; the second, a whole Upub, is read (SPEC 1.3)",
    },
    Refusal {
        file: "hwi/test_psbt-05.psbt",
        rule: V2_IN_V0,
        problem: "input 0, key type 0x0f (PSBT_IN_OUTPUT_INDEX): this field exists only in \
                  version 2 PSBTs; this one is version 0",
        why: "BIP-174's old unknown-types vector with key type 0x0f in every map (BIP-370's \
              PSBT_IN_OUTPUT_INDEX in the input)",
    },
    Refusal {
        file: "hwi/test_psbt-06.psbt",
        rule: V2_IN_V0,
        problem: "input 0, key type 0x0f (PSBT_IN_OUTPUT_INDEX): this field exists only in \
                  version 2 PSBTs; this one is version 0",
        why: "BIP-174's old combiner input with key type 0x0f in every map",
    },
    Refusal {
        file: "hwi/test_psbt-07.psbt",
        rule: V2_IN_V0,
        problem: "input 0, key type 0x0f (PSBT_IN_OUTPUT_INDEX): this field exists only in \
                  version 2 PSBTs; this one is version 0",
        why: "BIP-174's old combiner result with key type 0x0f in every map",
    },
    Refusal {
        file: "ledger/appClient-test-01.psbt",
        rule: V0_IN_V2,
        problem: "global map, key type 0x00 (PSBT_GLOBAL_UNSIGNED_TX): a version 2 PSBT must not \
                  have an unsigned transaction",
        why: "PSBT_GLOBAL_VERSION 2 with the BIP-370 fields and also an empty unsigned \
              transaction (no inputs, no outputs), which BIP-370 excludes from version 2",
    },
    Refusal {
        file: "sparrow-drongo/PSBTTest-03.psbt",
        rule: KEY_TYPE,
        problem: "global map: the key type (65535) is not in the shortest compact-size encoding",
        why: "drongo's largeKeyType test: key type 65535 written fe ffff0000, not fd ffff; \
              BIP-174 says the key type must be minimally encoded (Core: non-canonical \
              ReadCompactSize)",
    },
    bip375("sparrow-drongo/PSBTTest-06.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-07.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-08.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-09.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-10.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-11.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-12.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-13.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-14.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-15.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-16.psbt", 2),
    bip375("sparrow-drongo/PSBTTest-17.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-18.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-19.psbt", 2),
    bip375("sparrow-drongo/PSBTTest-20.psbt", 1),
    bip375("sparrow-drongo/PSBTTest-21.psbt", 1),
];

/// One of the early BIP-375 (silent payments) test vectors in drongo's PSBTTest.java.
const fn bip375(file: &'static str, inputs: u8) -> Refusal {
    Refusal {
        file,
        rule: COUNT,
        problem: if inputs == 1 {
            "global map, key type 0x04 (PSBT_GLOBAL_INPUT_COUNT): the value is 4 bytes; a \
             compact-size integer of 1 takes 1"
        } else {
            "global map, key type 0x04 (PSBT_GLOBAL_INPUT_COUNT): the value is 4 bytes; a \
             compact-size integer of 2 takes 1"
        },
        why: "an early BIP-375 test vector: PSBT_GLOBAL_INPUT_COUNT and _OUTPUT_COUNT written as \
              4-byte integers, not compact sizes, and PSBT_IN_BIP32_DERIVATION with an empty \
              value (no fingerprint); BIP-375's vectors 1.1 write both as BIP-174/370 say",
    }
}

fn corpus() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld-corpus");
    assert!(
        dir.is_dir(),
        "the real-world corpus is missing: {} is not a folder ({IGNORED})",
        dir.display()
    );
    dir
}

/// One PSBT file as its `SOURCES.json` entry describes it.
struct Source {
    /// `folder/file`, relative to the corpus.
    name: String,
    path: PathBuf,
    encoding: Encoding,
    sha256: String,
}

/// Every PSBT of the corpus, from each folder's `SOURCES.json`; every file of a folder must
/// be listed there, and every listed file must exist.
fn sources(corpus: &Path) -> Vec<Source> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "wallets"))
        .collect();
    folders.sort();
    assert!(!folders.is_empty(), "no source folder in {}", corpus.display());
    let mut all = Vec::new();
    for folder in folders {
        let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let listing = folder.join("SOURCES.json");
        let text = std::fs::read_to_string(&listing)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", listing.display()));
        let entries: Vec<Value> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a JSON list: {e}", listing.display()));
        let on_disk: BTreeSet<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "SOURCES.json")
            .collect();
        let listed: BTreeSet<String> =
            entries.iter().map(|e| e["file"].as_str().unwrap().to_owned()).collect();
        assert_eq!(on_disk, listed, "{}: the files and SOURCES.json disagree", folder.display());
        for entry in entries {
            let file = entry["file"].as_str().unwrap();
            let encoding = match entry["encoding"].as_str() {
                Some("raw") => Encoding::Raw,
                Some("hex") => Encoding::Hex,
                Some("base64") => Encoding::Base64,
                other => panic!("{folder_name}/{file}: encoding {other:?}"),
            };
            assert!(entry["repo"].is_string() && entry["commit"].is_string(), "{entry}");
            all.push(Source {
                name: format!("{folder_name}/{file}"),
                path: folder.join(file),
                encoding,
                sha256: entry["sha256"].as_str().unwrap().to_owned(),
            });
        }
    }
    all
}

fn inspect(format: &str, path: &Path) -> Output {
    Command::new(BIN)
        .args(["inspect", "--format", format])
        .arg(path)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs ../shared/realworld-corpus; run by .ci/run"]
fn inspect_lists_every_valid_real_world_psbt_and_refuses_the_others_by_rule() {
    let corpus = corpus();
    let sources = sources(&corpus);
    let expected: BTreeMap<&str, &Refusal> = REFUSED.iter().map(|r| (r.file, r)).collect();
    assert_eq!(expected.len(), REFUSED.len(), "a file is listed twice in REFUSED");

    let mut failures = Vec::new();
    let mut listed = 0usize;
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for source in &sources {
        let bytes = std::fs::read(&source.path).unwrap();
        // The file is what SOURCES.json says: its encoding, and the PSBT bytes it holds.
        match decode_encoding(&bytes) {
            Ok((encoding, raw)) => {
                if encoding != source.encoding {
                    failures.push(format!("{}: read as {encoding:?}", source.name));
                }
                let digest = sha256::Hash::hash(&raw).to_string();
                if digest != source.sha256 {
                    failures.push(format!("{}: sha256 {digest}, not the source's", source.name));
                }
            }
            Err(e) => failures.push(format!("{}: not a PSBT encoding: {e}", source.name)),
        }
        let json = inspect("json", &source.path);
        let text = inspect("text", &source.path);
        if json.status.code() != text.status.code() {
            failures.push(format!("{}: text and JSON disagree\n{}", source.name, show(&text)));
        }
        let value: Value = match serde_json::from_slice(&json.stdout) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!(
                    "{}: not one JSON value ({e})\n{}",
                    source.name,
                    show(&json)
                ));
                continue;
            }
        };
        match (json.status.code(), expected.get(source.name.as_str())) {
            (Some(0), None) => {
                listed += 1;
                if !value["inputs"].is_array() || !json.stderr.is_empty() {
                    failures.push(format!("{}: listed oddly\n{}", source.name, show(&json)));
                }
                if let Some(line) =
                    String::from_utf8_lossy(&text.stdout).lines().find(|l| l.chars().count() > 80)
                {
                    failures.push(format!("{}: a line over 80 columns: {line:?}", source.name));
                }
            }
            (Some(0), Some(refusal)) => failures
                .push(format!("{}: listed, but expected refused: {}", source.name, refusal.why)),
            (Some(2), Some(refusal)) => {
                seen.insert(refusal.file);
                *refused.entry(refusal.rule).or_default() += 1;
                let message = value["error"]["message"].as_str().unwrap_or_default();
                let want = format!(
                    "{}: the PSBT is malformed: {}; ask the coordinator for the signing request \
                     again (a PSBT as raw bytes, hex or base64)",
                    source.path.display(),
                    refusal.problem
                );
                if value["error"]["code"] != "PSBT_MALFORMED" || message != want {
                    failures.push(format!(
                        "{}: refused, but not as expected\n  want {want}\n{}",
                        source.name,
                        show(&json)
                    ));
                }
            }
            (Some(2), None) => failures.push(format!(
                "{}: refused; a valid PSBT refused is a parser bug\n{}",
                source.name,
                show(&json)
            )),
            _ => failures.push(format!("{}: exit code\n{}", source.name, show(&json))),
        }
    }
    for refusal in REFUSED {
        if !sources.iter().any(|s| s.name == refusal.file) {
            failures.push(format!("{}: in REFUSED but not in the corpus", refusal.file));
        }
    }

    let refused_total: usize = refused.values().sum();
    println!("realworld: {} read, {listed} listed, {refused_total} refused by rule", sources.len());
    for (rule, n) in &refused {
        println!("realworld:   {n:>3} {rule}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        sources.len(),
        failures.join("\n")
    );
    assert_eq!(seen.len(), REFUSED.len());
    assert_eq!(listed + refused_total, sources.len());
}
