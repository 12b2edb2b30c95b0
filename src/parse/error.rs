//! Why a policy, an intent or a signing request could not be read (SPEC 5 `error.code`
//! `POLICY_INVALID`, `INTENT_MALFORMED`, `PSBT_MALFORMED`).
//!
//! Each error's `Display` says what is wrong at its own level; the error it comes from, when
//! it is one of ours, is its `source()`. Messages of the TOML and JSON parsers are kept as
//! text, redacted (SPEC 2.8): the parsers' own errors can quote the file, which may be a
//! secret given by mistake, so they are not kept.

use core::fmt;

use super::psbt::PsbtParseError;

/// A policy file that cannot be used (`POLICY_INVALID`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file is larger than [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES).
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The TOML does not parse or does not have the policy's shape (unknown keys included).
    Toml {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A field has a value the SPEC does not allow.
    Field {
        /// The field, as written in the file (for example `approvals.quorum`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The descriptor does not parse or is not a supported multisig shape.
    Descriptor {
        /// What is wrong with it.
        problem: String,
    },
    /// A wallet file given to `policy import` (SPEC 1.4) cannot be made into a policy's
    /// name, network and descriptor.
    WalletFile {
        /// What is wrong or missing, and what to do; never the file's content.
        problem: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "the policy is larger than {limit} bytes"),
            Self::Toml { message } => write!(
                f,
                "the policy is not valid TOML of the policy's shape: {}",
                message.trim_end()
            ),
            Self::Field { field, problem } => write!(f, "policy field `{field}`: {problem}"),
            Self::Descriptor { problem } => write!(f, "policy field `descriptor`: {problem}"),
            Self::WalletFile { problem } => write!(f, "the wallet file: {problem}"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// An intent file that cannot be read as an intent (`INTENT_MALFORMED`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntentError {
    /// The file is larger than [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES).
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON does not parse or does not have the intent's shape (unknown fields included).
    Json {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A field has a value the SPEC does not allow.
    Field {
        /// The field, as a JSON path (for example `payments[0].address`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl fmt::Display for IntentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "the intent is larger than {limit} bytes"),
            Self::Json { message } => {
                write!(f, "the intent is not valid JSON of the intent's shape: {message}")
            }
            Self::Field { field, problem } => write!(f, "intent field `{field}`: {problem}"),
        }
    }
}

impl std::error::Error for IntentError {}

/// A signing request that cannot be read as a PSBT (`PSBT_MALFORMED`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// More than [`MAX_REQUEST_BYTES`](crate::MAX_REQUEST_BYTES); refused before decoding.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Neither raw PSBT bytes, nor hex, nor base64 of them.
    Encoding {
        /// What was wrong.
        problem: String,
    },
    /// The bytes are not a valid PSBT: the strict parser's error, with where it found the
    /// problem, is the [`source`](std::error::Error::source).
    Psbt(PsbtParseError),
    /// A valid version 2 PSBT whose inputs require incompatible lock time types, so that no
    /// transaction can be built from it (BIP-370).
    LocktimeUndetermined,
    /// The previous transactions supplied beside the PSBT would hold more than `limit` bytes
    /// once copied to every input that spends them (many inputs spending one large
    /// transaction); nothing is verified.
    PrevTxCopiesTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A file of previous transactions supplied beside the PSBT (`--prev-tx`) that is not one
    /// raw transaction or hex transactions one per line.
    PrevTx {
        /// The line at fault (from 1), for hex text.
        line: Option<usize>,
        /// What is wrong.
        problem: String,
    },
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => {
                write!(f, "the request is larger than {limit} bytes and was not read")
            }
            Self::Encoding { problem } => write!(f, "the request is not a PSBT: {problem}"),
            Self::Psbt(_) => write!(f, "the PSBT is malformed"),
            Self::LocktimeUndetermined => write!(
                f,
                "the PSBT is malformed: the inputs of this version 2 PSBT require incompatible lock time types, so no transaction can be built from it (BIP-370)"
            ),
            Self::PrevTxCopiesTooLarge { limit } => write!(
                f,
                "the previous transactions supplied would hold more than {limit} bytes once given to every input that spends them (many inputs spend one large transaction); this request cannot be verified"
            ),
            Self::PrevTx { line: Some(line), problem } => write!(
                f,
                "line {line} is not a previous transaction: {problem}"
            ),
            Self::PrevTx { line: None, problem } => write!(
                f,
                "not a previous transaction: {problem}"
            ),
        }
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Psbt(e) => Some(e),
            Self::TooLarge { .. }
            | Self::Encoding { .. }
            | Self::LocktimeUndetermined
            | Self::PrevTxCopiesTooLarge { .. }
            | Self::PrevTx { .. } => None,
        }
    }
}

impl From<PsbtParseError> for RequestError {
    fn from(e: PsbtParseError) -> Self {
        RequestError::Psbt(e)
    }
}
