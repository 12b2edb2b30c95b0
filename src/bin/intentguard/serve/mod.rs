//! `intentguard serve` (SPEC 3): the verifier over HTTP/1.1 and JSON, for backends in any
//! language and for replicas behind a load balancer.
//!
//! Everything is prepared before the first connection: the policies (a bad one stops the
//! start), the tokens, the ledger. Then the service listens on hyper, answering each call
//! in [`handler`], with bounds on everything a caller controls: the body (150 MiB), the calls
//! verified at once (`--max-concurrent`, beyond which a call is answered 503 at once, never
//! queued), each call's time (`--request-timeout`), the time to send the headers, and the
//! connections open at once. SIGTERM or SIGINT closes the listening socket at once, lets
//! every call whose headers were read finish, and exits 0.

mod handler;
mod log;
mod metrics;
mod policies;
mod tokens;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use intentguard::MAX_FILE_BYTES;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use self::handler::Service;
use self::log::{Log, Started, Stopped};
use self::metrics::Metrics;
use self::tokens::Tokens;
use crate::args::{Format, Serve};
use crate::files::read_capped;
use crate::ledger;
use crate::outcome::{Failure, Outcome};

/// The most connections open at once; more wait in the system's accept queue.
const MAX_CONNECTIONS: usize = 512;
/// The most a PostgreSQL ledger's pool holds, whatever `--max-concurrent` says.
const MAX_LEDGER_CONNECTIONS: usize = 16;
/// How long a connection may take to send a call's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the service until SIGTERM or SIGINT. A start that fails prints `{"error": …}` on
/// standard output (exit 2); a stop after a signal exits 0.
pub fn run(args: &Serve) -> Outcome {
    let log = match Log::start() {
        Ok(log) => Arc::new(log),
        Err(e) => return Failure::io(format!("cannot start the log: {e}")).emit(Format::Json),
    };
    let service = match prepare(args, Arc::clone(&log)) {
        Ok(service) => Arc::new(service),
        Err(failure) => return failure.emit(Format::Json),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("intentguard-serve")
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return Failure::io(format!("cannot start the service's runtime: {e}"))
                .emit(Format::Json)
        }
    };
    let served = runtime.block_on(serve(args.listen, Arc::clone(&service)));
    // The ledger (and a PostgreSQL ledger's own runtime) is dropped outside this runtime.
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(service);
    log.close();
    match served {
        Ok(()) => Outcome::Done,
        Err(failure) => failure.emit(Format::Json),
    }
}

/// Reads the tokens, checks the address, loads the policies and opens the ledger.
fn prepare(args: &Serve, log: Arc<Log>) -> Result<Service, Failure> {
    let tokens = match &args.token_file {
        None => None,
        Some(path) => {
            let bytes = read_capped(path, false, MAX_FILE_BYTES, "token")?;
            let refused = |problem: String| {
                Failure::usage(format!("the token file {}: {problem}", path.display())).advise(
                    "write one token of at least 32 characters per line (for instance from \
                     `openssl rand -hex 32`); lines starting with # are comments",
                )
            };
            if bytes.len() > MAX_FILE_BYTES {
                return Err(refused(format!("it is larger than {MAX_FILE_BYTES} bytes")));
            }
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| refused("it is not UTF-8 text".to_owned()))?;
            Some(Tokens::parse(text).map_err(refused)?)
        }
    };
    if tokens.is_none() && !args.listen.ip().is_loopback() {
        return Err(Failure::usage(format!(
            "without --token-file the service listens only on a loopback address (127.0.0.0/8 \
             or ::1), and {} is not one",
            args.listen
        ))
        .advise(
            "give --token-file FILE, so that every call must carry a token, or listen on 127.0.0.1",
        ));
    }
    let verifiers = policies::load(&args.policies)?;
    let choice = ledger::choose_here(args.ledger.as_deref(), args.no_ledger)?;
    let max_concurrent = usize::try_from(args.max_concurrent).unwrap_or(usize::MAX);
    let ledger = ledger::open_shared(&choice, max_concurrent.min(MAX_LEDGER_CONNECTIONS))?;
    let (ledger, ledger_name) = match ledger {
        Some((ledger, name)) => (Some(ledger), name),
        None => (None, "none".to_owned()),
    };
    Ok(Service {
        verifiers,
        ledger,
        ledger_name,
        tokens,
        allow_request_now: args.allow_request_now,
        permits: Arc::new(Semaphore::new(max_concurrent)),
        max_concurrent,
        body_budget: Arc::new(Semaphore::new(handler::BODY_BUDGET_MIB)),
        timeout: Duration::from_secs(args.request_timeout),
        metrics: Metrics::new(),
        log,
    })
}

/// Listens on `address` and answers calls until a signal, then stops gracefully.
async fn serve(address: SocketAddr, service: Arc<Service>) -> Result<(), Failure> {
    let listener = TcpListener::bind(address).await.map_err(|e| {
        Failure::io(format!("cannot listen on {address}: {e}"))
            .advise("choose another address or port with --listen ADDR:PORT")
    })?;
    let bound = listener.local_addr().map_err(|e| Failure::io(format!("cannot listen: {e}")))?;
    let mut stop = std::pin::pin!(stop_signal()?);
    service.log.event(&Started {
        event: "listening",
        address: bound.to_string(),
        policies: service.verifiers.keys().map(String::as_str).collect(),
        ledger: service.ledger_name.clone(),
        tokens: service.tokens.as_ref().map_or(0, Tokens::len),
    });

    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let reason = loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit,
            reason = &mut stop => break reason,
        };
        let Ok(permit) = permit else { break "the connection limit closed" };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was taken:
                    // wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            reason = &mut stop => break reason,
        };
        let _ = stream.set_nodelay(true);
        let service = Arc::clone(&service);
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(
                TokioIo::new(stream),
                service_fn(move |request| handler::handle(Arc::clone(&service), request)),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    };
    // New connections are refused from here on.
    drop(listener);
    // Every call whose headers were read has its deadline; allow it, and a little more.
    let grace = service.timeout.saturating_add(HEADER_TIMEOUT);
    let unfinished = match tokio::time::timeout(grace, graceful.shutdown()).await {
        Ok(()) => 0,
        Err(_) => MAX_CONNECTIONS.saturating_sub(connections.available_permits()),
    };
    service.log.event(&Stopped {
        event: "stopped",
        reason,
        unfinished,
        dropped_log_lines: service.log.dropped(),
    });
    Ok(())
}

/// Resolves on SIGTERM or SIGINT, with the signal's name.
fn stop_signal() -> Result<impl std::future::Future<Output = &'static str>, Failure> {
    use tokio::signal::unix::{signal, SignalKind};
    let cannot = |e: std::io::Error| Failure::io(format!("cannot watch for signals: {e}"));
    let mut terminate = signal(SignalKind::terminate()).map_err(cannot)?;
    let mut interrupt = signal(SignalKind::interrupt()).map_err(cannot)?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        }
    })
}
