//! The replay ledger on PostgreSQL: one table that every verifier pointed at the database
//! shares, so a custodian's replicas bind each intent to one transaction between them.
//!
//! Trusts: the database server, and whoever may write its `intentguard_*` tables.
//!
//! The SQL, the guarantees and the deployment notes are in `docs/ledger.md`; the statements
//! in `sql` are quoted there verbatim (a unit test checks it).
//!
//! This module owns the ledger and the run of one operation (deadline, retry, messages);
//! `options` the settings a caller or the URL gives, `url` the URL and its password, `pool`
//! the connections, `sql` the statements and the schema.
//!
//! Every operation runs under one deadline ([`PostgresOptions::with_deadline`]) that covers
//! waiting for a pooled connection, connecting (TCP, startup, authentication), the schema
//! check and the statement. The client runs on [`tokio_postgres`] with a private
//! single-threaded runtime rather than on the blocking `postgres` crate: that crate's only
//! limit, `connect_timeout`, covers the socket connect and nothing after it, so a server that
//! accepts and never answers would block a verification for ever. Here the whole operation is
//! one future under `tokio::time::timeout_at`; when it fires, the future and its socket are
//! dropped, and nothing is left behind.

use std::fmt;
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use miniscript::bitcoin::Txid;
use tokio_postgres::{Config, NoTls};

use super::{Ledger, LedgerError, Result};

mod options;
mod pool;
mod sql;
#[cfg(test)]
mod tests;
mod url;

use self::options::tune;
pub use self::options::PostgresOptions;
use self::pool::{Conn, Pool};
use self::sql::{ensure_schema, execute, Fail, Op};
use self::url::{
    chain, describe_target, normalise_scheme, possible_secrets, redact, tidy, url_password,
};

/// A ledger in a PostgreSQL database, shared by every verifier that points at it.
///
/// Creating one does no I/O: each [`Ledger`] call takes a pooled connection or opens one
/// (and then checks the schema, creating or upgrading it under an advisory lock), and runs
/// one statement, all within the deadline of [`PostgresOptions`]. Check-and-bind is a single
/// `INSERT … ON CONFLICT … DO UPDATE … RETURNING` statement, atomic at the default isolation
/// level (READ COMMITTED): however many processes bind the same intent at once, one txid
/// wins and every call returns it.
///
/// The ledger is `Send` and `Sync`: a backend shares one (in an `Arc`) between the threads
/// that verify requests. Its methods block (for at most the deadline); from async code,
/// call `verify` in `spawn_blocking`. Called from inside a tokio runtime's context, an
/// operation runs on a short-lived thread of its own, since tokio forbids blocking on one
/// runtime from within another.
///
/// Connections are made without TLS; see `docs/ledger.md` for where the database may sit.
///
/// # Security
///
/// Messages never contain the password: errors name the database as
/// `postgres://user@host:port/dbname`, and any text from the driver or the server is
/// scrubbed of the password before it is returned.
pub struct PostgresLedger {
    config: Config,
    target: String,
    secrets: Vec<String>,
    options: PostgresOptions,
    /// `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
    pool: Mutex<Pool>,
    freed: Condvar,
}

impl PostgresLedger {
    /// The schema version this code creates and reads; a database at a newer one is refused.
    pub const SCHEMA_VERSION: i32 = 1;

    /// Prepares a ledger for the database at `url`, with [`PostgresOptions::default`].
    ///
    /// `url` is a `postgres://` or `postgresql://` URL (the scheme in any case), or a
    /// libpq-style `key=value` string, as [`tokio_postgres::Config`] reads them. No
    /// connection is made until the first [`Ledger`] call.
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when `url` does not parse. The message does not repeat it.
    pub fn new(url: &str) -> Result<PostgresLedger, LedgerError> {
        PostgresLedger::with_options(url, PostgresOptions::default())
    }

