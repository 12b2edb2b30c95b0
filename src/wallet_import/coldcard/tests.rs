//! Tests of the Coldcard reader.

use super::*;
use crate::wallet_import::test_support::{self, assert_refusals};

const K1: &str = "tpubDF2rnouQaaYrXF4noGTv6rQYmx87cQ4GrUdhpvXkhtChwQPbdGTi8GA88NUaSrwZBwNsTkC9bFkkC8vDyGBVVAQTZ2AS6gs68RQXtXcCvkP";
const K2: &str = "tpubDFcrvj5n7gyaxWQkoX69k2Zij4vthiAwvN2uhYjDrE6wktKoQaE7gKVZRiTbYdrAYH1UFPGdzdtWJc6WfR2gFMq6XpxA12gCdQmoQNU9mgm";
const K3: &str = "tpubDExj5FnaUnPAn7sHGUeBqD3buoNH5dqmjAT6884vbDpH1iDYWigb7kFo2cA97dc8EHb54u13TRcZxC4kgRS9gc3Ey2xc8c5urytEzTcp3ac";

/// A 2-of-3 file in the firmware's export shape, with `format` as its Format: line
/// (none when empty).
fn file(format: &str) -> String {
    let format = if format.is_empty() { String::new() } else { format!("Format: {format}\n") };
    format!(
        "# Coldcard Multisig setup file (created on 0F056943)\n#\nName: Vault\nPolicy: 2 of 3\n\
         {format}\nDerivation: m/48'/1'/0'/2'\n\n0F056943: {K1}\n6BA6CFD0: {K2}\n747B698E: {K3}\n"
    )
}

fn keys(path: &str) -> String {
    format!(
        "[0f056943{path}]{K1}/<0;1>/*,[6ba6cfd0{path}]{K2}/<0;1>/*,[747b698e{path}]{K3}/<0;1>/*"
    )
}

fn descriptor(text: &str) -> String {
    let found = read(text).unwrap().unwrap();
    assert_eq!(found.descriptors.len(), 1);
    found.descriptors[0].clone()
}

/// The refusal of `text` (the interface's `Found` need not be `Debug`).
fn refusal(text: &str) -> String {
    test_support::refusal(read, text)
}

#[test]
fn reads_each_format() {
    let k = keys("/48'/1'/0'/2'");
    assert_eq!(descriptor(&file("P2WSH")), format!("wsh(sortedmulti(2,{k}))"));
    assert_eq!(descriptor(&file("P2SH-P2WSH")), format!("sh(wsh(sortedmulti(2,{k})))"));
    assert_eq!(descriptor(&file("P2WSH-P2SH")), format!("sh(wsh(sortedmulti(2,{k})))"));
    assert_eq!(descriptor(&file("p2wsh-p2sh")), format!("sh(wsh(sortedmulti(2,{k})))"));
    assert_eq!(descriptor(&file("P2SH")), format!("sh(sortedmulti(2,{k}))"));
    // No Format: line is P2SH, the firmware's default (SPEC 1.4).
    assert_eq!(descriptor(&file("")), format!("sh(sortedmulti(2,{k}))"));
}

#[test]
fn returns_name_and_no_network() {
    let found = read(&file("P2WSH")).unwrap().unwrap();
    assert!(matches!(found.source, Source::Coldcard));
    assert_eq!(found.name.as_deref(), Some("Vault"));
    assert_eq!(found.network, None);
    assert_eq!(found.first_address, None);
    let unnamed = file("P2WSH").replace("Name: Vault\n", "");
    assert_eq!(read(&unnamed).unwrap().unwrap().name, None);
    let empty = file("P2WSH").replace("Name: Vault\n", "Name:\n");
    assert_eq!(read(&empty).unwrap().unwrap().name, None);
}

#[test]
fn each_derivation_applies_to_the_keys_after_it() {
    let text = format!(
        "Name: mixed\nPolicy: 2 of 3\nFormat: P2WSH\n\nDerivation: m/48'/1'/0'/2'\n\n\
         0F056943: {K1}\n\nDerivation: m/48h/1h/7h/2h\n\n6BA6CFD0: {K2}\n747b698e: {K3}\n"
    );
    assert_eq!(
        descriptor(&text),
        format!(
            "wsh(sortedmulti(2,[0f056943/48'/1'/0'/2']{K1}/<0;1>/*,\
             [6ba6cfd0/48'/1'/7'/2']{K2}/<0;1>/*,[747b698e/48'/1'/7'/2']{K3}/<0;1>/*))"
        )
    );
}

