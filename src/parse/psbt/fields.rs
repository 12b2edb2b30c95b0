//! Checks of single field contents: keys, signatures, key origins, taproot structures.
//!
//! Each function takes the bytes of a key's data or of a value and returns the rule broken, in
//! words; the caller adds where. Nothing here allocates more than its message.

use miniscript::bitcoin::secp256k1::{PublicKey, XOnlyPublicKey};

use super::reader::{bytes, Reader};

/// BIP-341: the most nodes a control block's merkle path (and a tap tree's depth) may have.
const TAPROOT_MAX_DEPTH: usize = 128;
/// BIP-341: the leaf-version bits of a control block's first byte.
const TAPROOT_LEAF_MASK: u8 = 0xfe;
/// BIP-341: a leaf version that would be read as an annex.
const TAPROOT_ANNEX_TAG: u8 = 0x50;
/// `bitcoin` 0.32 reads at most this many bytes of a proprietary key after its subtype.
const BITCOIN_PROPRIETARY_KEY_LIMIT: usize = 1024;

/// Requires the key data to be empty (fields with no key data).
pub(super) fn no_key_data(key_data: &[u8]) -> Result<(), String> {
    if key_data.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the key has {} of key data; this type takes none",
            bytes(u64::try_from(key_data.len()).unwrap_or(u64::MAX))
        ))
    }
}

/// Requires a value of exactly `len` bytes.
pub(super) fn value_len(value: &[u8], len: usize, what: &str) -> Result<(), String> {
    if value.len() == len {
        Ok(())
    } else {
        Err(format!("the value is {} bytes; {what} is {len} bytes", value.len()))
    }
}

/// Whether a key's point is checked here, or left to `bitcoin`'s decoder.
///
/// The decoder parses every key of the fields it knows again (or `beside` does, for
/// the pairs read beside it), and parsing a compressed or x-only key takes a square root,
/// the costliest step of reading a PSBT. So the first pass checks those keys' encodings
/// only and leaves their points to that second reading; when anything
/// fails, the PSBT is read again checking every point here, so that the error is the first
/// one in the bytes' order, with its place, exactly as one full pass would report it.
/// Keys `bitcoin` does not parse (MuSig2 participants) are always checked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Points {
    /// Check that each key is a point of the curve.
    Check,
    /// Check each key's encoding; the decoder (or `beside`) checks its point.
    LeaveToDecoder,
}

/// A public key: 33 bytes (0x02 or 0x03 first) or 65 bytes (0x04 first), on the curve.
/// Hybrid encodings (0x06, 0x07) are refused.
pub(super) fn public_key(bytes: &[u8], what: &str, points: Points) -> Result<(), String> {
    let prefix_ok = match (bytes.len(), bytes.first()) {
        (33, Some(0x02 | 0x03)) | (65, Some(0x04)) => true,
        (33 | 65, _) => false,
        (len, _) => {
            return Err(format!("{what} is {len} bytes; a public key is 33 or 65 bytes"));
        }
    };
    if !prefix_ok || (points == Points::Check && PublicKey::from_slice(bytes).is_err()) {
        return Err(format!("{what} is not a valid public key"));
    }
    Ok(())
}

/// A compressed public key: 33 bytes, 0x02 or 0x03 first, on the curve.
pub(super) fn compressed_public_key(bytes: &[u8], what: &str) -> Result<(), String> {
    if bytes.len() != 33 {
        return Err(format!(
            "{what} is {} bytes; a compressed public key is 33 bytes",
            bytes.len()
        ));
    }
    public_key(bytes, what, Points::Check)
}

/// An x-only public key: 32 bytes, the x coordinate of a point on the curve.
pub(super) fn x_only_public_key(bytes: &[u8], what: &str, points: Points) -> Result<(), String> {
    if bytes.len() != 32 {
        return Err(format!("{what} is {} bytes; an x-only public key is 32 bytes", bytes.len()));
    }
    if points == Points::Check && XOnlyPublicKey::from_slice(bytes).is_err() {
        return Err(format!("{what} is not a valid x-only public key"));
    }
    Ok(())
}

/// A key origin: a 4-byte fingerprint followed by 4-byte derivation steps.
pub(super) fn key_origin(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(4) {
        return Err(format!(
            "the key origin is {} bytes; it is a 4-byte fingerprint and 4 bytes per derivation step",
            bytes.len()
        ));
    }
    Ok(())
}

