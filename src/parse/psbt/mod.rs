//! The strict PSBT reader, the first code that touches the bytes of a signing request.
//!
//! Trusts: nothing. [`parse`] reads PSBT version 0 (BIP-174) and version 2 (BIP-370) and
//! refuses every PSBT that BIP-174, BIP-370, BIP-371 or BIP-373 call invalid, with a
//! [`PsbtParseError`] that says where and why. It never panics, reads every length against the
//! bytes that remain before using it, and never preallocates from a length prefix.
//!
//! `bitcoin` 0.32's own `Psbt::deserialize` reads only version 0 and accepts PSBTs that the
//! BIPs and Bitcoin Core refuse (invalid MuSig2, taproot, BIP-370 fields, a previous
//! transaction that does not match its outpoint, bytes after the last map). Here, every rule
//! is checked on the raw maps first; only then does `bitcoin` decode the fields into its
//! model. A version 2 PSBT is given as the version 0 PSBT of the same transaction. What is
//! checked and why is `docs/psbt-parsing.md`.
//!
//! ```
//! use intentguard::psbt::{self, Location};
//!
//! // A version 2 PSBT whose global map ends before its separator.
//! let err = psbt::parse(b"psbt\xff\x01\xfb\x04\x02\x00\x00\x00").unwrap_err();
//! assert_eq!(err.location(), Location::Global);
//! assert_eq!(err.to_string(), "global map: the input ends inside the map, before its 0x00 separator");
//! ```
//!
//! Specifications: [BIP-174](https://github.com/bitcoin/bips/blob/master/bip-0174.mediawiki),
//! [BIP-370](https://github.com/bitcoin/bips/blob/master/bip-0370.mediawiki),
//! [BIP-371](https://github.com/bitcoin/bips/blob/master/bip-0371.mediawiki),
//! [BIP-373](https://github.com/bitcoin/bips/blob/master/bip-0373.mediawiki).

mod beside;
mod error;
mod fields;
mod keys;
mod location;
mod maps;
mod reader;
mod tx;
mod v2;
mod xpub;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use miniscript::bitcoin::bip32::Xpub;
use miniscript::bitcoin::Psbt;

pub use self::error::PsbtParseError;
use self::fields::Points;
pub use self::location::Location;
use self::reader::Reader;
pub use self::xpub::version_name as xpub_version_name;
use crate::base::limits::MAX_REQUEST_BYTES;

/// The magic bytes every PSBT starts with.
const MAGIC: &[u8] = b"psbt\xff";

/// A PSBT that passed every rule of BIP-174, BIP-370, BIP-371 and BIP-373, as a version 0
/// view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPsbt {
    /// 0 or 2, as the PSBT declares.
    pub version: u32,
    /// The PSBT in `bitcoin`'s model, always as version 0 (`psbt.version` is 0).
    ///
    /// For version 2, `unsigned_tx` is the transaction BIP-370 constructs: the transaction
    /// version from `PSBT_GLOBAL_TX_VERSION`; per input the previous txid, output index and
    /// sequence (0xffffffff when absent); per output the amount and script; the locktime as
    /// BIP-370 determines it. Every other field of every map is carried over (unknown and
    /// proprietary ones included); the version 2 fields themselves are not in this view.
    pub psbt: Psbt,
    /// `false` only for a version 2 PSBT whose locktime BIP-370 cannot determine (inputs
    /// require incompatible lock types); `psbt.unsigned_tx.lock_time` is then 0 and
    /// meaningless.
    pub locktime_determined: bool,
    /// The version bytes, as the PSBT writes them, of every `PSBT_GLOBAL_XPUB` whose version
    /// is neither `xpub` nor `tpub` (a SLIP-132 `Zpub`, `Vpub`, ..., or a version nothing
    /// names), keyed by the extended key `psbt.xpub` holds for it. `bitcoin` cannot hold
    /// other versions, so `psbt.xpub` has such a key with `xpub` version bytes when the
    /// version is a mainnet SLIP-132 one and with `tpub` version bytes otherwise. The version
    /// bytes are not checked (SPEC 1.3): global xpubs are hints, never trusted.
    pub xpub_versions: BTreeMap<Xpub, [u8; 4]>,
}

