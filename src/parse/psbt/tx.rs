//! Strict readers for the transaction-shaped values of a PSBT: the unsigned transaction, a
//! previous transaction, an output, a witness stack.
//!
//! They check every count and length against the bytes that remain before going on, so a
//! value that passes can be handed to `bitcoin`'s decoder without it trusting a length prefix
//! it cannot back. Nothing here allocates in proportion to a declared count.

use miniscript::bitcoin::hashes::{sha256d, Hash, HashEngine};
use miniscript::bitcoin::Txid;

use super::reader::{ReadError, Reader};

/// The fewest bytes an input can take: outpoint (36), script length (1), sequence (4).
const MIN_INPUT_BYTES: u64 = 41;
/// The fewest bytes an output can take: amount (8), script length (1).
const MIN_OUTPUT_BYTES: u64 = 9;

/// An outpoint as the unsigned transaction of a version 0 PSBT names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OutPoint {
    pub(super) txid: Txid,
    pub(super) vout: u32,
}

/// What the parser needs from a version 0 PSBT's unsigned transaction.
#[derive(Debug)]
pub(super) struct UnsignedTx {
    pub(super) outpoints: Vec<OutPoint>,
    pub(super) output_count: usize,
}

/// What the parser needs from a previous transaction (`PSBT_IN_NON_WITNESS_UTXO`).
#[derive(Debug, Clone, Copy)]
pub(super) struct PrevTx<'a> {
    version: [u8; 4],
    /// The non-witness serialisation between version and locktime.
    body: &'a [u8],
    locktime: [u8; 4],
    pub(super) output_count: usize,
}

impl PrevTx<'_> {
    /// The txid, hashed from the bytes as they are (no re-serialisation).
    pub(super) fn txid(&self) -> Txid {
        let mut engine = sha256d::Hash::engine();
        engine.input(&self.version);
        engine.input(self.body);
        engine.input(&self.locktime);
        Txid::from_raw_hash(sha256d::Hash::from_engine(engine))
    }
}

fn read<T>(result: Result<T, ReadError>, what: &str) -> Result<T, String> {
    result.map_err(|e| e.describe(what))
}

/// Reads a count of items that each take at least `min_bytes`, refusing counts the
/// remaining bytes cannot hold.
fn count(r: &mut Reader<'_>, min_bytes: u64, what: &str) -> Result<usize, String> {
    let n = read(r.compact_size(), &format!("the number of {what}"))?;
    let room = u64::try_from(r.remaining()).unwrap_or(u64::MAX).checked_div(min_bytes).unwrap_or(0);
    if n > room {
        return Err(format!(
            "the transaction declares {n} {what} but only {} bytes remain",
            r.remaining()
        ));
    }
    usize::try_from(n).map_err(|_| format!("the transaction declares {n} {what}"))
}

/// Reads `n` inputs; with `outpoints`, records them and requires empty scriptSigs.
fn inputs(
    r: &mut Reader<'_>,
    n: usize,
    mut outpoints: Option<&mut Vec<OutPoint>>,
) -> Result<(), String> {
    for i in 0..n {
        let txid = read(r.array::<32>(), &format!("input {i}'s previous txid"))?;
        let vout = read(r.u32_le(), &format!("input {i}'s output index"))?;
        let script_sig = read(r.length_prefixed(), &format!("input {i}'s scriptSig"))?;
        read(r.u32_le(), &format!("input {i}'s sequence"))?;
        if let Some(outpoints) = outpoints.as_deref_mut() {
            if !script_sig.is_empty() {
                return Err(format!(
                    "input {i} of the unsigned transaction has a {}-byte scriptSig; it must be empty",
                    script_sig.len()
                ));
            }
            outpoints.push(OutPoint { txid: Txid::from_byte_array(txid), vout });
        }
    }
    Ok(())
}

fn outputs(r: &mut Reader<'_>, n: usize) -> Result<(), String> {
    for i in 0..n {
        read(r.u64_le(), &format!("output {i}'s amount"))?;
        read(r.length_prefixed(), &format!("output {i}'s script"))?;
    }
    Ok(())
}

