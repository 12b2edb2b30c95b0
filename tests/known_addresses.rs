//! Addresses the wallet derives agree with an independent implementation (embit), for every
//! supported descriptor shape, `sortedmulti_a` (BIP-387) included. The answers were computed
//! by `tests/data/known_addresses.py` and are stored as data.

use intentguard::bitcoin::{Address, Network};
use intentguard::wallet::Wallet;
use serde_json::Value;

#[test]
fn derived_addresses_match_embit() {
    let data: Value =
        serde_json::from_str(include_str!("data/known-addresses.json")).expect("valid JSON");
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
