//! The signing request. Bytes in, a parsed PSBT out.
//!
//! Trusts: nothing. The encoding is detected (raw, hex or base64), the size is capped
//! before decoding, and the PSBT is parsed strictly by [`crate::parse::psbt`] (version 0 or 2).

use std::borrow::Cow;

use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
use miniscript::bitcoin::base64::{DecodeError, Engine};
use miniscript::bitcoin::hex::FromHex;
use miniscript::bitcoin::{Psbt, Transaction, Txid};

use crate::base::limits::MAX_REQUEST_BYTES;
use crate::parse::RequestError;

const MAGIC: &[u8] = b"psbt\xff";
const HEX_MAGIC: &[u8] = b"70736274ff";
const BASE64_MAGIC: &[u8] = b"cHNidP8";

/// How a request was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Raw binary PSBT.
    Raw,
    /// Hexadecimal text.
    Hex,
    /// Base64 text.
    Base64,
}

/// A signing request: a well-formed PSBT. Nothing in it is trusted yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The PSBT as version 0: for a version 2 PSBT, with the transaction BIP-370 builds.
    psbt: Psbt,
    version: u32,
    encoding: Encoding,
}

impl Request {
    /// Decodes a request from a file's bytes: raw, hex or base64. Whitespace around hex or
    /// base64 text is ignored; raw bytes are taken exactly.
    ///
    /// # Errors
    ///
    /// Returns [`RequestError::TooLarge`] above [`MAX_REQUEST_BYTES`] without decoding,
    /// [`RequestError::Encoding`] when the bytes are none of the three encodings, and
    /// [`RequestError::Psbt`] when the decoded bytes are not exactly one valid PSBT.
    pub fn from_bytes(bytes: &[u8]) -> Result<Request, RequestError> {
        let (encoding, raw) = decode_encoding(bytes)?;
        let (psbt, version) = parse_psbt(&raw)?;
        Ok(Request { psbt, version, encoding })
    }

    /// Supplies previous transactions beside the PSBT (SPEC 3, `--prev-tx`): each input that
    /// carries no previous transaction and spends an output of one of `txs` gets it, and the
    /// checks treat it exactly as a `non_witness_utxo` (SPEC 2.2). An input's own previous
    /// transaction is never replaced. Returns the indices in `txs` of the transactions that
    /// no input spends.
    ///
    /// # Errors
    ///
    /// [`RequestError::PrevTxCopiesTooLarge`] when the copies the inputs would hold exceed
    /// [`MAX_REQUEST_BYTES`]: the request cannot be verified (do not sign).
    pub fn supply_prev_txs(&mut self, txs: &[Transaction]) -> Result<Vec<usize>, RequestError> {
        crate::parse::prev_tx::supply(&mut self.psbt, txs)
    }

    /// Returns the PSBT in `bitcoin`'s (version 0) model; for a version 2 request its
    /// `unsigned_tx` is the transaction BIP-370 constructs.
    pub(crate) fn psbt(&self) -> &Psbt {
        &self.psbt
    }

    /// Returns the PSBT version the request was written in: 0 or 2.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Returns how the request was encoded.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Returns the unsigned transaction.
    pub fn unsigned_tx(&self) -> &Transaction {
        &self.psbt.unsigned_tx
    }

    /// Returns the unsigned transaction's txid: what the ledger binds an intent to.
    pub fn txid(&self) -> Txid {
        self.psbt.unsigned_tx.compute_txid()
    }
}