/// An ECDSA signature as pushed in a script: strict DER (BIP-66) and a defined sighash type,
/// which is what Bitcoin Core requires of `PSBT_IN_PARTIAL_SIG`.
pub(super) fn ecdsa_signature(sig: &[u8]) -> Result<(), String> {
    if !is_strict_der(sig) {
        return Err(format!(
            "the signature ({} bytes) is not strict DER followed by a sighash byte (BIP-66)",
            sig.len()
        ));
    }
    let sighash = sig.last().copied().unwrap_or_default();
    if !matches!(sighash & 0x7f, 0x01..=0x03) {
        return Err(format!("the signature's sighash type {sighash:#04x} is not defined"));
    }
    Ok(())
}

/// BIP-66 `IsValidSignatureEncoding`, including the trailing sighash byte.
fn is_strict_der(sig: &[u8]) -> bool {
    let at = |i: usize| sig.get(i).copied();
    let len = sig.len();
    if !(9..=73).contains(&len) || at(0) != Some(0x30) {
        return false;
    }
    // The length byte covers everything but itself, the 0x30 and the sighash byte.
    if at(1).map(usize::from) != len.checked_sub(3) {
        return false;
    }
    let Some(len_r) = at(3).map(usize::from) else { return false };
    let Some(s_marker_at) = len_r.checked_add(4) else { return false };
    let Some(len_s_at) = s_marker_at.checked_add(1) else { return false };
    let Some(len_s) = at(len_s_at).map(usize::from) else { return false };
    if len_r.checked_add(len_s).and_then(|n| n.checked_add(7)) != Some(len) {
        return false;
    }
    let (Some(r0), Some(s0)) = (at(4), at(len_s_at.saturating_add(1))) else { return false };
    at(2) == Some(0x02)
        && len_r != 0
        && r0 & 0x80 == 0
        && !(len_r > 1 && r0 == 0 && at(5).is_some_and(|b| b & 0x80 == 0))
        && at(s_marker_at) == Some(0x02)
        && len_s != 0
        && s0 & 0x80 == 0
        && !(len_s > 1 && s0 == 0 && at(len_s_at.saturating_add(2)).is_some_and(|b| b & 0x80 == 0))
}

/// A BIP-340 signature with an optional BIP-341 sighash byte: 64 bytes, or 65 bytes whose last
/// byte is a defined sighash type other than `SIGHASH_DEFAULT` (BIP-341 forbids 0x00 there).
pub(super) fn schnorr_signature(sig: &[u8]) -> Result<(), String> {
    match sig.len() {
        64 => Ok(()),
        65 => match sig.last().copied().unwrap_or_default() {
            0x01..=0x03 | 0x81..=0x83 => Ok(()),
            other => Err(format!(
                "the 65-byte signature ends in sighash type {other:#04x}; \
                 BIP-341 allows 0x01-0x03 and 0x81-0x83"
            )),
        },
        len => Err(format!("the signature is {len} bytes; a taproot signature is 64 or 65 bytes")),
    }
}

/// A leaf version: even, and not the annex tag 0x50 (BIP-341).
fn leaf_version(version: u8) -> Result<(), String> {
    if version & TAPROOT_LEAF_MASK != version || version == TAPROOT_ANNEX_TAG {
        return Err(format!("{version:#04x} is not a valid taproot leaf version"));
    }
    Ok(())
}

/// A control block: a leaf version and parity byte, a 32-byte internal key, and up to 128
/// 32-byte merkle path nodes.
pub(super) fn control_block(bytes: &[u8], points: Points) -> Result<(), String> {
    let len = bytes.len();
    let nodes = len.checked_sub(33).filter(|n| n.is_multiple_of(32)).map(|n| n / 32);
    match nodes {
        Some(nodes) if nodes <= TAPROOT_MAX_DEPTH => {}
        _ => {
            return Err(format!(
                "the control block is {len} bytes; it is 33 bytes plus 32 per merkle node, \
                 with at most {TAPROOT_MAX_DEPTH} nodes"
            ))
        }
    }
    let Some((first, rest)) = bytes.split_first() else {
        return Err("the control block is empty".to_owned());
    };
    leaf_version(first & TAPROOT_LEAF_MASK)
        .map_err(|e| format!("the control block's first byte: {e}"))?;
    x_only_public_key(
        rest.get(..32).unwrap_or_default(),
        "the control block's internal key",
        points,
    )
}