#[test]
fn reads_as_the_firmware_does() {
    // Labels in any case, CRLF, a BOM, `h`/`p`/no `m/` in paths, the Derivation: line
    // before the Format: line (Sparrow's order), `M/N`, inline comments, `#2` kept.
    let text = format!(
        "\u{feff}# exported\r\nNAME: Vault #2 # our treasury\r\npolicy: 2/3\r\n\
         derivation: 48p/1H/0'/2h\r\nFORMAT: p2wsh\r\n  0F056943: {K1}   # alice\r\n\
         6BA6CFD0:{K2}\r\n\t747B698E : {K3}\r\n"
    );
    let found = read(&text).unwrap().unwrap();
    assert_eq!(found.name.as_deref(), Some("Vault #2 # our treasury"));
    assert_eq!(found.descriptors, [format!("wsh(sortedmulti(2,{}))", keys("/48'/1'/0'/2'"))]);
    let text = file("P2WSH").replace("Name: Vault", "Name: Vault # main");
    assert_eq!(read(&text).unwrap().unwrap().name.as_deref(), Some("Vault"));
    for (policy, expected) in [("2 of 3", (2, 3)), ("2 OF 3", (2, 3)), ("2,3", (2, 3))] {
        assert_eq!(super::policy(policy), Some(expected), "{policy}");
    }
    assert_eq!(super::policy("2 3"), Some((2, 3)));
    for bad in ["23", "2 or 3", "2 of 3 of 4", "two of three", "2 of", "of 3", "-2 of 3"] {
        assert_eq!(super::policy(bad), None, "{bad}");
    }
}

#[test]
fn master_key_path_m_is_an_origin_with_no_path() {
    let text = file("P2WSH").replace("m/48'/1'/0'/2'", "m");
    assert_eq!(descriptor(&text), format!("wsh(sortedmulti(2,{}))", keys("")));
}

#[test]
fn keys_pass_through_as_written() {
    // SLIP-132 keys are the shared step's to convert; this reader keeps them.
    let zpub = "Vpub5nCMvxo5Tvu9fEB9YdBnQQVp4DRj1vW4R7sqd4iUQ4WMN6RRDwAqE1yCQQKo1hVGYQVa2gRmDxc4o4Fq8KyPZKE3yL4KzDmwt4AxzkTMfr3";
    let text = file("P2WSH").replace(K2, zpub);
    assert_eq!(
        descriptor(&text),
        format!(
            "wsh(sortedmulti(2,[0f056943/48'/1'/0'/2']{K1}/<0;1>/*,\
             [6ba6cfd0/48'/1'/0'/2']{zpub}/<0;1>/*,[747b698e/48'/1'/0'/2']{K3}/<0;1>/*))"
        )
    );
}

#[test]
fn other_text_is_not_a_setup_file() {
    for text in [
        "",
        "wsh(sortedmulti(2,[0f056943/48'/1'/0'/2']tpubD.../<0;1>/*))",
        "{\"descriptor\": \"wsh(...)\"}",
        "BSMS 1.0\nwsh(...)\n/0/*,/1/*\nbc1q...",
        // A Policy: line but no key line, and key lines but no Policy: line.
        "Name: x\nPolicy: 2 of 3\nDerivation: m/48'/0'/0'/2'\n",
        &file("P2WSH").replace("Policy: 2 of 3\n", ""),
        // A commented-out Policy: line is not one.
        &file("P2WSH").replace("Policy:", "# Policy:"),
    ] {
        assert!(matches!(read(text), Ok(None)), "{text}");
    }
}

