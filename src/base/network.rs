//! The networks of SPEC 1.1, by name.

use miniscript::bitcoin::{Network, NetworkKind};

/// Parses the network names of SPEC 1.1, or says that `s` is none of them.
pub(crate) fn parse_network(s: &str) -> Result<Network, String> {
    match s {
        "bitcoin" => Ok(Network::Bitcoin),
        "testnet" => Ok(Network::Testnet),
        "testnet4" => Ok(Network::Testnet4),
        "signet" => Ok(Network::Signet),
        "regtest" => Ok(Network::Regtest),
        _ => Err(format!("{s:?} is not one of bitcoin, testnet, testnet4, signet, regtest")),
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
