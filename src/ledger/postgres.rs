//! The replay ledger on PostgreSQL: one table that every verifier pointed at the database
//! shares, so a custodian's replicas bind each intent to one transaction between them.
//!
//! Trusts: the database server, and whoever may write its `intentguard_*` tables.
//!
//! The SQL, the guarantees and the deployment notes are in `docs/ledger.md`; the statements
//! below are quoted there verbatim (a unit test checks it).
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
use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::task::Poll;
use std::time::{Duration, Instant};

use miniscript::bitcoin::Txid;
use tokio_postgres::config::Host;
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Config, Connection, NoTls, Socket};

use super::Ledger;
use super::LedgerError;

/// The schema version table; one row, created under the migration lock.
const CREATE_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS intentguard_schema_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   integer NOT NULL
)";

/// Serialises migrations of every intentguard process on the database; released at commit.
/// The key is the ASCII of "intentgd" read as a big-endian 64-bit integer.
const LOCK_MIGRATION: &str = "SELECT pg_advisory_xact_lock(7597137600414246756)";

const READ_VERSION: &str = "SELECT version FROM intentguard_schema_version";

const WRITE_VERSION: &str = "INSERT INTO intentguard_schema_version (version) VALUES ($1)
ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version";

/// Migration `n` (1-based) takes the schema from version `n - 1` to `n`.
const MIGRATIONS: [&str; 1] = ["CREATE TABLE intentguard_bindings (
    wallet    text        NOT NULL,
    intent_id text        NOT NULL,
    digest    text        NOT NULL,
    txid      text        NOT NULL CHECK (txid ~ '^[0-9a-f]{64}$'),
    bound_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (wallet, intent_id)
)"];

const BOUND: &str = "SELECT txid FROM intentguard_bindings WHERE wallet = $1 AND intent_id = $2";

/// Check-and-bind in one statement. Inserts the binding; when the key exists, or a
/// concurrent insert of it commits first, takes the `DO UPDATE` branch on that row, which
/// rewrites `txid` with its own value and returns it: the first committed txid.
const BIND: &str = "INSERT INTO intentguard_bindings AS b (wallet, intent_id, digest, txid)
VALUES ($1, $2, $3, $4)
ON CONFLICT (wallet, intent_id) DO UPDATE SET txid = b.txid
RETURNING txid";

/// Idle TCP keepalive probes on pooled connections, unless the URL sets `keepalives_idle`.
const KEEPALIVES_IDLE: Duration = Duration::from_secs(30);
/// tokio-postgres's default for `keepalives_idle`, which means "not set by the URL".
const DRIVER_KEEPALIVES_IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// How a [`PostgresLedger`] connects: its deadline and its pool size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresOptions {
    deadline: Duration,
    max_connections: usize,
}

impl PostgresOptions {
    /// The default deadline of one ledger operation: 10 seconds.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
    /// The default number of connections a ledger keeps open at most: 4.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 4;

    /// Returns the defaults: [`Self::DEFAULT_DEADLINE`], [`Self::DEFAULT_MAX_CONNECTIONS`].
    pub fn new() -> Self {
        PostgresOptions {
            deadline: Self::DEFAULT_DEADLINE,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
        }
    }

    /// Sets the time one ledger operation may take in all: waiting for a free connection,
    /// connecting and authenticating, the schema check and the check-and-bind statement.
    ///
    /// When it passes, the operation fails with [`LedgerError`] and its connection is closed.
    /// The server is also told to cancel any statement running longer
    /// (`statement_timeout`), so a statement stuck on a lock does not outlive the caller.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets how many connections the ledger opens at most (at least 1). Callers beyond that
    /// wait for a free connection, within their deadline. Idle connections are kept for the
    /// next operation.
    pub fn with_max_connections(mut self, max_connections: usize) -> Self {
        self.max_connections = max_connections.max(1);
        self
    }

    /// Returns the deadline of one operation.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// Returns the largest number of connections open at once.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions::new()
    }
}

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

/// Connections that are idle, and how many are open in all (idle or in use).
struct Pool {
    idle: Vec<Conn>,
    open: usize,
}

