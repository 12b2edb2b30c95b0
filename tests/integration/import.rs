//! `intentguard::import` (SPEC 1.4) on wallet files other projects wrote, read in place from
//! `../shared/realworld-corpus/wallets` (its `SOURCES.json` names the repository, path and
//! commit of every file, and its SHA-256, which is checked). Each file's result is pinned
//! exactly: the canonical descriptor, network, name and source, and the first receive and
//! change addresses, which must also be the ones embit derives from the file
//! (`tests/data/import_addresses.py`, its output `tests/data/import-addresses.json`).
//!
//! The corpus is never copied into this repository. A missing folder is a failure, not a
//! skip; the tests that need it are ignored by a plain `cargo test` (a clone without
//! `shared/`) and run by `.ci/run` with `--ignored --nocapture`, which prints a summary.

use std::path::PathBuf;

use crate::common::repo;
use intentguard::bitcoin::hashes::{sha256, Hash};
use intentguard::bitcoin::{Address, Network};
use intentguard::import::{import_wallet, Imported, Source};
use intentguard::wallet::Wallet;
use intentguard::PolicyError;
use serde_json::Value;

const IGNORED: &str = "needs ../shared/realworld-corpus; run by .ci/run";

/// A file of `../shared/realworld-corpus/wallets`, its bytes checked against `SOURCES.json`.
fn wallet_file(name: &str) -> Vec<u8> {
    let dir: PathBuf = repo("../shared/realworld-corpus/wallets");
    assert!(
        dir.is_dir(),
        "the real-world corpus is missing: {} is not a folder ({IGNORED})",
        dir.display()
    );
    let sources: Value =
        serde_json::from_slice(&std::fs::read(dir.join("SOURCES.json")).unwrap()).unwrap();
    let entry = sources["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == name)
        .unwrap_or_else(|| panic!("{name} is not in SOURCES.json"));
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let digest = sha256::Hash::hash(&bytes).to_string();
    assert_eq!(
        digest,
        entry["sha256"].as_str().unwrap(),
        "{name} is not the file SOURCES.json names"
    );
    bytes
}

/// The first receive (0, 0) and change (1, 0) addresses of an imported wallet.
fn first_addresses(imported: &Imported) -> (String, String) {
    let wallet = Wallet::from_descriptor(&imported.descriptor, imported.network).unwrap();
    let address = |branch| {
        let script = wallet.derive(branch, 0).unwrap().script_pubkey;
        Address::from_script(&script, imported.network).unwrap().to_string()
    };
    (address(0), address(1))
}

/// embit's first receive and change addresses for a corpus file.
fn embit_addresses(name: &str) -> (String, String) {
    let data: Value = serde_json::from_str(include_str!("../data/import-addresses.json")).unwrap();
    let entry = data["wallets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["file"] == name)
        .unwrap_or_else(|| panic!("{name} is not in import-addresses.json"));
    let get = |key: &str| entry[key].as_str().unwrap().to_owned();
    (get("receive_0"), get("change_0"))
}

/// What one corpus file imports to.
struct Expected {
    file: &'static str,
    name: Option<&'static str>,
    network: Network,
    source: Source,
    descriptor: &'static str,
    receive: &'static str,
    change: &'static str,
}

const IMPORTED: [Expected; 2] = [
    // BIP-129's NO_ENCRYPTION test vector, round 2: `/**` keys, and a first address that the
    // descriptor must derive (it does).
    Expected {
        file: "bips/bip-0129-descriptor-record.bsms",
        name: None,
        network: Network::Bitcoin,
        source: Source::Bsms,
        descriptor: "wsh(sortedmulti(2,[1cf0bf7e/48'/0'/0'/2']xpub6FL8FhxNNUVnG64YurPd16AfGyvFLhh7S2uSsDqR3Qfcm6o9jtcMYwh6DvmcBF9qozxNQmTCVvWtxLpKTnhVLN3Pgnu2D3pAoXYFgVyd8Yz/<0;1>/*,[4fc1dd4a/48'/0'/0'/2']xpub6EebMbEps7ZcV3FYEnddRsvrFWDrt2tiPmCeM7pPXQEmphvq9ZfJ1LWFUDjf3vxCeBuPrfyGrMazWUsYsetrnHatQZVLJH7LsgCjtMqdzgj/<0;1>/*))#ywca8ep6",
        receive: "bc1qrgc6p3kylfztu06ysl752gwwuekhvtfh9vr7zg43jvu60mutamcsv948ej",
        change: "bc1qyrqgd353glhdawwhaqz0ttxw70rdmg5j27mg3hsw6k4ttudfgvrqvdz4rc",
    },
    // BIP-388's "BIP-48 P2WSH multisig" vector in SPEC 1.4's JSON shape.
    Expected {
        file: "bips/bip-0388-p2wsh.json",
        name: Some("bip48-p2wsh"),
        network: Network::Bitcoin,
        source: Source::Bip388,
        descriptor: "wsh(sortedmulti(2,[6738736c/48'/0'/0'/2']xpub6FC1fXFP1GXLX5TKtcjHGT4q89SDRehkQLtbKJ2PzWcvbBHtyDsJPLtpLtkGqYNYZdVVAjRQ5kug9CsapegmmeRutpP7PW4u4wVF9JfkDhw/<0;1>/*,[b2b1f0cf/48'/0'/0'/2']xpub6EWhjpPa6FqrcaPBuGBZRJVjzGJ1ZsMygRF26RwN932Vfkn1gyCiTbECVitBjRCkexEvetLdiqzTcYimmzYxyR1BZ79KNevgt61PDcukmC7/<0;1>/*))#fd3jrz2x",
        receive: "bc1qgj68ez26sqk56pu7a0eg6r8l35dj5zeq29xrc7dnch5q2mh5t25s6z9wd4",
        change: "bc1q4ne4h67q2jz39qzpj2scg9794xeyyaprxw9yrkumrszzlvd4he0sq78wg0",
    },
];

#[test]
#[ignore = "needs ../shared/realworld-corpus; run by .ci/run"]
fn real_wallet_files_import_to_the_addresses_embit_derives() {
    for e in &IMPORTED {
        let imported = import_wallet(&wallet_file(e.file), None)
            .unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(
            (imported.name.as_deref(), imported.network, imported.source),
            (e.name, e.network, e.source),
            "{}",
            e.file
        );
        assert_eq!(imported.descriptor, e.descriptor, "{}", e.file);
        assert_eq!(imported.warnings, Vec::<String>::new(), "{}", e.file);
        let addresses = first_addresses(&imported);
        assert_eq!(addresses, (e.receive.to_owned(), e.change.to_owned()), "{}", e.file);
        assert_eq!(addresses, embit_addresses(e.file), "{}: embit disagrees", e.file);
        println!("import {}: {} {}", e.file, imported.source.as_str(), imported.descriptor);
    }
}

/// Specter's export holds its wallet's receive descriptor only (`/0/*`); SPEC 1.4 refuses a
/// lone receive descriptor, since the change branch is not in the file.
#[test]
#[ignore = "needs ../shared/realworld-corpus; run by .ci/run"]
fn a_specter_export_of_a_receive_descriptor_alone_is_refused() {
    let file = "specter-desktop/MyTestMultisig.json";
    assert_eq!(
        import_wallet(&wallet_file(file), None),
        Err(PolicyError::WalletFile {
            problem: "it holds only a receive descriptor (keys ending in /0/*): the change \
                      branch is not in the file, and import does not make it up. Export the \
                      wallet with its change descriptor (/1/*) too, or as one descriptor with \
                      /<0;1>/*"
                .to_owned()
        })
    );
    println!("import {file}: refused, a lone receive descriptor");
}

/// `--name` overrides the file's name; the front door's error is `POLICY_INVALID`.
#[test]
#[ignore = "needs ../shared/realworld-corpus; run by .ci/run"]
fn a_given_name_overrides_a_real_file_and_refusals_are_policy_invalid() {
    let bytes = wallet_file("bips/bip-0388-p2wsh.json");
    let imported = import_wallet(&bytes, Some("cold")).unwrap();
    assert_eq!(imported.name.as_deref(), Some("cold"));
    let refused = import_wallet(&wallet_file("specter-desktop/MyTestMultisig.json"), None);
    let error = intentguard::Error::from(refused.unwrap_err());
    assert_eq!(error.code().as_str(), "POLICY_INVALID");
}

/// The same checks without the corpus: a wallet built here, through the front door.
#[test]
fn the_front_door_imports_and_refuses() {
    let descriptor = include_str!("../../policies/treasury.toml")
        .lines()
        .find_map(|l| l.strip_prefix("descriptor = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let imported = import_wallet(descriptor.as_bytes(), None).unwrap();
    assert_eq!(imported.descriptor, descriptor);
    assert_eq!((imported.network, imported.source.as_str()), (Network::Bitcoin, "descriptor"));
    let error = import_wallet(b"not a wallet", None).unwrap_err();
    assert!(error.to_string().starts_with("the wallet file: it is in no format import reads"));
}
