//! Replays the committed fuzz seeds and every minimised crash under `fuzz/regressions/`
//! through the same oracles the fuzz targets run, on stable, in `cargo test`.

use std::path::Path;

type Oracle = fn(&[u8]);

const TARGETS: [(&str, Oracle); 15] = [
    ("parse_request", intentguard::fuzzing::parse_request),
    ("parse_psbt", intentguard::fuzzing::parse_psbt),
    ("parse_policy", intentguard::fuzzing::parse_policy),
    ("parse_intent", intentguard::fuzzing::parse_intent),
    ("verify_request", intentguard::fuzzing::verify_request),
    ("import_wallet", intentguard::fuzzing::import_wallet),
    ("import_listdescriptors", intentguard::fuzzing::import_listdescriptors),
    ("import_bip388", intentguard::fuzzing::import_bip388),
    ("import_caravan", intentguard::fuzzing::import_caravan),
    ("import_json_descriptor", intentguard::fuzzing::import_json_descriptor),
    ("import_bsms", intentguard::fuzzing::import_bsms),
    ("import_coldcard", intentguard::fuzzing::import_coldcard),
    ("import_descriptor", intentguard::fuzzing::import_descriptor),
    ("parse_sshsig", intentguard::fuzzing::parse_sshsig),
    ("parse_call", intentguard::fuzzing::parse_call),
];

#[test]
fn fuzz_seeds_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let targets: Vec<String> = std::fs::read_dir(root.join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap().trim_end_matches(".rs").to_owned())
        .collect();
    assert_eq!(targets.len(), TARGETS.len(), "a fuzz target has no oracle here: {targets:?}");
    let mut replayed = 0;
    for (target, oracle) in TARGETS {
        assert!(targets.iter().any(|t| t == target), "no fuzz target {target}");
        let seeds = root.join("seeds").join(target);
        assert!(seeds.is_dir(), "missing {}", seeds.display());
        for dir in [seeds, root.join("regressions").join(target)] {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                oracle(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 250, "only {replayed} inputs replayed");
    println!("{replayed} fuzz inputs replayed");
}