#[test]
fn refusals() {
    let p2wsh = file("P2WSH");
    let cases: Vec<(String, &str)> = vec![
        (
            p2wsh.replace("Policy: 2 of 3", "Policy: 2 of 4"),
            "Policy: 2 of 4 names 4 keys but the file lists 3",
        ),
        (
            p2wsh.replace("Policy: 2 of 3", "Policy: 4 of 3"),
            "Policy: 4 of 3 requires more signatures than there are keys",
        ),
        (
            p2wsh.replace("Policy: 2 of 3", "Policy: 0 of 3"),
            "Policy: 0 of 3 requires no signature; at least one is needed",
        ),
        (
            p2wsh.replace("Policy: 2 of 3", "Policy: two of three"),
            "line 4: Policy: must be M of N, as in `Policy: 2 of 3`",
        ),
        (
            p2wsh.replace("Policy: 2 of 3", "Policy: 2 of 99999999999999999999999"),
            "line 4: Policy: must be M of N, as in `Policy: 2 of 3`",
        ),
        (
            p2wsh.replace("Name: Vault\n", "Name: Vault\nName: Other\n"),
            "line 4: a second Name: line (the first is line 3); the file must say it once",
        ),
        (
            p2wsh.replace("Policy: 2 of 3\n", "Policy: 2 of 3\npolicy: 3 of 3\n"),
            "line 5: a second Policy: line (the first is line 4); the file must say it once",
        ),
        (
            p2wsh.replace("Format: P2WSH\n", "Format: P2WSH\nFormat: P2SH\n"),
            "line 6: a second Format: line (the first is line 5); the file must say it once",
        ),
        (
            file("P2TR"),
            "line 5: Format: \"P2TR\" is not P2WSH, P2SH-P2WSH (or P2WSH-P2SH) or P2SH",
        ),
        (
            file("P2WSH-P2SH-P2WSH"),
            "line 5: Format: \"P2WSH-P2SH-P2WSH\" is not P2WSH, P2SH-P2WSH (or P2WSH-P2SH) or P2SH",
        ),
        (
            p2wsh.replace("Format: P2WSH", "Format:"),
            "line 5: Format: is not P2WSH, P2SH-P2WSH (or P2WSH-P2SH) or P2SH",
        ),
        (
            file(&format!("{K1} 1")),
            "line 5: Format: is not P2WSH, P2SH-P2WSH (or P2WSH-P2SH) or P2SH",
        ),
        (
            p2wsh.replace("\nDerivation: m/48'/1'/0'/2'\n", ""),
            "line 7: key 1 (0f056943) has no Derivation: line before it; the file must \
             give each key's path, as in `Derivation: m/48'/0'/0'/2'` (a `#` line is a \
             comment, not a derivation)",
        ),
        (
            // Sparrow's per-key `# derivation:` comments are comments, as on the device.
            p2wsh
                .replace("\nDerivation: m/48'/1'/0'/2'\n", "")
                .replace("0F056943:", "# derivation: m/48'/1'/0'/2'\n0F056943:"),
            "line 8: key 1 (0f056943) has no Derivation: line before it; the file must \
             give each key's path, as in `Derivation: m/48'/0'/0'/2'` (a `#` line is a \
             comment, not a derivation)",
        ),
        (
            p2wsh.replace("Derivation: m/48'/1'/0'/2'", "Derivation:"),
            "line 7: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': the path is empty",
        ),
        (
            p2wsh.replace("Derivation: m/48'/1'/0'/2'", "Derivation: m/48'//0'"),
            "line 7: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': step 2 of the \
             path is empty",
        ),
        (
            p2wsh.replace("Derivation: m/48'/1'/0'/2'", "Derivation: m/48'/1'/0'/2'/*"),
            "line 7: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': step 5 of the \
             path is not a number (a hardened step is written 48' or 48h)",
        ),
        (
            p2wsh.replace("Derivation: m/48'/1'/0'/2'", "Derivation: mx/48'"),
            "line 7: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': the path must \
             start with m/",
        ),
        (
            p2wsh.replace("Derivation: m/48'/1'/0'/2'", "Derivation: m/2147483648"),
            "line 7: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': step 1 of the \
             path is 2^31 or more (a hardened step is written 48', not as its index)",
        ),
        (
            p2wsh.replace("0F056943: ", ""),
            "line 9: a key without its master fingerprint; write it as `0F056943: xpub…` \
             with the signer's 8-hex-digit fingerprint",
        ),
        (
            p2wsh.replace("0F056943: ", "0F05694: "),
            "line 9: a key needs the signer's 8-hex-digit master fingerprint before it, as \
             in `0F056943: xpub…`",
        ),
        (
            p2wsh.replace("0F056943: ", "alice: "),
            "line 9: a key needs the signer's 8-hex-digit master fingerprint before it, as \
             in `0F056943: xpub…`",
        ),
        (
            p2wsh.replace("0F056943: ", "0F05694G: "),
            "line 9: a key needs the signer's 8-hex-digit master fingerprint before it, as \
             in `0F056943: xpub…`",
        ),
        (
            p2wsh.replace(&format!("0F056943: {K1}"), "0F056943:"),
            "line 9: key 1 (0f056943) is empty",
        ),
        (
            p2wsh.replace(K2, "tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK"),
            "line 10: key 2 (6ba6cfd0) is a private key (tprv): a policy holds the \
             cosigners' public keys only; export the wallet again without private keys",
        ),
        (
            p2wsh.replace(K2, "Zprvsomething"),
            "line 10: key 2 (6ba6cfd0) is a private key (Zprv): a policy holds the \
             cosigners' public keys only; export the wallet again without private keys",
        ),
        (
            p2wsh.replace(K2, &format!("{K2}/<0;1>/*,[00000000]{K1}")),
            "line 10: key 2 (6ba6cfd0) is not an extended public key (it has characters \
             that base58 does not use)",
        ),
        (
            p2wsh.replace(K2, &format!("{K2} {K1}")),
            "line 10: key 2 (6ba6cfd0) is not an extended public key (it has characters \
             that base58 does not use)",
        ),
        (
            p2wsh.replace("Name: Vault", "Chain: XTN"),
            "line 3: not a line of a Coldcard setup file (Name:, Policy:, Format:, \
             Derivation: or FINGERPRINT: key)",
        ),
        (
            p2wsh.replace("Name: Vault", "abandon abandon abandon about"),
            "line 3: not a line of a Coldcard setup file (Name:, Policy:, Format:, \
             Derivation: or FINGERPRINT: key)",
        ),
    ];
    assert_refusals(read, &cases);
}

