//! The lists an inspection makes of a map's fields: key origins, fields of key types
//! `bitcoin` does not model, proprietary fields; and the small renderings they share
//! (addresses, sighash names, hex).
//!
//! Trusts: nothing; every value is shown as the PSBT holds it, and proprietary prefixes are
//! left for the caller to escape.

use std::collections::BTreeMap;

use miniscript::bitcoin::bip32::KeySource;
use miniscript::bitcoin::psbt::raw;
use miniscript::bitcoin::{Address, Network, ScriptBuf};

use super::{KeyOrigin, ProprietaryField, UnknownField};
use crate::parse::psbt::{key_type_name, Location as MapLocation};

/// The BIP-32 key origins of a map, by public key.
type Bip32Origins = BTreeMap<miniscript::bitcoin::secp256k1::PublicKey, KeySource>;
/// The taproot key origins of a map, by x-only key, with the leaves each key is used in.
type TapOrigins = BTreeMap<
    miniscript::bitcoin::key::XOnlyPublicKey,
    (Vec<miniscript::bitcoin::taproot::TapLeafHash>, KeySource),
>;

/// A map's key origins, BIP-32 ones first, each in key order.
pub(super) fn key_origins(bip32: &Bip32Origins, tap: &TapOrigins) -> Vec<KeyOrigin> {
    let bip32 = bip32.iter().map(|(key, (fingerprint, path))| KeyOrigin {
        key: key.to_string(),
        taproot: false,
        fingerprint: fingerprint.to_string(),
        path: path.to_string(),
        leaf_hashes: Vec::new(),
    });
    let tap = tap.iter().map(|(key, (leaves, (fingerprint, path)))| KeyOrigin {
        key: key.to_string(),
        taproot: true,
        fingerprint: fingerprint.to_string(),
        path: path.to_string(),
        leaf_hashes: leaves.iter().map(ToString::to_string).collect(),
    });
    bip32.chain(tap).collect()
}

/// The address `script` has on `network`, if it has one.
pub(super) fn address(script: &ScriptBuf, network: Network) -> Option<String> {
    Address::from_script(script, network).ok().map(|a| a.to_string())
}

/// The name of a sighash type value, or the value in hex when it has none.
pub(super) fn sighash_name(value: u32) -> String {
    use miniscript::bitcoin::sighash::TapSighashType;
    u8::try_from(value)
        .ok()
        .and_then(|v| TapSighashType::from_consensus_u8(v).ok())
        .map_or_else(|| format!("{value:#x}"), |t| t.to_string())
}

/// The fields of a map at `location` whose key types `bitcoin` does not model.
pub(super) fn unknown_fields(
    location: MapLocation,
    fields: &BTreeMap<raw::Key, Vec<u8>>,
) -> Vec<UnknownField> {
    fields
        .iter()
        .map(|(key, value)| {
            let (key_type, key_data) = full_key_type(key.type_value, &key.key);
            UnknownField {
                key_type,
                name: key_type_name(location, key_type),
                key_data: hex(key_data),
                value_len: value.len(),
            }
        })
        .collect()
}

/// `bitcoin` reads one byte as the key type; a key type of 0xFD or more is a compact size
/// whose remaining bytes it leaves at the start of the key data.
fn full_key_type(first: u8, rest: &[u8]) -> (u64, &[u8]) {
    let wide = match first {
        0xfd => rest.split_first_chunk::<2>().map(|(b, r)| (u64::from(u16::from_le_bytes(*b)), r)),
        0xfe => rest.split_first_chunk::<4>().map(|(b, r)| (u64::from(u32::from_le_bytes(*b)), r)),
        0xff => rest.split_first_chunk::<8>().map(|(b, r)| (u64::from_le_bytes(*b), r)),
        _ => None,
    };
    wide.unwrap_or((u64::from(first), rest))
}

/// The proprietary fields of a map.
pub(super) fn proprietary_fields(
    fields: &BTreeMap<raw::ProprietaryKey, Vec<u8>>,
) -> Vec<ProprietaryField> {
    fields
        .iter()
        .map(|(key, value)| ProprietaryField {
            prefix: String::from_utf8_lossy(&key.prefix).into_owned(),
            prefix_hex: hex(&key.prefix),
            subtype: key.subtype,
            key_data: hex(&key.key),
            value_len: value.len(),
        })
        .collect()
}

/// `bytes` in lower-case hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    use miniscript::bitcoin::hex::DisplayHex;
    bytes.to_lower_hex_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_key_types_are_read_whole() {
        assert_eq!(full_key_type(0x1a, b"ab"), (0x1a, &b"ab"[..]));
        assert_eq!(full_key_type(0xfd, &[0x00, 0x01, 7]), (0x100, &[7u8][..]));
        assert_eq!(full_key_type(0xfe, &[1, 0, 0, 0]), (1, &[][..]));
        assert_eq!(full_key_type(0xff, &[0, 0, 0, 0, 0, 0, 0, 0x80]), (1 << 63, &[][..]));
        // Too short to be a compact size: shown as bitcoin read it.
        assert_eq!(full_key_type(0xfd, &[1]), (0xfd, &[1u8][..]));
    }

    #[test]
    fn sighash_names() {
        assert_eq!(sighash_name(1), "SIGHASH_ALL");
        assert_eq!(sighash_name(0), "SIGHASH_DEFAULT");
        assert_eq!(sighash_name(0x81), "SIGHASH_ALL|SIGHASH_ANYONECANPAY");
        assert_eq!(sighash_name(0x1234), "0x1234");
    }
}
