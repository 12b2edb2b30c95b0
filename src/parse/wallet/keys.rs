//! The descriptor rules of SPEC 1.1 about keys: which keys a policy may name, how they are
//! written, and that no key is given twice.
//!
//! Trusts: the policy's descriptor, which these rules check before anything is derived from
//! it. Each message names the key at fault (by its place in the descriptor as written, its
//! origin and the ends of the key) and says what to do.

use std::collections::BTreeMap;

use miniscript::bitcoin::base58;
use miniscript::bitcoin::bip32::Xpub;
use miniscript::bitcoin::key::XOnlyPublicKey;
use miniscript::bitcoin::secp256k1::{Secp256k1, VerifyOnly};
use miniscript::bitcoin::{Network, NetworkKind};
use miniscript::descriptor::{DescriptorPublicKey, SinglePubKey};
use miniscript::{Descriptor, ForEachKey};

use super::{branch_path, WrittenKey};
use crate::base::network::{network_kind, network_name};
use crate::base::slip132::{self, Version};

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
        format!("{} ({})", self.position(), self.shown())
    }

    /// Where the key is: `the 2nd key`, `the 1st key, the taproot internal key`.
    fn position(&self) -> String {
        let what = match self.place {
            Place::Internal => ", the taproot internal key",
            Place::Script | Place::Leaf(_) => "",
        };
        format!("the {} key{what}", ordinal(self.ordinal))
    }

    /// The key's origin and the ends of its material: `[43744e0d/48'/0'/0'/2']xpub6EfMLKT9…oCcmrdVa`.
    fn shown(&self) -> String {
        let material = material_text(&self.key);
        let full = self.key.to_string();
        let origin = full.split_once(material.as_str()).map(|(origin, _)| origin).unwrap_or("");
        format!("{origin}{}", abbreviated(&material))
    }

    /// The key as `policy import` explains it before the descriptor loads.
    pub(super) fn view(&self) -> WrittenKey {
        let has_origin = match &self.key {
            DescriptorPublicKey::Single(single) => single.origin.is_some(),
            DescriptorPublicKey::XPub(x) => x.origin.is_some(),
            DescriptorPublicKey::MultiXPub(x) => x.origin.is_some(),
        };
        WrittenKey {
            position: self.position(),
            shown: self.shown(),
            material: material_text(&self.key),
            text: self.key.to_string(),
            extended: !matches!(self.key, DescriptorPublicKey::Single(_)),
            has_origin,
            network: self.key.xkey_network(),
        }
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

/// Base58 characters of one extended key: 82 bytes (78 and a 4-byte checksum) are 111 or
/// 112 characters. Only runs of about this length are decoded, so that a long run in a
/// hostile file costs nothing (base58 decoding is quadratic).
const XKEY_CHARS: core::ops::RangeInclusive<usize> = 100..=120;

/// Refuses SLIP-132 keys (`Zpub`, `Vpub`, ...) and private extended keys in the descriptor
/// text, before the descriptor library parses it and says only "unknown version magic
/// bytes". Found by decoding each run of base58 characters of an extended key's length.
pub(super) fn refuse_other_key_versions(body: &str) -> Result<(), String> {
    let not_base58 = |c: char| !c.is_ascii_alphanumeric() || matches!(c, '0' | 'O' | 'I' | 'l');
    let runs = body.split(not_base58);
    for run in runs.filter(|run| XKEY_CHARS.contains(&run.len())) {
        let Ok(data) = base58::decode_check(run) else { continue };
        let Some(version) = data.first_chunk::<4>().filter(|_| data.len() == 78) else {
            continue;
        };
        let Some((_, name, kind)) = slip132::lookup(*version) else { continue };
        match kind {
            Version::Plain => {}
            Version::Slip132 { mainnet } => {
                let (plain, network) =
                    if *mainnet { ("xpub", "bitcoin") } else { ("tpub", "a test network") };
                return Err(format!(
                    "the key {} is a SLIP-132 {name}, which a policy does not take: keys are \
                     written as xpub (bitcoin) or tpub (test networks). Convert the wallet file \
                     with `intentguard policy import`, or write this key as the {plain} of \
                     the same key (for {network})",
                    abbreviated(run)
                ));
            }
            Version::Private => {
                // Not shown: a private key must not reach a screen or a log.
                return Err(format!(
                    "a key of the descriptor is a private extended key ({name}): a policy holds \
                     public keys only. Remove it, write its xpub or tpub instead, and treat \
                     the private key as exposed"
                ));
            }
        }
    }
    Ok(())
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

/// A key of the descriptor, or the extended key of one of its branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The key as written.
    Key,
    /// The key at branch 0 (receive) or 1 (change) of its `/<0;1>/*` step.
    Branch(u32),
}

/// Checks that no two keys of the descriptor are the same key: the x-only public keys of
/// every key as written and of every extended key at each of its two branches are compared.
///
/// The one repetition allowed is a key written identically (same origin, same key, same
/// steps) in two different taproot leaves: one signer, who may sign in either leaf. In one
/// multisig, in one leaf, or as the internal key and a leaf key, it is refused.
pub(super) fn check_distinct(keys: &[Written], secp: &Secp256k1<VerifyOnly>) -> Result<(), String> {
    let mut seen: BTreeMap<XOnlyPublicKey, Vec<(&Written, Level)>> = BTreeMap::new();
    for written in keys {
        for (level, point) in levels(written, secp)? {
            let earlier = seen.entry(point).or_default();
            let clash = earlier.iter().find(|(other, other_level)| {
                let same_key_in_two_leaves = matches!(
                    (other.place, written.place),
                    (Place::Leaf(a), Place::Leaf(b)) if a != b
                ) && other.key == written.key
                    && *other_level == level;
                other.ordinal != written.ordinal && !same_key_in_two_leaves
            });
            if let Some((other, other_level)) = clash {
                let derived = if (*other_level, level) == (Level::Key, Level::Key) {
                    ""
                } else {
                    ": one is derived from the other, so whoever holds one holds both"
                };
                let internal = if other.place == Place::Internal {
                    " (the internal key can spend alone, by the key path, whatever the leaves \
                     require)"
                } else {
                    ""
                };
                return Err(format!(
                    "{} and {} are the same public key{derived}{internal}. Give each signer's \
                     key once: the same key under another origin or in another encoding is \
                     still one key, and one signer must not count as two",
                    at_level(other, *other_level),
                    at_level(written, level),
                ));
            }
            earlier.push((written, level));
        }
    }
    Ok(())
}

fn at_level(written: &Written, level: Level) -> String {
    match level {
        Level::Key => written.name(),
        Level::Branch(0) => format!("the receive branch (/0) of {}", written.name()),
        Level::Branch(_) => format!("the change branch (/1) of {}", written.name()),
    }
}

/// The x-only keys a key stands for: itself, and for an extended key each branch's key.
fn levels(
    written: &Written,
    secp: &Secp256k1<VerifyOnly>,
) -> Result<Vec<(Level, XOnlyPublicKey)>, String> {
    let x_only = |xkey: &Xpub| xkey.public_key.x_only_public_key().0;
    match &written.key {
        DescriptorPublicKey::Single(single) => {
            let point = match &single.key {
                SinglePubKey::FullKey(k) => k.inner.x_only_public_key().0,
                SinglePubKey::XOnly(k) => *k,
            };
            Ok(vec![(Level::Key, point)])
        }
        DescriptorPublicKey::XPub(x) => Ok(vec![(Level::Key, x_only(&x.xkey))]),
        DescriptorPublicKey::MultiXPub(x) => {
            let mut out = vec![(Level::Key, x_only(&x.xkey))];
            for branch in [0u32, 1] {
                let branch_key = usize::try_from(branch)
                    .ok()
                    .and_then(|b| branch_path(&x.derivation_paths, x.wildcard, b))
                    .and_then(|path| x.xkey.derive_pub(secp, &path).ok())
                    .ok_or_else(|| format!("{} cannot be derived", written.name()))?;
                out.push((Level::Branch(branch), x_only(&branch_key)));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_match_their_base58_prefixes() {
        for (version, name, _) in slip132::VERSIONS {
            let mut data = [0u8; 78];
            data[..4].copy_from_slice(&version);
            let text = base58::encode_check(&data);
            assert!(text.starts_with(name), "{name}: {text}");
            assert!(XKEY_CHARS.contains(&text.len()), "{name}: {}", text.len());
        }
    }

    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal).to_vec();
        assert_eq!(
            got,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
        );
    }
}
