//! The descriptor rules of SPEC 1.1 (src/parse/wallet/keys.rs), through `from_descriptor`.

use miniscript::bitcoin::base58;
use miniscript::bitcoin::bip32::{Xpriv, Xpub};
use miniscript::bitcoin::secp256k1::All;
use miniscript::descriptor::checksum::Engine;

use super::*;

const NUMS: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

fn secp() -> Secp256k1<All> {
    Secp256k1::new()
}

/// The account key m/48'/0'/0'/2' of a master key from a fixed seed.
fn xpriv(seed: u8, network: Network) -> Xpriv {
    let master = Xpriv::new_master(network, &[seed; 32]).unwrap();
    master.derive_priv(&secp(), &"m/48'/0'/0'/2'".parse::<DerivationPath>().unwrap()).unwrap()
}

fn xpub(seed: u8, network: Network) -> Xpub {
    Xpub::from_priv(&secp(), &xpriv(seed, network))
}

/// `[0000000N/48'/0'/0'/2']XPUB/<0;1>/*`, the key of seed `n` with origin fingerprint `n`.
fn key(n: u8, network: Network) -> String {
    with_origin(n, &xpub(n, network).to_string())
}

fn with_origin(fingerprint: u8, material: &str) -> String {
    format!("[{fingerprint:08x}/48'/0'/0'/2']{material}/<0;1>/*")
}

/// A key as messages show it: its first 12 and last 8 characters.
fn shown(material: &str) -> String {
    let chars: Vec<char> = material.chars().collect();
    let head: String = chars[..12].iter().collect();
    let tail: String = chars.iter().skip(chars.len().saturating_sub(8)).collect();
    format!("{head}…{tail}")
}

fn loads(text: &str, network: Network) -> Wallet {
    Wallet::from_descriptor(text, network).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// The problem of a descriptor that must be refused as `PolicyError::Descriptor`.
fn refused(text: &str, network: Network) -> String {
    match Wallet::from_descriptor(text, network) {
        Err(PolicyError::Descriptor { problem }) => problem,
        other => panic!("{text}: {other:?}"),
    }
}

fn assert_mentions(problem: &str, parts: &[&str]) {
    for part in parts {
        assert!(problem.contains(part), "{part:?} missing from: {problem}");
    }
}

fn checksummed(body: &str) -> String {
    let mut engine = Engine::new();
    engine.input(body).unwrap();
    format!("{body}#{}", engine.checksum())
}

const BTC: Network = Network::Bitcoin;

#[test]
fn the_rules_keep_well_formed_descriptors_loading() {
    let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
    for text in [
        format!("wsh(sortedmulti(2,{a},{b},{c}))"),
        format!("sh(wsh(multi(2,{a},{b},{c})))"),
        format!("sh(multi(2,{a},{b},{c}))"),
        format!("tr({a},multi_a(2,{b},{c}))"),
        format!("tr({NUMS},sortedmulti_a(2,{a},{b},{c}))"),
    ] {
        loads(&text, BTC);
    }
}

#[test]
fn an_xpub_without_origin_is_refused_in_wsh() {
    let bare = xpub(2, BTC).to_string();
    let text = format!("wsh(sortedmulti(2,{},{bare}/<0;1>/*,{}))", key(1, BTC), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            &format!("the 2nd key ({}) has no key origin", shown(&bare)),
            "has no key origin",
            &format!("write it as [fingerprint/path]{}/<0;1>/*", shown(&bare)),
        ],
    );
}

