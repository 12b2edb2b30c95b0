//! The key-value maps: their raw structure, then every known field of each map checked
//! against BIP-174, BIP-370, BIP-371 and BIP-373.
//!
//! A map is read twice: once for its structure (every length bounded by the bytes that
//! remain, a separator at the end, no key twice), then pair by pair for its fields. Only the
//! keys of the map being read are held, for the duplicate check.

use miniscript::bitcoin::hashes::{hash160, ripemd160, sha256, sha256d, Hash};
use miniscript::bitcoin::Txid;

use super::error::PsbtParseError;
use super::fields::{self, no_key_data, value_len, Points};
use super::keys::{self, *};
use super::location::Location;
use super::reader::{exact_compact_size, Reader};
use super::tx::{self, OutPoint, PrevTx, UnsignedTx};

/// BIP-370: locktimes below this are block heights, at or above it Unix times.
const LOCKTIME_THRESHOLD: u32 = 500_000_000;
/// How many bytes of a key an error message shows.
const KEY_SHOWN: usize = 40;
/// `bitcoin` 0.32 reads a key of at most this many bytes (its type byte and 4,000,000 more).
const BITCOIN_MAX_KEY: usize = 4_000_001;
/// `bitcoin` 0.32 reads a value and its length prefix within 4,000,000 bytes.
const BITCOIN_MAX_VALUE: usize = 3_999_995;
/// `bitcoin` 0.32 reads the global map, separator included, within this many bytes.
pub(super) const BITCOIN_MAX_GLOBAL_MAP: usize = 4_000_000;

/// One key-value pair, as bytes of the input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pair<'a> {
    pub(super) key_type: u64,
    /// The key: its type, then its key data.
    pub(super) key: &'a [u8],
    pub(super) key_data: &'a [u8],
    pub(super) value: &'a [u8],
    /// The whole pair as it was encoded: key length, key, value length, value.
    pub(super) encoded: &'a [u8],
}

/// Reads one pair, or `None` at the map's separator. The error carries the key type when it
/// is known by then.
fn next_pair<'a>(r: &mut Reader<'a>) -> Result<Option<Pair<'a>>, (Option<u64>, String)> {
    let start = r.rest();
    let key_len = r.compact_size().map_err(|e| (None, e.describe("the key length")))?;
    if key_len == 0 {
        return Ok(None);
    }
    let key = r.take(key_len).map_err(|e| (None, e.describe("the key")))?;
    let mut key_reader = Reader::new(key);
    let key_type = key_reader.compact_size().map_err(|e| (None, e.describe("the key type")))?;
    let key_data = key_reader.rest();
    let value = r.length_prefixed().map_err(|e| (Some(key_type), e.describe("the value")))?;
    let encoded_len = start.len().saturating_sub(r.remaining());
    let encoded = start.get(..encoded_len).unwrap_or_default();
    Ok(Some(Pair { key_type, key, key_data, value, encoded }))
}

/// Reads a map's structure and returns its pairs' bytes (without the separator).
pub(super) fn read_map<'a>(r: &mut Reader<'a>, at: Location) -> Result<&'a [u8], PsbtParseError> {
    let start = r.rest();
    let mut keys: Vec<&[u8]> = Vec::new();
    loop {
        if r.is_empty() {
            return Err(PsbtParseError::new(
                at,
                None,
                "the input ends inside the map, before its 0x00 separator".to_owned(),
            ));
        }
        match next_pair(r) {
            Ok(Some(pair)) => {
                if !r.take_pair() {
                    return Err(PsbtParseError::new(
                        at,
                        Some(pair.key_type),
                        format!(
                            "the PSBT has more than {} key-value pairs; no transaction that fits in a block needs that many",
                            super::MAX_PAIRS
                        ),
                    ));
                }
                bitcoin_limits(&pair)
                    .map_err(|e| PsbtParseError::new(at, Some(pair.key_type), e))?;
                keys.push(pair.key);
            }
            Ok(None) => break,
            Err((key_type, problem)) => return Err(PsbtParseError::new(at, key_type, problem)),
        }
    }
    let len = start.len().saturating_sub(r.remaining()).saturating_sub(1);
    keys.sort_unstable();
    if let Some(twice) = keys.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*a),
        _ => None,
    }) {
        let key_type = Reader::new(twice).compact_size().ok();
        return Err(PsbtParseError::new(
            at,
            key_type,
            format!("the key {} appears more than once in this map", show_key(twice)),
        ));
    }
    Ok(start.get(..len).unwrap_or_default())
}