/// Parses one binary PSBT, version 0 or 2, and nothing after it.
///
/// # Errors
///
/// Returns [`PsbtParseError`] for any input that is not exactly one valid PSBT: bytes
/// larger than [`MAX_REQUEST_BYTES`], a wrong magic, a map cut short or with a key twice, a
/// known field whose key or value breaks its BIP, a field of the other version, a required
/// field missing, a previous transaction that does not match its outpoint, fewer maps than
/// the transaction has inputs and outputs, or bytes after the last output map.
///
/// # Security
///
/// The input is untrusted. Memory use is bounded by a small multiple of its size plus
/// `bitcoin`'s model of the result; no length prefix is trusted for an allocation.
pub fn parse(bytes: &[u8]) -> Result<ParsedPsbt, PsbtParseError> {
    parse_with(bytes, true)
}

/// Parses like [`parse`], except that a previous transaction that does not match its input's
/// outpoint (another txid, or too few outputs) is left in the result for the verifier, which
/// reports it as `INPUT_PREV_TX_MISMATCH` (SPEC 5) instead of refusing the whole request.
/// Previous transactions are not hashed here: the verifier hashes each once.
///
/// # Errors
///
/// As [`parse`], but for that one rule.
pub fn parse_for_verification(bytes: &[u8]) -> Result<ParsedPsbt, PsbtParseError> {
    parse_with(bytes, false)
}

/// Parses as [`parse`] (`check_prev_tx`) or [`parse_for_verification`] do, in the one pass
/// they fall back on: every key's point checked here, every pair decoded by `bitcoin`. What
/// they return must always equal what this returns; the `parse_psbt` fuzz target checks it.
pub(crate) fn parse_in_one_pass(
    bytes: &[u8],
    check_prev_tx: bool,
) -> Result<ParsedPsbt, PsbtParseError> {
    parse_checking(bytes, check_prev_tx, Points::Check)
}

/// Reads with the keys' points left to `bitcoin`'s decoder ([`fields::Points`]); on any
/// failure reads again checking every point, for the error one full pass gives.
fn parse_with(bytes: &[u8], check_prev_tx: bool) -> Result<ParsedPsbt, PsbtParseError> {
    parse_checking(bytes, check_prev_tx, Points::LeaveToDecoder).map_err(|first| {
        // The full pass checks all the first one does, and decodes too, so it fails as well;
        // were it to pass, the first pass's error stands.
        parse_checking(bytes, check_prev_tx, Points::Check).err().unwrap_or(first)
    })
}

