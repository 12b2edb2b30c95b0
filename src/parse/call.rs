//! The body of a call to the service (SPEC 3, `POST /v1/verify`): which policy, the intent,
//! the PSBT in base64, previous transactions in hex, and, for tests, the time.
//!
//! Trusts: nothing. The body is read to its shape first (any other field, a wrong type or a
//! duplicate field is `USAGE`), and each part is then read by the same parser as the file it
//! stands for, so that a call is verified exactly as `intentguard verify` verifies the same
//! files: the intent's text (an object is taken as the exact text between its braces, so a
//! duplicate key inside it is still `INTENT_MALFORMED`), the PSBT's bytes, and each entry of
//! `prev_txs` as the text of a `--prev-tx` file of hex transactions.

use std::borrow::Cow;

use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
use miniscript::bitcoin::base64::Engine;
use miniscript::bitcoin::Transaction;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::base::code::ErrorCode;
use crate::base::limits::{MAX_BODY_BYTES, MAX_REQUEST_BYTES};
use crate::base::redact::json_message;
use crate::base::time::{parse_rfc3339, Timestamp};
use crate::parse::intent::Intent;
use crate::parse::prev_tx::parse_prev_txs;
use crate::parse::request::Request;
use crate::parse::{IntentError, RequestError};

/// A call's body as JSON has it; every field is checked when it is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body<'a> {
    policy: String,
    #[serde(borrow)]
    intent: &'a RawValue,
    #[serde(borrow)]
    psbt: Cow<'a, str>,
    #[serde(default)]
    prev_txs: Option<Vec<String>>,
    #[serde(default)]
    now: Option<String>,
}

/// The body of a `POST /v1/verify` call, read to its shape.
///
/// Reading it checks only the shape and the time; the intent and the request are parsed
/// when asked for ([`VerifyCall::intent`], [`VerifyCall::request`]), so that a service can
/// answer an unknown policy before parsing a large PSBT, in the order `intentguard verify`
/// reads its files: policy, intent, PSBT, previous transactions.
///
/// # Examples
///
/// ```
/// use intentguard::service::VerifyCall;
///
/// let body = br#"{"policy": "treasury", "intent": "{}", "psbt": ""}"#;
/// let call = VerifyCall::from_json_bytes(body).unwrap();
/// assert_eq!(call.policy(), "treasury");
/// assert_eq!(call.now(), None);
/// // An empty intent object is not an intent.
/// assert_eq!(call.intent().unwrap_err().code(), intentguard::ErrorCode::IntentMalformed);
/// ```
#[derive(Debug)]
pub struct VerifyCall<'a> {
    policy: String,
    intent: &'a RawValue,
    psbt: Cow<'a, str>,
    prev_txs: Vec<String>,
    now: Option<Timestamp>,
}