/// Detects how a request file's bytes are encoded (raw, hex or base64) and returns the
/// binary PSBT bytes, without parsing the PSBT.
///
/// Whitespace around hex or base64 text is ignored. Raw bytes (starting with `psbt\xff`)
/// are taken exactly, as SPEC 1.3 requires: a newline after the last output map stays in
/// the returned bytes, for the parser to refuse as trailing bytes, and whitespace before the
/// magic makes the bytes none of the three encodings.
///
/// This is the first half of [`Request::from_bytes`]; `intentguard inspect` uses it with
/// [`crate::parse::psbt::parse`] to read a PSBT that it lists but does not verify.
///
/// # Errors
///
/// Returns [`RequestError::TooLarge`] above [`MAX_REQUEST_BYTES`] without decoding, and
/// [`RequestError::Encoding`] when the bytes are none of the three encodings.
///
/// # Examples
///
/// ```
/// use intentguard::{decode_encoding, Encoding};
///
/// let (encoding, bytes) = decode_encoding(b"  70736274ff01  \n").unwrap();
/// assert_eq!(encoding, Encoding::Hex);
/// assert_eq!(&*bytes, b"psbt\xff\x01");
/// ```
pub fn decode_encoding(bytes: &[u8]) -> Result<(Encoding, Cow<'_, [u8]>), RequestError> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::TooLarge { limit: MAX_REQUEST_BYTES });
    }
    // Raw bytes are taken exactly (SPEC 1.3): whitespace after the last output map is
    // trailing bytes for the parser to refuse, and whitespace before the magic is not a
    // PSBT. Only text encodings are trimmed.
    if bytes.starts_with(MAGIC) {
        return Ok((Encoding::Raw, Cow::Borrowed(bytes)));
    }
    let trimmed = bytes.trim_ascii();
    if trimmed.starts_with(MAGIC) {
        Err(encoding(
            "raw PSBT bytes must start with the magic \"psbt\\xff\"; this file has whitespace before it",
        ))
    } else if trimmed.len() >= HEX_MAGIC.len()
        && trimmed.get(..HEX_MAGIC.len()).is_some_and(|p| p.eq_ignore_ascii_case(HEX_MAGIC))
    {
        Ok((Encoding::Hex, Cow::Owned(decode_hex(trimmed)?)))
    } else if trimmed.starts_with(BASE64_MAGIC) {
        let decoded = STANDARD.decode(trimmed).map_err(|e| encoding(&base64_problem(&e)))?;
        Ok((Encoding::Base64, Cow::Owned(decoded)))
    } else {
        Err(encoding(
            "expected raw bytes starting with \"psbt\\xff\", or the same as hex or base64",
        ))
    }
}

/// Decodes hex text. Messages say where the text is wrong, never what it holds (SPEC 2.8:
/// a file given in the wrong place may be a secret).
fn decode_hex(text: &[u8]) -> Result<Vec<u8>, RequestError> {
    if let Some(at) = text.iter().position(|b| !b.is_ascii_hexdigit()) {
        return Err(encoding(&format!(
            "invalid hex: the byte at offset {at} of the text is not a hex digit"
        )));
    }
    if !text.len().is_multiple_of(2) {
        return Err(encoding(&format!(
            "invalid hex: {} hex digits, an odd number, cannot be whole bytes",
            text.len()
        )));
    }
    // Only hex digits, so the text is ASCII and its length even.
    let text = core::str::from_utf8(text).map_err(|_| encoding("invalid hex"))?;
    Vec::<u8>::from_hex(text).map_err(|_| encoding("invalid hex"))
}

/// What is wrong with base64 text, by position only (SPEC 2.8).
fn base64_problem(error: &DecodeError) -> String {
    let what = match error {
        DecodeError::InvalidByte(at, _) => {
            format!("the byte at offset {at} of the text is not a base64 character")
        }
        DecodeError::InvalidLength => "its length is not that of base64 text".to_owned(),
        DecodeError::InvalidLastSymbol(at, _) => {
            format!("the last character, at offset {at}, has bits that base64 text never sets")
        }
        DecodeError::InvalidPadding => "its padding is wrong".to_owned(),
    };
    format!("invalid base64: {what}; give it on one line, with padding")
}

fn encoding(problem: &str) -> RequestError {
    RequestError::Encoding { problem: problem.to_owned() }
}