#[test]
fn refusals_never_quote_a_key() {
    let secret = "tprv8ZgxMBicQKsPd7Uf69XL1XwhmjHopUGep8GuEiJDZmbQz6o58LninorQAfcKZWARbtRtfnLcJ5MQ2AtHcQJCCRUcMRvmDUjyEmNUWwx8UbK";
    for text in [
        file("P2WSH").replace(K1, secret),
        file(secret),
        file("P2WSH").replace("0F056943: ", "").replace(K1, secret),
        file("P2WSH").replace("Name: Vault", &format!("Seed: {secret}")),
        file("P2WSH").replace("Derivation: m/48'/1'/0'/2'", &format!("Derivation: {secret}")),
    ] {
        let message = refusal(&text);
        assert!(!message.contains("8ZgxMBicQ"), "{message}");
    }
}

#[test]
fn origin_paths() {
    for (path, expected) in [
        ("m", ""),
        ("M", ""),
        ("m/45'", "/45'"),
        ("m/48h/0H/0p/2P", "/48'/0'/0'/2'"),
        ("48'/0'/0'/2'", "/48'/0'/0'/2'"),
        ("m/0/1/2147483647'", "/0/1/2147483647'"),
        (" m/045' ", "/45'"),
    ] {
        assert_eq!(origin_path(path).as_deref(), Ok(expected), "{path}");
    }
    for path in ["", "m/", "/48'", "m/48''", "m/+1", "m/1'/", "m/١", "mm/1", "m/4294967296"] {
        assert!(origin_path(path).is_err(), "{path}");
    }
}

#[test]
fn quoted_names_are_short_and_terminal_safe() {
    assert_eq!(quoted("osw"), "\"osw\"");
    assert_eq!(quoted("a\u{1b}[2Jb\u{202e}"), "\"a\\u{1b}[2Jb\\u{202e}\"");
    assert_eq!(quoted(&"x".repeat(50)), format!("\"{}…\"", "x".repeat(40)));
}

/// The real files, read in place (SOURCES.json says where each comes from).
fn real(path: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realworld-corpus/wallets/");
    std::fs::read_to_string(format!("{dir}{path}")).unwrap()
}