fn parse_checking(
    bytes: &[u8],
    check_prev_tx: bool,
    points: Points,
) -> Result<ParsedPsbt, PsbtParseError> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(PsbtParseError::new(
            Location::Header,
            None,
            format!("the PSBT is {} bytes; the limit is {MAX_REQUEST_BYTES}", bytes.len()),
        ));
    }
    let mut r = Reader::new(bytes);
    match r.take(5) {
        Ok(MAGIC) => {}
        _ => {
            return Err(PsbtParseError::new(
                Location::Header,
                None,
                "the bytes do not start with the PSBT magic 70 73 62 74 ff (\"psbt\\xff\")"
                    .to_owned(),
            ))
        }
    }

    let global = maps::global(&mut r)?;
    let version = global.version;
    check_counts(&global)?;
    let replaced = xpub::replacements(global.map)?;

    // Each map takes at least its separator byte, so these loops end when the bytes do,
    // whatever counts the PSBT declares.
    let mut inputs = Vec::new();
    for index in 0..global.input_count {
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if r.is_empty() {
            return Err(missing_map(Location::Input(index), "inputs", global.input_count));
        }
        let outpoint = global.unsigned_tx.as_ref().and_then(|tx| tx.outpoints.get(index).copied());
        inputs.push(maps::input(&mut r, index, version, outpoint, check_prev_tx, points)?);
    }
    let mut outputs = Vec::new();
    for index in 0..global.output_count {
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if r.is_empty() {
            return Err(missing_map(Location::Output(index), "outputs", global.output_count));
        }
        outputs.push(maps::output(&mut r, index, version, points)?);
    }
    if !r.is_empty() {
        let n = r.remaining();
        return Err(PsbtParseError::new(
            Location::AfterLastMap,
            None,
            if n == 1 {
                "1 byte follows the last output map".to_owned()
            } else {
                format!("{n} bytes follow the last output map")
            },
        ));
    }

    let xpub_versions = xpub::versions(&replaced)?;
    // On the first pass the pairs whose keys come back are read beside the decoder.
    let apart = points == Points::LeaveToDecoder;
    let input_maps: Vec<&[u8]> = inputs.iter().map(|(map, _)| *map).collect();
    if version == 0 {
        let psbt = if apart {
            let encoded = v0_encoding(global.map, &input_maps, &outputs);
            let mut psbt = decode(&encoded, global.input_count, global.output_count)?;
            drop(encoded);
            beside::add(&mut psbt, &input_maps)?;
            psbt
        } else if replaced.is_empty() {
            decode(bytes, global.input_count, global.output_count)?
        } else {
            let encoded = xpub::v0_encoding(bytes, global.map)?;
            decode(&encoded, global.input_count, global.output_count)?
        };
        return Ok(ParsedPsbt { version, psbt, locktime_determined: true, xpub_versions });
    }
    let input_fields: Vec<maps::InputV2> = inputs.iter().map(|(_, fields)| *fields).collect();
    let locktime = v2::locktime(global.fallback_locktime, &input_fields);
    drop(input_fields);
    let tx = v2::unsigned_tx(&global, &inputs, &outputs, locktime);
    let encoded = v2::v0_encoding(&global, &tx, &inputs, &outputs, apart)?;
    drop(tx);
    let mut psbt = decode(&encoded, global.input_count, global.output_count)?;
    drop(encoded);
    if apart {
        beside::add(&mut psbt, &input_maps)?;
    }
    Ok(ParsedPsbt { version, psbt, locktime_determined: locktime.is_some(), xpub_versions })
}