#[test]
fn an_xpub_without_origin_is_refused_in_a_tap_leaf() {
    let bare = xpub(2, BTC).to_string();
    let text = format!("tr({NUMS},multi_a(2,{},{bare}/<0;1>/*))", key(1, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(&problem, &[&format!("the 3rd key ({})", shown(&bare)), "has no key origin"]);
}

#[test]
fn a_taproot_internal_xpub_without_origin_is_refused() {
    let bare = xpub(1, BTC).to_string();
    let text = format!("tr({bare}/<0;1>/*,multi_a(2,{},{}))", key(2, BTC), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            &format!("the 1st key, the taproot internal key ({})", shown(&bare)),
            "has no key origin",
        ],
    );
}

#[test]
fn a_fixed_key_is_refused_outside_the_internal_key() {
    let point = xpub(3, BTC).public_key;
    let text = format!("wsh(multi(2,{},{},{point}))", key(1, BTC), key(2, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            &format!("the 3rd key ({})", shown(&point.to_string())),
            "is a fixed public key; only a taproot internal key may be one",
        ],
    );
    // In a tap leaf too, x-only.
    let x_only = point.x_only_public_key().0;
    let text = format!("tr({NUMS},multi_a(2,{},{x_only}))", key(1, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(&problem, &["the 3rd key (", "is a fixed public key"]);
}

#[test]
fn a_fixed_taproot_internal_key_loads() {
    let leaves = format!("sortedmulti_a(2,{},{})", key(1, BTC), key(2, BTC));
    let wallet = loads(&format!("tr({NUMS},{leaves})"), BTC);
    let internal = wallet.derive(0, 0).unwrap().taproot.unwrap().internal_key;
    assert_eq!(internal.to_string(), NUMS);
    // Any fixed key may be the internal key; it is a key of its own.
    let other = xpub(9, BTC).public_key.x_only_public_key().0;
    loads(&format!("tr({other},{leaves})"), BTC);
}

#[test]
fn a_key_without_the_multipath_step_is_refused() {
    let single = format!("[00000002/48'/0'/0'/2']{}/0/*", xpub(2, BTC));
    let text = format!("wsh(multi(2,{},{single},{}))", key(1, BTC), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(&problem, &["the 2nd key (", "is followed by \"/0/*\""]);
    let hardened = key(2, BTC).replace("/<0;1>/*", "/<0;1>/*h");
    let text = format!("wsh(multi(2,{},{hardened},{}))", key(1, BTC), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(&problem, &["the 2nd key (", "nothing hardened after the key"]);
}

#[test]
fn the_same_xpub_under_two_origins_is_refused() {
    let a = xpub(1, BTC).to_string();
    let text = format!(
        "wsh(sortedmulti(2,{},{},{}))",
        with_origin(1, &a),
        key(2, BTC),
        with_origin(7, &a)
    );
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            &format!("the 1st key ([00000001/48'/0'/0'/2']{})", shown(&a)),
            &format!("and the 3rd key ([00000007/48'/0'/0'/2']{})", shown(&a)),
            "are the same public key. Give each signer's key once",
        ],
    );
}

#[test]
fn the_same_key_twice_in_one_multi_is_refused() {
    let (a, b) = (key(1, BTC), key(2, BTC));
    for text in [
        format!("wsh(multi(2,{a},{b},{a}))"),
        format!("sh(sortedmulti(2,{a},{a},{b}))"),
        format!("tr({NUMS},sortedmulti_a(2,{a},{b},{a}))"),
    ] {
        let problem = refused(&text, BTC);
        assert_mentions(&problem, &["the ", " key ([00000001/", "are the same public key"]);
    }
}

#[test]
fn the_same_key_in_another_encoding_is_refused() {
    // The same public key and chain code, serialised with another depth and parent.
    let a = xpub(1, BTC);
    let mut renamed = a;
    renamed.depth = 4;
    renamed.parent_fingerprint = [1, 2, 3, 4].into();
    renamed.child_number = ChildNumber::Hardened { index: 2 };
    assert_ne!(a.to_string(), renamed.to_string());
    let text = format!(
        "wsh(sortedmulti(2,{},{},{}))",
        with_origin(1, &a.to_string()),
        key(2, BTC),
        with_origin(1, &renamed.to_string())
    );
    assert_mentions(&refused(&text, BTC), &["the 3rd key (", "are the same public key"]);
}

#[test]
fn the_same_key_as_internal_key_and_leaf_key_is_refused() {
    let (a, b) = (key(1, BTC), key(2, BTC));
    let problem = refused(&format!("tr({a},multi_a(1,{a},{b}))"), BTC);
    assert_mentions(
        &problem,
        &[
            "the 1st key, the taproot internal key ([00000001/",
            "and the 2nd key ([00000001/",
            "the internal key can spend alone, by the key path",
        ],
    );
    // A fixed internal key that is a leaf key's public key, compared x-only.
    let point = xpub(1, BTC).public_key.x_only_public_key().0;
    let problem = refused(&format!("tr({point},multi_a(1,{a},{b}))"), BTC);
    assert_mentions(
        &problem,
        &["the 1st key, the taproot internal key (", "and the 2nd key ([00000001/"],
    );
}

#[test]
fn a_key_in_two_leaves_loads_only_when_written_the_same() {
    let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
    loads(
        &format!("tr({NUMS},{{multi_a(2,{a},{b}),{{multi_a(2,{a},{c}),multi_a(2,{b},{c})}}}})"),
        BTC,
    );
    let a_elsewhere = with_origin(9, &xpub(1, BTC).to_string());
    let problem =
        refused(&format!("tr({NUMS},{{multi_a(2,{a},{b}),multi_a(2,{a_elsewhere},{c})}})"), BTC);
    assert_mentions(&problem, &["the 2nd key ([00000001/", "and the 4th key ([00000009/"]);
}

#[test]
fn a_key_that_is_a_branch_of_another_is_refused() {
    // xpub/<0;1>/* and its receive branch xpub/0 as a key of its own: the holder of the
    // first holds the second, though no two keys as written are equal.
    let a = xpub(1, BTC);
    let receive = a.ckd_pub(&secp(), ChildNumber::Normal { index: 0 }).unwrap();
    let text = format!(
        "wsh(sortedmulti(2,{},{},{}))",
        key(1, BTC),
        key(2, BTC),
        with_origin(1, &receive.to_string())
    );
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            "the receive branch (/0) of the 1st key ([00000001/",
            &format!("and the 3rd key ([00000001/48'/0'/0'/2']{})", shown(&receive.to_string())),
            "one is derived from the other",
        ],
    );
}

#[test]
fn the_shorthand_means_receive_and_change() {
    let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
    for long in [
        format!("wsh(sortedmulti(2,{a},{b},{c}))"),
        format!("tr({NUMS},sortedmulti_a(2,{a},{b},{c}))"),
        format!("tr({a},multi_a(2,{b},{c}))"),
    ] {
        let short = long.replace("/<0;1>/*", "/**");
        assert!(short.contains("/**,") && !short.contains("<0;1>"), "{short}");
        let (long, short) = (loads(&long, BTC), loads(&short, BTC));
        for (branch, index) in [(0, 0), (1, 0), (0, 7), (1, 3)] {
            assert_eq!(short.derive(branch, index), long.derive(branch, index), "{branch}/{index}");
        }
        assert_eq!(short.descriptor(), long.descriptor());
    }
}

#[test]
fn the_shorthand_checksum_is_over_the_text_as_written() {
    let body = format!("wsh(sortedmulti(2,{},{},{}))", key(1, BTC), key(2, BTC), key(3, BTC))
        .replace("/<0;1>/*", "/**");
    let text = checksummed(&body);
    let wallet = loads(&text, BTC);
    assert_eq!(wallet.descriptor_text(), text);
    // The checksum of the expanded text is not the checksum of what the policy wrote.
    let expanded = checksummed(&body.replace("/**", "/<0;1>/*"));
    let (_, checksum) = expanded.split_once('#').unwrap();
    assert_mentions(&refused(&format!("{body}#{checksum}"), BTC), &["bad checksum"]);
}

/// The key of seed `n` with SLIP-132 version bytes.
fn slip132(n: u8, network: Network, version: [u8; 4]) -> String {
    let mut data = base58::decode_check(&xpub(n, network).to_string()).unwrap();
    data[..4].copy_from_slice(&version);
    base58::encode_check(&data)
}

#[test]
fn slip132_keys_are_refused_with_the_way_to_convert_them() {
    let zpub = slip132(2, BTC, [0x02, 0xaa, 0x7e, 0xd3]);
    assert!(zpub.starts_with("Zpub"), "{zpub}");
    let text =
        format!("wsh(sortedmulti(2,{},{},{}))", key(1, BTC), with_origin(2, &zpub), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(
        &problem,
        &[
            &format!("the key {} is a SLIP-132 Zpub", shown(&zpub)),
            "is a SLIP-132 Zpub",
            "`intentguard policy import`",
            "as the xpub of the same key",
        ],
    );
    let test = Network::Testnet;
    let vpub = slip132(2, test, [0x02, 0x57, 0x54, 0x83]);
    assert!(vpub.starts_with("Vpub"), "{vpub}");
    let text = format!("tr({NUMS},multi_a(2,{},{}))", key(1, test), with_origin(2, &vpub));
    let problem = refused(&text, test);
    assert_mentions(
        &problem,
        &["is a SLIP-132 Vpub", "`intentguard policy import`", "as the tpub of the same key"],
    );
}

#[test]
fn a_private_key_is_refused_without_being_shown() {
    let secret = xpriv(2, BTC).to_string();
    let text =
        format!("wsh(sortedmulti(2,{},{},{}))", key(1, BTC), with_origin(2, &secret), key(3, BTC));
    let problem = refused(&text, BTC);
    assert_mentions(&problem, &["is a private extended key (xprv)"]);
    assert!(!problem.contains(&secret[4..20]), "{problem}");
}

#[test]
fn a_key_of_another_network_is_refused() {
    let text =
        format!("wsh(sortedmulti(2,{},{},{}))", key(1, BTC), key(2, Network::Testnet), key(3, BTC));
    assert_mentions(
        &refused(&text, BTC),
        &["the 2nd key ([00000002/", "is a tpub", "the policy's network is bitcoin"],
    );
}
