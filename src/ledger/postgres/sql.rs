//! The SQL of the PostgreSQL ledger: its statements, the schema and its migrations, and the
//! operations that run them on one connection.
//!
//! Trusts: the database server, and whoever may write its `intentguard_*` tables; a txid read
//! back that does not parse is reported, never used.

use miniscript::bitcoin::Txid;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;

use super::pool::{drive, Conn};
use super::PostgresLedger;

/// The schema version table; one row, created under the migration lock.
pub(super) const CREATE_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS intentguard_schema_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   integer NOT NULL
)";

/// Serialises migrations of every intentguard process on the database; released at commit.
/// The key is the ASCII of "intentgd" read as a big-endian 64-bit integer.
pub(super) const LOCK_MIGRATION: &str = "SELECT pg_advisory_xact_lock(7597137600414246756)";

/// Reads the schema version; no row means version 0.
pub(super) const READ_VERSION: &str = "SELECT version FROM intentguard_schema_version";

/// Records the schema version in the table's one row.
pub(super) const WRITE_VERSION: &str =
    "INSERT INTO intentguard_schema_version (version) VALUES ($1)
ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version";

/// Migration `n` (1-based) takes the schema from version `n - 1` to `n`.
pub(super) const MIGRATIONS: [&str; 1] = ["CREATE TABLE intentguard_bindings (
    wallet    text        NOT NULL,
    intent_id text        NOT NULL,
    digest    text        NOT NULL,
    txid      text        NOT NULL CHECK (txid ~ '^[0-9a-f]{64}$'),
    bound_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (wallet, intent_id)
)"];

/// Reads the txid an intent is bound to.
pub(super) const BOUND: &str =
    "SELECT txid FROM intentguard_bindings WHERE wallet = $1 AND intent_id = $2";

/// Check-and-bind in one statement. Inserts the binding; when the key exists, or a
/// concurrent insert of it commits first, takes the `DO UPDATE` branch on that row, which
/// rewrites `txid` with its own value and returns it: the first committed txid.
pub(super) const BIND: &str =
    "INSERT INTO intentguard_bindings AS b (wallet, intent_id, digest, txid)
VALUES ($1, $2, $3, $4)
ON CONFLICT (wallet, intent_id) DO UPDATE SET txid = b.txid
RETURNING txid";

/// What a ledger operation does.
pub(super) enum Op<'a> {
    /// [`Ledger::bound`](crate::ledger::Ledger::bound).
    Bound { wallet: &'a str, intent_id: &'a str },
    /// [`Ledger::bind`](crate::ledger::Ledger::bind).
    Bind { wallet: &'a str, intent_id: &'a str, digest: &'a str, txid: Txid },
    /// [`PostgresLedger::migrate`].
    Migrate,
}

impl Op<'_> {
    /// What the operation does, for messages.
    pub(super) fn what(&self) -> &'static str {
        match self {
            Op::Bound { .. } => "read a binding",
            Op::Bind { .. } => "check and bind the intent",
            Op::Migrate => "migrate the schema",
        }
    }
}

/// Why an operation failed, before it becomes a message.
pub(super) enum Fail {
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
    pub(super) fn stale(&self) -> bool {
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

/// Runs `op` on `conn`.
pub(super) async fn execute(conn: &mut Conn, op: &Op<'_>) -> Result<Option<Txid>, Fail> {
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
pub(super) async fn ensure_schema(conn: &mut Conn, force: bool) -> Result<(), Fail> {
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

/// The txid in the first column of `row`.
fn parse_txid(row: &tokio_postgres::Row) -> Result<Txid, Fail> {
    let text: &str = row.try_get(0).map_err(Fail::Driver)?;
    text.parse().map_err(|_| {
        Fail::Corrupt(format!("the ledger holds a txid that does not parse: {text:?}"))
    })
}