/// Sizes that BIP-174 allows but `bitcoin` 0.32 cannot decode: refused here, with a
/// location, rather than by `bitcoin` without one.
fn bitcoin_limits(pair: &Pair<'_>) -> Result<(), String> {
    if pair.key.len() > BITCOIN_MAX_KEY {
        return Err(format!(
            "the key is {} bytes; bitcoin 0.32 decodes keys of at most {BITCOIN_MAX_KEY}",
            pair.key.len()
        ));
    }
    if pair.value.len() > BITCOIN_MAX_VALUE {
        return Err(format!(
            "the value is {} bytes; bitcoin 0.32 decodes values of at most {BITCOIN_MAX_VALUE}",
            pair.value.len()
        ));
    }
    Ok(())
}

fn show_key(key: &[u8]) -> String {
    let shown: String = key.iter().take(KEY_SHOWN).map(|b| format!("{b:02x}")).collect();
    if key.len() > KEY_SHOWN {
        format!("{shown}… ({} bytes)", key.len())
    } else {
        shown
    }
}

/// Iterates over the pairs of a map that [`read_map`] accepted.
pub(super) fn pairs(
    map: &[u8],
    at: Location,
) -> impl Iterator<Item = Result<Pair<'_>, PsbtParseError>> {
    let mut r = Reader::new(map);
    core::iter::from_fn(move || {
        if r.is_empty() {
            return None;
        }
        let error = match next_pair(&mut r) {
            Ok(Some(pair)) => return Some(Ok(pair)),
            // `read_map` stopped before the separator, so none is left: fail closed anyway.
            Ok(None) => PsbtParseError::new(
                at,
                None,
                "internal error: a separator inside a map that was read already".to_owned(),
            ),
            Err((key_type, problem)) => PsbtParseError::new(at, key_type, problem),
        };
        // One error, then nothing: a caller that goes on cannot loop.
        r = Reader::new(&[]);
        Some(Err(error))
    })
}

fn v2_only(version: u32) -> Result<(), String> {
    if version == 2 {
        Ok(())
    } else {
        Err(format!("this field exists only in version 2 PSBTs; this one is version {version}"))
    }
}

fn fixed<const N: usize>(value: &[u8], what: &str) -> Result<[u8; N], String> {
    value_len(value, N, what)?;
    value.first_chunk::<N>().copied().ok_or_else(|| format!("{what} is {N} bytes"))
}

fn u32_value(value: &[u8], what: &str) -> Result<u32, String> {
    fixed::<4>(value, what).map(u32::from_le_bytes)
}

/// The global map, checked.
#[derive(Debug)]
pub(super) struct Global<'a> {
    pub(super) version: u32,
    pub(super) map: &'a [u8],
    /// Version 0 only.
    pub(super) unsigned_tx: Option<UnsignedTx>,
    /// Version 2 only.
    pub(super) tx_version: i32,
    pub(super) fallback_locktime: Option<u32>,
    pub(super) input_count: u64,
    pub(super) output_count: u64,
}

