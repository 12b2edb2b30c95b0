//! A Caravan wallet configuration (JSON with `name`, `addressType`, `network`,
//! `quorum.requiredSigners`, `extendedPublicKeys[]`; SPEC 1.4). The Caravan reader lands
//! here; until it does, no file is read as Caravan's.

use super::Found;

/// Reads a Caravan wallet configuration: not yet, so never this format.
pub(super) fn read(_: &str) -> Result<Option<Found>, String> {
    Ok(None)
}