fn end(r: &Reader<'_>, what: &str) -> Result<(), String> {
    if r.is_empty() {
        Ok(())
    } else {
        Err(format!("{} bytes follow the end of {what}", r.remaining()))
    }
}

/// `PSBT_GLOBAL_UNSIGNED_TX`: a transaction in non-witness serialization whose scriptSigs are
/// all empty, and nothing after it.
pub(super) fn unsigned_tx(value: &[u8]) -> Result<UnsignedTx, String> {
    let mut r = Reader::new(value);
    read(r.u32_le(), "the transaction version")?;
    let n_in = count(&mut r, MIN_INPUT_BYTES, "inputs")?;
    let mut outpoints = Vec::with_capacity(n_in);
    inputs(&mut r, n_in, Some(&mut outpoints))?;
    let n_out = count(&mut r, MIN_OUTPUT_BYTES, "outputs")?;
    outputs(&mut r, n_out)?;
    read(r.u32_le(), "the locktime")?;
    end(&r, "the unsigned transaction (it must be in non-witness serialization)")?;
    Ok(UnsignedTx { outpoints, output_count: n_out })
}

/// `PSBT_IN_NON_WITNESS_UTXO`: a network transaction, with or without witness data (BIP-144),
/// and nothing after it. Returns its txid, hashed over the bytes without allocating.
pub(super) fn network_tx(value: &[u8]) -> Result<PrevTx<'_>, String> {
    let mut r = Reader::new(value);
    let version = read(r.array::<4>(), "the transaction version")?;
    let body_start = r.rest();
    let mut n_in = count(&mut r, MIN_INPUT_BYTES, "inputs")?;
    let segwit = n_in == 0;
    let body_start = if segwit {
        match read(r.u8(), "the segwit flag")? {
            0x01 => {}
            flag => {
                return Err(format!(
                    "the transaction has no inputs, or an unknown segwit flag {flag:#04x}"
                ))
            }
        }
        let start = r.rest();
        n_in = count(&mut r, MIN_INPUT_BYTES, "inputs")?;
        if n_in == 0 {
            return Err("the transaction has no inputs".to_owned());
        }
        start
    } else {
        body_start
    };
    inputs(&mut r, n_in, None)?;
    let n_out = count(&mut r, MIN_OUTPUT_BYTES, "outputs")?;
    outputs(&mut r, n_out)?;
    let body_len = body_start.len().saturating_sub(r.remaining());
    let body = body_start.get(..body_len).unwrap_or_default();
    if segwit {
        let mut any_witness = false;
        for i in 0..n_in {
            let items = read(r.compact_size(), &format!("input {i}'s witness item count"))?;
            if items > u64::try_from(r.remaining()).unwrap_or(u64::MAX) {
                return Err(format!(
                    "input {i}'s witness declares {items} items but only {} bytes remain",
                    r.remaining()
                ));
            }
            for item in 0..items {
                read(r.length_prefixed(), &format!("input {i}'s witness item {item}"))?;
            }
            any_witness |= items > 0;
        }
        if !any_witness {
            return Err("the transaction has the segwit flag but no witness data".to_owned());
        }
    }
    let locktime = read(r.array::<4>(), "the locktime")?;
    end(&r, "the transaction")?;
    Ok(PrevTx { version, body, locktime, output_count: n_out })
}

/// `PSBT_IN_WITNESS_UTXO`: an amount and a script, and nothing after them.
pub(super) fn tx_out(value: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(value);
    read(r.u64_le(), "the amount")?;
    read(r.length_prefixed(), "the script")?;
    end(&r, "the output")
}

/// `PSBT_IN_FINAL_SCRIPTWITNESS`: a witness stack, and nothing after it.
pub(super) fn witness(value: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(value);
    let items = read(r.compact_size(), "the number of witness items")?;
    if items > u64::try_from(r.remaining()).unwrap_or(u64::MAX) {
        return Err(format!(
            "the witness declares {items} items but only {} bytes remain",
            r.remaining()
        ));
    }
    for item in 0..items {
        read(r.length_prefixed(), &format!("witness item {item}"))?;
    }
    end(&r, "the witness")
}