/// The descriptor a real file gives, its name, and its first receive address.
fn real_wallet(path: &str, network: miniscript::bitcoin::Network) -> (String, String, String) {
    let found = read(&real(path)).unwrap().unwrap();
    assert!(matches!(found.source, Source::Coldcard));
    assert_eq!(found.network, None);
    let [descriptor] = <[String; 1]>::try_from(found.descriptors).unwrap();
    let wallet = crate::parse::wallet::Wallet::from_descriptor(&descriptor, network).unwrap();
    let derived = wallet.derive(0, 0).unwrap();
    let address =
        miniscript::bitcoin::Address::from_script(&derived.script_pubkey, network).unwrap();
    (descriptor, found.name.unwrap(), address.to_string())
}

const CC_P2WSH: [&str; 4] = [
    "tpubDF2rnouQaaYrXF4noGTv6rQYmx87cQ4GrUdhpvXkhtChwQPbdGTi8GA88NUaSrwZBwNsTkC9bFkkC8vDyGBVVAQTZ2AS6gs68RQXtXcCvkP",
    "tpubDFcrvj5n7gyaxWQkoX69k2Zij4vthiAwvN2uhYjDrE6wktKoQaE7gKVZRiTbYdrAYH1UFPGdzdtWJc6WfR2gFMq6XpxA12gCdQmoQNU9mgm",
    "tpubDExj5FnaUnPAn7sHGUeBqD3buoNH5dqmjAT6884vbDpH1iDYWigb7kFo2cA97dc8EHb54u13TRcZxC4kgRS9gc3Ey2xc8c5urytEzTcp3ac",
    "tpubDFiuHYSJhNbHcbLJoxWdbjtUcbKR6PvLq53qC1Xq6t93CrRx78W3wcng8vJyQnY3giMJZEgNCRVzTojLb8RqPFpW5Ms2dYpjcJYofN1joyu",
];
const CC_P2SH_P2WSH: [&str; 4] = [
    "tpubDF2rnouQaaYrUEy2JM1YD3RFzew4onawGM4X2Re67gguTf5CbHonBRiFGe3Xjz7DK88dxBFGf2i7K1hef3PM4cFKyUjcbJXddaY9F5tJBoP",
    "tpubDFcrvj5n7gyatVbr8dHCUfHT4CGvL8hREBjtxc4ge7HZgqNuPhFimPRtVg6fRRwfXiQthV9EBjNbwbpgV2VoQeL1ZNXoAWXxP2L9vMtRjax",
    "tpubDExj5FnaUnPAjjgzELoSiNRkuXJG8Cm1pbdiA4Hc5vkAZHphibeVcUp6mqH5LuNVKbtLVZxVSzyja5X26Cfmx6pzRH6gXBUJAH7MiqwNyuM",
    "tpubDFiuHYSJhNbHaGtB5skiuDLg12tRboh2uVZ6KGXxr8WVr28pLcS7F3gv8SsHFa2tm1jtx3VAuw56YfgRkdo6DXyfp51oygTKY3nJFT5jBMt",
];
const CC_P2SH: [&str; 4] = [
    "tpubD8NXmKsmWp3a3DXhbihAYbYLGaRNVdTnr6JoSxxfXYQcmwVtW2hv8QoDwng6JtEonmJoL3cNEwfd2cLXMpGezwZ2vL2dQ7259bueNKj9C8n",
    "tpubD9429UXFGCTKJ9NdiNK4rC5ygqSUkginycYHccqSg5gkmyQ7PZRHNjk99M6a6Y3NY8ctEUUJvCu6iCCui8Ju3xrHRu3Ez1CKB4ZFoRZDdP9",
    "tpubD97nVL37v5tWyMf9ofh5rznwhh1593WMRg6FT4o6MRJkKWANtwAMHYLrcJFsFmPfYbY1TE1LLQ4KBb84LBPt1ubvFwoosvMkcWJtMwvXgSc",
    "tpubD9ArfXowvGHnuECKdGXVKDMfZVGdephVWg8fWGWStH3VKHzT4ph3A4ZcgXWqFu1F5xGTfxncmrnf3sLC86dup2a8Kx7z3xQ3AgeNTQeFxPa",
];

