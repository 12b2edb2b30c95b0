//! Stage 1: the signing request. Bytes in, a parsed PSBT out.
//!
//! Trusts: nothing. The encoding is detected (raw, hex or base64), the size is capped
//! before decoding, and the PSBT is parsed strictly by [`crate::psbt`] (version 0 or 2).

use std::borrow::Cow;

use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
use miniscript::bitcoin::base64::Engine;
use miniscript::bitcoin::hex::FromHex;
use miniscript::bitcoin::{Psbt, Transaction, Txid};

use crate::error::RequestError;
use crate::MAX_REQUEST_BYTES;

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
    /// Decodes a request from a file's bytes: raw, hex or base64, surrounding whitespace
    /// ignored.
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

    /// Returns the PSBT in `bitcoin`'s (version 0) model; for a version 2 request its
    /// `unsigned_tx` is the transaction BIP-370 constructs.
    pub fn psbt(&self) -> &Psbt {
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

/// Detects how a request file's bytes are encoded (raw, hex or base64, surrounding
/// whitespace ignored) and returns the binary PSBT bytes, without parsing the PSBT.
///
/// This is the first half of [`Request::from_bytes`]; `intentguard inspect` uses it with
/// [`crate::psbt::parse`] to read a PSBT that it lists but does not verify.
///
/// # Errors
///
/// Returns [`RequestError::TooLarge`] above [`MAX_REQUEST_BYTES`] without decoding, and
/// [`RequestError::Encoding`] when the bytes are none of the three encodings.
///
/// # Examples
///
/// ```
/// use intentguard::request::{decode_encoding, Encoding};
///
/// let (encoding, bytes) = decode_encoding(b"  70736274ff01  \n").unwrap();
/// assert_eq!(encoding, Encoding::Hex);
/// assert_eq!(&*bytes, b"psbt\xff\x01");
/// ```
pub fn decode_encoding(bytes: &[u8]) -> Result<(Encoding, Cow<'_, [u8]>), RequestError> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::TooLarge { limit: MAX_REQUEST_BYTES });
    }
    let trimmed = bytes.trim_ascii();
    if trimmed.starts_with(MAGIC) {
        Ok((Encoding::Raw, Cow::Borrowed(trimmed)))
    } else if trimmed.len() >= HEX_MAGIC.len()
        && trimmed.get(..HEX_MAGIC.len()).is_some_and(|p| p.eq_ignore_ascii_case(HEX_MAGIC))
    {
        let text =
            core::str::from_utf8(trimmed).map_err(|_| encoding("hex text that is not ASCII"))?;
        let decoded =
            Vec::<u8>::from_hex(text).map_err(|e| encoding(&format!("invalid hex ({e})")))?;
        Ok((Encoding::Hex, Cow::Owned(decoded)))
    } else if trimmed.starts_with(BASE64_MAGIC) {
        let decoded = STANDARD.decode(trimmed).map_err(|e| {
            encoding(&format!("invalid base64 ({e}); give it on one line, with padding"))
        })?;
        Ok((Encoding::Base64, Cow::Owned(decoded)))
    } else {
        Err(encoding(
            "expected raw bytes starting with \"psbt\\xff\", or the same as hex or base64",
        ))
    }
}

fn encoding(problem: &str) -> RequestError {
    RequestError::Encoding { problem: problem.to_owned() }
}

/// Parses exactly one binary PSBT, version 0 or 2, under every rule of BIP-174, 370, 371 and
/// 373 ([`crate::psbt::parse_for_verification`]: a previous transaction that does not match
/// its outpoint is a finding of the verifier), and requires a transaction that can be built.
fn parse_psbt(bytes: &[u8]) -> Result<(Psbt, u32), RequestError> {
    let parsed = crate::psbt::parse_for_verification(bytes)
        .map_err(|e| RequestError::Psbt { problem: e.to_string() })?;
    if !parsed.locktime_determined {
        return Err(RequestError::Psbt {
            problem: "the inputs of this version 2 PSBT require incompatible lock time types, so no transaction can be built from it (BIP-370)".to_owned(),
        });
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

    #[test]
    fn unknown_encoding_is_refused() {
        assert!(matches!(Request::from_bytes(b"hello"), Err(RequestError::Encoding { .. })));
        assert!(matches!(Request::from_bytes(b""), Err(RequestError::Encoding { .. })));
    }
}
