//! The descriptor rules of SPEC 1.1 about keys: which keys a policy may name and how they
//! are written.
//!
//! Trusts: the policy's descriptor, which these rules check before anything is derived from
//! it. Each message names the key at fault (by its place in the descriptor as written, its
//! origin and the ends of the key) and says what to do.

use miniscript::bitcoin::{Network, NetworkKind};
use miniscript::descriptor::{DescriptorPublicKey, SinglePubKey};
use miniscript::{Descriptor, ForEachKey};

use super::branch_path;
use crate::policy::{network_kind, network_name};

/// Where a key sits in the descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// In the script of a `wsh`, `sh(wsh)` or `sh` descriptor.
    Script,
    /// The taproot internal key.
    Internal,
    /// In the taproot leaf with this index, in the order written.
    Leaf(usize),
}

/// One key of the descriptor, in the order written.
#[derive(Debug, Clone)]
pub(super) struct Written {
    /// 1 for the first key written.
    ordinal: usize,
    place: Place,
    key: DescriptorPublicKey,
}

impl Written {
    /// Names the key for a person: its place, its origin and the ends of the key, such as
    /// `the 2nd key ([43744e0d/48'/0'/0'/2']xpub6EfMLKT9…oCcmrdVa)`.
    fn name(&self) -> String {
        let material = material_text(&self.key);
        let full = self.key.to_string();
        let origin = full.split_once(material.as_str()).map(|(origin, _)| origin).unwrap_or("");
        let what = match self.place {
            Place::Internal => ", the taproot internal key",
            Place::Script | Place::Leaf(_) => "",
        };
        format!("the {} key{what} ({origin}{})", ordinal(self.ordinal), abbreviated(&material))
    }
}

/// The key material as written: the extended key, or the hex of a fixed key.
fn material_text(key: &DescriptorPublicKey) -> String {
    match key {
        DescriptorPublicKey::Single(single) => match &single.key {
            SinglePubKey::FullKey(k) => k.to_string(),
            SinglePubKey::XOnly(k) => k.to_string(),
        },
        DescriptorPublicKey::XPub(x) => x.xkey.to_string(),
        DescriptorPublicKey::MultiXPub(x) => x.xkey.to_string(),
    }
}

/// What follows the key material in the key as written, such as `/<0;1>/*`.
fn derivation_text(key: &DescriptorPublicKey) -> String {
    let full = key.to_string();
    let material = material_text(key);
    full.split_once(material.as_str()).map(|(_, rest)| rest.to_owned()).unwrap_or_default()
}

/// `1st`, `2nd`, `3rd`, `4th`, ..., `11th`, ..., `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n.checked_rem(10), n.checked_rem(100)) {
        (_, Some(11..=13)) => "th",
        (Some(1), _) => "st",
        (Some(2), _) => "nd",
        (Some(3), _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The first 12 and the last 8 characters of a long key, as `policy check` shows keys.
fn abbreviated(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let Some(tail_start) = chars.len().checked_sub(8).filter(|_| chars.len() > 24) else {
        return text.to_owned();
    };
    let head: String = chars.iter().take(12).collect();
    let tail: String = chars.iter().skip(tail_start).collect();
    format!("{head}…{tail}")
}

/// Returns the keys of the descriptor in the order written: for taproot, the internal key
/// first, then each leaf's keys leaf by leaf.
pub(super) fn written_keys(descriptor: &Descriptor<DescriptorPublicKey>) -> Vec<Written> {
    let mut keys: Vec<(Place, DescriptorPublicKey)> = Vec::new();
    match descriptor {
        Descriptor::Tr(tr) => {
            keys.push((Place::Internal, tr.internal_key().clone()));
            for (leaf, item) in tr.leaves().enumerate() {
                keys.extend(item.miniscript().iter_pk().map(|k| (Place::Leaf(leaf), k)));
            }
        }
        _ => {
            descriptor.for_each_key(|k| {
                keys.push((Place::Script, k.clone()));
                true
            });
        }
    }
    keys.into_iter()
        .zip(1usize..)
        .map(|((place, key), ordinal)| Written { ordinal, place, key })
        .collect()
}

/// The receive/change shorthand: `/**` stands for exactly `/<0;1>/*` (defined by BIP-388
/// for wallet policies; SPEC 1.1 accepts it in a descriptor).
pub(super) fn expand_receive_change_shorthand(body: &str) -> String {
    body.replace("/**", "/<0;1>/*")
}

/// Checks one key against the rules of SPEC 1.1: an extended key of the policy's network
/// with its origin, followed by `/<0;1>/*` (unhardened steps only); a fixed key only as the
/// taproot internal key. Returns whether the key is extended.
pub(super) fn check_key(written: &Written, network: Network) -> Result<bool, String> {
    let name = written.name();
    let want = network_kind(network);
    let version = match want {
        NetworkKind::Main => "xpub",
        NetworkKind::Test => "tpub",
    };
    // How a key is written, with this key's material when it is an extended key.
    let fix = |material: &str| {
        format!(
            "write it as [fingerprint/path]{material}/<0;1>/*, an extended public key with its \
             origin (the master key fingerprint and the derivation path that its signing \
             device shows), then /<0;1>/* (or /**)"
        )
    };
    if let Some(kind) = written.key.xkey_network() {
        if kind != want {
            let (is, meant) = match kind {
                NetworkKind::Main => ("an xpub", "bitcoin"),
                NetworkKind::Test => ("a tpub", "test networks"),
            };
            return Err(format!(
                "{name} is {is}, a key for {meant}, but the policy's network is {}: use this \
                 wallet's keys for {}, written as {version}",
                network_name(network),
                network_name(network)
            ));
        }
    }
    let material = abbreviated(&material_text(&written.key));
    match &written.key {
        DescriptorPublicKey::Single(_) if written.place == Place::Internal => Ok(false),
        DescriptorPublicKey::Single(_) => Err(format!(
            "{name} is a fixed public key; only a taproot internal key may be one (such as \
             BIP-341's NUMS point). Every other key is derived for each address: {}",
            fix(&format!("{version}…"))
        )),
        DescriptorPublicKey::XPub(_) => Err(format!(
            "{name} is followed by {:?}, not by the multipath step /<0;1>/* (branch 0 for \
             receiving, 1 for change): {}",
            derivation_text(&written.key),
            fix(&material)
        )),
        DescriptorPublicKey::MultiXPub(x) => {
            if x.origin.is_none() {
                return Err(format!("{name} has no key origin: {}", fix(&material)));
            }
            if branch_path(&x.derivation_paths, x.wildcard, 0).is_none() {
                return Err(format!(
                    "{name} is followed by {:?}: it must end in /<0;1>/* (or /**), branch 0 for \
                     receiving and 1 for change, with nothing hardened after the key",
                    derivation_text(&written.key)
                ));
            }
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal).to_vec();
        assert_eq!(
            got,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
        );
    }
}
