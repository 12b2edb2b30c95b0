//! Caravan's wallet configuration (SPEC 1.4): the JSON file Caravan's coordinator downloads
//! and imports, with `name`, `addressType`, `network`, `quorum` and
//! `extendedPublicKeys[]` (`name`, `xpub`, `bip32Path`, `xfp`).
//!
//! Trusts: nothing. It is another tool's export, so fields this reader does not use
//! (`client`, `startingAddressIndex`, `uuid`, a key's `method`, …) are ignored, and may hold
//! anything, a node's password included: no message quotes them. The fields it uses are
//! read strictly: each must have its JSON type and appear once. Caravan writes `"Unknown"`,
//! or nothing, for a key's `bip32Path` or `xfp` when it was given a bare xpub; that is an
//! error naming the key, since import never guesses an origin. Caravan wallets are always
//! `sortedmulti` (Caravan sorts each address's public keys, BIP-67).
//!
//! Keys pass through exactly as written, in the file's order; the shared step converts,
//! parses and checks them (SPEC 1.1). What goes into the descriptor is checked here, so no
//! field can add syntax to it.

use miniscript::bitcoin::Network;
use serde::Deserialize;

use super::coldcard::{descriptor_key, fingerprint, key_problem, origin_path, quoted, Script};
use super::{Found, Source};
use crate::base::redact::json_message;

/// The fields of a Caravan configuration that the import uses; others are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CaravanFile {
    name: Option<String>,
    address_type: Option<String>,
    network: Option<String>,
    quorum: QuorumFile,
    extended_public_keys: Vec<KeyFile>,
}

/// `quorum`: how many of the keys must sign.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuorumFile {
    required_signers: Option<u64>,
    total_signers: Option<u64>,
}

/// One of `extendedPublicKeys`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyFile {
    name: Option<String>,
    xpub: Option<String>,
    #[serde(rename = "bip32Path")]
    bip32_path: Option<String>,
    xfp: Option<String>,
}

/// Whether `text` is a Caravan configuration: a JSON object with `extendedPublicKeys` and
/// `quorum`.
fn detected(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|value| {
        value.get("extendedPublicKeys").is_some() && value.get("quorum").is_some()
    })
}

/// The script type an `addressType` names.
fn address_type(value: &str) -> Option<Script> {
    match value {
        "P2WSH" => Some(Script::Wsh),
        "P2SH-P2WSH" => Some(Script::ShWsh),
        "P2SH" => Some(Script::Sh),
        _ => None,
    }
}

/// The network a Caravan `network` names.
fn network(value: &str) -> Option<Network> {
    match value {
        "mainnet" => Some(Network::Bitcoin),
        "testnet" => Some(Network::Testnet),
        "regtest" => Some(Network::Regtest),
        "signet" => Some(Network::Signet),
        _ => None,
    }
}

/// Returns `value` quoted when it is a short word worth showing (a mistyped address type
/// or network), or an empty string.
fn shown_word(value: &str) -> String {
    let plain = (1..=20).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if plain {
        format!(" {}", quoted(value))
    } else {
        String::new()
    }
}

/// Returns a key's `xfp` or `bip32Path`, trimmed, unless Caravan's way of saying it does not
/// know it: missing, empty or `"Unknown"`.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("unknown"))
}

