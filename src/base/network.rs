//! The networks of SPEC 1.1, by name.

use miniscript::bitcoin::{Network, NetworkKind};

/// Parses the network names of SPEC 1.1.
pub(crate) fn parse_network(s: &str) -> Option<Network> {
    match s {
        "bitcoin" => Some(Network::Bitcoin),
        "testnet" => Some(Network::Testnet),
        "testnet4" => Some(Network::Testnet4),
        "signet" => Some(Network::Signet),
        "regtest" => Some(Network::Regtest),
        _ => None,
    }
}

/// Returns the SPEC 1.1 name of a network.
pub fn network_name(network: Network) -> &'static str {
    match network {
        Network::Bitcoin => "bitcoin",
        Network::Testnet => "testnet",
        Network::Testnet4 => "testnet4",
        Network::Signet => "signet",
        Network::Regtest => "regtest",
    }
}

/// The network kind an extended key must have on `network`.
pub(crate) fn network_kind(network: Network) -> NetworkKind {
    NetworkKind::from(network)
}