/// Reads and checks the global map.
pub(super) fn global<'a>(r: &mut Reader<'a>) -> Result<Global<'a>, PsbtParseError> {
    let at = Location::Global;
    let map = read_map(r, at)?;
    let err =
        |key_type: u64| move |problem: String| PsbtParseError::new(at, Some(key_type), problem);

    // The version decides which fields are allowed, so it is read first.
    let mut version = 0;
    for pair in pairs(map, at) {
        let pair = pair?;
        if pair.key_type == GLOBAL_VERSION {
            no_key_data(pair.key_data).map_err(err(GLOBAL_VERSION))?;
            version = u32_value(pair.value, "a version").map_err(err(GLOBAL_VERSION))?;
            if version != 0 && version != 2 {
                return Err(err(GLOBAL_VERSION)(format!(
                    "version {version} is not a PSBT version; PSBTs are version 0 or 2"
                )));
            }
        }
    }

    // Version 2 is checked once its version 0 global map is built.
    if version == 0 && map.len() >= BITCOIN_MAX_GLOBAL_MAP {
        return Err(PsbtParseError::new(
            at,
            None,
            format!(
                "the global map is {} bytes; bitcoin 0.32 decodes at most {BITCOIN_MAX_GLOBAL_MAP}",
                map.len().saturating_add(1)
            ),
        ));
    }

    let mut unsigned_tx = None;
    let mut tx_version = None;
    let mut fallback_locktime = None;
    let mut input_count = None;
    let mut output_count = None;
    for pair in pairs(map, at) {
        let pair = pair?;
        let key_type = pair.key_type;
        if keys::global_is_v2_only(key_type) {
            v2_only(version).map_err(err(key_type))?;
        }
        let (key_data, value) = (pair.key_data, pair.value);
        let checked: Result<(), String> = match key_type {
            GLOBAL_UNSIGNED_TX if version == 2 => {
                Err("a version 2 PSBT must not have an unsigned transaction".to_owned())
            }
            GLOBAL_UNSIGNED_TX => no_key_data(key_data)
                .and_then(|()| tx::unsigned_tx(value))
                .map(|tx| unsigned_tx = Some(tx)),
            GLOBAL_XPUB => fields::xpub(key_data).and_then(|()| fields::key_origin(value)),
            GLOBAL_TX_VERSION => no_key_data(key_data)
                .and_then(|()| fixed::<4>(value, "a transaction version"))
                .map(|v| tx_version = Some(i32::from_le_bytes(v))),
            GLOBAL_FALLBACK_LOCKTIME => no_key_data(key_data)
                .and_then(|()| u32_value(value, "a locktime"))
                .map(|n| fallback_locktime = Some(n)),
            GLOBAL_INPUT_COUNT => no_key_data(key_data)
                .and_then(|()| exact_compact_size(value))
                .map(|n| input_count = Some(n)),
            GLOBAL_OUTPUT_COUNT => no_key_data(key_data)
                .and_then(|()| exact_compact_size(value))
                .map(|n| output_count = Some(n)),
            GLOBAL_TX_MODIFIABLE => {
                no_key_data(key_data).and_then(|()| value_len(value, 1, "a flag byte"))
            }
            PROPRIETARY => fields::proprietary_key(key_data),
            // The version was checked above; unknown types are kept as they are.
            _ => Ok(()),
        };
        checked.map_err(err(key_type))?;
    }

    let missing = |key_type: u64| {
        err(key_type)(format!("this field is required in version {version} PSBTs but missing"))
    };
    if version == 0 {
        let tx = unsigned_tx.ok_or_else(|| missing(GLOBAL_UNSIGNED_TX))?;
        let input_count = u64::try_from(tx.outpoints.len()).unwrap_or(u64::MAX);
        let output_count = u64::try_from(tx.output_count).unwrap_or(u64::MAX);
        return Ok(Global {
            version,
            map,
            unsigned_tx: Some(tx),
            tx_version: 0,
            fallback_locktime: None,
            input_count,
            output_count,
        });
    }
    let tx_version = tx_version.ok_or_else(|| missing(GLOBAL_TX_VERSION))?;
    let input_count = input_count.ok_or_else(|| missing(GLOBAL_INPUT_COUNT))?;
    let output_count = output_count.ok_or_else(|| missing(GLOBAL_OUTPUT_COUNT))?;
    Ok(Global {
        version,
        map,
        unsigned_tx: None,
        tx_version,
        fallback_locktime,
        input_count,
        output_count,
    })
}

