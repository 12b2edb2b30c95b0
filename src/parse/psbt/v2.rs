//! BIP-370: the transaction a version 2 PSBT describes, and its version 0 view.

use miniscript::bitcoin::absolute::LockTime;
use miniscript::bitcoin::consensus::encode::{serialize, VarInt};
use miniscript::bitcoin::transaction::Version;
use miniscript::bitcoin::{
    Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Witness,
};

use super::error::PsbtParseError;
use super::keys::{self, GLOBAL_VERSION};
use super::location::Location;
use super::maps::{pairs, Global, InputV2, OutputV2, BITCOIN_MAX_GLOBAL_MAP};

/// Determines the transaction's locktime as BIP-370 does: with no input requiring one, the
/// fallback locktime (0 if absent); otherwise the lock type every input that requires a
/// locktime supports (height preferred when both are), at the largest value required of that
/// type. `None` when no lock type is supported by all of them.
pub(super) fn locktime(fallback: Option<u32>, inputs: &[InputV2]) -> Option<u32> {
    let locking =
        || inputs.iter().filter(|i| i.time_locktime.is_some() || i.height_locktime.is_some());
    if locking().next().is_none() {
        return Some(fallback.unwrap_or(0));
    }
    if locking().all(|i| i.height_locktime.is_some()) {
        return locking().filter_map(|i| i.height_locktime).max();
    }
    if locking().all(|i| i.time_locktime.is_some()) {
        return locking().filter_map(|i| i.time_locktime).max();
    }
    None
}

/// The unsigned transaction BIP-370 constructs: missing sequences are final (0xffffffff), an
/// undeterminable locktime is 0.
pub(super) fn unsigned_tx(
    global: &Global<'_>,
    inputs: &[(&[u8], InputV2)],
    outputs: &[(&[u8], OutputV2<'_>)],
    locktime: Option<u32>,
) -> Transaction {
    Transaction {
        version: Version(global.tx_version),
        lock_time: LockTime::from_consensus(locktime.unwrap_or(0)),
        input: inputs
            .iter()
            .map(|(_, input)| TxIn {
                // Both are present: `maps::input` refuses a version 2 input without them.
                previous_output: OutPoint {
                    txid: input.previous_txid.unwrap_or_else(|| OutPoint::null().txid),
                    vout: input.output_index.unwrap_or_default(),
                },
                script_sig: ScriptBuf::new(),
                sequence: Sequence(input.sequence.unwrap_or(u32::MAX)),
                witness: Witness::new(),
            })
            .collect(),
        output: outputs
            .iter()
            // Both are present: `maps::output` refuses a version 2 output without them.
            .map(|(_, output)| TxOut {
                value: Amount::from_sat(output.amount.unwrap_or_default()),
                script_pubkey: ScriptBuf::from_bytes(output.script.unwrap_or_default().to_vec()),
            })
            .collect(),
    }
}

/// Encodes the version 0 PSBT of the same transaction: the constructed unsigned transaction,
/// then every pair of every map except the version 2 fields and `PSBT_GLOBAL_VERSION`, byte
/// for byte and in their order (global xpubs with stand-in version bytes where `bitcoin`
/// cannot hold theirs, `xpub.rs`).
pub(super) fn v0_encoding(
    global: &Global<'_>,
    tx: &Transaction,
    inputs: &[(&[u8], InputV2)],
    outputs: &[(&[u8], OutputV2<'_>)],
    beside: bool,
) -> Result<Vec<u8>, PsbtParseError> {
    // Non-witness serialization, written by hand as `bitcoin` does, so that a transaction
    // with no inputs is not written with a segwit marker.
    let mut tx_bytes = serialize(&tx.version);
    tx_bytes.extend(serialize(&tx.input));
    tx_bytes.extend(serialize(&tx.output));
    tx_bytes.extend(serialize(&tx.lock_time));

    let maps_len = global
        .map
        .len()
        .saturating_add(inputs.iter().map(|(m, _)| m.len().saturating_add(1)).sum::<usize>())
        .saturating_add(outputs.iter().map(|(m, _)| m.len().saturating_add(1)).sum::<usize>());
    let mut out = Vec::with_capacity(maps_len.saturating_add(tx_bytes.len()).saturating_add(16));
    out.extend_from_slice(super::MAGIC);
    out.extend_from_slice(&[0x01, 0x00]);
    out.extend(serialize(&VarInt::from(tx_bytes.len())));
    out.extend(tx_bytes);
    for pair in pairs(global.map, Location::Global) {
        let pair = pair?;
        if !keys::global_is_v2_only(pair.key_type) && pair.key_type != GLOBAL_VERSION {
            super::xpub::push_pair(&mut out, &pair);
        }
    }
    out.push(0x00);
    let global_len = out.len().saturating_sub(super::MAGIC.len());
    if global_len > BITCOIN_MAX_GLOBAL_MAP {
        return Err(PsbtParseError::new(
            Location::Global,
            None,
            format!(
                "with the unsigned transaction it describes, the global map would be {global_len} \
                 bytes; bitcoin 0.32 decodes at most {BITCOIN_MAX_GLOBAL_MAP}"
            ),
        ));
    }
    for (index, (map, _)) in inputs.iter().enumerate() {
        for pair in pairs(map, Location::Input(index)) {
            let pair = pair?;
            let apart = beside && super::beside::read_here(pair.key_type);
            if !keys::input_is_v2_only(pair.key_type) && !apart {
                out.extend_from_slice(pair.encoded);
            }
        }
        out.push(0x00);
    }
    for (index, (map, _)) in outputs.iter().enumerate() {
        for pair in pairs(map, Location::Output(index)) {
            let pair = pair?;
            if !keys::output_is_v2_only(pair.key_type) {
                out.extend_from_slice(pair.encoded);
            }
        }
        out.push(0x00);
    }
    Ok(out)
}