/// The four keys of the Coldcard test wallet (fingerprints 0F056943, 6BA6CFD0, 747B698E,
/// 7BB026BE) at `path`.
fn four(path: &str, keys: [&str; 4]) -> String {
    let [a, b, c, d] = keys;
    format!(
        "[0f056943{path}]{a}/<0;1>/*,[6ba6cfd0{path}]{b}/<0;1>/*,\
         [747b698e{path}]{c}/<0;1>/*,[7bb026be{path}]{d}/<0;1>/*"
    )
}

#[test]
#[ignore = "needs ../shared/realworld-corpus (CI runs it with --ignored)"]
fn real_coldcard_exports() {
    use miniscript::bitcoin::Network::Testnet;
    let cases = [
        (
            "coldcard/export-p2wsh-myself.txt",
            format!("wsh(sortedmulti(2,{}))", four("/48'/1'/0'/2'", CC_P2WSH)),
            "tb1qafdvz3k4sjwn5lmq44yk5tzag4tyfq72mcqq5nzrsqepmsynrt9sue59v2",
        ),
        (
            "coldcard/export-p2sh-p2wsh-myself.txt",
            format!("sh(wsh(sortedmulti(2,{})))", four("/48'/1'/0'/1'", CC_P2SH_P2WSH)),
            "2MzrH47gyB7r4a9MUvEGq4qSM5amPbe6DMS",
        ),
        (
            // No Format: line: P2SH.
            "coldcard/export-p2sh-myself.txt",
            format!("sh(sortedmulti(2,{}))", four("/45'", CC_P2SH)),
            "2NCjUaj1M9De7bLpVuAmeMAP1yUruR9K9ZC",
        ),
    ];
    for (path, descriptor, address) in cases {
        assert_eq!(
            real_wallet(path, Testnet),
            (descriptor, "CC-2-of-4".to_owned(), address.to_owned()),
            "{path}"
        );
    }
}

#[test]
#[ignore = "needs ../shared/realworld-corpus (CI runs it with --ignored)"]
fn real_caravan_coldcard_files() {
    use miniscript::bitcoin::Network::Bitcoin;
    let cases = [
        (
            // Format: P2WSH-P2SH, Sparrow's and Caravan's spelling of P2SH-P2WSH.
            "caravan-coldcard/wc-p2sh-p2wsh_m.txt",
            "sh(wsh(sortedmulti(2,\
             [f57ec65d/48'/0'/100'/1']xpub6DcqYQxnbefzEBJF6osEuT5yXoHVZu1YCCsS5YkATvqD2h7tdMBgdBrUXk26FrJwawDGX6fHKPvhhZxKc5b8dPAPb8uANDhsjAPMJqTFDjH/<0;1>/*,\
             [00000005/48'/0'/100'/1']xpub6EwJjKaiocGvo9f7XSGXGwzo1GLB1URxSZ5Ccp1wqdxNkhrSoqNQkC2CeMsU675urdmFJLHSX62xz56HGcnn6u21wRy6uipovmzaE65PfBp/<0;1>/*)))",
            "p2sh-p2wsh-m",
            "348PsXezZAHcW7RjmCoMJ8PHWx1QBTXJvm",
        ),
        (
            "caravan-coldcard/wc-p2sh_m.txt",
            "sh(sortedmulti(2,\
             [f57ec65d/45'/0'/100']xpub6CCHViYn5VzPfSR7baop9FtGcbm3UnqHwa54Z2eNvJnRFCJCdo9HtCYoLJKZCoATMLUowDDA1BMGfQGauY3fDYU3HyMzX4NDkoLYCSkLpbH/<0;1>/*,\
             [00000004/45'/0'/100']xpub6Ca5CwTgRASgkXbXE5TeddTP9mPCbYHreCpmGt9dhz9y6femstHGCoFESHHKKRcm414xMKnuLjP9LDS7TwaJC9n5gxua6XB1rwPcC6hqDub/<0;1>/*))",
            "p2sh-m",
            "3PiCF26aq57Wo5DJEbFNTVwD1bLCUEpAYZ",
        ),
    ];
    for (path, descriptor, name, address) in cases {
        assert_eq!(
            real_wallet(path, Bitcoin),
            (descriptor.to_owned(), name.to_owned(), address.to_owned()),
            "{path}"
        );
    }
}