/// The version 2 fields of an input map, checked.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct InputV2 {
    pub(super) previous_txid: Option<Txid>,
    pub(super) output_index: Option<u32>,
    pub(super) sequence: Option<u32>,
    pub(super) time_locktime: Option<u32>,
    pub(super) height_locktime: Option<u32>,
}

/// Reads and checks input map `index`. For version 0, `outpoint` is what the unsigned
/// transaction says this input spends.
pub(super) fn input<'a>(
    r: &mut Reader<'a>,
    index: usize,
    version: u32,
    outpoint: Option<OutPoint>,
    check_prev_tx: bool,
    points: Points,
) -> Result<(&'a [u8], InputV2), PsbtParseError> {
    let at = Location::Input(index);
    let map = read_map(r, at)?;
    let err =
        |key_type: u64| move |problem: String| PsbtParseError::new(at, Some(key_type), problem);
    let mut v2 = InputV2::default();
    let mut prev_tx: Option<PrevTx> = None;
    for pair in pairs(map, at) {
        let pair = pair?;
        let key_type = pair.key_type;
        if keys::input_is_v2_only(key_type) {
            v2_only(version).map_err(err(key_type))?;
        }
        let (key_data, value) = (pair.key_data, pair.value);
        let checked: Result<(), String> = match key_type {
            IN_NON_WITNESS_UTXO => no_key_data(key_data)
                .and_then(|()| tx::network_tx(value))
                .map(|tx| prev_tx = Some(tx)),
            IN_WITNESS_UTXO => no_key_data(key_data).and_then(|()| tx::tx_out(value)),
            IN_PARTIAL_SIG => fields::public_key(key_data, "the key data", points)
                .and_then(|()| fields::ecdsa_signature(value)),
            IN_SIGHASH_TYPE => {
                no_key_data(key_data).and_then(|()| value_len(value, 4, "a sighash type"))
            }
            IN_REDEEM_SCRIPT | IN_WITNESS_SCRIPT | IN_FINAL_SCRIPTSIG => no_key_data(key_data),
            IN_BIP32_DERIVATION => fields::public_key(key_data, "the key data", points)
                .and_then(|()| fields::key_origin(value)),
            IN_FINAL_SCRIPTWITNESS => no_key_data(key_data).and_then(|()| tx::witness(value)),
            IN_POR_COMMITMENT => no_key_data(key_data).and_then(|()| {
                core::str::from_utf8(value)
                    .map(drop)
                    .map_err(|_| "the commitment message is not UTF-8".to_owned())
            }),
            IN_RIPEMD160 => preimage::<ripemd160::Hash>(key_data, value, "RIPEMD160"),
            IN_SHA256 => preimage::<sha256::Hash>(key_data, value, "SHA256"),
            IN_HASH160 => preimage::<hash160::Hash>(key_data, value, "HASH160"),
            IN_HASH256 => preimage::<sha256d::Hash>(key_data, value, "HASH256"),
            IN_PREVIOUS_TXID => no_key_data(key_data)
                .and_then(|()| fixed::<32>(value, "a txid"))
                .map(|txid| v2.previous_txid = Some(Txid::from_byte_array(txid))),
            IN_OUTPUT_INDEX => no_key_data(key_data)
                .and_then(|()| u32_value(value, "an output index"))
                .map(|n| v2.output_index = Some(n)),
            IN_SEQUENCE => no_key_data(key_data)
                .and_then(|()| u32_value(value, "a sequence number"))
                .map(|n| v2.sequence = Some(n)),
            IN_REQUIRED_TIME_LOCKTIME => {
                no_key_data(key_data).and_then(|()| u32_value(value, "a locktime")).and_then(|n| {
                    if n < LOCKTIME_THRESHOLD {
                        return Err(format!(
                            "the time-based locktime {n} is below {LOCKTIME_THRESHOLD}"
                        ));
                    }
                    v2.time_locktime = Some(n);
                    Ok(())
                })
            }
            IN_REQUIRED_HEIGHT_LOCKTIME => {
                no_key_data(key_data).and_then(|()| u32_value(value, "a locktime")).and_then(|n| {
                    if n == 0 || n >= LOCKTIME_THRESHOLD {
                        return Err(format!(
                            "the height-based locktime {n} is not between 1 and {}",
                            LOCKTIME_THRESHOLD.saturating_sub(1)
                        ));
                    }
                    v2.height_locktime = Some(n);
                    Ok(())
                })
            }
            IN_TAP_KEY_SIG => no_key_data(key_data).and_then(|()| fields::schnorr_signature(value)),
            IN_TAP_SCRIPT_SIG => {
                tap_script_sig_key(key_data, points).and_then(|()| fields::schnorr_signature(value))
            }
            IN_TAP_LEAF_SCRIPT => {
                fields::control_block(key_data, points).and_then(|()| fields::leaf_script(value))
            }
            IN_TAP_BIP32_DERIVATION => fields::x_only_public_key(key_data, "the key data", points)
                .and_then(|()| fields::tap_key_origin(value)),
            IN_TAP_INTERNAL_KEY => no_key_data(key_data)
                .and_then(|()| fields::x_only_public_key(value, "the internal key", points)),
            IN_TAP_MERKLE_ROOT => {
                no_key_data(key_data).and_then(|()| value_len(value, 32, "a merkle root"))
            }
            IN_MUSIG2_PARTICIPANT_PUBKEYS => musig2_participants(key_data, value),
            IN_MUSIG2_PUB_NONCE => musig2_participant_key(key_data)
                .and_then(|()| value_len(value, 66, "a MuSig2 public nonce")),
            IN_MUSIG2_PARTIAL_SIG => musig2_participant_key(key_data)
                .and_then(|()| value_len(value, 32, "a MuSig2 partial signature")),
            PROPRIETARY => fields::proprietary_key(key_data),
            _ => Ok(()),
        };
        checked.map_err(err(key_type))?;
    }

    let missing = |key_type: u64| {
        err(key_type)("this field is required in version 2 PSBTs but missing".to_owned())
    };
    let spent = if version == 2 {
        let txid = v2.previous_txid.ok_or_else(|| missing(IN_PREVIOUS_TXID))?;
        let vout = v2.output_index.ok_or_else(|| missing(IN_OUTPUT_INDEX))?;
        Some(OutPoint { txid, vout })
    } else {
        outpoint
    };
    if let (Some(prev), Some(spent), true) = (prev_tx, spent, check_prev_tx) {
        let txid = prev.txid();
        if txid != spent.txid {
            return Err(err(IN_NON_WITNESS_UTXO)(format!(
                "the previous transaction's txid is {} but the input spends {}:{}",
                txid, spent.txid, spent.vout
            )));
        }
        if usize::try_from(spent.vout).map_or(true, |vout| vout >= prev.output_count) {
            return Err(err(IN_NON_WITNESS_UTXO)(format!(
                "the input spends output {} but the previous transaction has {} outputs",
                spent.vout, prev.output_count
            )));
        }
    }
    Ok((map, v2))
}

