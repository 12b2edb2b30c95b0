//! A Specter or Sparrow style JSON export: an object with a `descriptor`, and the wallet's
//! name as `label` or `name`. Every other key (Specter's `blockheight`, `devices`, ...) is
//! ignored: this is another tool's export, not a format of ours.

use serde::Deserialize;

use super::{json, Found, Source};

#[derive(Deserialize)]
struct Export {
    descriptor: String,
    label: Option<String>,
    name: Option<String>,
}

/// Reads a JSON object with `descriptor`.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    if !json::has_any(text, &["descriptor"]) {
        return Ok(None);
    }
    let export: Export = json::shape(text)?;
    Ok(Some(Found {
        source: Source::JsonDescriptor,
        name: export.label.or(export.name),
        network: None,
        descriptors: vec![export.descriptor],
        first_address: None,
    }))
}
