//! Previous transactions supplied beside a PSBT (SPEC 3, `--prev-tx`), for the many
//! coordinators that leave `non_witness_utxo` out.
//!
//! Trusts: nothing. A supplied transaction is decoded exactly (its consensus encoding, no
//! byte left over) and hashed; it goes only to the inputs that spend an output of that txid
//! and carry no previous transaction of their own, where the checks of SPEC 2.2 treat it as
//! any `non_witness_utxo` (its outputs against `witness_utxo` included). It never replaces one
//! the PSBT carries: a wrong previous transaction in the PSBT stays a finding.

use miniscript::bitcoin::consensus::{deserialize_partial, encode};
use miniscript::bitcoin::hex::FromHex;
use std::collections::{HashMap, HashSet};

use miniscript::bitcoin::{Psbt, Transaction, Txid};

use crate::base::limits::MAX_REQUEST_BYTES;
use crate::parse::RequestError;

/// Reads a file of previous transactions: one transaction as raw bytes, or one or more as
/// hex, one per line (blank lines ignored).
///
/// # Errors
///
/// Returns [`RequestError::TooLarge`] above [`MAX_REQUEST_BYTES`], and
/// [`RequestError::PrevTx`] when the file holds no transaction or a line (or the raw bytes)
/// is not exactly one transaction.
///
/// # Examples
///
/// ```
/// // The genesis block's coinbase, as `bitcoin-cli getrawtransaction` prints it.
/// let hex = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000\n";
/// let txs = intentguard::parse_prev_txs(hex.as_bytes()).unwrap();
/// assert_eq!(
///     txs[0].compute_txid().to_string(),
///     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
/// );
/// ```
pub fn parse_prev_txs(bytes: &[u8]) -> Result<Vec<Transaction>, RequestError> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::TooLarge { limit: MAX_REQUEST_BYTES });
    }
    let is_text = bytes.iter().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace());
    if !is_text {
        if bytes.starts_with(b"psbt\xff") {
            return Err(problem(None, "this is a PSBT, not a transaction"));
        }
        return decode(bytes).map(|tx| vec![tx]).map_err(|e| problem(None, &e));
    }
    let mut txs = Vec::new();
    // Text of hex digits and whitespace only: valid UTF-8, so every line is text.
    for (number, line) in (1..).zip(bytes.split(|b| *b == b'\n')) {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(line);
        let raw = Vec::<u8>::from_hex(&text)
            .map_err(|_| problem(Some(number), "an odd number of hex digits"))?;
        txs.push(decode(&raw).map_err(|e| problem(Some(number), &e))?);
    }
    if txs.is_empty() {
        return Err(problem(None, "the file holds no transaction"));
    }
    Ok(txs)
}

/// Exactly one transaction in its consensus encoding, nothing after it.
fn decode(raw: &[u8]) -> Result<Transaction, String> {
    match deserialize_partial::<Transaction>(raw) {
        Ok((tx, used)) if used == raw.len() => Ok(tx),
        Ok((_, used)) => Err(match raw.len().saturating_sub(used) {
            1 => "1 byte follows the transaction".to_owned(),
            n => format!("{n} bytes follow the transaction"),
        }),
        Err(encode::Error::Io(_)) => Err("the bytes end inside a transaction".to_owned()),
        Err(e) => Err(format!("not a transaction in its consensus encoding ({e})")),
    }
}

fn problem(line: Option<usize>, problem: &str) -> RequestError {
    RequestError::PrevTx { line, problem: problem.to_owned() }
}

/// Gives each input without a previous transaction the supplied one whose txid its outpoint
/// names. Returns the indices of the supplied transactions that no input spends. Linear in
/// inputs plus transactions: each transaction is hashed once and found by its txid.
///
/// Every input holds its own copy (`bitcoin`'s model has no sharing), so a request whose
/// many inputs spend one large transaction would multiply it: the copies may hold at most
/// [`MAX_REQUEST_BYTES`] in all, as a PSBT carrying them could.
///
/// # Errors
///
/// [`RequestError::PrevTxCopiesTooLarge`] beyond that bound; nothing is verified then.
pub(crate) fn supply(psbt: &mut Psbt, txs: &[Transaction]) -> Result<Vec<usize>, RequestError> {
    let txids: Vec<Txid> = txs.iter().map(Transaction::compute_txid).collect();
    let mut by_txid: HashMap<Txid, usize> = HashMap::with_capacity(txs.len());
    for (i, txid) in txids.iter().enumerate() {
        by_txid.entry(*txid).or_insert(i);
    }
    let mut spent: HashSet<Txid> = HashSet::new();
    let mut copied: usize = 0;
    for (txin, input) in psbt.unsigned_tx.input.iter().zip(psbt.inputs.iter_mut()) {
        let wanted = txin.previous_output.txid;
        let Some(tx) = by_txid.get(&wanted).and_then(|&i| txs.get(i)) else { continue };
        spent.insert(wanted);
        if input.non_witness_utxo.is_none() {
            copied = copied.saturating_add(tx.total_size());
            if copied > MAX_REQUEST_BYTES {
                return Err(RequestError::PrevTxCopiesTooLarge { limit: MAX_REQUEST_BYTES });
            }
            input.non_witness_utxo = Some(tx.clone());
        }
    }
    Ok(txids.iter().enumerate().filter(|(_, t)| !spent.contains(*t)).map(|(i, _)| i).collect())
}

