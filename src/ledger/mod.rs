//! The replay ledger (SPEC 2.5): binds an approved intent to one unsigned transaction.
//!
//! The verifier takes any [`Ledger`]; [`SqliteLedger`] is the file-backed one the command
//! line uses by default, `PostgresLedger` (feature `postgres`) the one that several machines
//! share, and [`MemoryLedger`] serves tests and single-process embedders. `docs/ledger.md`
//! says what a ledger guarantees and what it does not.

use std::collections::HashMap;
use std::sync::Mutex;

use miniscript::bitcoin::Txid;

mod error;

pub use self::error::LedgerError;

/// What a ledger operation returns; the error is [`LedgerError`] unless another is named.
pub type Result<T, E = LedgerError> = core::result::Result<T, E>;

/// A store of (wallet, intent id) → unsigned txid bindings.
///
/// Implementations must make [`Ledger::bind`] atomic: when several verifications bind the
/// same intent at once, exactly one txid wins and every call returns that winner.
pub trait Ledger {
    /// Returns the txid the intent is bound to, if any.
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when the store cannot be read.
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>>;

    /// Binds the intent to `txid` unless it is bound already, and returns the txid it is
    /// bound to after the call: `txid` itself, or the earlier binding.
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when the store cannot be read or written.
    fn bind(&self, wallet: &str, intent_id: &str, digest: &str, txid: Txid) -> Result<Txid>;
}

/// A ledger in memory, for tests and for embedders that keep bindings themselves.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    bindings: Mutex<HashMap<(String, String), Txid>>,
}

impl MemoryLedger {
    /// Creates an empty ledger.
    pub fn new() -> Self {
        MemoryLedger::default()
    }
}

impl Ledger for MemoryLedger {
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>> {
        let map = self
            .bindings
            .lock()
            .map_err(|_| LedgerError::new("the in-memory ledger is poisoned"))?;
        Ok(map.get(&(wallet.to_owned(), intent_id.to_owned())).copied())
    }

    fn bind(&self, wallet: &str, intent_id: &str, _digest: &str, txid: Txid) -> Result<Txid> {
        let mut map = self
            .bindings
            .lock()
            .map_err(|_| LedgerError::new("the in-memory ledger is poisoned"))?;
        Ok(*map.entry((wallet.to_owned(), intent_id.to_owned())).or_insert(txid))
    }
}

#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteLedger;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresLedger, PostgresOptions};
