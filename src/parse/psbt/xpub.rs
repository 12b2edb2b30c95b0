//! `PSBT_GLOBAL_XPUB` version bytes: not checked (SPEC 1.3), and replaced for `bitcoin`.
//!
//! BIP-174 gives the key data as "the 78 byte serialized extended public key as defined by
//! BIP 32", and Bitcoin Core does not look at its first 4 bytes; wallets (Coldcard, Casa,
//! Electrum, …) write SLIP-132 versions such as `Zpub` or `Vpub` there. `bitcoin` 0.32's
//! decoder refuses any version but `xpub` and `tpub`, so the bytes handed to it carry a
//! stand-in: `xpub`'s for the mainnet SLIP-132 versions, `tpub`'s for every other version.
//! The version bytes as written are kept beside the model ([`ParsedPsbt::xpub_versions`]).
//! Global xpubs are hints: nothing in intentguard trusts them, whatever their version.
//!
//! [`ParsedPsbt::xpub_versions`]: super::ParsedPsbt::xpub_versions

use std::collections::BTreeMap;

use miniscript::bitcoin::bip32::Xpub;
use miniscript::bitcoin::consensus::encode::{serialize, VarInt};

use super::error::PsbtParseError;
use super::keys::GLOBAL_XPUB;
use super::location::Location;
use super::maps::{pairs, Pair};
use crate::base::slip132::{self, Version, TPUB, XPUB};

/// Returns the name SLIP-132 gives these public-key version bytes (`xpub`, `tpub`, `Zpub`,
/// ...), or `None` for versions it does not list.
pub fn version_name(version: [u8; 4]) -> Option<&'static str> {
    slip132::lookup(version)
        .filter(|(_, _, kind)| *kind != Version::Private)
        .map(|(_, name, _)| *name)
}

/// The version bytes `bitcoin` is given: `xpub`'s for `xpub` and the mainnet SLIP-132
/// versions, `tpub`'s for every other version (test-network SLIP-132 versions, and versions
/// no standard names, which say nothing about a network).
fn stand_in(version: [u8; 4]) -> [u8; 4] {
    match slip132::lookup(version) {
        Some((XPUB, _, _) | (_, _, Version::Slip132 { mainnet: true })) => XPUB,
        _ => TPUB,
    }
}

/// One global xpub whose version bytes are replaced for `bitcoin`.
#[derive(Debug)]
pub(super) struct Replaced {
    /// The version bytes as the PSBT writes them.
    original: [u8; 4],
    /// The key data with the stand-in version bytes.
    key_data: Vec<u8>,
}

/// The global xpubs of an accepted global map whose version bytes `bitcoin` cannot hold,
/// with their stand-ins. Two keys that would become one are refused: `bitcoin` 0.32 holds
/// global xpubs in a map keyed by the extended key.
pub(super) fn replacements(global_map: &[u8]) -> Result<Vec<Replaced>, PsbtParseError> {
    let mut replaced = Vec::new();
    let mut seen: BTreeMap<Vec<u8>, [u8; 4]> = BTreeMap::new();
    for pair in pairs(global_map, Location::Global) {
        let pair = pair?;
        if pair.key_type != GLOBAL_XPUB {
            continue;
        }
        let Some((version, rest)) = pair.key_data.split_first_chunk::<4>() else { continue };
        let stand_in = stand_in(*version);
        let key_data = [stand_in.as_slice(), rest].concat();
        if let Some(other) = seen.insert(key_data.clone(), *version) {
            return Err(PsbtParseError::new(
                Location::Global,
                Some(GLOBAL_XPUB),
                format!(
                    "two global xpubs are one extended key under the version bytes {} and {}; \
                     bitcoin 0.32 holds each extended key once",
                    hex(other),
                    hex(*version)
                ),
            ));
        }
        if stand_in != *version {
            replaced.push(Replaced { original: *version, key_data });
        }
    }
    Ok(replaced)
}

/// Writes one pair of the global map for `bitcoin`: a global xpub with version bytes other
/// than `xpub`'s and `tpub`'s with its stand-in's, every other pair byte for byte.
pub(super) fn push_pair(out: &mut Vec<u8>, pair: &Pair<'_>) {
    let replaced = (pair.key_type == GLOBAL_XPUB)
        .then(|| pair.key_data.split_first_chunk::<4>())
        .flatten()
        .filter(|(version, _)| stand_in(**version) != **version);
    match replaced {
        Some((version, rest)) => {
            // The key is its type byte (0x01, one byte in canonical form) and the key data;
            // the lengths are re-encoded in their shortest form, as the parser required, so
            // only the 4 version bytes change.
            out.extend(serialize(&VarInt::from(pair.key.len())));
            out.push(0x01);
            out.extend_from_slice(&stand_in(*version));
            out.extend_from_slice(rest);
            out.extend(serialize(&VarInt::from(pair.value.len())));
            out.extend_from_slice(pair.value);
        }
        None => out.extend_from_slice(pair.encoded),
    }
}

/// The version 0 PSBT `bytes` with stand-in version bytes in its global xpubs, for `bitcoin`: the magic,
/// the global map re-encoded, then every byte after it as it is.
pub(super) fn v0_encoding(bytes: &[u8], global_map: &[u8]) -> Result<Vec<u8>, PsbtParseError> {
    let rest_at = super::MAGIC.len().saturating_add(global_map.len());
    let rest = bytes.get(rest_at..).unwrap_or_default();
    let mut out = Vec::with_capacity(bytes.len().saturating_add(16));
    out.extend_from_slice(super::MAGIC);
    for pair in pairs(global_map, Location::Global) {
        push_pair(&mut out, &pair?);
    }
    // `rest` starts with the global map's separator.
    out.extend_from_slice(rest);
    Ok(out)
}

/// The version bytes as written of every global xpub `bitcoin` was given a stand-in for,
/// keyed by the extended key `bitcoin` holds.
pub(super) fn versions(replaced: &[Replaced]) -> Result<BTreeMap<Xpub, [u8; 4]>, PsbtParseError> {
    replaced
        .iter()
        .map(|r| {
            Xpub::decode(&r.key_data).map(|xpub| (xpub, r.original)).map_err(|e| {
                PsbtParseError::new(
                    Location::Decoder,
                    Some(GLOBAL_XPUB),
                    format!("bitcoin 0.32 refused a global xpub: {e}"),
                )
            })
        })
        .collect()
}

fn hex(bytes: [u8; 4]) -> String {
    format!("{:08x}", u32::from_be_bytes(bytes))
}
