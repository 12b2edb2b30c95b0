//! Fixed-length lowercase hex, as the policy's keys, the intent's signatures and the key
//! file's seed are written.
//!
//! Trusts: nothing. Anything but exactly the expected number of `0-9a-f` characters is
//! refused.

/// Parses exactly `2 * N` lowercase hex characters.
pub(crate) fn parse_lower_hex<const N: usize>(hex: &str) -> Option<[u8; N]> {
    if hex.len() != N.checked_mul(2)?
        || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let text = core::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}