fn preimage<H: Hash>(key_data: &[u8], value: &[u8], name: &str) -> Result<(), String> {
    if key_data.len() != H::LEN {
        return Err(format!(
            "the key data is {} bytes; a {name} hash is {} bytes",
            key_data.len(),
            H::LEN
        ));
    }
    let digest = <H as Hash>::hash(value);
    if <H as core::borrow::Borrow<[u8]>>::borrow(&digest) != key_data {
        return Err(format!("the value is not a preimage of the key's {name} hash"));
    }
    Ok(())
}

fn tap_script_sig_key(key_data: &[u8], points: Points) -> Result<(), String> {
    if key_data.len() != 64 {
        return Err(format!(
            "the key data is {} bytes; it is a 32-byte x-only key and a 32-byte leaf hash",
            key_data.len()
        ));
    }
    let key = key_data.get(..32).unwrap_or_default();
    fields::x_only_public_key(key, "the key data's public key", points)
}

fn musig2_participants(key_data: &[u8], value: &[u8]) -> Result<(), String> {
    fields::compressed_public_key(key_data, "the aggregate public key")?;
    // As Bitcoin Core: every whole 33-byte key first, then what is left over.
    let keys = value.chunks_exact(33);
    let left_over = keys.remainder().len();
    for (i, key) in keys.enumerate() {
        fields::compressed_public_key(key, &format!("participant public key {i}"))?;
    }
    if left_over != 0 {
        return Err(format!(
            "the value is {} bytes, not a whole number of 33-byte compressed public keys",
            value.len()
        ));
    }
    Ok(())
}