/// A leaf script value: the script followed by its leaf version byte.
pub(super) fn leaf_script(value: &[u8]) -> Result<(), String> {
    let Some(version) = value.last() else {
        return Err("the value is empty; it is a script followed by a leaf version byte".into());
    };
    leaf_version(*version)
}

/// `PSBT_IN/OUT_TAP_BIP32_DERIVATION` value: a compact-size count of 32-byte leaf hashes, the
/// hashes, then a key origin.
pub(super) fn tap_key_origin(value: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(value);
    let count = r.compact_size().map_err(|e| e.describe("the number of leaf hashes"))?;
    let hashes_len = count.saturating_mul(32);
    r.take(hashes_len).map_err(|_| {
        format!(
            "the value declares {count} leaf hashes of 32 bytes but only {} bytes remain",
            r.remaining()
        )
    })?;
    key_origin(r.rest())
}

/// `PSBT_OUT_TAP_TREE`: a non-empty list of (depth, leaf version, script) leaves in depth-first
/// order that forms one complete binary tree of depth at most 128.
pub(super) fn tap_tree(value: &[u8]) -> Result<(), String> {
    if value.is_empty() {
        return Err("the tap tree is empty".to_owned());
    }
    let mut r = Reader::new(value);
    // Depths of the subtrees still waiting for their right sibling, strictly increasing. At
    // most 129 entries, since depths are at most 128.
    let mut pending: Vec<u8> = Vec::new();
    let mut leaf = 0usize;
    while !r.is_empty() {
        let depth = r.u8().map_err(|e| e.describe(&format!("leaf {leaf}'s depth")))?;
        let version = r.u8().map_err(|e| e.describe(&format!("leaf {leaf}'s leaf version")))?;
        r.length_prefixed().map_err(|e| e.describe(&format!("leaf {leaf}'s script")))?;
        if usize::from(depth) > TAPROOT_MAX_DEPTH {
            return Err(format!("leaf {leaf} has depth {depth}; the most is {TAPROOT_MAX_DEPTH}"));
        }
        leaf_version(version).map_err(|e| format!("leaf {leaf}: {e}"))?;
        if pending.as_slice() == [0] {
            return Err(format!("leaf {leaf} comes after the tree is already complete"));
        }
        if pending.last().is_some_and(|&top| depth < top) {
            return Err(format!("leaf {leaf} at depth {depth} breaks depth-first order"));
        }
        let mut node = depth;
        while pending.last() == Some(&node) {
            pending.pop();
            node = node
                .checked_sub(1)
                .ok_or_else(|| format!("leaf {leaf} at depth {depth} has no place in the tree"))?;
        }
        pending.push(node);
        leaf = leaf.saturating_add(1);
    }
    if pending.as_slice() != [0] {
        return Err(format!("the {leaf} leaves do not form a complete tree"));
    }
    Ok(())
}

/// `PSBT_GLOBAL_XPUB` key data: a 78-byte BIP-32 extended public key with a valid compressed
/// public key. Its version bytes are not checked (SPEC 1.3: Bitcoin Core does not check them,
/// and wallets write SLIP-132 versions there); see `xpub.rs`.
pub(super) fn xpub(key_data: &[u8]) -> Result<(), String> {
    if key_data.len() != 78 {
        return Err(format!(
            "the key data is {} bytes; an extended public key is 78 bytes",
            key_data.len()
        ));
    }
    // version (4), depth (1), parent fingerprint (4), child number (4), chain code (32),
    // key (33).
    compressed_public_key(key_data.get(45..).unwrap_or_default(), "the extended key's public key")
}

/// Proprietary key data: a compact-size-prefixed identifier, a compact-size subtype, then
/// any key data.
pub(super) fn proprietary_key(key_data: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(key_data);
    r.length_prefixed().map_err(|e| e.describe("the proprietary identifier"))?;
    let before_subtype = r.remaining();
    r.compact_size().map_err(|e| e.describe("the proprietary subtype"))?;
    // `bitcoin` reads the subtype as one byte and keeps what follows it as the key.
    let after_first_subtype_byte = before_subtype.saturating_sub(1);
    if after_first_subtype_byte > BITCOIN_PROPRIETARY_KEY_LIMIT {
        return Err(format!(
            "the proprietary key has {after_first_subtype_byte} bytes after its subtype; \
             bitcoin 0.32 reads at most {BITCOIN_PROPRIETARY_KEY_LIMIT}"
        ));
    }
    Ok(())
}
