//! A BIP-388 wallet policy as JSON (SPEC 1.4): `name`, `descriptor_template` with key
//! placeholders `@0/**`, `@1/<0;1>/*`, ... and `keys_info`, the keys with their origins
//! (`[fingerprint/path]xpub`). Each `@N` is replaced by key N; every key must be used.

use serde::Deserialize;

use super::{json, Found, Source};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WalletPolicy {
    name: Option<String>,
    descriptor_template: String,
    keys_info: Vec<String>,
}

/// Most digits of a key index: far more keys than any script holds.
const INDEX_DIGITS: usize = 4;

/// Whether `key` holds only what a key with its origin is written with, so that substituting
/// it cannot change the template's script (a `,` or `)` in a key would).
fn key_shaped(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '[' | ']' | '/' | '\''))
}

/// The template with each `@N` replaced by `keys[N]`.
fn substitute(template: &str, keys: &[String]) -> Result<String, String> {
    if let Some(at) = keys.iter().position(|k| !key_shaped(k)) {
        return Err(format!(
            "keys_info[{at}] is not a key with its origin ([fingerprint/path]xpub…): it holds \
             characters a key is not written with"
        ));
    }
    let mut used = vec![false; keys.len()];
    let mut out =
        String::with_capacity(template.len().saturating_add(keys.len().saturating_mul(120)));
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at.saturating_add(1)..).unwrap_or_default();
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let index = after
            .get(..digits)
            .filter(|d| (1..=INDEX_DIGITS).contains(&d.len()))
            .and_then(|d| d.parse::<usize>().ok())
            .ok_or_else(|| {
                "descriptor_template has an @ that is not followed by a key index (@0, @1, ...)"
                    .to_owned()
            })?;
        let key = keys.get(index).ok_or_else(|| {
            format!(
                "descriptor_template names @{index}, but keys_info has {} keys: the key of \
                 @{index} is not in the file",
                keys.len()
            )
        })?;
        if let Some(u) = used.get_mut(index) {
            *u = true;
        }
        out.push_str(key);
        rest = after.get(digits..).unwrap_or_default();
    }
    out.push_str(rest);
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err(format!(
            "keys_info[{unused}] is not used by descriptor_template (it has no @{unused}): \
             in a BIP-388 wallet policy every key is used, so the file is damaged or edited"
        ));
    }
    Ok(out)
}

/// Reads a JSON object with `descriptor_template` or `keys_info`.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    if !json::has_any(text, &["descriptor_template", "keys_info"]) {
        return Ok(None);
    }
    let policy: WalletPolicy = json::shape(text)?;
    let descriptor = substitute(&policy.descriptor_template, &policy.keys_info)?;
    Ok(Some(Found {
        source: Source::Bip388,
        name: policy.name,
        network: None,
        descriptors: vec![descriptor],
        first_address: None,
    }))
}
