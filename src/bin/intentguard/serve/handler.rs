//! Answering one HTTP call (SPEC 3): the route, the token, and for `POST /v1/verify` the
//! body, read within its limits and verified on a blocking thread under the call's deadline.
//!
//! Every answer without a verdict is `{"error": {"code", "message"}}` with the status SPEC 3
//! gives its code; no call is answered 200 without a report.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use intentguard::service::{CallError, VerifyCall};
use intentguard::{ErrorCode, Report, Verdict as ReportVerdict, MAX_BODY_BYTES};
use tokio::sync::Semaphore;

use super::log::{CallLine, Log};
use super::metrics::{Metrics, Verdict, CONTENT_TYPE as METRICS_CONTENT_TYPE};
use super::policies::Verifiers;
use super::tokens::Tokens;
use crate::commands::verify::system_now;
use crate::ledger::Shared;

/// An answer's body.
pub type Body = Full<Bytes>;

/// The MiB of call bodies the service holds at once, each with its verification: a call
/// reserves its declared length (the whole 150 MiB when it declares none) before its body is
/// read, so that many large calls at once meet a 503 rather than the machine's memory.
pub const BODY_BUDGET_MIB: usize = 1024;

const MIB: u64 = 1024 * 1024;

/// What every call can see: the policies, the ledger, the limits and the counters.
pub struct Service {
    /// The policies loaded at start, by name.
    pub verifiers: Verifiers,
    /// The ledger, if any.
    pub ledger: Option<Shared>,
    /// The ledger's name for the log, without a password, or `"none"`.
    pub ledger_name: String,
    /// The bearer tokens, or `None` when calls need none (loopback only).
    pub tokens: Option<Tokens>,
    /// Whether a call may set the time (`--allow-request-now`).
    pub allow_request_now: bool,
    /// One permit per call being verified (`--max-concurrent`).
    pub permits: Arc<Semaphore>,
    /// How many permits there are.
    pub max_concurrent: usize,
    /// One permit per MiB of the bodies being read and verified ([`BODY_BUDGET_MIB`]).
    pub body_budget: Arc<Semaphore>,
    /// The deadline of each call (`--request-timeout`).
    pub timeout: Duration,
    /// The counters of `/metrics`.
    pub metrics: Metrics,
    /// The log.
    pub log: Arc<Log>,
}

/// What one call to `/v1/verify` came to, for the log and the counters.
#[derive(Default)]
struct Facts {
    policy: Option<String>,
    intent_id: Option<String>,
    txid: Option<String>,
    report: Option<(ReportVerdict, Vec<&'static str>)>,
}

/// Answers one call and writes its log line.
///
/// # Errors
///
/// Never: every failure is an answer.
pub async fn handle(
    service: Arc<Service>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let started = Instant::now();
    let mut line = CallLine::new(request.method().as_str(), request.uri().path());
    let answer = route(&service, request, &mut line).await;
    line.status = answer.status().as_u16();
    if answer.status() != StatusCode::UNAUTHORIZED {
        line.took(started.elapsed());
    }
    line.write(&service.log);
    Ok(answer)
}

async fn route(
    service: &Arc<Service>,
    request: Request<Incoming>,
    line: &mut CallLine,
) -> Response<Body> {
    let path = request.uri().path().to_owned();
    let open = matches!(path.as_str(), "/healthz" | "/readyz");
    if !open && !admitted(service, &request) {
        let mut answer = error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "the call carries no valid bearer token; send Authorization: Bearer <token> with a \
             token of the service's --token-file",
        );
        answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return answer;
    }
    match (request.method(), path.as_str()) {
        (&Method::GET, "/healthz") => json(StatusCode::OK, br#"{"status":"serving"}"#.to_vec()),
        (&Method::GET, "/readyz") => ready(service).await,
        (&Method::GET, "/metrics") => {
            let mut answer = Response::new(Full::new(Bytes::from(service.metrics.encode())));
            answer
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(METRICS_CONTENT_TYPE));
            answer
        }
        (&Method::POST, "/v1/verify") => verify(service, request, line).await,
        (_, "/healthz" | "/readyz" | "/metrics") => not_allowed("GET"),
        (_, "/v1/verify") => not_allowed("POST"),
        _ => error(
            StatusCode::NOT_FOUND,
            ErrorCode::Usage,
            "no such path; the service answers POST /v1/verify, GET /healthz, GET /readyz and \
             GET /metrics",
        ),
    }
}