fn musig2_participant_key(key_data: &[u8]) -> Result<(), String> {
    if key_data.len() != 66 && key_data.len() != 98 {
        return Err(format!(
            "the key data is {} bytes; it is a participant and an aggregate compressed public \
             key (66 bytes), and optionally a 32-byte leaf hash (98 bytes)",
            key_data.len()
        ));
    }
    fields::compressed_public_key(
        key_data.get(..33).unwrap_or_default(),
        "the participant public key",
    )?;
    fields::compressed_public_key(
        key_data.get(33..66).unwrap_or_default(),
        "the aggregate public key",
    )
}

/// The version 2 fields of an output map, checked.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct OutputV2<'a> {
    pub(super) amount: Option<u64>,
    pub(super) script: Option<&'a [u8]>,
}

/// Reads and checks output map `index`.
pub(super) fn output<'a>(
    r: &mut Reader<'a>,
    index: usize,
    version: u32,
    points: Points,
) -> Result<(&'a [u8], OutputV2<'a>), PsbtParseError> {
    let at = Location::Output(index);
    let map = read_map(r, at)?;
    let err =
        |key_type: u64| move |problem: String| PsbtParseError::new(at, Some(key_type), problem);
    let mut v2 = OutputV2::default();
    for pair in pairs(map, at) {
        let pair = pair?;
        let key_type = pair.key_type;
        if keys::output_is_v2_only(key_type) {
            v2_only(version).map_err(err(key_type))?;
        }
        let (key_data, value) = (pair.key_data, pair.value);
        let checked: Result<(), String> = match key_type {
            OUT_REDEEM_SCRIPT | OUT_WITNESS_SCRIPT => no_key_data(key_data),
            OUT_BIP32_DERIVATION => fields::public_key(key_data, "the key data", points)
                .and_then(|()| fields::key_origin(value)),
            OUT_AMOUNT => no_key_data(key_data)
                .and_then(|()| fixed::<8>(value, "an amount"))
                .map(|n| v2.amount = Some(u64::from_le_bytes(n))),
            OUT_SCRIPT => no_key_data(key_data).map(|()| v2.script = Some(value)),
            OUT_TAP_INTERNAL_KEY => no_key_data(key_data)
                .and_then(|()| fields::x_only_public_key(value, "the internal key", points)),
            OUT_TAP_TREE => no_key_data(key_data).and_then(|()| fields::tap_tree(value)),
            OUT_TAP_BIP32_DERIVATION => fields::x_only_public_key(key_data, "the key data", points)
                .and_then(|()| fields::tap_key_origin(value)),
            OUT_MUSIG2_PARTICIPANT_PUBKEYS => musig2_participants(key_data, value),
            PROPRIETARY => fields::proprietary_key(key_data),
            _ => Ok(()),
        };
        checked.map_err(err(key_type))?;
    }
    if version == 2 {
        let missing = |key_type: u64| {
            err(key_type)("this field is required in version 2 PSBTs but missing".to_owned())
        };
        v2.amount.ok_or_else(|| missing(OUT_AMOUNT))?;
        v2.script.ok_or_else(|| missing(OUT_SCRIPT))?;
    }
    Ok((map, v2))
}
