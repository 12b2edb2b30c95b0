//! Every reader and every refusal of SPEC 1.4, with exact results and messages.

use miniscript::bitcoin::base58;
use miniscript::bitcoin::bip32::{DerivationPath, Xpriv};
use miniscript::bitcoin::secp256k1::Secp256k1;
use miniscript::bitcoin::{Address, PrivateKey};

use super::rules::normalised_name;
use super::*;
use crate::base::slip132;
use crate::parse::wallet::Wallet;

/// policies/treasury.toml's descriptor: what miniscript prints, so also the canonical form.
const TREASURY: &str = "wsh(sortedmulti(2,[a612bb6a/48'/0'/0'/2']xpub6F2hX9eizmsuXzems5RWBQsJVwDvcWFNjuCFe1qGyy1QgpKyFfJfaqn95xR1wx11Us6a5W7GFGLrzr2QwWmFezSkSwz9WmnWxDV1uSoPY9o/<0;1>/*,[43744e0d/48'/0'/0'/2']xpub6EfMLKT9sEVCJrQq3d5UxDfALDxUGLD8KF4aC2N5RuCYmc97GpUKdWKNpM9o2jqsxqKLatfHEea8HTHTUaQ8RGCKGp3foQVNJ7noCcmrdVa/<0;1>/*,[c16ae21c/48'/0'/0'/2']xpub6DqJ4YqWAGJKCWL92ut8dvFiEAKn49nAnn67JYCtmGADZnRcyuB4bzoBfsXZRoohwy2hJt7Qtb7jTGS4XgRSCpn6bviEQWzsa57n3ya2cho/<0;1>/*))#tc8r3knc";
const XPUB_A: &str = "xpub6F2hX9eizmsuXzems5RWBQsJVwDvcWFNjuCFe1qGyy1QgpKyFfJfaqn95xR1wx11Us6a5W7GFGLrzr2QwWmFezSkSwz9WmnWxDV1uSoPY9o";
const XPUB_B: &str = "xpub6EfMLKT9sEVCJrQq3d5UxDfALDxUGLD8KF4aC2N5RuCYmc97GpUKdWKNpM9o2jqsxqKLatfHEea8HTHTUaQ8RGCKGp3foQVNJ7noCcmrdVa";
const XPUB_C: &str = "xpub6DqJ4YqWAGJKCWL92ut8dvFiEAKn49nAnn67JYCtmGADZnRcyuB4bzoBfsXZRoohwy2hJt7Qtb7jTGS4XgRSCpn6bviEQWzsa57n3ya2cho";
/// policies/vault-testnet.toml's descriptor: tpub keys, `sh(wsh(multi))`.
const VAULT: &str = "sh(wsh(multi(2,[5dbfc5e8/48'/1'/0'/1']tpubDFM58MjCjystp9Q289nA7wkocPFo3Hkbn5hmvku92b297fGTs3Fz4JAgWKW4nti2faL8DYXh8qm9q6chyKAJ7uMY7f8kVQ7sytAD8JKLPDB/<0;1>/*,[3c00825c/48'/1'/0'/1']tpubDEaSFH8HrVriTSQ738XcopQE9S5xiJ4j1yHyFsyRnofPHcfdrSTEEH7QMoJ6EJwTGaruXKu5ZqHuZ5Cod6YRqva3bjKwFozgCgYAsPwF63s/<0;1>/*,[9d14af3b/48'/1'/0'/1']tpubDE2cpZmifE86duWoXMWJip9jVaJFMkpw7ZszHEvDZySfYvEvVz7mCqLFKgsSoXVB2wxCKpMHu8KMrAcLSm1ZG3c15BuLmQF6RhNAsykQBfB/<0;1>/*)))#2aqtv57g";
/// vectors/601's descriptor: taproot with a NUMS internal key and a `sortedmulti_a` leaf.
const TAPROOT: &str = "tr(50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0,sortedmulti_a(2,[9d34dbf5/48'/0'/0'/3']xpub6E8kgcfnZxMxeBfrqPBinc3Ycy8hGEDviEJS4CKhXG4ukk1ab34hWHvZpN7ZH2WJUBAtd8LSWNtJgUDxKJ5F9MKq6qgWCzpyqw3frsqYUn6/<0;1>/*,[b04be7b0/48'/0'/0'/3']xpub6EamBruLUGcNQRpMJSETYDd3B8pZy2Mxf2Npr8BNSxUQoMHGFFZLtTzFprrxW5HkA39oBCaV2RgkKYE9a53EmY4VhB7TejpCANvdyJRyefb/<0;1>/*,[34219bc1/48'/0'/0'/3']xpub6EfWEgBRMjGk37y32jHUU7Q914Lt9t61a2cWWUPqYdkGpQorCqYWqwuAwtJgaEwFnG7h5adLF1ttGQ92SVa7n68n3GKhbnSSZm8ML2BU7AY/<0;1>/*))#33hf3870";