fn admitted(service: &Service, request: &Request<Incoming>) -> bool {
    match &service.tokens {
        None => true,
        Some(tokens) => tokens.admit(request.headers().get(header::AUTHORIZATION)),
    }
}

/// `GET /readyz`: ready when the ledger answers a read, or without a ledger.
async fn ready(service: &Arc<Service>) -> Response<Body> {
    let Some(ledger) = service.ledger.clone() else {
        return json(StatusCode::OK, br#"{"status":"ready"}"#.to_vec());
    };
    let Ok(permit) = Arc::clone(&service.permits).try_acquire_owned() else {
        return overloaded(service);
    };
    // No policy is named "" and no intent id is empty, so this reads no binding; it only
    // asks the store to answer.
    let probe = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        ledger.bound("", "")
    });
    let problem = match tokio::time::timeout(service.timeout, probe).await {
        Ok(Ok(Ok(_))) => return json(StatusCode::OK, br#"{"status":"ready"}"#.to_vec()),
        Ok(Ok(Err(e))) => e.to_string(),
        Ok(Err(_)) => "the check of the ledger stopped unexpectedly".to_owned(),
        Err(_) => format!("the ledger did not answer within {} s", service.timeout.as_secs()),
    };
    service.metrics.ledger_error();
    error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Ledger, format!("not ready: {problem}"))
}

/// `POST /v1/verify`: counts and logs what [`verify_call`] answered.
async fn verify(
    service: &Arc<Service>,
    request: Request<Incoming>,
    line: &mut CallLine,
) -> Response<Body> {
    let started = Instant::now();
    let (answer, facts) = verify_call(service, request).await;
    let (verdict, findings) = match facts.report {
        Some((ReportVerdict::Approved, findings)) => (Verdict::Approved, findings),
        Some((_, findings)) => (Verdict::Rejected, findings),
        None => (Verdict::Error, Vec::new()),
    };
    service.metrics.verification(verdict, &findings, started.elapsed().as_secs_f64());
    if let Some(policy) = &facts.policy {
        line.policy(policy);
    }
    line.intent_id = facts.intent_id;
    line.txid = facts.txid;
    line.verdict = Some(verdict.as_str());
    line.findings = (verdict != Verdict::Error).then_some(findings);
    answer
}

/// Takes a permit, reads the body and verifies it, all within the call's deadline.
async fn verify_call(
    service: &Arc<Service>,
    request: Request<Incoming>,
) -> (Response<Body>, Facts) {
    let Ok(permit) = Arc::clone(&service.permits).try_acquire_owned() else {
        return (overloaded(service), Facts::default());
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let max = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX);
    if declared.is_some_and(|len| len > max) {
        return (too_large(), Facts::default());
    }
    // Whole MiB, rounded up, and one more for what the verification builds beside it.
    let mib = declared.unwrap_or(max).div_ceil(MIB).saturating_add(1);
    let Ok(memory) = u32::try_from(mib)
        .map_err(drop)
        .and_then(|mib| Arc::clone(&service.body_budget).try_acquire_many_owned(mib).map_err(drop))
    else {
        let message = format!(
            "the service holds as many call bodies as its memory allows ({BODY_BUDGET_MIB} MiB \
             at once); try again shortly"
        );
        let mut answer = error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded, message);
        answer.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return (answer, Facts::default());
    };
    let work = async {
        let body = match Limited::new(request.into_body(), MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return (too_large(), Facts::default());
            }
            Err(e) => {
                let message = format!("the body could not be read: {e}");
                return (
                    error(StatusCode::BAD_REQUEST, ErrorCode::Usage, message),
                    Facts::default(),
                );
            }
        };
        let shared = Arc::clone(service);
        let verified = tokio::task::spawn_blocking(move || {
            // Held until the verification ends, even past the deadline: the permits bound
            // the work in progress, not only the calls waiting for it.
            let _permits = (permit, memory);
            shared.verify(&body)
        });
        verified.await.unwrap_or_else(|_| {
            let message = "the verification stopped unexpectedly; do not sign";
            (
                error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded, message),
                Facts::default(),
            )
        })
    };
    match tokio::time::timeout(service.timeout, work).await {
        Ok(answer) => answer,
        Err(_) => {
            let message = format!(
                "no answer within the call's deadline of {} s (--request-timeout); do not sign \
                 on this call, try again",
                service.timeout.as_secs()
            );
            (
                error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded, message),
                Facts::default(),
            )
        }
    }
}