impl<'a> VerifyCall<'a> {
    /// Reads a call's body: a JSON object with `policy`, `intent` (an object, or a string
    /// holding the intent file's text), `psbt` (base64 of the PSBT's bytes), and optionally
    /// `prev_txs` (hex transactions) and `now` (RFC 3339).
    ///
    /// # Errors
    ///
    /// [`CallError::TooLarge`] above [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES), and
    /// [`CallError::Shape`] for a body that is not UTF-8 JSON of this shape (an unknown or
    /// duplicate field, a wrong type, an intent that is neither an object nor a string, a
    /// `now` that is not a time).
    pub fn from_json_bytes(bytes: &'a [u8]) -> Result<VerifyCall<'a>, CallError> {
        if bytes.len() > MAX_BODY_BYTES {
            return Err(CallError::TooLarge { what: "the body", limit: MAX_BODY_BYTES });
        }
        let text = core::str::from_utf8(bytes)
            .map_err(|e| CallError::shape(format!("the body is not UTF-8 ({e})")))?;
        let body: Body<'a> = serde_json::from_str(text)
            .map_err(|e| CallError::shape(format!("the body: {}", json_message(&e, text))))?;
        let starts = body.intent.get().trim_start().as_bytes().first().copied();
        if !matches!(starts, Some(b'{' | b'"')) {
            return Err(CallError::shape(
                "intent: must be the intent as a JSON object, or a string holding its file's text",
            ));
        }
        let now = body
            .now
            .map(|now| parse_rfc3339(&now).map_err(|e| CallError::shape(format!("now: {e}"))))
            .transpose()?;
        Ok(VerifyCall {
            policy: body.policy,
            intent: body.intent,
            psbt: body.psbt,
            prev_txs: body.prev_txs.unwrap_or_default(),
            now,
        })
    }

    /// Returns the name of the policy the call is for.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// Returns the time the call asks to verify at, if it names one.
    pub fn now(&self) -> Option<Timestamp> {
        self.now
    }

    /// Parses the intent, as [`Intent::from_json_bytes`] parses its file.
    ///
    /// # Errors
    ///
    /// [`CallError::Intent`] when the intent is malformed.
    pub fn intent(&self) -> Result<Intent, CallError> {
        let raw = self.intent.get();
        let parsed = if raw.starts_with('"') {
            let text: String = serde_json::from_str(raw)
                .map_err(|e| CallError::shape(format!("intent: {}", json_message(&e, raw))))?;
            Intent::from_json_bytes(text.as_bytes())
        } else {
            Intent::from_json_bytes(raw.as_bytes())
        };
        parsed.map_err(CallError::Intent)
    }

    /// Decodes the PSBT, parses it as [`Request::from_bytes`] parses its file, and supplies
    /// the previous transactions as `--prev-tx` does ([`Request::supply_prev_txs`]); one
    /// that no input spends is ignored.
    ///
    /// # Errors
    ///
    /// [`CallError::TooLarge`] for a PSBT over [`MAX_REQUEST_BYTES`], [`CallError::Base64`]
    /// when `psbt` is not base64, [`CallError::Request`] when its bytes are not a PSBT, and
    /// [`CallError::PrevTx`] when an entry of `prev_txs` is not hex transactions, one per
    /// line, as a `--prev-tx` file holds them.
    pub fn request(&self) -> Result<Request, CallError> {
        let too_large = CallError::TooLarge { what: "the PSBT", limit: MAX_REQUEST_BYTES };
        // Refuse before decoding: base64 holds 3 bytes in every 4 characters.
        if (self.psbt.len() / 4).saturating_mul(3) > MAX_REQUEST_BYTES.saturating_add(2) {
            return Err(too_large);
        }
        let bytes = STANDARD
            .decode(self.psbt.as_bytes())
            .map_err(|e| CallError::Base64 { problem: e.to_string() })?;
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(too_large);
        }
        let mut request = Request::from_bytes(&bytes).map_err(|e| match e {
            RequestError::TooLarge { .. } => too_large,
            e => CallError::Request(e),
        })?;
        let mut txs: Vec<Transaction> = Vec::new();
        for (index, text) in self.prev_txs.iter().enumerate() {
            let fail = |problem: String| CallError::PrevTx { index, problem };
            if !text.bytes().all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace()) {
                return Err(fail(
                    "it holds a character that is neither a hex digit nor white space".to_owned(),
                ));
            }
            // Hex text, so read as a `--prev-tx` file of hex transactions, one per line.
            txs.extend(parse_prev_txs(text.as_bytes()).map_err(|e| fail(e.to_string()))?);
        }
        request.supply_prev_txs(&txs).map_err(CallError::Request)?;
        Ok(request)
    }
}

/// A call to the service that cannot be verified; [`CallError::code`] is its SPEC 5 code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallError {
    /// The body is not a JSON object of the call's shape (`USAGE`).
    Shape {
        /// What is wrong, and in which field.
        message: String,
    },
    /// The body or the PSBT is larger than the service takes (`TOO_LARGE`).
    TooLarge {
        /// What is too large: `"the body"` or `"the PSBT"`.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The intent is malformed (`INTENT_MALFORMED`).
    Intent(IntentError),
    /// `psbt` is not base64 (`PSBT_MALFORMED`).
    Base64 {
        /// What the decoder says.
        problem: String,
    },
    /// The PSBT is malformed (`PSBT_MALFORMED`).
    Request(RequestError),
    /// An entry of `prev_txs` is not hex transactions, one per line (`PSBT_MALFORMED`).
    PrevTx {
        /// Its index in `prev_txs`, from 0.
        index: usize,
        /// What is wrong.
        problem: String,
    },
}

impl CallError {
    fn shape(message: impl Into<String>) -> CallError {
        CallError::Shape { message: message.into() }
    }

    /// Returns the SPEC 5 `error.code`.
    pub fn code(&self) -> ErrorCode {
        match self {
            CallError::Shape { .. } => ErrorCode::Usage,
            CallError::TooLarge { .. } => ErrorCode::TooLarge,
            CallError::Intent(_) => ErrorCode::IntentMalformed,
            CallError::Base64 { .. } | CallError::Request(_) | CallError::PrevTx { .. } => {
                ErrorCode::PsbtMalformed
            }
        }
    }
}

impl core::fmt::Display for CallError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CallError::Shape { message } => write!(f, "{message}"),
            CallError::TooLarge { what, limit } => {
                write!(f, "{what} is larger than {limit} bytes and was not read")
            }
            CallError::Intent(e) => write!(f, "intent: {e}"),
            CallError::Base64 { problem } => {
                write!(f, "psbt: not the base64 of the PSBT's bytes ({problem})")
            }
            CallError::Request(e) => write!(f, "psbt: {e}"),
            CallError::PrevTx { index, problem } => {
                write!(f, "prev_txs[{index}] is not previous transactions in hex: {problem}")
            }
        }
    }
}

impl std::error::Error for CallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Intent(e) => e.source(),
            CallError::Request(e) => e.source(),
            CallError::Shape { .. }
            | CallError::TooLarge { .. }
            | CallError::Base64 { .. }
            | CallError::PrevTx { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests;