#[cfg(test)]
mod tests {
    use miniscript::bitcoin::consensus::serialize;
    use miniscript::bitcoin::hex::DisplayHex;

    use super::*;
    use crate::parse::request::Request;

    const HONEST: &[u8] = include_bytes!("../../vectors/dmm/honest/request.psbt");

    /// The previous transactions the honest request carries.
    fn honest_prev_txs() -> Vec<Transaction> {
        let request = Request::from_bytes(HONEST).unwrap();
        request.psbt().inputs.iter().filter_map(|i| i.non_witness_utxo.clone()).collect()
    }

    #[test]
    fn raw_and_hex_lines_are_read() {
        let txs = honest_prev_txs();
        assert!(!txs.is_empty());
        let raw = serialize(&txs[0]);
        assert_eq!(parse_prev_txs(&raw).unwrap(), vec![txs[0].clone()]);
        let lines: String = txs
            .iter()
            .map(|tx| format!("  {}\r\n\n", serialize(tx).to_lower_hex_string()))
            .collect();
        assert_eq!(parse_prev_txs(lines.as_bytes()).unwrap(), txs);
    }

    #[test]
    fn what_is_not_a_transaction_is_refused_with_its_line() {
        let tx = serialize(&honest_prev_txs()[0]).to_lower_hex_string();
        let refused = |bytes: &[u8]| match parse_prev_txs(bytes) {
            Err(RequestError::PrevTx { line, problem }) => (line, problem),
            other => panic!("not refused: {other:?}"),
        };
        assert_eq!(refused(b"\n \n"), (None, "the file holds no transaction".to_owned()));
        assert_eq!(refused(format!("{tx}\nabc\n").as_bytes()).0, Some(2));
        let followed = (Some(1), "1 byte follows the transaction".to_owned());
        assert_eq!(refused(format!("{tx}00\n").as_bytes()), followed);
        let cut = (Some(1), "the bytes end inside a transaction".to_owned());
        assert_eq!(refused(&tx.as_bytes()[..tx.len() - 2]), cut);
        assert_eq!(refused(b"psbt\xff\x01\x00").1, "this is a PSBT, not a transaction");
        assert_eq!(refused(b"\x01\x02\x03").1, "the bytes end inside a transaction");
    }

    #[test]
    fn a_supplied_transaction_fills_only_inputs_without_one() {
        let honest = Request::from_bytes(HONEST).unwrap().psbt().clone();
        let mut psbt = honest.clone();
        let prev = psbt.inputs[0].non_witness_utxo.take().unwrap();
        // Another input's own previous transaction is never replaced, even by a different one.
        let other = psbt.inputs.len() - 1;
        assert!(other > 0 && psbt.inputs[other].non_witness_utxo.is_some());
        let unrelated = honest.unsigned_tx.clone();
        let unused = supply(&mut psbt, &[unrelated, prev]).unwrap();
        assert_eq!(unused, [0]);
        assert_eq!(psbt, honest);
    }

    #[test]
    fn copies_of_one_large_transaction_are_bounded() {
        let mut psbt = Request::from_bytes(HONEST).unwrap().psbt().clone();
        let mut prev = psbt.inputs[0].non_witness_utxo.take().unwrap();
        let outpoint = psbt.unsigned_tx.input[0].previous_output;
        // A transaction of about 1 MB whose txid the input's outpoint names: the outpoint is
        // rewritten to it, as a crafted request would name one.
        let big = vec![0x6a; 1_000_000];
        prev.output.push(miniscript::bitcoin::TxOut {
            value: miniscript::bitcoin::Amount::ZERO,
            script_pubkey: miniscript::bitcoin::ScriptBuf::from_bytes(big),
        });
        let txid = prev.compute_txid();
        let template = psbt.unsigned_tx.input[0].clone();
        let input = psbt.inputs[0].clone();
        psbt.unsigned_tx.input.clear();
        psbt.inputs.clear();
        for vout in 0..110 {
            let mut txin = template.clone();
            txin.previous_output = miniscript::bitcoin::OutPoint { txid, vout };
            psbt.unsigned_tx.input.push(txin);
            psbt.inputs.push(input.clone());
        }
        assert_ne!(outpoint.txid, txid);
        let limit = MAX_REQUEST_BYTES;
        assert_eq!(
            supply(&mut psbt, std::slice::from_ref(&prev)),
            Err(RequestError::PrevTxCopiesTooLarge { limit })
        );
    }
}