impl Service {
    /// Verifies one call's body, blocking: exactly `intentguard verify` on the same files.
    fn verify(&self, body: &[u8]) -> (Response<Body>, Facts) {
        let mut facts = Facts::default();
        let answer = self.verify_into(body, &mut facts);
        (answer, facts)
    }

    fn verify_into(&self, body: &[u8], facts: &mut Facts) -> Response<Body> {
        let call = match VerifyCall::from_json_bytes(body) {
            Ok(call) => call,
            Err(e) => return call_error(&e),
        };
        facts.policy = Some(call.policy().to_owned());
        if call.now().is_some() && !self.allow_request_now {
            return error(
                StatusCode::BAD_REQUEST,
                ErrorCode::Usage,
                "now: this service uses its own clock; a call may set the time only when the \
                 service was started with --allow-request-now (for tests)",
            );
        }
        let Some(verifier) = self.verifiers.get(call.policy()) else {
            let name: String = call.policy().chars().take(100).collect();
            return error(
                StatusCode::NOT_FOUND,
                ErrorCode::PolicyUnknown,
                format!(
                    "policy: this service has no policy named {name:?}; check the name, or ask \
                     its operator to load the policy"
                ),
            );
        };
        let intent = match call.intent() {
            Ok(intent) => intent,
            Err(e) => return call_error(&e),
        };
        facts.intent_id = Some(intent.id().to_owned());
        let request = match call.request() {
            Ok(request) => request,
            Err(e) => return call_error(&e),
        };
        facts.txid = Some(request.txid().to_string());
        let now = match call.now() {
            Some(now) => now,
            None => match system_now() {
                Ok(now) => now,
                Err(_) => {
                    let message = "the server's clock reads a time before 1970; do not sign";
                    return error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded, message);
                }
            },
        };
        let ledger = self.ledger.as_deref().map(|l| l as &dyn intentguard::Ledger);
        match verifier.verify(&intent, &request, now, ledger) {
            Ok(report) => {
                let codes = report.findings.iter().map(|f| f.code.as_str()).collect();
                facts.report = Some((report.verdict, codes));
                report_answer(&report)
            }
            Err(e) => {
                if e.code() == ErrorCode::Ledger {
                    self.metrics.ledger_error();
                }
                error(status_of(e.code()), e.code(), format!("{e:#}; do not sign"))
            }
        }
    }
}

fn report_answer(report: &Report) -> Response<Body> {
    match serde_json::to_vec(report) {
        Ok(body) => json(StatusCode::OK, body),
        Err(e) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Overloaded,
            format!("the report could not be written ({e}); do not sign"),
        ),
    }
}

fn call_error(e: &CallError) -> Response<Body> {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    error(status_of(e.code()), e.code(), message)
}

/// The status SPEC 3 gives an error code.
fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Usage | ErrorCode::IntentMalformed | ErrorCode::PsbtMalformed => {
            StatusCode::BAD_REQUEST
        }
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::PolicyUnknown => StatusCode::NOT_FOUND,
        ErrorCode::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Ledger | ErrorCode::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn overloaded(service: &Service) -> Response<Body> {
    let message = format!(
        "the service is busy with {} calls, as many as --max-concurrent allows; try again shortly",
        service.max_concurrent
    );
    let mut answer = error(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Overloaded, message);
    answer.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    answer
}

fn too_large() -> Response<Body> {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::TooLarge,
        format!("the body is larger than {MAX_BODY_BYTES} bytes and was not read"),
    )
}

fn not_allowed(allow: &'static str) -> Response<Body> {
    let mut answer = error(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Usage,
        format!("this path answers {allow} only"),
    );
    answer.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    answer
}

/// `{"error": {"code", "message"}}`.
fn error(status: StatusCode, code: ErrorCode, message: impl fmt::Display) -> Response<Body> {
    let value = serde_json::json!({
        "error": { "code": code.as_str(), "message": message.to_string() }
    });
    json(status, serde_json::to_vec(&value).unwrap_or_default())
}

fn json(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    answer.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answer
}
