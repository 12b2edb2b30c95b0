//! Coldcard's multisig setup file (SPEC 1.4): `Name:`, `Policy: M of N`, `Format:` and
//! `Derivation:` lines, then one `FINGERPRINT: xpub` line per cosigner. The Coldcard firmware
//! writes it (`MultisigWallet.render_export`) and reads it (`MultisigWallet.from_file`);
//! Sparrow, Nunchuk, Keystone, Caravan and others export it for Coldcard.
//!
//! Trusts: nothing. The file is read as the firmware reads it: labels in any case; `#`
//! starts a comment unless a digit follows it (so `Name: vault #2` keeps its number); a
//! `Derivation:` line applies to every key after it, up to the next `Derivation:` line (the
//! firmware's exports write one before each run of keys that share a path); no `Format:`
//! line means P2SH, the firmware's default; the script is always `sortedmulti` (the firmware
//! applies BIP-67 to every setup-file wallet). Where the firmware is lenient, this reader
//! refuses, because an import must neither guess nor drop what the file says: a key before
//! any `Derivation:` line (the firmware infers the path of a depth-1 key), a key line
//! without a fingerprint (the firmware computes one for a depth-1 key), a line it does not
//! know (the firmware skips it, which could skip a key), and a second `Name:`, `Policy:` or
//! `Format:` line (the firmware keeps the last).
//!
//! Keys pass through exactly as written, SLIP-132 forms included; the shared step converts,
//! parses and checks them (SPEC 1.1). What this reader writes into the descriptor is checked
//! here, so no line can add syntax to it: fingerprints are 8 hex digits, paths are numbers,
//! keys are base58. Messages name lines by number and never quote a key or a value that
//! could be one.

use super::{Found, Source};
use crate::base::slip132::{Version, VERSIONS};
use crate::base::text::display_safe;

/// The script types a setup file's `Format:` line names, and the descriptors they become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    /// Native segwit: `wsh(sortedmulti(…))`.
    Wsh,
    /// Segwit nested in P2SH: `sh(wsh(sortedmulti(…)))`.
    ShWsh,
    /// Legacy P2SH: `sh(sortedmulti(…))`.
    Sh,
}

impl Script {
    /// Returns the `sortedmulti` descriptor of `required` signatures out of `keys`, each key
    /// already written with its origin and `/<0;1>/*`.
    pub(super) fn sortedmulti(self, required: usize, keys: &[String]) -> String {
        let inner = format!("sortedmulti({required},{})", keys.join(","));
        match self {
            Self::Wsh => format!("wsh({inner})"),
            Self::ShWsh => format!("sh(wsh({inner}))"),
            Self::Sh => format!("sh({inner})"),
        }
    }
}

/// Returns a key of the descriptor: `[fingerprint/path]KEY/<0;1>/*`.
///
/// `fingerprint` must be 8 lowercase hex digits, `path` an [`origin_path`] and `key` one
/// that [`key_problem`] accepts: then nothing in the result is descriptor syntax but ours.
pub(super) fn descriptor_key(fingerprint: &str, path: &str, key: &str) -> String {
    format!("[{fingerprint}{path}]{key}/<0;1>/*")
}

/// Returns the 8 hex digits of a master-key fingerprint in lowercase, or `None` when `text`
/// is not 8 hex digits.
pub(super) fn fingerprint(text: &str) -> Option<String> {
    (text.len() == 8 && text.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| text.to_ascii_lowercase())
}

/// Returns a BIP-32 path from the master key as a key origin writes it after the
/// fingerprint: `m/48h/0h/0h/2h` becomes `/48'/0'/0'/2'`, and `m` becomes the empty string.
///
/// The leading `m/` may be left out (`48'/0'`), as the Coldcard firmware allows; a hardened
/// step is marked `'`, `h` or `p` (the firmware's three spellings, in any case) and always
/// written `'`. The error says which step is wrong and never quotes the path.
pub(super) fn origin_path(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the path is empty".to_owned());
    }
    let steps = match text.strip_prefix(['m', 'M']) {
        Some("") => return Ok(String::new()),
        Some(rest) => rest.strip_prefix('/').ok_or("the path must start with m/")?,
        None => text,
    };
    let mut out = String::new();
    for (step, n) in steps.split('/').zip(1usize..) {
        let (number, hardened) = match step.strip_suffix(['\'', 'h', 'H', 'p', 'P']) {
            Some(number) => (number, true),
            None => (step, false),
        };
        if number.is_empty() {
            return Err(format!("step {n} of the path is empty"));
        }
        if !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "step {n} of the path is not a number (a hardened step is written 48' or 48h)"
            ));
        }
        let index: u32 = match number.parse() {
            Ok(index) if index < 1 << 31 => index,
            _ => {
                return Err(format!(
                    "step {n} of the path is 2^31 or more (a hardened step is written 48', not as its index)"
                ))
            }
        };
        out.push('/');
        out.push_str(&index.to_string());
        if hardened {
            out.push('\'');
        }
    }
    Ok(out)
}

