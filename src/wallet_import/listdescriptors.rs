//! Bitcoin Core's `listdescriptors` output: `{"wallet_name": …, "descriptors": [{"desc": …,
//! "internal": false, …}, …]}`. Single-key descriptors (a default wallet's `pkh`, `wpkh`,
//! `sh(wpkh)`, key-only `tr`) are ignored; what is left must be one multisig wallet, a
//! receive (`internal: false`) and a change (`internal: true`) descriptor, or one with both.

use serde::Deserialize;

use super::{json, Found, Source};

#[derive(Deserialize)]
struct ListDescriptors {
    wallet_name: Option<String>,
    descriptors: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    desc: String,
    internal: Option<bool>,
}

/// Whether Core's descriptor is one import ignores: a single key's (`pkh`, `wpkh`,
/// `sh(wpkh)`, `pk`, `combo`, `tr` with a key and no tree), or one with no key at all
/// (`addr`, `raw`).
fn ignored(desc: &str) -> bool {
    let desc = desc.trim();
    let inner = desc.strip_prefix("sh(").unwrap_or(desc);
    let single = ["pkh(", "wpkh(", "pk(", "combo(", "addr(", "raw("];
    single.iter().any(|f| inner.starts_with(f)) || (desc.starts_with("tr(") && !desc.contains(','))
}

/// Reads a JSON object with `descriptors`.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    if !json::has_any(text, &["descriptors"]) {
        return Ok(None);
    }
    let file: ListDescriptors = json::shape(text)?;
    let mut wallet: Vec<Entry> =
        file.descriptors.into_iter().filter(|e| !ignored(&e.desc)).collect();
    let two_of_a_kind =
        matches!(wallet.as_slice(), [a, b] if a.internal.is_some() && a.internal == b.internal);
    if wallet.len() > 2 || two_of_a_kind {
        return Err(format!(
            "it lists {} multisig descriptors, more than one wallet's receive and change \
             descriptors, and import does not choose one: that would be a guess. Import the \
             wallet's own descriptors (one with /<0;1>/*, or its receive and change \
             descriptors, one per line)",
            wallet.len()
        ));
    }
    if wallet.is_empty() {
        return Err("it lists no multisig descriptor, only single-key ones, which import \
             ignores: this Bitcoin Core wallet holds no multisig wallet"
            .to_owned());
    }
    // Receive first: `internal: false`, then `internal: true`.
    wallet.sort_by_key(|e| e.internal == Some(true));
    Ok(Some(Found {
        source: Source::CoreListdescriptors,
        name: file.wallet_name,
        network: None,
        descriptors: wallet.into_iter().map(|e| e.desc).collect(),
        first_address: None,
    }))
}