/// Reads a Caravan wallet configuration into one `sortedmulti` descriptor with `/<0;1>/*`
/// keys, in the file's order, with the wallet's name and network.
///
/// Returns `Ok(None)` when `text` is not a JSON object with `extendedPublicKeys` and
/// `quorum`.
///
/// # Errors
///
/// A configuration that cannot be made into a descriptor: a field the import uses with the
/// wrong JSON type or given twice, an `addressType` other than P2WSH, P2SH-P2WSH and P2SH (or
/// none), a `network` other than mainnet, testnet, regtest and signet, a
/// `quorum.requiredSigners` missing or outside 1 to the number of keys, a
/// `quorum.totalSigners` other than the number of keys, no keys, or a key whose `xfp` or
/// `bip32Path` is missing or `"Unknown"`, or whose `xpub` is missing, private or malformed.
/// The message names the field and, for a key, its `name`.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !detected(text) {
        return Ok(None);
    }
    let file: CaravanFile = serde_json::from_str(text).map_err(|e| json_message(&e, text))?;
    let script = match file.address_type.as_deref() {
        None => {
            return Err(
                "addressType is missing: it says the script type (P2WSH, P2SH-P2WSH or P2SH)"
                    .to_owned(),
            )
        }
        Some(value) => address_type(value).ok_or_else(|| {
            format!("addressType{} is not P2WSH, P2SH-P2WSH or P2SH", shown_word(value))
        })?,
    };
    let network = match file.network.as_deref() {
        None => None,
        Some(value) => Some(network(value).ok_or_else(|| {
            format!("network{} is not mainnet, testnet, regtest or signet", shown_word(value))
        })?),
    };
    let count = file.extended_public_keys.len();
    if count == 0 {
        return Err("extendedPublicKeys is empty: the wallet has no keys".to_owned());
    }
    let required = file.quorum.required_signers.ok_or_else(|| {
        "quorum.requiredSigners is missing: it says how many keys must sign".to_owned()
    })?;
    if required == 0 {
        return Err("quorum.requiredSigners is 0; at least one signature is needed".to_owned());
    }
    let required = usize::try_from(required).ok().filter(|r| *r <= count).ok_or_else(|| {
        format!("quorum.requiredSigners is {required} but extendedPublicKeys lists {count} keys")
    })?;
    if let Some(total) = file.quorum.total_signers {
        if usize::try_from(total).ok() != Some(count) {
            return Err(format!(
                "quorum.totalSigners is {total} but extendedPublicKeys lists {count} keys"
            ));
        }
    }
    let mut keys = Vec::with_capacity(count);
    for (index, key) in file.extended_public_keys.iter().enumerate() {
        let which = match key.name.as_deref() {
            Some(name) => format!("key {} (extendedPublicKeys[{index}])", quoted(name)),
            None => format!("key extendedPublicKeys[{index}]"),
        };
        let Some(xpub) = key.xpub.as_deref() else {
            return Err(format!("{which} has no xpub"));
        };
        if let Some(problem) = key_problem(xpub) {
            return Err(format!("{which}: xpub {problem}"));
        }
        let Some(xfp) = given(key.xfp.as_deref()) else {
            return Err(format!(
                "{which} has no xfp (the signer's master fingerprint): add it to the file; \
                 import does not guess a key's origin"
            ));
        };
        let Some(fp) = fingerprint(xfp) else {
            return Err(format!("{which}: xfp must be 8 hex digits, as in \"f57ec65d\""));
        };
        let Some(bip32_path) = given(key.bip32_path.as_deref()) else {
            return Err(format!(
                "{which} has no bip32Path (the key's derivation from the master key): add it \
                 to the file; import does not guess a key's origin"
            ));
        };
        let path = origin_path(bip32_path).map_err(|problem| {
            format!("{which}: bip32Path must be a BIP-32 path like m/48'/0'/0'/2': {problem}")
        })?;
        keys.push(descriptor_key(&fp, &path, xpub));
    }
    Ok(Some(Found {
        source: Source::Caravan,
        name: file.name.filter(|n| !n.trim().is_empty()),
        network,
        descriptors: vec![script.sortedmulti(required, &keys)],
        first_address: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet_import::test_support::{self, assert_refusals};

    const K1: &str = "tpubDFc9Mm4tw6EkgR4YTC1GrU6CGEd9yw7KSBnSssL4LXAXh89D4uMZigRyv3csdXbeU3BhLQc4vWKTLewboA1Pt8Fu6fbHKu81MZ6VGdc32eM";
    const K2: &str = "tpubDErWN5qfdLwYE94mh12oWr4uURDDNKCjKVhCEcAgZ7jKnnAwq5tcTF2iEk3VuznkJuk2G8SCHft9gS6aKbBd18ptYWPqKLRSTRQY7e2rrDj";

    /// A 2-of-2 configuration in Caravan's shape, with `address_type`.
    fn file(address_type: &str) -> String {
        format!(
            r#"{{
  "name": "Vault",
  "addressType": "{address_type}",
  "network": "testnet",
  "client": {{ "type": "private", "url": "http://node:8332", "username": "u", "password": "p" }},
  "quorum": {{ "requiredSigners": 2, "totalSigners": 2 }},
  "extendedPublicKeys": [
    {{ "name": "osw", "bip32Path": "m/48'/1'/100'/2'", "xpub": "{K1}", "xfp": "F57EC65D", "method": "text" }},
    {{ "name": "three", "bip32Path": "m/48h/1h/100h/2h", "xpub": "{K2}", "xfp": "00000003" }}
  ],
  "startingAddressIndex": 0,
  "uuid": "5f1d"
}}"#
        )
    }

    fn keys() -> String {
        format!("[f57ec65d/48'/1'/100'/2']{K1}/<0;1>/*,[00000003/48'/1'/100'/2']{K2}/<0;1>/*")
    }

    fn found(text: &str) -> Found {
        match read(text) {
            Ok(Some(found)) => found,
            Ok(None) => panic!("not detected"),
            Err(message) => panic!("refused: {message}"),
        }
    }

    /// The refusal of `text` (the interface's `Found` need not be `Debug`).
    fn refusal(text: &str) -> String {
        test_support::refusal(read, text)
    }

    #[test]
    fn reads_each_address_type() {
        let k = keys();
        for (address_type, expected) in [
            ("P2WSH", format!("wsh(sortedmulti(2,{k}))")),
            ("P2SH-P2WSH", format!("sh(wsh(sortedmulti(2,{k})))")),
            ("P2SH", format!("sh(sortedmulti(2,{k}))")),
        ] {
            let found = found(&file(address_type));
            assert!(matches!(found.source, Source::Caravan));
            assert_eq!(found.name.as_deref(), Some("Vault"));
            assert_eq!(found.network, Some(Network::Testnet));
            assert_eq!(found.descriptors, [expected]);
            assert_eq!(found.first_address, None);
        }
    }

    #[test]
    fn reads_each_network_and_no_network() {
        for (name, expected) in [
            ("mainnet", Some(Network::Bitcoin)),
            ("testnet", Some(Network::Testnet)),
            ("regtest", Some(Network::Regtest)),
            ("signet", Some(Network::Signet)),
        ] {
            let text = file("P2WSH").replace("\"testnet\"", &format!("\"{name}\""));
            assert_eq!(found(&text).network, expected, "{name}");
        }
        let text = file("P2WSH").replace("\"network\": \"testnet\",", "");
        assert_eq!(found(&text).network, None);
    }

    #[test]
    fn optional_fields() {
        // No name, no totalSigners, a key without a name, a BOM, null where Caravan has none.
        let text = format!(
            "\u{feff}{{\"name\": null, \"addressType\": \"P2WSH\", \"quorum\": {{\"requiredSigners\": 1}},\
             \"extendedPublicKeys\": [{{\"xpub\": \"{K1}\", \"bip32Path\": \"m\", \"xfp\": \"f57ec65d\"}}]}}"
        );
        let found = found(&text);
        assert_eq!(found.name, None);
        assert_eq!(found.network, None);
        assert_eq!(found.descriptors, [format!("wsh(sortedmulti(1,[f57ec65d]{K1}/<0;1>/*))")]);
        let text = file("P2WSH").replace("\"name\": \"Vault\"", "\"name\": \"  \"");
        assert_eq!(self::found(&text).name, None);
    }

    #[test]
    fn other_json_is_not_caravan() {
        for text in [
            "",
            "not json",
            "[]",
            "{\"descriptor\": \"wsh(...)\", \"label\": \"x\"}",
            "{\"quorum\": {\"requiredSigners\": 2}}",
            "{\"extendedPublicKeys\": []}",
            "{\"name\": \"x\", \"descriptor_template\": \"wsh(sortedmulti(2,@0/**,@1/**))\", \"keys_info\": []}",
            "Name: x\nPolicy: 2 of 3\n",
        ] {
            assert!(matches!(read(text), Ok(None)), "{text}");
        }
    }

    #[test]
    fn refusals() {
        let p2wsh = file("P2WSH");
        let cases: Vec<(String, &str)> = vec![
            (file("P2TR"), "addressType \"P2TR\" is not P2WSH, P2SH-P2WSH or P2SH"),
            (file("p2wsh"), "addressType \"p2wsh\" is not P2WSH, P2SH-P2WSH or P2SH"),
            (file("P2WSH P2SH"), "addressType is not P2WSH, P2SH-P2WSH or P2SH"),
            (
                p2wsh.replace("\"addressType\": \"P2WSH\",", ""),
                "addressType is missing: it says the script type (P2WSH, P2SH-P2WSH or P2SH)",
            ),
            (
                p2wsh.replace("\"testnet\"", "\"testnet4\""),
                "network \"testnet4\" is not mainnet, testnet, regtest or signet",
            ),
            (
                p2wsh.replace("\"testnet\"", "\"bitcoin\""),
                "network \"bitcoin\" is not mainnet, testnet, regtest or signet",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2", "\"requiredSigners\": 3"),
                "quorum.requiredSigners is 3 but extendedPublicKeys lists 2 keys",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2", "\"requiredSigners\": 18446744073709551615"),
                "quorum.requiredSigners is 18446744073709551615 but extendedPublicKeys lists 2 keys",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2", "\"requiredSigners\": 0"),
                "quorum.requiredSigners is 0; at least one signature is needed",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2, ", ""),
                "quorum.requiredSigners is missing: it says how many keys must sign",
            ),
            (
                p2wsh.replace("\"totalSigners\": 2", "\"totalSigners\": 3"),
                "quorum.totalSigners is 3 but extendedPublicKeys lists 2 keys",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2", "\"requiredSigners\": \"2\""),
                "line 6, column 36: invalid type: string, expected u64",
            ),
            (
                p2wsh.replace("\"requiredSigners\": 2", "\"requiredSigners\": 2.0"),
                "line 6, column 36: invalid type: floating point, expected u64",
            ),
            (
                p2wsh.replace("\"totalSigners\": 2", "\"totalSigners\": 2, \"requiredSigners\": 1"),
                // The field name is camelCase, which the redaction of parser messages does not show.
                "line 6, column 72: duplicate field `…`",
            ),
            (
                p2wsh.replace("\"xfp\": \"00000003\"", "\"xfp\": \"00000003\", \"xpub\": \"x\""),
                "line 9, column 204: duplicate field `xpub`",
            ),
            (
                p2wsh.replace("\"extendedPublicKeys\": [", "\"extendedPublicKeys\": {\"a\": [")
                    .replace("  ],\n", "  ]},\n"),
                "line 7, column 24: invalid type: map, expected a sequence",
            ),
            (
                p2wsh.replace(
                    &p2wsh[p2wsh.find("\"extendedPublicKeys\"").unwrap()..p2wsh.find("\"startingAddressIndex\"").unwrap()],
                    "\"extendedPublicKeys\": [],\n  ",
                ),
                "extendedPublicKeys is empty: the wallet has no keys",
            ),
            (
                p2wsh.replace("\"xfp\": \"F57EC65D\", ", ""),
                "key \"osw\" (extendedPublicKeys[0]) has no xfp (the signer's master fingerprint): \
                 add it to the file; import does not guess a key's origin",
            ),
            (
                p2wsh.replace("\"xfp\": \"00000003\"", "\"xfp\": \"Unknown\""),
                "key \"three\" (extendedPublicKeys[1]) has no xfp (the signer's master \
                 fingerprint): add it to the file; import does not guess a key's origin",
            ),
            (
                p2wsh.replace("\"xfp\": \"00000003\"", "\"xfp\": \"0000003\""),
                "key \"three\" (extendedPublicKeys[1]): xfp must be 8 hex digits, as in \"f57ec65d\"",
            ),
            (
                p2wsh.replace("\"xfp\": \"00000003\"", "\"xfp\": 3"),
                "line 9, column 187: invalid type: integer, expected a string",
            ),
            (
                p2wsh.replace("\"bip32Path\": \"m/48'/1'/100'/2'\", ", ""),
                "key \"osw\" (extendedPublicKeys[0]) has no bip32Path (the key's derivation \
                 from the master key): add it to the file; import does not guess a key's origin",
            ),
            (
                p2wsh.replace("\"m/48h/1h/100h/2h\"", "\"Unknown\""),
                "key \"three\" (extendedPublicKeys[1]) has no bip32Path (the key's derivation \
                 from the master key): add it to the file; import does not guess a key's origin",
            ),
            (
                p2wsh.replace("\"m/48h/1h/100h/2h\"", "\"m/48h/1h/100h/2h/0/*\""),
                "key \"three\" (extendedPublicKeys[1]): bip32Path must be a BIP-32 path like \
                 m/48'/0'/0'/2': step 6 of the path is not a number (a hardened step is \
                 written 48' or 48h)",
            ),
            (
                p2wsh.replace(&format!("\"xpub\": \"{K2}\", "), ""),
                "key \"three\" (extendedPublicKeys[1]) has no xpub",
            ),
            (
                p2wsh.replace("\"name\": \"three\", ", "").replace(&format!("\"xpub\": \"{K2}\", "), ""),
                "key extendedPublicKeys[1] has no xpub",
            ),
            (
                p2wsh.replace(K1, "tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK"),
                "key \"osw\" (extendedPublicKeys[0]): xpub is a private key (tprv): a policy \
                 holds the cosigners' public keys only; export the wallet again without \
                 private keys",
            ),
            (
                p2wsh.replace(K1, &format!("{K1}/<0;1>/*,[00000000]{K2}")),
                "key \"osw\" (extendedPublicKeys[0]): xpub is not an extended public key (it \
                 has characters that base58 does not use)",
            ),
            (
                // A key's name is shown with terminal controls escaped.
                p2wsh
                    .replace("\"osw\"", "\"\\u001b[2Jfake\"")
                    .replace("\"xfp\": \"F57EC65D\", ", ""),
                "key \"\\u{1b}[2Jfake\" (extendedPublicKeys[0]) has no xfp (the signer's \
                 master fingerprint): add it to the file; import does not guess a key's origin",
            ),
        ];
        assert_refusals(read, &cases);
    }

    #[test]
    fn refusals_never_quote_a_secret() {
        let secret = "tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK";
        let p2wsh = file("P2WSH");
        for text in [
            p2wsh.replace(K1, secret),
            p2wsh.replace("\"P2WSH\"", &format!("\"{secret}\"")),
            p2wsh.replace("\"testnet\"", &format!("\"{secret}\"")),
            p2wsh.replace("\"F57EC65D\"", &format!("\"{secret}\"")),
            p2wsh.replace("\"m/48'/1'/100'/2'\"", &format!("\"{secret}\"")),
            p2wsh.replace("2, \"totalSigners\"", &format!("\"{secret}\", \"totalSigners\"")),
        ] {
            let message = refusal(&text);
            assert!(!message.contains("8ZgxMBicQ"), "{message}");
        }
    }

    /// The real files, read in place (SOURCES.json says where each comes from).
    fn real(path: &str) -> Found {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realworld-corpus/wallets/");
        found(&std::fs::read_to_string(format!("{dir}{path}")).unwrap())
    }

    #[test]
    #[ignore = "needs ../shared/realworld-corpus (CI runs it with --ignored)"]
    fn real_caravan_files() {
        let cases = [
            (
                "caravan/bitcoin-2-of-2-P2WSH_TESTNET.json",
                "P2WSH-T",
                Network::Testnet,
                "wsh(sortedmulti(2,\
                 [f57ec65d/48'/1'/100'/2']tpubDFc9Mm4tw6EkgR4YTC1GrU6CGEd9yw7KSBnSssL4LXAXh89D4uMZigRyv3csdXbeU3BhLQc4vWKTLewboA1Pt8Fu6fbHKu81MZ6VGdc32eM/<0;1>/*,\
                 [00000003/48'/1'/100'/2']tpubDErWN5qfdLwYE94mh12oWr4uURDDNKCjKVhCEcAgZ7jKnnAwq5tcTF2iEk3VuznkJuk2G8SCHft9gS6aKbBd18ptYWPqKLRSTRQY7e2rrDj/<0;1>/*))",
                "tb1qhgj3fnwn50pq966rjnj4pg8uz9ktsd8nge32qxd73ffvvg636p5q54g7m0",
            ),
            (
                // The key named "five" comes first in the file, and so in the descriptor.
                "caravan/bitcoin-2-of-2-P2SH-P2WSH_MAINNET.json",
                "P2SH-P2WSH-M",
                Network::Bitcoin,
                "sh(wsh(sortedmulti(2,\
                 [00000005/48'/0'/100'/1']xpub6EwJjKaiocGvo9f7XSGXGwzo1GLB1URxSZ5Ccp1wqdxNkhrSoqNQkC2CeMsU675urdmFJLHSX62xz56HGcnn6u21wRy6uipovmzaE65PfBp/<0;1>/*,\
                 [f57ec65d/48'/0'/100'/1']xpub6DcqYQxnbefzEBJF6osEuT5yXoHVZu1YCCsS5YkATvqD2h7tdMBgdBrUXk26FrJwawDGX6fHKPvhhZxKc5b8dPAPb8uANDhsjAPMJqTFDjH/<0;1>/*)))",
                "348PsXezZAHcW7RjmCoMJ8PHWx1QBTXJvm",
            ),
            (
                "caravan/bitcoin-2-of-2-P2SH_MAINNET.json",
                "P2SH-M",
                Network::Bitcoin,
                "sh(sortedmulti(2,\
                 [f57ec65d/45'/0'/100']xpub6CCHViYn5VzPfSR7baop9FtGcbm3UnqHwa54Z2eNvJnRFCJCdo9HtCYoLJKZCoATMLUowDDA1BMGfQGauY3fDYU3HyMzX4NDkoLYCSkLpbH/<0;1>/*,\
                 [00000004/45'/0'/100']xpub6Ca5CwTgRASgkXbXE5TeddTP9mPCbYHreCpmGt9dhz9y6femstHGCoFESHHKKRcm414xMKnuLjP9LDS7TwaJC9n5gxua6XB1rwPcC6hqDub/<0;1>/*))",
                "3PiCF26aq57Wo5DJEbFNTVwD1bLCUEpAYZ",
            ),
        ];
        for (path, name, network, descriptor, address) in cases {
            let found = real(path);
            assert!(matches!(found.source, Source::Caravan));
            assert_eq!(found.name.as_deref(), Some(name), "{path}");
            assert_eq!(found.network, Some(network), "{path}");
            assert_eq!(found.first_address, None);
            assert_eq!(found.descriptors, [descriptor], "{path}");
            let wallet =
                crate::parse::wallet::Wallet::from_descriptor(descriptor, network).unwrap();
            let derived = wallet.derive(0, 0).unwrap();
            let derived =
                miniscript::bitcoin::Address::from_script(&derived.script_pubkey, network).unwrap();
            assert_eq!(derived.to_string(), address, "{path}");
        }
    }
}
