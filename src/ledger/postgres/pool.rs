//! The connections of a [`PostgresLedger`]: the pool of idle ones, the slot an operation
//! holds, and the polling of one connection while it serves a request.
//!
//! Trusts: nothing; a connection that failed is closed, never given back to the pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::MutexGuard;
use std::task::Poll;
use std::time::Instant;

use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::{Client, Connection, Socket};

use super::sql::{Fail, Op};
use super::PostgresLedger;
use crate::ledger::LedgerError;

/// Connections that are idle, and how many are open in all (idle or in use).
pub(super) struct Pool {
    pub(super) idle: Vec<Conn>,
    pub(super) open: usize,
}

/// One connection: the client half sends requests, the connection half does the socket I/O
/// and is polled only while an operation runs (see [`drive`]).
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) connection: Connection<Socket, NoTlsStream>,
}

/// A connection taken from the pool (or the right to open one), given back on drop: kept
/// idle when `conn` holds one that succeeded, closed otherwise.
pub(super) struct Slot<'a> {
    ledger: &'a PostgresLedger,
    pub(super) conn: Option<Conn>,
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

impl PostgresLedger {
    /// Takes an idle connection, or the right to open one, waiting until `deadline` when
    /// all are in use.
    pub(super) fn acquire(&self, deadline: Instant, op: &Op<'_>) -> Result<Slot<'_>, LedgerError> {
        let mut pool = self.lock_pool();
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(Slot { ledger: self, conn: Some(conn) });
            }
            if pool.open < self.options.max_connections() {
                pool.open = pool.open.saturating_add(1);
                return Ok(Slot { ledger: self, conn: None });
            }
            let wait = deadline.saturating_duration_since(Instant::now());
            if wait.is_zero() {
                return Err(self.error(format!(
                    "all {} connections stayed busy for the {:?} deadline (to {})",
                    self.options.max_connections(),
                    self.options.deadline(),
                    op.what()
                )));
            }
            pool = match self.freed.wait_timeout(pool, wait) {
                Ok((pool, _)) => pool,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// Locks the pool.
    pub(super) fn lock_pool(&self) -> MutexGuard<'_, Pool> {
        // The pool's state stays consistent whatever panicked while holding the lock.
        self.pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Polls `work` and the connection that serves it together, until `work` completes or the
/// connection ends. The connection is not spawned on the runtime: it is polled only here, so
/// a connection dropped by a deadline or an error leaves no task behind.
pub(super) async fn drive<T>(
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
