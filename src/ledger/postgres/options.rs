//! How a [`PostgresLedger`](super::PostgresLedger) connects: the options a caller sets (the
//! deadline, the pool size) and the connection settings the ledger adds where the URL leaves
//! them unset.
//!
//! Trusts: nothing; it reads and writes only the driver's configuration.

use std::time::Duration;

use tokio_postgres::Config;

/// Idle TCP keepalive probes on pooled connections, unless the URL sets `keepalives_idle`.
pub(super) const KEEPALIVES_IDLE: Duration = Duration::from_secs(30);
/// tokio-postgres's default for `keepalives_idle`, which means "not set by the URL".
const DRIVER_KEEPALIVES_IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// How a [`PostgresLedger`](super::PostgresLedger) connects: its deadline and its pool size.
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
    /// When it passes, the operation fails with [`LedgerError`](crate::ledger::LedgerError) and its connection is closed.
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

/// Sets what the ledger relies on, where the URL leaves it unset: a connect timeout and a
/// server-side `statement_timeout` of one deadline, TCP keepalives that notice a dead peer
/// of an idle pooled connection, and an application name for `pg_stat_activity`.
pub(super) fn tune(config: &mut Config, deadline: Duration) {
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