/// Parses exactly one binary PSBT, version 0 or 2, under every rule of BIP-174, 370, 371 and
/// 373 ([`crate::parse::psbt::parse_for_verification`]: a previous transaction that does not match
/// its outpoint is a finding of the verifier), and requires a transaction that can be built.
fn parse_psbt(bytes: &[u8]) -> Result<(Psbt, u32), RequestError> {
    let parsed = crate::parse::psbt::parse_for_verification(bytes)?;
    if !parsed.locktime_determined {
        return Err(RequestError::LocktimeUndetermined);
    }
    Ok((parsed.psbt, parsed.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_is_refused_before_decoding() {
        let junk = vec![b'A'; MAX_REQUEST_BYTES + 1];
        assert_eq!(
            Request::from_bytes(&junk),
            Err(RequestError::TooLarge { limit: MAX_REQUEST_BYTES })
        );
    }

    const BASE64: &[u8] = include_bytes!("../../vectors/dmm/honest/request.psbt");

    fn raw() -> Vec<u8> {
        STANDARD.decode(BASE64.trim_ascii()).unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The whole message of a request the strict parser refuses: this error and its source.
    fn psbt_problem(bytes: &[u8]) -> String {
        match Request::from_bytes(bytes) {
            Err(e @ RequestError::Psbt(_)) => {
                let cause = std::error::Error::source(&e).map(ToString::to_string);
                format!("{e}: {}", cause.unwrap_or_default())
            }
            other => panic!("not refused by the PSBT parser: {other:?}"),
        }
    }

    #[test]
    fn raw_bytes_are_taken_exactly() {
        let raw = raw();
        assert_eq!(decode_encoding(&raw), Ok((Encoding::Raw, Cow::Borrowed(raw.as_slice()))));
        assert_eq!(Request::from_bytes(&raw).map(|r| r.encoding()), Ok(Encoding::Raw));
        let mut with_newline = raw.clone();
        with_newline.push(b'\n');
        // The newline stays in the bytes: the parser, not the encoding, refuses it.
        assert_eq!(
            decode_encoding(&with_newline),
            Ok((Encoding::Raw, Cow::Borrowed(with_newline.as_slice())))
        );
        assert_eq!(
            psbt_problem(&with_newline),
            "the PSBT is malformed: after the last map: 1 byte follows the last output map"
        );
        let mut with_crlf = raw.clone();
        with_crlf.extend_from_slice(b"\r\n");
        assert_eq!(
            psbt_problem(&with_crlf),
            "the PSBT is malformed: after the last map: 2 bytes follow the last output map"
        );
    }

    #[test]
    fn whitespace_before_raw_magic_is_not_a_psbt() {
        for prefix in [&b" "[..], b"\n", b"\t", b"\r\n "] {
            let bytes = [prefix, raw().as_slice()].concat();
            assert_eq!(
                Request::from_bytes(&bytes),
                Err(RequestError::Encoding {
                    problem: "raw PSBT bytes must start with the magic \"psbt\\xff\"; this file has whitespace before it".to_owned()
                }),
                "{prefix:?}"
            );
        }
    }

    #[test]
    fn whitespace_around_hex_and_base64_text_is_ignored() {
        let raw = raw();
        let hex = hex(&raw);
        for text in [hex.clone(), format!("  {hex}\n"), format!("\r\n{}\r\n", hex.to_uppercase())] {
            let (encoding, bytes) = decode_encoding(text.as_bytes()).unwrap();
            assert_eq!((encoding, &*bytes), (Encoding::Hex, raw.as_slice()), "{text:?}");
        }
        let base64 = core::str::from_utf8(BASE64.trim_ascii()).unwrap();
        for text in [base64.to_owned(), format!("\n\t{base64}\n\n")] {
            let (encoding, bytes) = decode_encoding(text.as_bytes()).unwrap();
            assert_eq!((encoding, &*bytes), (Encoding::Base64, raw.as_slice()));
            assert_eq!(Request::from_bytes(text.as_bytes()).map(|r| r.version()), Ok(0));
        }
    }

    #[test]
    fn hex_and_base64_errors_say_where_not_what() {
        let problem = |bytes: &[u8]| match decode_encoding(bytes) {
            Err(RequestError::Encoding { problem }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            problem(b"70736274ffzq"),
            "invalid hex: the byte at offset 10 of the text is not a hex digit"
        );
        assert_eq!(
            problem(b"70736274ff0"),
            "invalid hex: 11 hex digits, an odd number, cannot be whole bytes"
        );
        assert_eq!(
            problem(b"cHNidP8B#x=="),
            "invalid base64: the byte at offset 8 of the text is not a base64 character; \
             give it on one line, with padding"
        );
        assert_eq!(
            problem(b"cHNidP8BA"),
            "invalid base64: its length is not that of base64 text; give it on one line, with padding"
        );
    }

    #[test]
    fn unknown_encoding_is_refused() {
        assert!(matches!(Request::from_bytes(b"hello"), Err(RequestError::Encoding { .. })));
        assert!(matches!(Request::from_bytes(b""), Err(RequestError::Encoding { .. })));
    }
}