    /// Prepares a ledger for the database at `url` with these options; see [`Self::new`].
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when `url` does not parse, or the runtime that drives the
    /// connections cannot be created.
    pub fn with_options(
        url: &str,
        options: PostgresOptions,
    ) -> Result<PostgresLedger, LedgerError> {
        let url = normalise_scheme(url);
        let mut config: Config = url.parse().map_err(|e: tokio_postgres::Error| {
            LedgerError::new(redact(
                &format!("the PostgreSQL URL does not parse: {}", chain(&e)),
                &possible_secrets(&url),
            ))
        })?;
        let mut secrets = url_password(&url);
        if let Some(password) = config.get_password() {
            secrets.push(String::from_utf8_lossy(password).into_owned());
        }
        let secrets = tidy(secrets);
        let target = redact(&describe_target(&config), &secrets);
        tune(&mut config, options.deadline());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| {
                LedgerError::new(format!("{target}: cannot start the PostgreSQL client: {e}"))
            })?;
        Ok(PostgresLedger {
            config,
            target,
            secrets,
            options,
            runtime: Some(runtime),
            pool: Mutex::new(Pool { idle: Vec::new(), open: 0 }),
            freed: Condvar::new(),
        })
    }

    /// Returns the database this ledger uses, as `postgres://user@host:port/dbname`: the
    /// URL without its password and parameters, as messages name it.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Returns the options this ledger was made with.
    pub fn options(&self) -> PostgresOptions {
        self.options
    }

    /// Creates or upgrades the schema now, under the migration lock, even if a connection
    /// has checked it already. A deployment step may call it; verifiers need not, since
    /// every new connection checks the schema version and migrates when it is older.
    /// Running it again is a no-op.
    ///
    /// # Errors
    ///
    /// Returns [`LedgerError`] when the database cannot be reached within the deadline, the
    /// migration fails, or the schema is newer than [`Self::SCHEMA_VERSION`].
    pub fn migrate(&self) -> Result<(), LedgerError> {
        self.run(&Op::Migrate).map(|_| ())
    }

    /// Runs `op` under the deadline on a pooled or new connection.
    fn run(&self, op: &Op<'_>) -> Result<Option<Txid>> {
        let deadline = Instant::now().checked_add(self.options.deadline()).ok_or_else(|| {
            self.error(format!("the deadline {:?} is too far away", self.options.deadline()))
        })?;
        let runtime =
            self.runtime.as_ref().ok_or_else(|| self.error("the ledger is shutting down"))?;
        let mut slot = self.acquire(deadline, op)?;
        let conn = &mut slot.conn;
        // The timer is made inside the runtime: tokio's timers need its context.
        let mut work = || {
            runtime.block_on(async {
                let deadline = tokio::time::Instant::from_std(deadline);
                tokio::time::timeout_at(deadline, self.attempt(conn, op)).await
            })
        };
        // tokio refuses (panics) to block on a runtime from a thread that is inside another
        // runtime's context: an async task, or `spawn_blocking`. There, the operation runs
        // on a thread of its own, and this one waits for it.
        let outcome = if tokio::runtime::Handle::try_current().is_ok() {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name("intentguard-ledger".to_owned())
                    .spawn_scoped(scope, work)
                    .map_err(|e| self.error(format!("cannot start a thread: {e}")))?
                    .join()
                    .map_err(|_| self.error(format!("the thread to {} panicked", op.what())))
            })?
        } else {
            work()
        };
        match outcome {
            Ok(Ok(txid)) => Ok(txid),
            Ok(Err(e)) => {
                slot.conn = None;
                Err(e)
            }
            Err(_elapsed) => {
                slot.conn = None;
                Err(self.error(format!(
                    "no answer within the {:?} deadline (to connect and {})",
                    self.options.deadline(),
                    op.what()
                )))
            }
        }
    }

    /// Runs `op` on the pooled connection in `conn`, if any, retrying once on a new one when
    /// the pooled one turns out stale; leaves the connection that succeeded in `conn`.
    ///
    /// Retrying is safe: each operation is idempotent. Check-and-bind run again with the
    /// same txid returns the same winner, whether or not the first attempt committed.
    async fn attempt(&self, conn: &mut Option<Conn>, op: &Op<'_>) -> Result<Option<Txid>> {
        if let Some(pooled) = conn.as_mut() {
            match execute(pooled, op).await {
                Ok(txid) => return Ok(txid),
                Err(e) if e.stale() => *conn = None,
                Err(e) => {
                    *conn = None;
                    return Err(self.fail(op.what(), &e));
                }
            }
        }
        let (client, connection) = self
            .config
            .connect(NoTls)
            .await
            .map_err(|e| self.error(format!("cannot connect: {}", chain(&e))))?;
        let mut fresh = Conn { client, connection };
        if !matches!(op, Op::Migrate) {
            ensure_schema(&mut fresh, false)
                .await
                .map_err(|e| self.fail("check the schema", &e))?;
        }
        let txid = execute(&mut fresh, op).await.map_err(|e| self.fail(op.what(), &e))?;
        *conn = Some(fresh);
        Ok(txid)
    }

    /// A ledger error about this database, scrubbed of the password.
    fn error(&self, message: impl fmt::Display) -> LedgerError {
        LedgerError::new(redact(&format!("{}: {message}", self.target), &self.secrets))
    }

    /// A ledger error for a failed operation that meant to `what`.
    fn fail(&self, what: &str, fail: &Fail) -> LedgerError {
        match fail {
            Fail::Driver(e) => self.error(format!("cannot {what}: {}", chain(e))),
            Fail::Closed => self.error(format!("the connection closed before it could {what}")),
            Fail::NewerSchema(version) => self.error(format!(
                "the ledger's schema version is {version}, newer than this intentguard knows ({}); upgrade intentguard",
                Self::SCHEMA_VERSION
            )),
            Fail::Corrupt(problem) => self.error(format!("cannot {what}: {problem}")),
        }
    }
}

impl Ledger for PostgresLedger {
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>> {
        self.run(&Op::Bound { wallet, intent_id })
    }

    fn bind(&self, wallet: &str, intent_id: &str, digest: &str, txid: Txid) -> Result<Txid> {
        self.run(&Op::Bind { wallet, intent_id, digest, txid })?
            .ok_or_else(|| self.error("check-and-bind returned no row"))
    }
}

impl fmt::Debug for PostgresLedger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresLedger")
            .field("target", &self.target)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Drop for PostgresLedger {
    fn drop(&mut self) {
        // Close the sockets, then stop the runtime without waiting for a host name lookup
        // that may still be running on its blocking pool.
        self.lock_pool().idle.clear();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