/// One connection: the client half sends requests, the connection half does the socket I/O
/// and is polled only while an operation runs (see [`drive`]).
struct Conn {
    client: Client,
    connection: Connection<Socket, NoTlsStream>,
}

/// What a ledger operation does.
enum Op<'a> {
    Bound { wallet: &'a str, intent_id: &'a str },
    Bind { wallet: &'a str, intent_id: &'a str, digest: &'a str, txid: Txid },
    Migrate,
}

impl Op<'_> {
    /// What the operation does, for messages.
    fn what(&self) -> &'static str {
        match self {
            Op::Bound { .. } => "read a binding",
            Op::Bind { .. } => "check and bind the intent",
            Op::Migrate => "migrate the schema",
        }
    }
}

/// Why an operation failed, before it becomes a message.
enum Fail {
    /// The driver or the server reported an error.
    Driver(tokio_postgres::Error),
    /// The connection ended while a request was outstanding.
    Closed,
    /// The database's schema is newer than this code.
    NewerSchema(i32),
    /// The database holds something this code cannot read.
    Corrupt(String),
}

impl From<tokio_postgres::Error> for Fail {
    fn from(e: tokio_postgres::Error) -> Self {
        Fail::Driver(e)
    }
}

impl Fail {
    /// Whether a pooled connection failed because it had gone stale (closed by the server,
    /// a restart, a network cut), so that one retry on a fresh connection is worth it.
    fn stale(&self) -> bool {
        match self {
            Fail::Closed => true,
            Fail::Driver(e) => match e.code() {
                // admin_shutdown, crash_shutdown, cannot_connect_now: "terminating connection".
                Some(code) => code.code().starts_with("57P"),
                None => true,
            },
            Fail::NewerSchema(_) | Fail::Corrupt(_) => false,
        }
    }
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
        tune(&mut config, options.deadline);
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
    fn run(&self, op: &Op<'_>) -> Result<Option<Txid>, LedgerError> {
        let deadline = Instant::now().checked_add(self.options.deadline).ok_or_else(|| {
            self.error(format!("the deadline {:?} is too far away", self.options.deadline))
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
                    self.options.deadline,
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
    async fn attempt(
        &self,
        conn: &mut Option<Conn>,
        op: &Op<'_>,
    ) -> Result<Option<Txid>, LedgerError> {
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

    /// Takes an idle connection, or the right to open one, waiting until `deadline` when
    /// all are in use.
    fn acquire(&self, deadline: Instant, op: &Op<'_>) -> Result<Slot<'_>, LedgerError> {
        let mut pool = self.lock_pool();
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(Slot { ledger: self, conn: Some(conn) });
            }
            if pool.open < self.options.max_connections {
                pool.open = pool.open.saturating_add(1);
                return Ok(Slot { ledger: self, conn: None });
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            if wait.is_zero() {
                return Err(self.error(format!(
                    "all {} connections stayed busy for the {:?} deadline (to {})",
                    self.options.max_connections,
                    self.options.deadline,
                    op.what()
                )));
            }
            pool = match self.freed.wait_timeout(pool, wait) {
                Ok((pool, _)) => pool,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    fn lock_pool(&self) -> MutexGuard<'_, Pool> {
        // The pool's state stays consistent whatever panicked while holding the lock.
        self.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A ledger error about this database, scrubbed of the password.
    fn error(&self, message: impl fmt::Display) -> LedgerError {
        LedgerError::new(redact(&format!("{}: {message}", self.target), &self.secrets))
    }

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
    fn bound(&self, wallet: &str, intent_id: &str) -> Result<Option<Txid>, LedgerError> {
        self.run(&Op::Bound { wallet, intent_id })
    }

    fn bind(
        &self,
        wallet: &str,
        intent_id: &str,
        digest: &str,
        txid: Txid,
    ) -> Result<Txid, LedgerError> {
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

/// A connection taken from the pool (or the right to open one), given back on drop: kept
/// idle when `conn` holds one that succeeded, closed otherwise.
struct Slot<'a> {
    ledger: &'a PostgresLedger,
    conn: Option<Conn>,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut pool = self.ledger.lock_pool();
        match self.conn.take() {
            Some(conn) => pool.idle.push(conn),
            None => pool.open = pool.open.saturating_sub(1),
        }
        drop(pool);
        self.ledger.freed.notify_one();
    }
}

/// Runs `op` on `conn`.
async fn execute(conn: &mut Conn, op: &Op<'_>) -> Result<Option<Txid>, Fail> {
    match op {
        Op::Bound { wallet, intent_id } => {
            let Conn { client, connection } = conn;
            let row = drive(
                connection,
                client.query_typed_opt(BOUND, &[(wallet, Type::TEXT), (intent_id, Type::TEXT)]),
            )
            .await?;
            row.map(|row| parse_txid(&row)).transpose()
        }
        Op::Bind { wallet, intent_id, digest, txid } => {
            let Conn { client, connection } = conn;
            let text = txid.to_string();
            let row = drive(
                connection,
                client.query_typed_one(
                    BIND,
                    &[
                        (wallet, Type::TEXT),
                        (intent_id, Type::TEXT),
                        (digest, Type::TEXT),
                        (&text, Type::TEXT),
                    ],
                ),
            )
            .await?;
            parse_txid(&row).map(Some)
        }
        Op::Migrate => ensure_schema(conn, true).await.map(|()| None),
    }
}

/// Checks the schema version and migrates when it is older than this code's. Without
/// `force`, a database already at [`PostgresLedger::SCHEMA_VERSION`] costs one read and
/// no lock.
async fn ensure_schema(conn: &mut Conn, force: bool) -> Result<(), Fail> {
    if !force {
        match read_version(conn).await {
            Ok(version) if version == PostgresLedger::SCHEMA_VERSION => return Ok(()),
            Ok(version) if version > PostgresLedger::SCHEMA_VERSION => {
                return Err(Fail::NewerSchema(version));
            }
            Ok(_) => {}
            Err(Fail::Driver(e)) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => {}
            Err(e) => return Err(e),
        }
    }
    let Conn { client, connection } = conn;
    // One transaction behind a transaction-scoped advisory lock: processes meeting an empty
    // database at once queue here, and each one after the first finds the work done.
    drive(
        connection,
        client.batch_execute(&format!("BEGIN; {LOCK_MIGRATION}; {CREATE_VERSION_TABLE}")),
    )
    .await?;
    let version = read_version(conn).await?;
    if version > PostgresLedger::SCHEMA_VERSION {
        return Err(Fail::NewerSchema(version));
    }
    let Conn { client, connection } = conn;
    let done = usize::try_from(version)
        .map_err(|_| Fail::Corrupt(format!("the schema version is {version}")))?;
    for migration in MIGRATIONS.iter().skip(done) {
        drive(connection, client.batch_execute(migration)).await?;
    }
    if version < PostgresLedger::SCHEMA_VERSION {
        drive(
            connection,
            client.execute_typed(WRITE_VERSION, &[(&PostgresLedger::SCHEMA_VERSION, Type::INT4)]),
        )
        .await?;
    }
    drive(connection, client.batch_execute("COMMIT")).await?;
    Ok(())
}

/// Reads the schema version: 0 when the table is empty.
async fn read_version(conn: &mut Conn) -> Result<i32, Fail> {
    let Conn { client, connection } = conn;
    let row = drive(connection, client.query_typed_opt(READ_VERSION, &[])).await?;
    match row {
        None => Ok(0),
        Some(row) => row.try_get(0).map_err(Fail::Driver),
    }
}

fn parse_txid(row: &tokio_postgres::Row) -> Result<Txid, Fail> {
    let text: &str = row.try_get(0).map_err(Fail::Driver)?;
    text.parse().map_err(|_| {
        Fail::Corrupt(format!("the ledger holds a txid that does not parse: {text:?}"))
    })
}

/// Polls `work` and the connection that serves it together, until `work` completes or the
/// connection ends. The connection is not spawned on the runtime: it is polled only here, so
/// a connection dropped by a deadline or an error leaves no task behind.
async fn drive<T>(
    connection: &mut Connection<Socket, NoTlsStream>,
    work: impl Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, Fail> {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(out.map_err(Fail::Driver));
        }
        match Pin::new(&mut *connection).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => Poll::Ready(Err(Fail::Closed)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(Fail::Driver(e))),
        }
    })
    .await
}

/// Sets what the ledger relies on, where the URL leaves it unset: a connect timeout and a
/// server-side `statement_timeout` of one deadline, TCP keepalives that notice a dead peer
/// of an idle pooled connection, and an application name for `pg_stat_activity`.
fn tune(config: &mut Config, deadline: Duration) {
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(deadline);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(deadline);
    }
    if config.get_keepalives_idle() == DRIVER_KEEPALIVES_IDLE {
        config.keepalives_idle(KEEPALIVES_IDLE);
    }
    if config.get_application_name().is_none() {
        config.application_name("intentguard");
    }
    let options = config.get_options().unwrap_or_default();
    if !options.contains("statement_timeout") {
        let millis = u64::try_from(deadline.as_millis()).unwrap_or(u64::MAX).max(1);
        let options = format!("{options} -c statement_timeout={millis}");
        config.options(options.trim_start());
    }
}

/// `Postgres://…` and `POSTGRESQL://…` as the driver spells them (it reads lower case only).
fn normalise_scheme(url: &str) -> String {
    for scheme in ["postgresql://", "postgres://"] {
        if let Some((head, rest)) = url.split_at_checked(scheme.len()) {
            if head.eq_ignore_ascii_case(scheme) {
                return format!("{scheme}{rest}");
            }
        }
    }
    url.to_owned()
}

/// The password of a `scheme://user:password@…` URL, as written and percent-decoded.
fn url_password(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        if let Some((credentials, _)) = rest.split_once('@') {
            if let Some((_, password)) = credentials.split_once(':') {
                secrets.push(password.to_owned());
                secrets.push(percent_decode(password));
            }
        }
    }
    secrets
}

/// Whatever in a URL that does not parse may be a password, so that the parser's message can
/// be scrubbed of it: the URL's password, and everything after `password=` in a URL's
/// parameters or a `key=value` string, whole and word by word.
fn possible_secrets(url: &str) -> Vec<String> {
    let mut secrets = url_password(url);
    for (i, _) in url.match_indices("password") {
        let after = url.get(i..).unwrap_or_default();
        let value = after.split_once('=').map(|(_, v)| v).unwrap_or_default();
        let value = value.split('&').next().unwrap_or_default().trim();
        secrets.push(value.to_owned());
        secrets.push(percent_decode(value));
        secrets.extend(value.split_whitespace().map(|w| w.trim_matches('\'').to_owned()));
    }
    tidy(secrets)
}

/// Secrets without empty ones or repeats, longest first (see [`redact`]).
fn tidy(mut secrets: Vec<String>) -> Vec<String> {
    secrets.retain(|s| !s.is_empty());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            if let Some(byte) = tail
                .get(..2)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                rest = tail.get(2..).unwrap_or_default();
                continue;
            }
        }
        out.push(first);
        rest = tail;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with every secret replaced by `***`; longest first, so that no part of a longer
/// secret survives the replacement of a shorter one.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "***");
        }
    }
    text
}