/// The characters of base58 (Bitcoin's alphabet).
fn is_base58(c: char) -> bool {
    c.is_ascii_alphanumeric() && !matches!(c, '0' | 'O' | 'I' | 'l')
}

/// Says what is wrong with an extended key as a file writes it, or `None` when it may go
/// into a descriptor as it is (one base58 word that is not a private key). The message
/// never quotes the key; for a private key it names only its version (`xprv`, `Zprv`, …).
pub(super) fn key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("is empty".to_owned());
    }
    // Every private version of BIP-32 and SLIP-132 is written `?prv` (xprv, tprv, Zprv, …).
    if key.get(1..4) == Some("prv") {
        let version = VERSIONS
            .iter()
            .find(|(_, name, kind)| *kind == Version::Private && key.starts_with(name))
            .map_or("an extended private key", |(_, name, _)| name);
        return Some(format!(
            "is a private key ({version}): a policy holds the cosigners' public keys only; \
             export the wallet again without private keys"
        ));
    }
    if !key.chars().all(is_base58) {
        return Some(
            "is not an extended public key (it has characters that base58 does not use)".to_owned(),
        );
    }
    None
}

/// Returns `text` quoted for a message when it is short (up to 40 characters), and the
/// first 40 characters and `…` otherwise, with terminal controls escaped.
pub(super) fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("\"{}\"", display_safe(&shown))
}

/// Whether `text` begins with the name of an extended key version (`xpub`, `Zpub`, `tprv`, …).
fn looks_like_key(text: &str) -> bool {
    VERSIONS.iter().any(|(_, name, _)| text.starts_with(name))
}

/// A line of the file that says something: its number (from 1) and its text, comment cut
/// and trimmed.
type Content<'a> = (usize, &'a str);

/// The lines that say something: comments cut, blank lines dropped, each trimmed.
fn content_lines(text: &str) -> impl Iterator<Item = Content<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().zip(1usize..).filter_map(|(line, number)| {
        let content = strip_comment(line).trim();
        (!content.is_empty()).then_some((number, content))
    })
}

/// Cuts a comment as the firmware does: a line starting with `#` is all comment; otherwise
/// the first `#` starts one unless a digit follows it.
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.split_once('#') {
        Some((_, after)) if after.starts_with(|c: char| c.is_ascii_digit()) => line,
        Some((before, _)) => before,
        None => line,
    }
}

/// Splits a line at its first `:` into a lowercase label and a value, both trimmed.
fn label_value(content: &str) -> Option<(String, &str)> {
    content.split_once(':').map(|(label, value)| (label.trim().to_ascii_lowercase(), value.trim()))
}

/// Whether a line gives a key: `FINGERPRINT: key`, or a key with no fingerprint or another
/// label before it.
fn is_key_line(content: &str) -> bool {
    match label_value(content) {
        Some((label, value)) => {
            fingerprint(&label).is_some()
                || (!matches!(label.as_str(), "name" | "policy" | "format" | "derivation")
                    && looks_like_key(value))
        }
        None => looks_like_key(content),
    }
}

/// Whether `text` is a Coldcard setup file: a `Policy:` line and at least one key line.
fn detected(text: &str) -> bool {
    let policy = content_lines(text)
        .any(|(_, content)| label_value(content).is_some_and(|(label, _)| label == "policy"));
    policy && content_lines(text).any(|(_, content)| is_key_line(content))
}

/// Parses a `Policy:` value, `M of N` (also `M/N`, `M,N` and `M N`, as the firmware
/// accepts), into `(M, N)`; `None` when it is not that shape.
fn policy(value: &str) -> Option<(usize, usize)> {
    let m_end = value.find(|c: char| !c.is_ascii_digit())?;
    let (m, rest) = value.split_at(m_end);
    let n_start = rest.find(|c: char| c.is_ascii_digit())?;
    let (separator, n) = rest.split_at(n_start);
    let separator = separator.trim().to_ascii_lowercase();
    let shaped = matches!(separator.as_str(), "of" | "/" | ",")
        || (separator.is_empty() && rest.starts_with(char::is_whitespace));
    if m.is_empty() || !shaped || !n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((m.parse().ok()?, n.parse().ok()?))
}

/// Parses a `Format:` value in any case.
fn format(value: &str) -> Option<Script> {
    match value.to_ascii_lowercase().as_str() {
        "p2wsh" => Some(Script::Wsh),
        "p2sh-p2wsh" | "p2wsh-p2sh" => Some(Script::ShWsh),
        "p2sh" => Some(Script::Sh),
        _ => None,
    }
}

/// Returns `value` quoted when it is a short word worth showing (a format name someone
/// mistyped), or `None` when it might be anything.
fn shown_word(value: &str) -> Option<String> {
    let plain = (1..=20).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    (plain && !looks_like_key(value)).then(|| quoted(value))
}

