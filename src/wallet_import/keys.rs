//! Keys in a wallet file's text, before any descriptor is parsed: private keys refused
//! unquoted, and SLIP-132 public keys (`Zpub`, `Vpub`, ...) rewritten as the `xpub` or
//! `tpub` of the same key (SPEC 1.4).
//!
//! Keys are found as runs of base58 characters of an extended key's length (or a WIF key's),
//! decoded with their checksum. Only runs of about those lengths are decoded, so that a long
//! run in a hostile file costs nothing (base58 decoding is quadratic).

use miniscript::bitcoin::base58;

use crate::base::slip132::{self, Version, TPUB, XPUB};

/// Base58 characters of one extended key: 82 bytes (78 and a 4-byte checksum) are 111 or
/// 112 characters.
const XKEY_CHARS: core::ops::RangeInclusive<usize> = 100..=120;
/// Base58 characters of a WIF private key: 51 (uncompressed) or 52 (compressed).
const WIF_CHARS: core::ops::RangeInclusive<usize> = 51..=52;

/// Whether `c` is one of base58's characters (letters and digits but `0`, `O`, `I`, `l`).
fn is_base58(c: char) -> bool {
    c.is_ascii_alphanumeric() && !matches!(c, '0' | 'O' | 'I' | 'l')
}

/// Each maximal run of base58 characters of `text`, with the byte offset it starts at.
fn runs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    text.char_indices().chain(core::iter::once((text.len(), ' '))).filter_map(
        move |(at, c)| match (start, is_base58(c)) {
            (None, true) => {
                start = Some(at);
                None
            }
            (Some(from), false) => {
                start = None;
                text.get(from..at).map(|run| (from, run))
            }
            _ => None,
        },
    )
}

/// Whether decoded base58check data is a WIF private key: a version byte 0x80 (mainnet) or
/// 0xef (test networks), 32 bytes of key, and for a compressed key a final 0x01.
fn is_wif(data: &[u8]) -> bool {
    match data {
        [0x80 | 0xef, key @ ..] if key.len() == 32 => true,
        [0x80 | 0xef, key @ .., 0x01] if key.len() == 32 => true,
        _ => false,
    }
}

/// The name of the private key `run` is or looks like: an extended private key by its
/// version bytes or its first four letters (so that one with a damaged checksum is refused
/// too), or a WIF key.
fn private_key_name(run: &str) -> Option<&'static str> {
    if XKEY_CHARS.contains(&run.len()) {
        let by_prefix = slip132::VERSIONS
            .iter()
            .find(|(_, name, kind)| *kind == Version::Private && run.starts_with(name));
        if let Some((_, name, _)) = by_prefix {
            return Some(name);
        }
        let data = base58::decode_check(run).ok()?;
        let version = data.first_chunk::<4>().filter(|_| data.len() == 78)?;
        return match slip132::lookup(*version)? {
            (_, name, Version::Private) => Some(name),
            _ => None,
        };
    }
    if WIF_CHARS.contains(&run.len()) {
        return base58::decode_check(run).ok().filter(|data| is_wif(data)).map(|_| "WIF");
    }
    None
}

/// Refuses a file that holds a private key, without quoting it.
pub(super) fn refuse_private_keys(text: &str) -> Result<(), String> {
    let Some(name) = runs(text).find_map(|(_, run)| private_key_name(run)) else {
        return Ok(());
    };
    let kind = if name == "WIF" {
        "a private key in WIF".to_owned()
    } else {
        format!("an extended private key ({name})")
    };
    Err(format!(
        "it holds {kind}, which is not shown here. A wallet file to import holds public keys \
         only: export the wallet's public configuration instead, and treat the private key as \
         exposed (it was written to a file that is being shared)"
    ))
}

/// A SLIP-132 key of the file, rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Converted {
    /// What the file wrote, such as `Zpub`.
    pub(super) from: &'static str,
    /// The same key as an `xpub` or `tpub`, in full.
    pub(super) to: String,
}

/// Rewrites each SLIP-132 public key of `body` as the `xpub` (mainnet forms) or `tpub` (test
/// forms) of the same key, and says which keys it rewrote.
pub(super) fn convert_slip132(body: &str) -> (String, Vec<Converted>) {
    let mut out = String::with_capacity(body.len());
    let mut converted = Vec::new();
    let mut copied = 0usize;
    for (at, run) in runs(body).filter(|(_, run)| XKEY_CHARS.contains(&run.len())) {
        let Ok(mut data) = base58::decode_check(run) else { continue };
        let Some(version) = data.first_chunk::<4>().filter(|_| data.len() == 78) else {
            continue;
        };
        let Some((_, from, Version::Slip132 { mainnet })) = slip132::lookup(*version) else {
            continue;
        };
        let plain = if *mainnet { XPUB } else { TPUB };
        if let Some(head) = data.first_chunk_mut::<4>() {
            *head = plain;
        }
        let to = base58::encode_check(&data);
        out.push_str(body.get(copied..at).unwrap_or_default());
        out.push_str(&to);
        copied = at.saturating_add(run.len());
        converted.push(Converted { from, to });
    }
    out.push_str(body.get(copied..).unwrap_or_default());
    (out, converted)
}