/// An error and its sources on one line: the driver's `Display` leaves out the cause
/// ("db error", "error connecting to server") and the server's message has DETAIL lines.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text.replace('\n', "; ")
}

/// The database as `postgres://user@host:port,host:port/dbname`, without the password.
fn describe_target(config: &Config) -> String {
    let user = config.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string().replace('/', "%2F"),
            };
            match ports.get(i).or_else(|| ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let dbname = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{dbname}", hosts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hunter2-S3cr%40t";

    #[test]
    fn schema_version_counts_the_migrations() {
        assert_eq!(usize::try_from(PostgresLedger::SCHEMA_VERSION).unwrap(), MIGRATIONS.len());
    }

    #[test]
    fn docs_quote_the_sql_verbatim() {
        let docs = include_str!("../../docs/ledger.md");
        for sql in [CREATE_VERSION_TABLE, LOCK_MIGRATION, READ_VERSION, WRITE_VERSION, BOUND, BIND]
            .into_iter()
            .chain(MIGRATIONS)
        {
            assert!(docs.contains(sql), "docs/ledger.md does not quote:\n{sql}");
        }
    }

    #[test]
    fn lock_key_is_intentgd() {
        let key = i64::from_be_bytes(*b"intentgd");
        assert_eq!(LOCK_MIGRATION, format!("SELECT pg_advisory_xact_lock({key})"));
    }

    #[test]
    fn target_names_the_database_without_the_password() {
        let ledger = PostgresLedger::new(&format!(
            "POSTGRESQL://ig:{SECRET}@db.example:6543/ledger?sslmode=disable"
        ))
        .unwrap();
        assert_eq!(ledger.target(), "postgres://ig@db.example:6543/ledger");
        assert!(!format!("{ledger:?}").contains("hunter2"));
        let ledger = PostgresLedger::new("postgres://ig@%2Ftmp%2Fpg:5433/l").unwrap();
        assert_eq!(ledger.target(), "postgres://ig@%2Ftmp%2Fpg:5433/l");
        let ledger = PostgresLedger::new("host=::1 port=5432 user=u dbname=d password=x").unwrap();
        assert_eq!(ledger.target(), "postgres://u@[::1]:5432/d");
    }

    #[test]
    fn urls_that_do_not_parse_are_refused_without_the_password() {
        for url in [
            format!("postgres://ig:{SECRET}@host:notaport/db"),
            format!("postgres://ig:{SECRET}@host/db?{SECRET}=1"),
            format!("user=ig password={SECRET} bogus={SECRET}"),
            "user=ig password=hunter2 S3cr3t".to_owned(),
        ] {
            let e = PostgresLedger::new(&url).unwrap_err().to_string();
            assert!(
                e.starts_with("the replay ledger failed: the PostgreSQL URL does not parse"),
                "{e}"
            );
            for part in ["hunter2", "S3cr", "%40t"] {
                assert!(!e.contains(part), "{e}");
            }
        }
    }

    #[test]
    fn secrets_are_found_as_written_and_decoded() {
        let secrets = url_password(&format!("postgres://ig:{SECRET}@h/d"));
        assert!(secrets.contains(&SECRET.to_owned()));
        assert!(secrets.contains(&"hunter2-S3cr@t".to_owned()));
        assert_eq!(redact("a hunter2-S3cr@t b", &secrets), "a *** b");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("a%2Fb%zz"), "a/b%zz");
    }

    #[test]
    fn tuning_keeps_what_the_url_sets() {
        let mut config: Config =
            "postgres://u@h/d?connect_timeout=3&options=-c%20statement_timeout%3D5"
                .parse()
                .unwrap();
        tune(&mut config, Duration::from_millis(1500));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(config.get_options(), Some("-c statement_timeout=5"));
        assert_eq!(config.get_application_name(), Some("intentguard"));
        let mut config: Config = "postgres://u@h/d?options=-c%20search_path%3Dx".parse().unwrap();
        tune(&mut config, Duration::from_millis(1500));
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_millis(1500)));
        assert_eq!(config.get_options(), Some("-c search_path=x -c statement_timeout=1500"));
        assert_eq!(config.get_keepalives_idle(), KEEPALIVES_IDLE);
    }

    #[test]
    fn options_have_documented_defaults() {
        let options = PostgresOptions::default();
        assert_eq!(options.deadline(), Duration::from_secs(10));
        assert_eq!(options.max_connections(), 4);
        assert_eq!(options.with_max_connections(0).max_connections(), 1);
    }

    #[test]
    fn works_from_inside_an_async_runtime_without_panicking() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let ledger = std::sync::Arc::new(
            PostgresLedger::new(&format!("postgres://u:{SECRET}@127.0.0.1:{port}/d")).unwrap(),
        );
        let outer = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let in_task = outer.block_on(async { ledger.bound("w", "i") }).unwrap_err();
        assert!(in_task.to_string().contains("cannot connect"), "{in_task}");
        let shared = std::sync::Arc::clone(&ledger);
        let in_blocking = outer
            .block_on(
                async move { tokio::task::spawn_blocking(move || shared.bound("w", "i")).await },
            )
            .unwrap()
            .unwrap_err();
        assert!(in_blocking.to_string().contains("cannot connect"), "{in_blocking}");
        // Dropping the ledger (and its runtime) inside a task does not panic either.
        outer.block_on(async move { drop(ledger) });
    }

    #[test]
    fn ledger_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<PostgresLedger>();
    }
}
