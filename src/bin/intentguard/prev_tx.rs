//! `--prev-tx FILE`: previous transactions supplied beside the PSBT (SPEC 3), read with the
//! request's size cap; the library decides which inputs they serve.

use std::path::PathBuf;

use intentguard::bitcoin::Transaction;

use crate::files::{describe, read_capped};
use crate::outcome::{write_stderr, Failure};

/// The transactions of every `--prev-tx` file, in order, each with the file it came from.
pub struct Supplied {
    txs: Vec<Transaction>,
    files: Vec<String>,
}

impl Supplied {
    /// Reads every file.
    ///
    /// # Errors
    ///
    /// An `IO` failure for a file that cannot be read; `PSBT_MALFORMED`, naming the file, for
    /// one that is not raw transaction bytes or hex transactions one per line.
    pub fn read(paths: &[PathBuf]) -> Result<Supplied, Failure> {
        let mut supplied = Supplied { txs: Vec::new(), files: Vec::new() };
        for path in paths {
            let bytes =
                read_capped(path, false, intentguard::MAX_REQUEST_BYTES, "previous transaction")?;
            let file = describe(path, false);
            let txs = intentguard::parse_prev_txs(&bytes).map_err(|e| {
                Failure::library(Some(&file), &e.into()).advise(
                    "give each previous transaction as raw bytes, or as hex one per line as `bitcoin-cli getrawtransaction TXID` prints it",
                )
            })?;
            supplied.files.extend(std::iter::repeat_n(file, txs.len()));
            supplied.txs.extend(txs);
        }
        Ok(supplied)
    }

    /// The transactions, in file order.
    pub fn txs(&self) -> &[Transaction] {
        &self.txs
    }

    /// Says on standard error which supplied transactions no input spends (SPEC 3: they are
    /// ignored with a note).
    pub fn note_unused(&self, unused: &[usize]) {
        for &i in unused {
            if let (Some(tx), Some(file)) = (self.txs.get(i), self.files.get(i)) {
                write_stderr(&format!(
                    "note: {file}: transaction {} is spent by no input of the PSBT; ignored\n",
                    tx.compute_txid()
                ));
            }
        }
    }
}
