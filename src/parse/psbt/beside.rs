//! Pairs read beside `bitcoin`'s decoder, so that no key is parsed twice.
//!
//! Parsing a compressed or x-only key takes a square root, the costliest step of reading a
//! PSBT, and the same keys come back: a signature's key is almost always one its map's
//! origins name too (a co-signer's partial signature, a script-path signature by a leaf
//! key), and a taproot wallet's internal key is in every input twice (the internal key and
//! each control block), the same for every input. So on the first pass these pairs
//! (`PSBT_IN_PARTIAL_SIG`, `PSBT_IN_TAP_SCRIPT_SIG`, `PSBT_IN_TAP_LEAF_SCRIPT`,
//! `PSBT_IN_TAP_INTERNAL_KEY`) are left out of what `bitcoin` decodes and added to its model
//! afterwards here: a signature's key taken from the map's key origins when its bytes are
//! there, an internal key parsed once per request, everything else read by the same
//! `bitcoin` functions its decoder uses. Any problem fails the first pass, and the PSBT is then read
//! again in full by `bitcoin`'s decoder ([`super::Points`]), so what this module does never
//! changes what a PSBT parses to, nor which error it gets: the `parse_psbt` fuzz target
//! checks both passes against each other.

use std::collections::HashMap;

use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::key::XOnlyPublicKey;
use miniscript::bitcoin::psbt::Input;
use miniscript::bitcoin::secp256k1::Parity;
use miniscript::bitcoin::taproot::{
    ControlBlock, LeafVersion, TapLeafHash, TaprootMerkleBranch, TAPROOT_LEAF_MASK,
};
use miniscript::bitcoin::{ecdsa, taproot, Psbt, PublicKey, ScriptBuf};

use super::error::PsbtParseError;
use super::keys::{IN_PARTIAL_SIG, IN_TAP_INTERNAL_KEY, IN_TAP_LEAF_SCRIPT, IN_TAP_SCRIPT_SIG};
use super::location::Location;
use super::maps::pairs;

/// Whether a pair of an input map is read here rather than by `bitcoin`'s decoder.
pub(super) fn read_here(key_type: u64) -> bool {
    matches!(
        key_type,
        IN_PARTIAL_SIG | IN_TAP_SCRIPT_SIG | IN_TAP_LEAF_SCRIPT | IN_TAP_INTERNAL_KEY
    )
}

/// Adds the signature pairs of each input map (as the strict pass read them) to the
/// decoded model, whose input maps lack them.
pub(super) fn add(psbt: &mut Psbt, maps: &[&[u8]]) -> Result<(), PsbtParseError> {
    let mut internal_keys = InternalKeys::default();
    for (index, map) in maps.iter().enumerate() {
        let at = Location::Input(index);
        let input = psbt.inputs.get_mut(index).ok_or_else(|| {
            PsbtParseError::new(at, None, "internal error: no decoded map".to_owned())
        })?;
        for pair in pairs(map, at) {
            let pair = pair?;
            let fail =
                |problem: &str| PsbtParseError::new(at, Some(pair.key_type), problem.to_owned());
            match pair.key_type {
                IN_PARTIAL_SIG => {
                    let key = origin_key(input, pair.key_data)
                        .map_or_else(|| PublicKey::from_slice(pair.key_data), Ok)
                        .map_err(|_| fail("the key data is not a valid public key"))?;
                    let sig = ecdsa::Signature::from_slice(pair.value)
                        .map_err(|_| fail("the value is not a valid ECDSA signature"))?;
                    if input.partial_sigs.insert(key, sig).is_some() {
                        return Err(fail("the key is in the map twice"));
                    }
                }
                IN_TAP_SCRIPT_SIG => {
                    let (key, leaf) = pair
                        .key_data
                        .split_at_checked(32)
                        .ok_or_else(|| fail("the key data is not an x-only key and a leaf hash"))?;
                    let key = tap_origin_key(input, key)
                        .map_or_else(|| XOnlyPublicKey::from_slice(key), Ok)
                        .map_err(|_| {
                            fail("the key data's public key is not a valid x-only public key")
                        })?;
                    let leaf = TapLeafHash::from_slice(leaf)
                        .map_err(|_| fail("the key data's leaf hash is not 32 bytes"))?;
                    let sig = taproot::Signature::from_slice(pair.value)
                        .map_err(|_| fail("the value is not a valid Schnorr signature"))?;
                    if input.tap_script_sigs.insert((key, leaf), sig).is_some() {
                        return Err(fail("the key is in the map twice"));
                    }
                }
                IN_TAP_LEAF_SCRIPT => {
                    let block = control_block(pair.key_data, &mut internal_keys)
                        .ok_or_else(|| fail("the key data is not a valid control block"))?;
                    let (version, script) =
                        pair.value.split_last().ok_or_else(|| fail("the value is empty"))?;
                    let version = LeafVersion::from_consensus(*version)
                        .map_err(|_| fail("the value's leaf version is not valid"))?;
                    let leaf = (ScriptBuf::from(script.to_vec()), version);
                    if input.tap_scripts.insert(block, leaf).is_some() {
                        return Err(fail("the key is in the map twice"));
                    }
                }
                IN_TAP_INTERNAL_KEY => {
                    let key = internal_keys
                        .get(pair.value)
                        .ok_or_else(|| fail("the internal key is not a valid x-only public key"))?;
                    if input.tap_internal_key.replace(key).is_some() {
                        return Err(fail("the key is in the map twice"));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The key of the input's BIP-32 origins whose encoding is `bytes` (33 bytes compressed, 65
/// uncompressed), as `bitcoin` would parse `bytes`.
fn origin_key(input: &Input, bytes: &[u8]) -> Option<PublicKey> {
    input.bip32_derivation.keys().find_map(|key| match bytes.len() {
        33 if key.serialize() == bytes => Some(PublicKey::new(*key)),
        65 if key.serialize_uncompressed() == bytes => Some(PublicKey::new_uncompressed(*key)),
        _ => None,
    })
}

/// The key of the input's taproot origins whose encoding is `bytes`.
fn tap_origin_key(input: &Input, bytes: &[u8]) -> Option<XOnlyPublicKey> {
    input.tap_key_origins.keys().find(|key| key.serialize() == bytes).copied()
}

/// Taproot internal keys parsed so far in this PSBT, by their bytes.
#[derive(Default)]
struct InternalKeys(HashMap<[u8; 32], XOnlyPublicKey>);

impl InternalKeys {
    /// The key `bytes` encode: parsed the first time, recalled after.
    fn get(&mut self, bytes: &[u8]) -> Option<XOnlyPublicKey> {
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        if let Some(key) = self.0.get(&bytes) {
            return Some(*key);
        }
        let key = XOnlyPublicKey::from_slice(&bytes).ok()?;
        self.0.insert(bytes, key);
        Some(key)
    }
}

/// A control block as `ControlBlock::decode` reads it, its internal key from `keys`.
fn control_block(bytes: &[u8], keys: &mut InternalKeys) -> Option<ControlBlock> {
    let (first, rest) = bytes.split_first()?;
    let (internal_key, path) = rest.split_at_checked(32)?;
    let output_key_parity = if first & 1 == 0 { Parity::Even } else { Parity::Odd };
    Some(ControlBlock {
        leaf_version: LeafVersion::from_consensus(first & TAPROOT_LEAF_MASK).ok()?,
        output_key_parity,
        internal_key: keys.get(internal_key)?,
        merkle_branch: TaprootMerkleBranch::decode(path).ok()?,
    })
}