/// The descriptor without its checksum.
fn body(descriptor: &str) -> &str {
    descriptor.split_once('#').map_or(descriptor, |(body, _)| body)
}

/// `body` with every key's `/<0;1>/*` written as `step`.
fn keys_ending(descriptor: &str, step: &str) -> String {
    body(descriptor).replace("/<0;1>/*", step)
}

fn checksummed(body: &str) -> String {
    let mut engine = miniscript::descriptor::checksum::Engine::new();
    engine.input(body).unwrap();
    format!("{body}#{}", engine.checksum())
}

fn imported(text: &str) -> Imported {
    import_wallet(text.as_bytes(), None).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The problem of a wallet file that must be refused as `PolicyError::WalletFile`.
fn refused(text: &str) -> String {
    match import_wallet(text.as_bytes(), None) {
        Err(PolicyError::WalletFile { problem }) => problem,
        other => panic!("{text}: {other:?}"),
    }
}

/// The treasury wallet's first receive address, as its BSMS record states it.
fn treasury_first_address() -> String {
    let wallet = Wallet::from_descriptor(TREASURY, Network::Bitcoin).unwrap();
    let script = wallet.derive(0, 0).unwrap().script_pubkey;
    Address::from_script(&script, Network::Bitcoin).unwrap().to_string()
}

fn bsms(descriptor: &str, restrictions: &str, address: &str) -> String {
    format!("BSMS 1.0\n{descriptor}\n{restrictions}\n{address}\n")
}

/// An extended key with other version bytes (SLIP-132 or private ones).
fn with_version(key: &str, version: [u8; 4]) -> String {
    let mut data = base58::decode_check(key).unwrap();
    data[..4].copy_from_slice(&version);
    base58::encode_check(&data)
}

fn version_of(name: &str) -> [u8; 4] {
    slip132::VERSIONS.iter().find(|(_, n, _)| *n == name).unwrap().0
}

fn bip388_json(name: &str, template: &str, keys: &[&str]) -> String {
    serde_json::json!({ "name": name, "descriptor_template": template, "keys_info": keys })
        .to_string()
}

/// The treasury's keys as BIP-388's `keys_info`.
const TREASURY_KEYS: [&str; 3] = [
    "[a612bb6a/48'/0'/0'/2']xpub6F2hX9eizmsuXzems5RWBQsJVwDvcWFNjuCFe1qGyy1QgpKyFfJfaqn95xR1wx11Us6a5W7GFGLrzr2QwWmFezSkSwz9WmnWxDV1uSoPY9o",
    "[43744e0d/48'/0'/0'/2']xpub6EfMLKT9sEVCJrQq3d5UxDfALDxUGLD8KF4aC2N5RuCYmc97GpUKdWKNpM9o2jqsxqKLatfHEea8HTHTUaQ8RGCKGp3foQVNJ7noCcmrdVa",
    "[c16ae21c/48'/0'/0'/2']xpub6DqJ4YqWAGJKCWL92ut8dvFiEAKn49nAnn67JYCtmGADZnRcyuB4bzoBfsXZRoohwy2hJt7Qtb7jTGS4XgRSCpn6bviEQWzsa57n3ya2cho",
];

/// Bitcoin Core's `listdescriptors` of a wallet with the default single-key descriptors and
/// the given multisig ones, `(desc, internal)`.
fn listdescriptors(wallet_name: &str, multisig: &[(&str, bool)]) -> String {
    let single = "[d34db33f/84'/0'/0']xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V";
    let mut descriptors = vec![
        serde_json::json!({ "desc": checksummed(&format!("wpkh({single}/0/*)")), "timestamp": 1, "active": true, "internal": false, "range": [0, 999], "next": 0, "next_index": 0 }),
        serde_json::json!({ "desc": checksummed(&format!("wpkh({single}/1/*)")), "timestamp": 1, "active": true, "internal": true, "range": [0, 999], "next": 0, "next_index": 0 }),
        serde_json::json!({ "desc": checksummed(&format!("sh(wpkh({single}/0/*))")), "timestamp": 1, "active": false }),
        serde_json::json!({ "desc": checksummed(&format!("pkh({single}/0/*)")), "timestamp": 1, "active": false }),
        serde_json::json!({ "desc": checksummed(&format!("tr({single}/0/*)")), "timestamp": 1, "active": false }),
    ];
    for (desc, internal) in multisig {
        descriptors.push(serde_json::json!({ "desc": desc, "timestamp": 1, "active": true, "internal": internal, "range": [0, 999], "next": 0, "next_index": 0 }));
    }
    serde_json::json!({ "wallet_name": wallet_name, "descriptors": descriptors }).to_string()
}

fn treasury_pair() -> (String, String) {
    (checksummed(&keys_ending(TREASURY, "/0/*")), checksummed(&keys_ending(TREASURY, "/1/*")))
}

#[test]
fn sources_have_the_names_of_spec_1_4() {
    let all = [
        Source::Descriptor,
        Source::DescriptorPair,
        Source::CoreListdescriptors,
        Source::Bsms,
        Source::Bip388,
        Source::Coldcard,
        Source::Caravan,
        Source::JsonDescriptor,
    ];
    assert_eq!(
        all.map(Source::as_str),
        [
            "descriptor",
            "descriptor-pair",
            "core-listdescriptors",
            "bsms",
            "bip388",
            "coldcard",
            "caravan",
            "json-descriptor"
        ]
    );
}

/// The same wallet, written in every format import reads, gives one byte-identical
/// descriptor: the canonical one.
#[test]
fn every_route_gives_the_same_descriptor() {
    let (receive, change) = treasury_pair();
    let routes = [
        (TREASURY.to_owned(), Source::Descriptor),
        (keys_ending(TREASURY, "/**"), Source::Descriptor),
        (format!("{receive}\n{change}\n"), Source::DescriptorPair),
        (
            listdescriptors("Treasury", &[(&receive, false), (&change, true)]),
            Source::CoreListdescriptors,
        ),
        (
            bip388_json("treasury", "wsh(sortedmulti(2,@0/**,@1/**,@2/**))", &TREASURY_KEYS),
            Source::Bip388,
        ),
        (
            serde_json::json!({ "label": "Treasury", "blockheight": 0, "descriptor": keys_ending(TREASURY, "/**"), "devices": [{ "type": "coldcard", "label": "A" }] }).to_string(),
            Source::JsonDescriptor,
        ),
        (
            bsms(&keys_ending(TREASURY, "/**"), "/0/*,/1/*", &treasury_first_address()),
            Source::Bsms,
        ),
        (
            format!(
                "# Coldcard Multisig setup file\nName: Treasury\nPolicy: 2 of 3\nDerivation: m/48'/0'/0'/2'\nFormat: P2WSH\n\nA612BB6A: {XPUB_A}\n43744E0D: {XPUB_B}\nC16AE21C: {XPUB_C}\n"
            ),
            Source::Coldcard,
        ),
        (
            serde_json::json!({
                "name": "Treasury",
                "addressType": "P2WSH",
                "network": "mainnet",
                "client": { "type": "public" },
                "quorum": { "requiredSigners": 2, "totalSigners": 3 },
                "extendedPublicKeys": [
                    { "name": "a", "bip32Path": "m/48'/0'/0'/2'", "xpub": XPUB_A, "xfp": "a612bb6a" },
                    { "name": "b", "bip32Path": "m/48'/0'/0'/2'", "xpub": XPUB_B, "xfp": "43744e0d" },
                    { "name": "c", "bip32Path": "m/48'/0'/0'/2'", "xpub": XPUB_C, "xfp": "c16ae21c" },
                ],
                "startingAddressIndex": 0,
            })
            .to_string(),
            Source::Caravan,
        ),
    ];
    for (text, source) in routes {
        let got = imported(&text);
        assert_eq!((got.descriptor.as_str(), got.source), (TREASURY, source), "{text}");
        assert_eq!((got.network, got.warnings), (Network::Bitcoin, vec![]), "{text}");
    }
}

#[test]
fn one_descriptor_is_canonical_whatever_its_notation() {
    // Hardened steps as `h`, no checksum, spaces and a trailing line break.
    let written = format!("  {}  \n\n", body(TREASURY).replace('\'', "h"));
    let got = imported(&written);
    assert_eq!(
        got,
        Imported {
            name: None,
            network: Network::Bitcoin,
            descriptor: TREASURY.to_owned(),
            source: Source::Descriptor,
            warnings: vec![],
        }
    );
}

#[test]
fn taproot_keeps_sortedmulti_a() {
    assert_eq!(imported(&keys_ending(TAPROOT, "/**")).descriptor, TAPROOT);
    let multi_a = body(TAPROOT).replace("sortedmulti_a(", "multi_a(");
    assert_eq!(imported(&multi_a).descriptor, checksummed(&multi_a));
}

#[test]
fn a_receive_and_change_pair_is_joined_in_either_order() {
    let (receive, change) = treasury_pair();
    for text in [format!("{receive}\n{change}"), format!("{change}\r\n{receive}\r\n")] {
        let got = imported(&text);
        assert_eq!((got.descriptor.as_str(), got.source), (TREASURY, Source::DescriptorPair));
    }
    // One written with `h`, the other with `'`: the same descriptor.
    let text = format!("{}\n{}", body(&receive), body(&change).replace('\'', "h"));
    assert_eq!(imported(&text).descriptor, TREASURY);
}

#[test]
fn a_lone_receive_or_change_descriptor_is_refused() {
    let (receive, change) = treasury_pair();
    assert_eq!(
        refused(&receive),
        "it holds only a receive descriptor (keys ending in /0/*): the change branch is not in \
         the file, and import does not make it up. Export the wallet with its change \
         descriptor (/1/*) too, or as one descriptor with /<0;1>/*"
    );
    assert_eq!(
        refused(&change),
        "it holds only a change descriptor (keys ending in /1/*): the receive branch is not in \
         the file, and import does not make it up. Export the wallet with its receive \
         descriptor (/0/*) too, or as one descriptor with /<0;1>/*"
    );
}

#[test]
fn receive_and_change_descriptors_with_different_keys_are_refused_naming_the_key() {
    let receive = keys_ending(TREASURY, "/0/*");
    let change = keys_ending(TREASURY, "/1/*").replace(XPUB_B, XPUB_C).replacen(
        &format!("{XPUB_C}/1/*))"),
        &format!("{XPUB_B}/1/*))"),
        1,
    );
    assert_eq!(
        refused(&format!("{receive}\n{change}")),
        "its receive and change descriptors have different keys at the 2nd key: \
         [43744e0d/48'/0'/0'/2']xpub6EfMLKT9…oCcmrdVa in the receive descriptor, \
         [43744e0d/48'/0'/0'/2']xpub6DqJ4YqW…n3ya2cho in the change descriptor. They are not \
         the two branches of one wallet; export the wallet again (one descriptor with \
         /<0;1>/* keys, or its receive and change descriptors)"
    );
    let other_threshold = keys_ending(TREASURY, "/1/*").replace("sortedmulti(2,", "sortedmulti(3,");
    assert_eq!(
        refused(&format!("{receive}\n{other_threshold}")),
        "its receive and change descriptors differ in more than their /0/* and /1/* steps (in \
         their script, threshold or keys): they are not the two branches of one wallet. Export \
         the wallet again (one descriptor with /<0;1>/* keys, or its receive and change \
         descriptors)"
    );
}

#[test]
fn two_descriptors_that_are_not_a_pair_are_refused() {
    let receive = keys_ending(TREASURY, "/0/*");
    assert_eq!(
        refused(&format!("{receive}\n{receive}")),
        "its two descriptors are not a receive (/0/*) and a change (/1/*) descriptor of one \
         wallet: the first is a receive descriptor (/0/*), the second a receive descriptor \
         (/0/*). Export one wallet, as one descriptor with /<0;1>/* or as its receive and \
         change descriptors"
    );
    assert_eq!(
        refused(&format!("{}\n{}", keys_ending(TREASURY, "/**"), keys_ending(TREASURY, "/1/*"))),
        "its two descriptors are not a receive (/0/*) and a change (/1/*) descriptor of one \
         wallet: the first is a descriptor of both branches (/<0;1>/* or /**), the second a \
         change descriptor (/1/*). Export one wallet, as one descriptor with /<0;1>/* or as \
         its receive and change descriptors"
    );
    assert_eq!(
        refused(&format!("{TREASURY}\n{VAULT}\n{TAPROOT}")),
        "it holds 3 descriptor lines; import takes one wallet: one descriptor with /<0;1>/* \
         (or /**) keys, or its receive (/0/*) and change (/1/*) descriptors, one per line"
    );
}

#[test]
fn a_wrong_checksum_is_refused_naming_the_descriptor() {
    let wrong = TREASURY.replace("#tc8r3knc", "#tc8r3knd");
    assert_eq!(
        refused(&wrong),
        "the descriptor has a bad checksum (invalid checksum tc8r3knd; expected tc8r3knc): \
         the file was altered or damaged. Export it again from the wallet, and do not edit a \
         descriptor by hand"
    );
    let (receive, change) = treasury_pair();
    let damaged = format!("{receive}\n{}", change.replacen("xpub6F2h", "xpub6F2H", 1));
    assert!(
        refused(&damaged).starts_with("the second descriptor has a bad checksum (invalid checksum"),
        "{}",
        refused(&damaged)
    );
}

#[test]
fn keys_without_origins_are_refused_and_never_guessed() {
    let no_origin = body(TREASURY).replace("[43744e0d/48'/0'/0'/2']", "");
    assert_eq!(
        refused(&no_origin),
        "it gives no key origin (master key fingerprint and derivation path) for the 2nd key \
         (xpub6EfMLKT9…oCcmrdVa), and import never guesses one: a policy needs every key's \
         origin, because signing devices find their keys by it. Export the wallet again from \
         a coordinator that writes key origins ([fingerprint/path]xpub…), or write the \
         descriptor by hand with the fingerprint and path the key's signing device shows"
    );
}

#[test]
fn slip132_keys_are_converted_with_a_warning_naming_each() {
    let zpub = with_version(XPUB_B, version_of("Zpub"));
    let ypub = with_version(XPUB_C, version_of("Ypub"));
    let text = keys_ending(TREASURY, "/**").replace(XPUB_B, &zpub).replace(XPUB_C, &ypub);
    let got = imported(&text);
    assert_eq!(got.descriptor, TREASURY);
    assert_eq!(
        got.warnings,
        [
            "the 2nd key ([43744e0d/48'/0'/0'/2']xpub6EfMLKT9…oCcmrdVa) was a SLIP-132 Zpub in \
             the file and is written as the xpub of the same key; check it against the key its \
             signing device shows",
            "the 3rd key ([c16ae21c/48'/0'/0'/2']xpub6DqJ4YqW…n3ya2cho) was a SLIP-132 Ypub in \
             the file and is written as the xpub of the same key; check it against the key its \
             signing device shows",
        ]
    );
    // In a pair, each key is named once.
    let pair = format!(
        "{}\n{}",
        keys_ending(TREASURY, "/0/*").replace(XPUB_B, &zpub),
        keys_ending(TREASURY, "/1/*").replace(XPUB_B, &zpub)
    );
    assert_eq!(imported(&pair).warnings.len(), 1);
}

#[test]
fn tpub_keys_mean_testnet_and_test_slip132_keys_become_tpubs() {
    let got = imported(VAULT);
    assert_eq!((got.network, got.descriptor.as_str()), (Network::Testnet, VAULT));
    let tpub = "tpubDFM58MjCjystp9Q289nA7wkocPFo3Hkbn5hmvku92b297fGTs3Fz4JAgWKW4nti2faL8DYXh8qm9q6chyKAJ7uMY7f8kVQ7sytAD8JKLPDB";
    let vpub = with_version(tpub, version_of("Vpub"));
    let got = imported(&body(VAULT).replace(tpub, &vpub));
    assert_eq!((got.network, got.descriptor.as_str()), (Network::Testnet, VAULT));
    assert_eq!(
        got.warnings,
        ["the 1st key ([5dbfc5e8/48'/1'/0'/1']tpubDFM58MjC…D8JKLPDB) was a SLIP-132 Vpub in the \
          file and is written as the tpub of the same key; check it against the key its \
          signing device shows"]
    );
}

#[test]
fn keys_of_two_networks_or_of_another_network_than_named_are_refused() {
    let tpub = "tpubDFM58MjCjystp9Q289nA7wkocPFo3Hkbn5hmvku92b297fGTs3Fz4JAgWKW4nti2faL8DYXh8qm9q6chyKAJ7uMY7f8kVQ7sytAD8JKLPDB";
    assert_eq!(
        refused(&body(TREASURY).replace(XPUB_C, tpub)),
        "its keys are for different networks: the 1st key \
         ([a612bb6a/48'/0'/0'/2']xpub6F2hX9ei…1uSoPY9o) is an xpub, a key for bitcoin and the \
         3rd key ([c16ae21c/48'/0'/0'/2']tpubDFM58MjC…D8JKLPDB) is a tpub, a key for test \
         networks. A wallet's keys are all for one network; check that the file is one \
         wallet's export"
    );
    // A BSMS record names its network by its first address.
    let wallet = Wallet::from_descriptor(TREASURY, Network::Bitcoin).unwrap();
    let script = wallet.derive(0, 0).unwrap().script_pubkey;
    let testnet_address = Address::from_script(&script, Network::Testnet).unwrap().to_string();
    assert_eq!(
        refused(&bsms(TREASURY, "/0/*,/1/*", &testnet_address)),
        "it names the network testnet, but the 1st key \
         ([a612bb6a/48'/0'/0'/2']xpub6F2hX9ei…1uSoPY9o) is an xpub, a key for bitcoin: a \
         wallet's keys are all for its network. Check that the file is this wallet's export"
    );
}

#[test]
fn bsms_records_are_read_and_their_first_address_must_derive() {
    let address = treasury_first_address();
    for restrictions in ["/0/*,/1/*", "No path restrictions"] {
        let got = imported(&bsms(TREASURY, restrictions, &address));
        assert_eq!((got.descriptor.as_str(), got.source), (TREASURY, Source::Bsms));
    }
    let wallet = Wallet::from_descriptor(TREASURY, Network::Bitcoin).unwrap();
    let change = wallet.derive(1, 0).unwrap().script_pubkey;
    let change = Address::from_script(&change, Network::Bitcoin).unwrap().to_string();
    assert_eq!(
        refused(&bsms(TREASURY, "/0/*,/1/*", &change)),
        format!(
            "the record's first address is {change}, but its descriptor's first receive address \
             (branch 0, index 0) is {address}: the record does not describe the wallet it \
             claims to. Do not use it; get the record from the coordinator again and compare \
             the first address on every signing device"
        )
    );
    assert_eq!(
        refused(&bsms(TREASURY, "/0/*,/1/*", "not-an-address")),
        format!(
            "the record's last line, its first address, is not an address on bitcoin; the \
             descriptor's first receive address (branch 0, index 0) is {address}. Get the \
             record from the coordinator again"
        )
    );
}

#[test]
fn bsms_files_of_another_shape_are_refused() {
    let address = treasury_first_address();
    assert_eq!(
        refused(&bsms(TREASURY, "/0/*,/1/*,/2/*", &address)),
        "its third line, the path restrictions, is neither /0/*,/1/* (receive and change) nor \
         No path restrictions: import takes a wallet of those two branches only"
    );
    assert_eq!(
        refused(&format!("BSMS 1.0\n{TREASURY}\n/0/*,/1/*\n")),
        "it has 2 lines after BSMS 1.0, but a BIP-129 descriptor record has 3: the \
         descriptor, the path restrictions (/0/*,/1/*) and the first address"
    );
    assert_eq!(
        refused("BSMS 1.0\n00\n[59865f44/48'/0'/0'/2']026d15412460ba0d881c21837bb999233896085a9ed4e5445bd637c10e579768ba\nSigner 1 key\nH6DXgqkCb353BDPkzppMFpOcdJZlpur0WRetQhIBqSn6DFzoQWBtm+ibP5wERDRNi0bxxev9B+FIvyQWq0s6im4=\n"),
        "it is a BIP-129 key record (one signer's key, round 1), not a wallet's descriptor \
         record: import the descriptor record the coordinator sends in round 2"
    );
    assert_eq!(
        refused(&format!("BSMS 2.0\n{TREASURY}\n/0/*,/1/*\n{address}\n")),
        "it is a BSMS record of a version other than 1.0, the one BIP-129 defines and import \
         reads"
    );
}

#[test]
fn core_listdescriptors_is_one_multisig_wallet_and_single_key_descriptors_are_ignored() {
    let (receive, change) = treasury_pair();
    // Change listed first: `internal` says which is which.
    let got =
        imported(&listdescriptors("Treasury Wallet (2024)", &[(&change, true), (&receive, false)]));
    assert_eq!(
        got,
        Imported {
            name: Some("treasury-wallet-2024".to_owned()),
            network: Network::Bitcoin,
            descriptor: TREASURY.to_owned(),
            source: Source::CoreListdescriptors,
            warnings: vec![],
        }
    );
    let got = imported(&listdescriptors("t", &[(TREASURY, false)]));
    assert_eq!((got.descriptor.as_str(), got.name.as_deref()), (TREASURY, Some("t")));
}

#[test]
fn core_listdescriptors_with_two_multisig_wallets_or_none_is_refused() {
    let (receive, change) = treasury_pair();
    let vault_receive = checksummed(&keys_ending(VAULT, "/0/*"));
    let vault_change = checksummed(&keys_ending(VAULT, "/1/*"));
    let two = [(&receive, false), (&change, true), (&vault_receive, false), (&vault_change, true)]
        .map(|(d, i)| (d.as_str(), i));
    let message = "it lists 4 multisig descriptors, more than one wallet's receive and change \
         descriptors, and import does not choose one: that would be a guess. Import the \
         wallet's own descriptors (one with /<0;1>/*, or its receive and change descriptors, \
         one per line)";
    assert_eq!(refused(&listdescriptors("w", &two)), message);
    assert_eq!(
        refused(&listdescriptors("w", &[(&receive, false), (&vault_receive, false)])),
        message.replace("lists 4", "lists 2")
    );
    assert_eq!(
        refused(&listdescriptors("w", &[])),
        "it lists no multisig descriptor, only single-key ones, which import ignores: this \
         Bitcoin Core wallet holds no multisig wallet"
    );
}

#[test]
fn bip388_keys_are_substituted_and_each_must_be_given_and_used() {
    let got = imported(&bip388_json(
        "Cold Storage",
        "wsh(sortedmulti(2,@0/**,@1/<0;1>/*,@2/**))",
        &TREASURY_KEYS,
    ));
    assert_eq!(
        (got.descriptor.as_str(), got.name.as_deref(), got.source),
        (TREASURY, Some("cold-storage"), Source::Bip388)
    );
    assert_eq!(
        refused(&bip388_json("w", "wsh(sortedmulti(2,@0/**,@1/**,@3/**))", &TREASURY_KEYS)),
        "descriptor_template names @3, but keys_info has 3 keys: the key of @3 is not in the file"
    );
    assert_eq!(
        refused(&bip388_json("w", "wsh(sortedmulti(2,@0/**,@1/**))", &TREASURY_KEYS)),
        "keys_info[2] is not used by descriptor_template (it has no @2): in a BIP-388 wallet \
         policy every key is used, so the file is damaged or edited"
    );
    assert_eq!(
        refused(&bip388_json("w", "wsh(sortedmulti(2,@0/**,@/**))", &TREASURY_KEYS)),
        "descriptor_template has an @ that is not followed by a key index (@0, @1, ...)"
    );
    let injected = format!("{}/**),pk({XPUB_A}", TREASURY_KEYS[1]);
    assert_eq!(
        refused(&bip388_json(
            "w",
            "wsh(sortedmulti(2,@0/**,@1/**,@2/**))",
            &[TREASURY_KEYS[0], &injected, TREASURY_KEYS[2]]
        )),
        "keys_info[1] is not a key with its origin ([fingerprint/path]xpub…): it holds \
         characters a key is not written with"
    );
    let extra = r#"{"name": "w", "descriptor_template": "wsh(sortedmulti(1,@0/**))", "keys_info": [], "network": "bitcoin"}"#;
    assert_eq!(
        refused(extra),
        "line 1, column 92: unknown field `network`, expected one of `name`, \
         `descriptor_template`, `keys_info`"
    );
}

#[test]
fn json_descriptor_exports_take_label_or_name_and_ignore_other_keys() {
    let export = |fields: serde_json::Value| imported(&fields.to_string());
    let got =
        export(serde_json::json!({ "label": "My Vault", "name": "other", "descriptor": TREASURY }));
    assert_eq!(
        (got.name.as_deref(), got.source, got.descriptor.as_str()),
        (Some("my-vault"), Source::JsonDescriptor, TREASURY)
    );
    let got = export(
        serde_json::json!({ "name": "Sparrow_Wallet.1", "descriptor": TREASURY, "extra": [1, 2] }),
    );
    assert_eq!(got.name.as_deref(), Some("sparrow_wallet.1"));
    assert_eq!(export(serde_json::json!({ "descriptor": TREASURY })).name, None);
    assert_eq!(
        refused(r#"{"descriptor": 5}"#),
        "line 1, column 16: invalid type: integer, expected a string"
    );
}

#[test]
fn files_of_no_format_are_refused_naming_the_formats() {
    let formats =
        "import reads a descriptor (one line with /<0;1>/* or /** keys, or a receive /0/* \
         and a change /1/* line), a BIP-129 descriptor record (BSMS 1.0), Bitcoin Core's \
         listdescriptors output, a BIP-388 wallet policy (JSON with name, descriptor_template \
         and keys_info), Coldcard's multisig setup file, a Caravan wallet configuration, or a \
         Specter or Sparrow JSON export with a descriptor";
    assert_eq!(refused("hello\nworld\n"), format!("it is in no format import reads; {formats}"));
    assert_eq!(refused(" \n"), format!("it is empty; {formats}"));
    assert_eq!(
        refused("{\"descriptor\": "),
        format!("it looks like JSON but does not parse (line 1, column 15: EOF while parsing a value); {formats}")
    );
    assert_eq!(
        refused("[1, 2]"),
        "it is JSON, but not an object with the fields of a format import reads (descriptors \
         for Bitcoin Core, descriptor_template and keys_info for BIP-388, Caravan's \
         extendedPublicKeys, descriptor for Specter or Sparrow)"
    );
}

#[test]
fn private_keys_are_refused_and_never_quoted() {
    let secp = Secp256k1::new();
    let master = Xpriv::new_master(Network::Bitcoin, &[7; 32]).unwrap();
    let path: DerivationPath = "m/48'/0'/0'/2'".parse().unwrap();
    let xprv = master.derive_priv(&secp, &path).unwrap().to_string();
    let wif = PrivateKey::new(master.private_key, Network::Bitcoin).to_wif();
    let tprv = with_version(&xprv, version_of("tprv"));
    let zprv = with_version(&xprv, version_of("Zprv"));
    let damaged_xprv = format!("{}1{}", &xprv[..50], &xprv[51..]);
    let extended =
        "it holds an extended private key (NAME), which is not shown here. A wallet file \
         to import holds public keys only: export the wallet's public configuration instead, \
         and treat the private key as exposed (it was written to a file that is being shared)";
    for (key, name) in [(&xprv, "xprv"), (&tprv, "tprv"), (&zprv, "Zprv"), (&damaged_xprv, "xprv")]
    {
        for text in [
            body(TREASURY).replace(XPUB_B, key),
            serde_json::json!({ "label": "w", "descriptor": body(TREASURY).replace(XPUB_B, key) })
                .to_string(),
            format!("some notes\n{key}\n"),
        ] {
            let problem = refused(&text);
            assert_eq!(problem, extended.replace("NAME", name), "{text}");
            assert!(!problem.contains(&key[4..20]));
        }
    }
    let problem = refused(&format!("{{\"descriptor\": \"wsh(multi(1,{wif}))\"}}"));
    assert_eq!(
        problem,
        "it holds a private key in WIF, which is not shown here. A wallet file to import holds \
         public keys only: export the wallet's public configuration instead, and treat the \
         private key as exposed (it was written to a file that is being shared)"
    );
}

#[test]
fn names_are_normalised_to_the_policy_name_rule() {
    for (file, want) in [
        ("treasury", Some("treasury")),
        ("My Treasury (2024)!", Some("my-treasury-2024")),
        ("a- b", Some("a--b")),
        ("Café Ünïcode", Some("caf-n-code")),
        ("__x..y__", Some("__x..y__")),
        ("!!!", None),
        ("", None),
    ] {
        assert_eq!(normalised_name(file).as_deref(), want, "{file:?}");
    }
    let long = format!("{}-{}", "a".repeat(63), "b".repeat(10));
    assert_eq!(normalised_name(&long), Some("a".repeat(63)));
    assert_eq!(normalised_name(&"x".repeat(100)), Some("x".repeat(64)));
}

#[test]
fn a_given_name_overrides_the_file_and_must_be_a_policy_name() {
    let text = serde_json::json!({ "label": "My Vault", "descriptor": TREASURY }).to_string();
    let got = import_wallet(text.as_bytes(), Some("cold.2")).unwrap();
    assert_eq!(got.name.as_deref(), Some("cold.2"));
    let got = import_wallet(TREASURY.as_bytes(), Some("vault")).unwrap();
    assert_eq!(got.name.as_deref(), Some("vault"));
    assert_eq!(
        import_wallet(text.as_bytes(), Some("My Vault")),
        Err(PolicyError::Field {
            field: "name".to_owned(),
            problem: "\"My Vault\" is not 1 to 64 characters of [a-z0-9._-]".to_owned()
        })
    );
}

#[test]
fn files_too_large_or_not_utf8_are_refused_unread() {
    let large = vec![b' '; MAX_FILE_BYTES + 1];
    assert_eq!(
        import_wallet(&large, None),
        Err(PolicyError::WalletFile {
            problem: "it is larger than 1048576 bytes and was not read: a wallet file is a few \
                      kilobytes; check that this is the wallet's export"
                .to_owned()
        })
    );
    assert_eq!(
        import_wallet(b"wsh(\xff)", None),
        Err(PolicyError::WalletFile {
            problem: "it is not UTF-8 text (invalid utf-8 sequence of 1 bytes from index 4): \
                      import reads the text and JSON files wallets export, not binary files"
                .to_owned()
        })
    );
    // A byte order mark is not part of the text.
    assert_eq!(imported(&format!("\u{feff}{TREASURY}")).descriptor, TREASURY);
}

#[test]
fn descriptors_outside_spec_1_1_are_refused_with_the_rule_message() {
    let single = "wpkh([a612bb6a/84'/0'/0']xpub6F2hX9eizmsuXzems5RWBQsJVwDvcWFNjuCFe1qGyy1QgpKyFfJfaqn95xR1wx11Us6a5W7GFGLrzr2QwWmFezSkSwz9WmnWxDV1uSoPY9o/<0;1>/*)";
    assert_eq!(
        import_wallet(single.as_bytes(), None),
        Err(PolicyError::WalletFile {
            problem: "its descriptor is not one a policy can hold (SPEC 1.1): must be \
                      wsh(multi|sortedmulti), sh(wsh(multi|sortedmulti)), sh(multi|sortedmulti) \
                      or tr(KEY, TREE)"
                .to_owned()
        })
    );
    let display = import_wallet(single.as_bytes(), None).unwrap_err().to_string();
    assert!(display.starts_with("the wallet file: its descriptor is not one"), "{display}");
}

#[test]
fn what_the_descriptor_library_quotes_of_the_file_is_not_shown() {
    let seed = "wsh(0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d)";
    let mnemonic =
        "wsh(legal winner thank year wave sausage worth useful legal winner thank yellow)";
    for text in [seed, mnemonic] {
        assert_eq!(
            refused(text),
            "its descriptor is not one a policy can hold (SPEC 1.1): does not parse: \
             unrecognized name '…'"
        );
    }
    // A short word is shown, so that a typo is named; a key is not.
    assert_eq!(
        refused("wsh(sortedmult)"),
        "its descriptor is not one a policy can hold (SPEC 1.1): does not parse: unrecognized \
         name 'sortedmult'"
    );
    assert_eq!(
        refused(&body(TREASURY).replace("sortedmulti(", "sortedmult(")),
        "its descriptor is not one a policy can hold (SPEC 1.1): does not parse: unrecognized \
         name '…'"
    );
    // No message grows with the file.
    let steps = "/2147483647".repeat(200);
    let long = body(TREASURY).replace(&format!("{XPUB_A}/<0;1>/*"), &format!("{XPUB_A}{steps}/*"));
    let problem = refused(&long);
    assert_eq!(problem.chars().count(), 1001, "{problem}");
    assert!(problem.ends_with('…'), "{problem}");
}
