//! The replay ledger in an SQLite file (feature `sqlite`): the command line's default store.
//!
//! Trusts: the file, and whoever may write it; SQLite's locking for the atomicity of
//! check-and-bind between processes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use miniscript::bitcoin::Txid;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{Ledger, LedgerError, Result};

/// How long a verification waits for another one holding the ledger.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The schema this code writes; a newer one is refused.
const SCHEMA_VERSION: i64 = 1;

/// A ledger in an SQLite file, safe to share between processes.
///
/// Check-and-bind runs in an `IMMEDIATE` transaction, so two verifications of the same
/// intent serialise on the file's write lock and the second sees the first's binding.
#[derive(Debug)]
pub struct SqliteLedger {
    connection: Connection,
    path: PathBuf,
}

impl SqliteLedger {
    /// Opens the ledger at `path`, creating the file and its table when missing.
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when the file cannot be opened or created, is not an
    /// SQLite database, or holds a schema newer than this version knows.
    pub fn open(path: &Path) -> Result<SqliteLedger, LedgerError> {
        let fail = |what: &str, e: rusqlite::Error| {
            LedgerError::new(format!("{}: {what}: {e}", path.display()))
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection =
            Connection::open_with_flags(path, flags).map_err(|e| fail("cannot open", e))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| fail("cannot set the busy timeout", e))?;
        let ledger = SqliteLedger { connection, path: path.to_owned() };
        ledger.migrate()?;
        Ok(ledger)
    }

    /// Returns the file this ledger uses.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: &str, e: rusqlite::Error) -> LedgerError {
        LedgerError::new(format!("{}: {what}: {e}", self.path.display()))
    }

    fn migrate(&self) -> Result<(), LedgerError> {
        // IMMEDIATE: take the write lock before reading the version, so that processes
        // creating the same file at once wait for each other (busy timeout) instead of
        // failing to upgrade a read lock.
        let tx =
            rusqlite::Transaction::new_unchecked(&self.connection, TransactionBehavior::Immediate)
                .map_err(|e| self.error("cannot start the schema transaction", e))?;
        let version: i64 =
            tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|e| {
                self.error("cannot read the schema version (is this an SQLite ledger?)", e)
            })?;
        if version > SCHEMA_VERSION {
            return Err(LedgerError::new(format!(
                "{}: schema version {version} is newer than this intentguard knows ({SCHEMA_VERSION}); upgrade intentguard",
                self.path.display()
            )));
        }
        if version < SCHEMA_VERSION {
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS bindings (
                    wallet    TEXT NOT NULL,
                    intent_id TEXT NOT NULL,
                    digest    TEXT NOT NULL,
                    txid      TEXT NOT NULL,
                    bound_at  INTEGER NOT NULL,
                    PRIMARY KEY (wallet, intent_id)
                );
                PRAGMA user_version = 1;",
            )
            .map_err(|e| self.error("cannot create the bindings table", e))?;
        }
        tx.commit().map_err(|e| self.error("cannot commit the schema", e))
    }

    fn parse_txid(&self, text: &str) -> Result<Txid, LedgerError> {
        text.parse().map_err(|_| {
            LedgerError::new(format!(
                "{}: holds a txid that does not parse: {text:?}",
                self.path.display()
            ))
        })
    }
}

impl Ledger for SqliteLedger {
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>> {
        let text: Option<String> = self
            .connection
            .query_row(
                "SELECT txid FROM bindings WHERE wallet = ?1 AND intent_id = ?2",
                [wallet, intent_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error("cannot read a binding", e))?;
        text.map(|t| self.parse_txid(&t)).transpose()
    }

    fn bind(&self, wallet: &str, intent_id: &str, digest: &str, txid: Txid) -> Result<Txid> {
        let tx =
            rusqlite::Transaction::new_unchecked(&self.connection, TransactionBehavior::Immediate)
                .map_err(|e| self.error("cannot lock the ledger", e))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        tx.execute(
            "INSERT INTO bindings (wallet, intent_id, digest, txid, bound_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (wallet, intent_id) DO NOTHING",
            rusqlite::params![wallet, intent_id, digest, txid.to_string(), now],
        )
        .map_err(|e| self.error("cannot write a binding", e))?;
        let text: String = tx
            .query_row(
                "SELECT txid FROM bindings WHERE wallet = ?1 AND intent_id = ?2",
                [wallet, intent_id],
                |row| row.get(0),
            )
            .map_err(|e| self.error("cannot read back a binding", e))?;
        tx.commit().map_err(|e| self.error("cannot commit a binding", e))?;
        self.parse_txid(&text)
    }
}