/// Records the line number of a label that may appear once, or says where it first was.
fn once(seen: &mut Option<usize>, label: &str, number: usize) -> Result<(), String> {
    match seen {
        Some(first) => Err(format!(
            "line {number}: a second {label}: line (the first is line {first}); \
             the file must say it once"
        )),
        None => {
            *seen = Some(number);
            Ok(())
        }
    }
}

/// Reads a Coldcard multisig setup file into one `sortedmulti` descriptor with `/<0;1>/*`
/// keys, in the file's order.
///
/// Returns `Ok(None)` when `text` is not a setup file (no `Policy:` line, or no key line).
///
/// # Errors
///
/// A setup file that cannot be made into a descriptor: a `Policy:` that is not `M of N`
/// with `1 <= M <= N` and `N` the number of keys, a key line without an 8-hex-digit
/// fingerprint, a key before any `Derivation:` line, a derivation that is not a BIP-32
/// path, a `Format:` other than P2WSH, P2SH-P2WSH (or P2WSH-P2SH) and P2SH, a private or
/// malformed key, a second `Name:`, `Policy:` or `Format:` line, or a line of another kind.
/// The message names the line.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    if !detected(text) {
        return Ok(None);
    }
    let mut name: Option<&str> = None;
    let (mut name_line, mut policy_line, mut format_line) = (None, None, None);
    let mut threshold: Option<(usize, usize)> = None;
    let mut script = Script::Sh;
    let mut derivation: Option<String> = None;
    let mut keys: Vec<String> = Vec::new();
    for (number, content) in content_lines(text) {
        let Some((label, value)) = label_value(content) else {
            return Err(if looks_like_key(content) {
                format!(
                    "line {number}: a key without its master fingerprint; write it as \
                     `0F056943: xpub…` with the signer's 8-hex-digit fingerprint"
                )
            } else {
                format!(
                    "line {number}: not a line of a Coldcard setup file (Name:, Policy:, \
                     Format:, Derivation: or FINGERPRINT: key)"
                )
            });
        };
        match label.as_str() {
            "name" => {
                once(&mut name_line, "Name", number)?;
                name = Some(value).filter(|v| !v.is_empty());
            }
            "policy" => {
                once(&mut policy_line, "Policy", number)?;
                threshold = Some(policy(value).ok_or_else(|| {
                    format!("line {number}: Policy: must be M of N, as in `Policy: 2 of 3`")
                })?);
            }
            "format" => {
                once(&mut format_line, "Format", number)?;
                script = format(value).ok_or_else(|| {
                    let given = shown_word(value).map(|w| format!(" {w}")).unwrap_or_default();
                    format!(
                        "line {number}: Format:{given} is not P2WSH, P2SH-P2WSH (or P2WSH-P2SH) \
                         or P2SH"
                    )
                })?;
            }
            "derivation" => {
                let path = origin_path(value).map_err(|problem| {
                    format!(
                        "line {number}: Derivation: must be a BIP-32 path like m/48'/0'/0'/2': \
                         {problem}"
                    )
                })?;
                derivation = Some(path);
            }
            _ => {
                let Some(fp) = fingerprint(&label) else {
                    return Err(if looks_like_key(value) {
                        format!(
                            "line {number}: a key needs the signer's 8-hex-digit master \
                             fingerprint before it, as in `0F056943: xpub…`"
                        )
                    } else {
                        format!(
                            "line {number}: not a line of a Coldcard setup file (Name:, \
                             Policy:, Format:, Derivation: or FINGERPRINT: key)"
                        )
                    });
                };
                let key_number = keys.len().saturating_add(1);
                if let Some(problem) = key_problem(value) {
                    return Err(format!("line {number}: key {key_number} ({fp}) {problem}"));
                }
                let Some(path) = &derivation else {
                    return Err(format!(
                        "line {number}: key {key_number} ({fp}) has no Derivation: line \
                         before it; the file must give each key's path, as in \
                         `Derivation: m/48'/0'/0'/2'` (a `#` line is a comment, not a \
                         derivation)"
                    ));
                };
                keys.push(descriptor_key(&fp, path, value));
            }
        }
    }
    let Some((required, total)) = threshold else {
        // `detected` found a Policy: line, and every Policy: line sets the threshold.
        return Err("the file has no Policy: M of N line".to_owned());
    };
    if required == 0 {
        return Err(format!(
            "Policy: {required} of {total} requires no signature; at least one is needed"
        ));
    }
    if required > total {
        return Err(format!(
            "Policy: {required} of {total} requires more signatures than there are keys"
        ));
    }
    if total != keys.len() {
        return Err(format!(
            "Policy: {required} of {total} names {total} keys but the file lists {}",
            keys.len()
        ));
    }
    Ok(Some(Found {
        source: Source::Coldcard,
        name: name.map(str::to_owned),
        network: None,
        descriptors: vec![script.sortedmulti(required, &keys)],
        first_address: None,
    }))
}

#[cfg(test)]
mod tests;
