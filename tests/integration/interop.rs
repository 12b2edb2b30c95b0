//! Interoperability with independent implementations, whose answers are stored as data:
//! addresses the wallet derives agree with embit's for every supported descriptor shape,
//! `sortedmulti_a` (BIP-387) included (`tests/data/known_addresses.py`); and a request built
//! with embit and an intent signed with PyNaCl verify (`tests/data/interop/embit_case.py`).

use intentguard::bitcoin::{Address, Network};
use intentguard::wallet::Wallet;
use serde_json::Value;

#[test]
fn derived_addresses_match_embit() {
    let data: Value =
        serde_json::from_str(include_str!("../data/known-addresses.json")).expect("valid JSON");
    let entries = data["addresses"].as_array().expect("a list");
    assert!(entries.len() >= 40, "only {} known answers", entries.len());
    let mut kinds = std::collections::BTreeSet::new();
    for e in entries {
        let network = match e["network"].as_str().unwrap() {
            "bitcoin" => Network::Bitcoin,
            "testnet" => Network::Testnet,
            "regtest" => Network::Regtest,
            other => panic!("network {other}"),
        };
        let text = e["descriptor"].as_str().unwrap();
        let wallet = Wallet::from_descriptor(text, network).unwrap();
        kinds.insert(wallet.kind().as_str());
        let branch = u32::try_from(e["branch"].as_u64().unwrap()).unwrap();
        let index = u32::try_from(e["index"].as_u64().unwrap()).unwrap();
        let derived = wallet.derive(branch, index).unwrap();
        let address = Address::from_script(&derived.script_pubkey, network).unwrap().to_string();
        assert_eq!(address, e["address"].as_str().unwrap(), "{text} at ({branch}, {index})");
    }
    assert_eq!(kinds.len(), 4, "shapes covered: {kinds:?}");
}

/// A request built and signed with embit, and an intent canonicalised with Python's `json`
/// and signed with PyNaCl (`tests/data/interop/embit_case.py`), is approved, with the txid
/// and digest those tools computed.
#[test]
fn request_and_intent_made_by_other_libraries_are_approved() {
    use intentguard::{verify, Intent, Policy, Request, Verdict};
    let policy = Policy::from_toml(include_str!("../../policies/treasury.toml")).unwrap();
    let intent = Intent::from_json(include_str!("../data/interop/embit-wsh/intent.json")).unwrap();
    let request =
        Request::from_bytes(include_bytes!("../data/interop/embit-wsh/request.psbt")).unwrap();
    let now = "2024-05-31T02:00:00Z".parse().unwrap();
    let report = verify(&policy, &intent, &request, now, None).unwrap();
    assert_eq!(report.findings, []);
    assert_eq!(report.verdict, Verdict::Approved);
    assert_eq!(report.txid, "e995b80e4f2929ec94175d88dad18cf145767593a03d962cb5653b3526af0b0e");
    assert_eq!(
        report.intent.digest,
        "aeedaa869171948c5c7804509920a13d652d7c45e6492a0acef2bf67d314d986"
    );
    assert_eq!(report.intent.approved_by, ["alice", "bob"]);
    assert_eq!(report.fee_sat, Some(15_000));
}