/// A version 0 PSBT re-encoded for `bitcoin`'s decoder without the pairs `beside` reads of its
/// input maps: the global map as `xpub::push_pair` writes it (global xpubs with stand-in
/// version bytes), the input maps without those pairs, the output maps as they are.
fn v0_encoding(
    global_map: &[u8],
    inputs: &[&[u8]],
    outputs: &[(&[u8], maps::OutputV2<'_>)],
) -> Vec<u8> {
    let size = global_map
        .len()
        .saturating_add(inputs.iter().map(|m| m.len().saturating_add(1)).sum::<usize>())
        .saturating_add(outputs.iter().map(|(m, _)| m.len().saturating_add(1)).sum::<usize>());
    let mut out = Vec::with_capacity(size.saturating_add(MAGIC.len()).saturating_add(1));
    out.extend_from_slice(MAGIC);
    // The maps were read in full already, so their pairs read again without error.
    for pair in maps::pairs(global_map, Location::Global).flatten() {
        xpub::push_pair(&mut out, &pair);
    }
    out.push(0x00);
    for (index, map) in inputs.iter().enumerate() {
        for pair in maps::pairs(map, Location::Input(index)).flatten() {
            if !beside::read_here(pair.key_type) {
                out.extend_from_slice(pair.encoded);
            }
        }
        out.push(0x00);
    }
    for (map, _) in outputs {
        out.extend_from_slice(map);
        out.push(0x00);
    }
    out
}

fn missing_map(at: Location, what: &str, declared: u64) -> PsbtParseError {
    PsbtParseError::new(
        at,
        None,
        format!("the input ends before this map; the PSBT declares {declared} {what}"),
    )
}

/// Decodes a version 0 PSBT that every check of this module accepted, with `bitcoin`.
fn decode(bytes: &[u8], inputs: u64, outputs: u64) -> Result<Psbt, PsbtParseError> {
    let psbt = Psbt::deserialize(bytes).map_err(|e| {
        PsbtParseError::new(Location::Decoder, None, format!("bitcoin 0.32 refused the PSBT: {e}"))
    })?;
    let counts = (u64::try_from(psbt.inputs.len()), u64::try_from(psbt.outputs.len()));
    if counts != (Ok(inputs), Ok(outputs)) {
        return Err(PsbtParseError::new(
            Location::Decoder,
            None,
            format!(
                "internal error: bitcoin 0.32 read {} input and {} output maps, not {inputs} and {outputs}",
                psbt.inputs.len(),
                psbt.outputs.len()
            ),
        ));
    }
    Ok(psbt)
}

/// Returns the BIP name of a key type in the map at `location` (such as
/// `PSBT_IN_PARTIAL_SIG` for 0x02 in an input map), if BIP-174, BIP-370, BIP-371 or BIP-373
/// defines it.
///
/// ```
/// use intentguard::psbt::{key_type_name, Location};
///
/// assert_eq!(key_type_name(Location::Input(0), 0x1a), Some("PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS"));
/// assert_eq!(key_type_name(Location::Output(3), 0x1a), None);
/// ```
pub fn key_type_name(location: Location, key_type: u64) -> Option<&'static str> {
    keys::name(location, key_type)
}

/// Returns the name of a key type in the map at `location` that changes what a signer
/// signs, pays or shows and that intentguard does not verify (SPEC 1.3): BIP-375
/// silent-payment fields, BIP-373 MuSig2 fields and BIP-353 DNSSEC proofs. Such a field is
/// `PSBT_FIELD_NOT_ALLOWED`; other unknown fields are only a warning.
///
/// ```
/// use intentguard::psbt::{not_allowed_field, Location};
///
/// assert_eq!(not_allowed_field(Location::Output(0), 0x09), Some("PSBT_OUT_SP_V0_INFO"));
/// assert_eq!(not_allowed_field(Location::Input(0), 0x1c), Some("PSBT_IN_MUSIG2_PARTIAL_SIG"));
/// assert_eq!(not_allowed_field(Location::Input(0), 0x99), None);
/// ```
pub fn not_allowed_field(location: Location, key_type: u64) -> Option<&'static str> {
    keys::not_allowed(location, key_type)
}

/// Most inputs a transaction can have and still fit in a block: 1,000,000 bytes of
/// non-witness data (4,000,000 weight units), 41 bytes at least per input.
pub const MAX_INPUTS: u64 = 24_390;
/// Most outputs a transaction can have and still fit in a block: 9 bytes at least each.
pub const MAX_OUTPUTS: u64 = 111_111;
/// Most key-value pairs in all maps of one PSBT. `bitcoin`'s model costs about 125 bytes per
/// pair however small its bytes, so this bounds the model's memory at about 125 MB plus a
/// small multiple of the bytes; a transaction that fits in a block, with every signature,
/// key origin and script its inputs could carry, needs far fewer.
pub const MAX_PAIRS: usize = 1_000_000;

/// Refuses counts no valid transaction has, before any map is read. This is what bounds the
/// parser's memory: `bitcoin`'s model costs hundreds of bytes per input and output map, so
/// counts bounded only by the input size could cost many times the input.
fn check_counts(global: &maps::Global<'_>) -> Result<(), PsbtParseError> {
    let too_many = |what: &str, count: u64, max: u64| {
        PsbtParseError::new(
            Location::Global,
            None,
            format!("the transaction has {count} {what}; no transaction that fits in a block has more than {max}"),
        )
    };
    if global.input_count > MAX_INPUTS {
        return Err(too_many("inputs", global.input_count, MAX_INPUTS));
    }
    if global.output_count > MAX_OUTPUTS {
        return Err(too_many("outputs", global.output_count, MAX_OUTPUTS));
    }
    Ok(())
}
