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

use crate::common::{
    assert_exit, assert_json_error, intentguard, json, repo, show, stderr, stdout, TempDir,
};
use intentguard::bitcoin::hashes::{sha256, Hash};
use intentguard::bitcoin::{Address, Network};
use intentguard::import::{import_wallet, Imported, Source};
use intentguard::wallet::Wallet;
use intentguard::{Policy, PolicyError};
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

const IMPORTED: [Expected; 10] = [
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
    // Coldcard's own export of a 2-of-4 P2WSH testnet wallet: `tpub` keys, so testnet.
    Expected {
        file: "coldcard/export-p2wsh-myself.txt",
        name: Some("cc-2-of-4"),
        network: Network::Testnet,
        source: Source::Coldcard,
        descriptor: "wsh(sortedmulti(2,[0f056943/48'/1'/0'/2']tpubDF2rnouQaaYrXF4noGTv6rQYmx87cQ4GrUdhpvXkhtChwQPbdGTi8GA88NUaSrwZBwNsTkC9bFkkC8vDyGBVVAQTZ2AS6gs68RQXtXcCvkP/<0;1>/*,[6ba6cfd0/48'/1'/0'/2']tpubDFcrvj5n7gyaxWQkoX69k2Zij4vthiAwvN2uhYjDrE6wktKoQaE7gKVZRiTbYdrAYH1UFPGdzdtWJc6WfR2gFMq6XpxA12gCdQmoQNU9mgm/<0;1>/*,[747b698e/48'/1'/0'/2']tpubDExj5FnaUnPAn7sHGUeBqD3buoNH5dqmjAT6884vbDpH1iDYWigb7kFo2cA97dc8EHb54u13TRcZxC4kgRS9gc3Ey2xc8c5urytEzTcp3ac/<0;1>/*,[7bb026be/48'/1'/0'/2']tpubDFiuHYSJhNbHcbLJoxWdbjtUcbKR6PvLq53qC1Xq6t93CrRx78W3wcng8vJyQnY3giMJZEgNCRVzTojLb8RqPFpW5Ms2dYpjcJYofN1joyu/<0;1>/*))#nnl2tkzt",
        receive: "tb1qafdvz3k4sjwn5lmq44yk5tzag4tyfq72mcqq5nzrsqepmsynrt9sue59v2",
        change: "tb1qejdwr5n4h3uzd0h0yjuqn2jngftlqpp9vh6ftm22ul6tfxgxtrpqlt5rc7",
    },
    // The same signers as P2SH-P2WSH (`Format: P2SH-P2WSH`, BIP-48 script type 1).
    Expected {
        file: "coldcard/export-p2sh-p2wsh-myself.txt",
        name: Some("cc-2-of-4"),
        network: Network::Testnet,
        source: Source::Coldcard,
        descriptor: "sh(wsh(sortedmulti(2,[0f056943/48'/1'/0'/1']tpubDF2rnouQaaYrUEy2JM1YD3RFzew4onawGM4X2Re67gguTf5CbHonBRiFGe3Xjz7DK88dxBFGf2i7K1hef3PM4cFKyUjcbJXddaY9F5tJBoP/<0;1>/*,[6ba6cfd0/48'/1'/0'/1']tpubDFcrvj5n7gyatVbr8dHCUfHT4CGvL8hREBjtxc4ge7HZgqNuPhFimPRtVg6fRRwfXiQthV9EBjNbwbpgV2VoQeL1ZNXoAWXxP2L9vMtRjax/<0;1>/*,[747b698e/48'/1'/0'/1']tpubDExj5FnaUnPAjjgzELoSiNRkuXJG8Cm1pbdiA4Hc5vkAZHphibeVcUp6mqH5LuNVKbtLVZxVSzyja5X26Cfmx6pzRH6gXBUJAH7MiqwNyuM/<0;1>/*,[7bb026be/48'/1'/0'/1']tpubDFiuHYSJhNbHaGtB5skiuDLg12tRboh2uVZ6KGXxr8WVr28pLcS7F3gv8SsHFa2tm1jtx3VAuw56YfgRkdo6DXyfp51oygTKY3nJFT5jBMt/<0;1>/*)))#kzdjr3l6",
        receive: "2MzrH47gyB7r4a9MUvEGq4qSM5amPbe6DMS",
        change: "2N8F2XvSMeiZyuMe2xwiiZsRpWA7yWwjKsz",
    },
    // The same signers as P2SH: no `Format:` line, so P2SH, Coldcard's default (BIP-45 paths).
    Expected {
        file: "coldcard/export-p2sh-myself.txt",
        name: Some("cc-2-of-4"),
        network: Network::Testnet,
        source: Source::Coldcard,
        descriptor: "sh(sortedmulti(2,[0f056943/45']tpubD8NXmKsmWp3a3DXhbihAYbYLGaRNVdTnr6JoSxxfXYQcmwVtW2hv8QoDwng6JtEonmJoL3cNEwfd2cLXMpGezwZ2vL2dQ7259bueNKj9C8n/<0;1>/*,[6ba6cfd0/45']tpubD9429UXFGCTKJ9NdiNK4rC5ygqSUkginycYHccqSg5gkmyQ7PZRHNjk99M6a6Y3NY8ctEUUJvCu6iCCui8Ju3xrHRu3Ez1CKB4ZFoRZDdP9/<0;1>/*,[747b698e/45']tpubD97nVL37v5tWyMf9ofh5rznwhh1593WMRg6FT4o6MRJkKWANtwAMHYLrcJFsFmPfYbY1TE1LLQ4KBb84LBPt1ubvFwoosvMkcWJtMwvXgSc/<0;1>/*,[7bb026be/45']tpubD9ArfXowvGHnuECKdGXVKDMfZVGdephVWg8fWGWStH3VKHzT4ph3A4ZcgXWqFu1F5xGTfxncmrnf3sLC86dup2a8Kx7z3xQ3AgeNTQeFxPa/<0;1>/*))#8e7g2ttt",
        receive: "2NCjUaj1M9De7bLpVuAmeMAP1yUruR9K9ZC",
        change: "2Mz6EFoE7NbZMPd6BUizicgJUPpxowyNrnH",
    },
    // A Coldcard file Caravan's tests write: `Format: P2WSH-P2SH`, the order Coldcard also accepts.
    Expected {
        file: "caravan-coldcard/wc-p2sh-p2wsh_m.txt",
        name: Some("p2sh-p2wsh-m"),
        network: Network::Bitcoin,
        source: Source::Coldcard,
        descriptor: "sh(wsh(sortedmulti(2,[f57ec65d/48'/0'/100'/1']xpub6DcqYQxnbefzEBJF6osEuT5yXoHVZu1YCCsS5YkATvqD2h7tdMBgdBrUXk26FrJwawDGX6fHKPvhhZxKc5b8dPAPb8uANDhsjAPMJqTFDjH/<0;1>/*,[00000005/48'/0'/100'/1']xpub6EwJjKaiocGvo9f7XSGXGwzo1GLB1URxSZ5Ccp1wqdxNkhrSoqNQkC2CeMsU675urdmFJLHSX62xz56HGcnn6u21wRy6uipovmzaE65PfBp/<0;1>/*)))#vvdsla5e",
        receive: "348PsXezZAHcW7RjmCoMJ8PHWx1QBTXJvm",
        change: "32M6VKsKw1X2EXFawpcHosMEhSxswLHRwX",
    },
    // Its P2SH sibling, mainnet `xpub` keys.
    Expected {
        file: "caravan-coldcard/wc-p2sh_m.txt",
        name: Some("p2sh-m"),
        network: Network::Bitcoin,
        source: Source::Coldcard,
        descriptor: "sh(sortedmulti(2,[f57ec65d/45'/0'/100']xpub6CCHViYn5VzPfSR7baop9FtGcbm3UnqHwa54Z2eNvJnRFCJCdo9HtCYoLJKZCoATMLUowDDA1BMGfQGauY3fDYU3HyMzX4NDkoLYCSkLpbH/<0;1>/*,[00000004/45'/0'/100']xpub6Ca5CwTgRASgkXbXE5TeddTP9mPCbYHreCpmGt9dhz9y6femstHGCoFESHHKKRcm414xMKnuLjP9LDS7TwaJC9n5gxua6XB1rwPcC6hqDub/<0;1>/*))#hns0dnss",
        receive: "3PiCF26aq57Wo5DJEbFNTVwD1bLCUEpAYZ",
        change: "36NMegVbRPbMv9RC4Ge2aKLUQHYXKbyooZ",
    },
    // A Caravan wallet configuration: `network: testnet`, `addressType: P2WSH`.
    Expected {
        file: "caravan/bitcoin-2-of-2-P2WSH_TESTNET.json",
        name: Some("p2wsh-t"),
        network: Network::Testnet,
        source: Source::Caravan,
        descriptor: "wsh(sortedmulti(2,[f57ec65d/48'/1'/100'/2']tpubDFc9Mm4tw6EkgR4YTC1GrU6CGEd9yw7KSBnSssL4LXAXh89D4uMZigRyv3csdXbeU3BhLQc4vWKTLewboA1Pt8Fu6fbHKu81MZ6VGdc32eM/<0;1>/*,[00000003/48'/1'/100'/2']tpubDErWN5qfdLwYE94mh12oWr4uURDDNKCjKVhCEcAgZ7jKnnAwq5tcTF2iEk3VuznkJuk2G8SCHft9gS6aKbBd18ptYWPqKLRSTRQY7e2rrDj/<0;1>/*))#63sjw2n2",
        receive: "tb1qhgj3fnwn50pq966rjnj4pg8uz9ktsd8nge32qxd73ffvvg636p5q54g7m0",
        change: "tb1qhjtyry0qwm5l6v5v7y27hc6m60vm0d8exlr3cswdrxsgaygqvd2q5zsl0n",
    },
    // The wallet of wc-p2sh-p2wsh_m.txt as Caravan stores it, keys in another order: other descriptor text, same addresses.
    Expected {
        file: "caravan/bitcoin-2-of-2-P2SH-P2WSH_MAINNET.json",
        name: Some("p2sh-p2wsh-m"),
        network: Network::Bitcoin,
        source: Source::Caravan,
        descriptor: "sh(wsh(sortedmulti(2,[00000005/48'/0'/100'/1']xpub6EwJjKaiocGvo9f7XSGXGwzo1GLB1URxSZ5Ccp1wqdxNkhrSoqNQkC2CeMsU675urdmFJLHSX62xz56HGcnn6u21wRy6uipovmzaE65PfBp/<0;1>/*,[f57ec65d/48'/0'/100'/1']xpub6DcqYQxnbefzEBJF6osEuT5yXoHVZu1YCCsS5YkATvqD2h7tdMBgdBrUXk26FrJwawDGX6fHKPvhhZxKc5b8dPAPb8uANDhsjAPMJqTFDjH/<0;1>/*)))#fzmvpcpk",
        receive: "348PsXezZAHcW7RjmCoMJ8PHWx1QBTXJvm",
        change: "32M6VKsKw1X2EXFawpcHosMEhSxswLHRwX",
    },
    // The wallet of wc-p2sh_m.txt as Caravan stores it.
    Expected {
        file: "caravan/bitcoin-2-of-2-P2SH_MAINNET.json",
        name: Some("p2sh-m"),
        network: Network::Bitcoin,
        source: Source::Caravan,
        descriptor: "sh(sortedmulti(2,[f57ec65d/45'/0'/100']xpub6CCHViYn5VzPfSR7baop9FtGcbm3UnqHwa54Z2eNvJnRFCJCdo9HtCYoLJKZCoATMLUowDDA1BMGfQGauY3fDYU3HyMzX4NDkoLYCSkLpbH/<0;1>/*,[00000004/45'/0'/100']xpub6Ca5CwTgRASgkXbXE5TeddTP9mPCbYHreCpmGt9dhz9y6femstHGCoFESHHKKRcm414xMKnuLjP9LDS7TwaJC9n5gxua6XB1rwPcC6hqDub/<0;1>/*))#hns0dnss",
        receive: "3PiCF26aq57Wo5DJEbFNTVwD1bLCUEpAYZ",
        change: "36NMegVbRPbMv9RC4Ge2aKLUQHYXKbyooZ",
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

/// One wallet exported by two tools, its keys listed in another order: two descriptor texts,
/// one wallet digest (what `policy check` prints for two people to compare).
#[test]
#[ignore = "needs ../shared/realworld-corpus; run by .ci/run"]
fn one_wallet_from_two_tools_has_one_digest() {
    let digest = |file: &str| {
        let imported = import_wallet(&wallet_file(file), None).unwrap();
        let wallet = Wallet::from_descriptor(&imported.descriptor, imported.network).unwrap();
        (imported.descriptor.clone(), wallet.digest(imported.network))
    };
    for (coldcard, caravan) in [
        ("caravan-coldcard/wc-p2sh-p2wsh_m.txt", "caravan/bitcoin-2-of-2-P2SH-P2WSH_MAINNET.json"),
        ("caravan-coldcard/wc-p2sh_m.txt", "caravan/bitcoin-2-of-2-P2SH_MAINNET.json"),
    ] {
        let (a, b) = (digest(coldcard), digest(caravan));
        assert_eq!(a.1, b.1, "{coldcard} and {caravan}");
        println!("import {coldcard} and {caravan}: digest {}", a.1);
    }
    // The first pair's texts differ (key order); the second pair's are the same text.
    assert_ne!(
        digest("caravan-coldcard/wc-p2sh-p2wsh_m.txt").0,
        digest("caravan/bitcoin-2-of-2-P2SH-P2WSH_MAINNET.json").0
    );
}

/// The treasury policy's descriptor and its receive and change descriptors, as a
/// `listdescriptors`-style pair written one per line.
fn treasury_pair() -> (String, String) {
    let descriptor = include_str!("../../policies/treasury.toml")
        .lines()
        .find_map(|l| l.strip_prefix("descriptor = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap()
        .to_owned();
    let body = descriptor.split('#').next().unwrap();
    let pair = format!("{}\n{}\n", body.replace("<0;1>", "0"), body.replace("<0;1>", "1"));
    (descriptor, pair)
}

fn import_command(home: &TempDir, args: &[&str], file: &std::path::Path) -> std::process::Output {
    let mut command = intentguard(home);
    command.args(["policy", "import"]).args(args).arg(file);
    command.output().unwrap()
}

#[test]
fn policy_import_prints_spec_json() {
    let home = TempDir::new("import", "json");
    let (descriptor, pair) = treasury_pair();
    let file = home.write("pair.txt", pair);
    let out = import_command(&home, &["--format", "json", "--name", "treasury"], &file);
    assert_exit(&out, 0);
    assert_eq!(
        json(&out),
        serde_json::json!({
            "name": "treasury",
            "network": "bitcoin",
            "descriptor": descriptor,
            "source": "descriptor-pair",
            "warnings": [],
        }),
        "{}",
        show(&out)
    );
    // Without --name, a file that names no wallet gives null.
    let out = import_command(&home, &["--format", "json"], &file);
    assert_eq!(json(&out)["name"], Value::Null, "{}", show(&out));
}

#[test]
fn policy_import_text_is_a_policy_that_loads_only_once_filled_in() {
    let home = TempDir::new("import", "text");
    let (descriptor, pair) = treasury_pair();
    let file = home.write("pair.txt", pair);
    let out = import_command(&home, &["--name", "treasury"], &file);
    assert_exit(&out, 0);
    let skeleton = stdout(&out);
    assert!(skeleton.contains(&format!("descriptor = \"{descriptor}\"\n")), "{skeleton}");
    assert!(skeleton.contains("name = \"treasury\"\nnetwork = \"bitcoin\"\n"), "{skeleton}");
    let original = Policy::from_toml(include_str!("../../policies/treasury.toml")).unwrap();
    let digest =
        format!("# wallet digest {} (as `policy check` shows it)\n", original.wallet_digest());
    assert!(skeleton.contains(&digest), "{skeleton}");
    // As printed it does not load: no approvers, no fee cap.
    let refused = Policy::from_toml(&skeleton).unwrap_err();
    assert!(refused.to_string().contains("approvals"), "{refused}");
    // Filled in with the treasury's approvers and limits, it is the treasury's wallet.
    let treasury = include_str!("../../policies/treasury.toml");
    let tables = treasury.split_once("\n[approvals]").unwrap().1;
    let filled = format!("{skeleton}\n[approvals]{tables}");
    let policy = Policy::from_toml(&filled).unwrap();
    assert_eq!(policy.wallet_digest(), original.wallet_digest());
    for branch in [0, 1] {
        assert_eq!(
            policy.wallet().derive(branch, 0).unwrap().script_pubkey,
            original.wallet().derive(branch, 0).unwrap().script_pubkey
        );
    }
}

#[test]
fn policy_import_refusals_are_policy_invalid() {
    let home = TempDir::new("import", "refused");
    let (_, pair) = treasury_pair();
    let receive_only = home.write("receive.txt", pair.lines().next().unwrap());
    let message = assert_json_error(
        &import_command(&home, &["--format", "json"], &receive_only),
        "POLICY_INVALID",
    );
    assert!(
        message.starts_with(&format!(
            "{}: the wallet file: it holds only a receive descriptor",
            receive_only.display()
        )),
        "{message}"
    );
    let out = import_command(&home, &[], &receive_only);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    let text = stderr(&out);
    assert!(text.starts_with("error: ") && text.contains("\nhint: "), "{text}");

    let good = home.write("pair.txt", pair);
    let message = assert_json_error(
        &import_command(&home, &["--format", "json", "--name", "Bad Name"], &good),
        "POLICY_INVALID",
    );
    assert!(message.contains("name"), "{message}");
}
