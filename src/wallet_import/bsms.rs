//! A BIP-129 (BSMS) descriptor record, unencrypted: `BSMS 1.0`, the descriptor (or
//! descriptor template with `/**`), the path restrictions (`/0/*,/1/*` or `No path
//! restrictions`) and the wallet's first address. The address is checked against the
//! descriptor by the shared rules; it also names the network.

use core::str::FromStr;

use miniscript::bitcoin::address::NetworkUnchecked;
use miniscript::bitcoin::{Address, Network};

use super::{Found, Source};

/// The first line of every BSMS record of this version.
const HEADER: &str = "BSMS 1.0";

/// Reads a file whose first line is `BSMS 1.0`.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let Some((first, rest)) = lines.split_first() else { return Ok(None) };
    if first.trim_start() != HEADER {
        if first.trim_start().starts_with("BSMS ") {
            return Err("it is a BSMS record of a version other than 1.0, the one BIP-129 \
                 defines and import reads"
                .to_owned());
        }
        return Ok(None);
    }
    let (descriptor, restrictions, address) = match rest {
        [descriptor, restrictions, address] => (descriptor, restrictions, address),
        [_, _, _, _] => {
            return Err("it is a BIP-129 key record (one signer's key, round 1), not a \
                 wallet's descriptor record: import the descriptor record the coordinator \
                 sends in round 2"
                .to_owned())
        }
        _ => {
            return Err(format!(
                "it has {} lines after BSMS 1.0, but a BIP-129 descriptor record has 3: the \
                 descriptor, the path restrictions (/0/*,/1/*) and the first address",
                rest.len()
            ))
        }
    };
    let restrictions: String = restrictions.chars().filter(|c| !c.is_whitespace()).collect();
    if restrictions != "/0/*,/1/*" && restrictions != "Nopathrestrictions" {
        return Err("its third line, the path restrictions, is neither /0/*,/1/* (receive \
             and change) nor No path restrictions: import takes a wallet of those two \
             branches only"
            .to_owned());
    }
    Ok(Some(Found {
        source: Source::Bsms,
        name: None,
        network: network_of(address),
        descriptors: vec![(*descriptor).to_owned()],
        first_address: Some((*address).to_owned()),
    }))
}

/// The network an address is written for: `bc1…`, `1…`, `3…` bitcoin; `bcrt1…` regtest;
/// other test addresses testnet (signet and testnet4 share their encoding). `None` when it
/// is not an address, which the shared rules then refuse.
fn network_of(address: &str) -> Option<Network> {
    let address = Address::<NetworkUnchecked>::from_str(address.trim()).ok()?;
    [Network::Bitcoin, Network::Testnet, Network::Regtest]
        .into_iter()
        .find(|n| address.is_valid_for_network(*n))
}
