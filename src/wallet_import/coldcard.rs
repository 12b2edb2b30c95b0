//! Coldcard's multisig setup text (`Name:`, `Policy: M of N`, `Derivation:`, `Format:`, then
//! `FINGERPRINT: xpub` lines; SPEC 1.4). The Coldcard reader lands here; until it does, no
//! file is read as Coldcard's.

use super::Found;

/// Reads Coldcard's multisig setup text: not yet, so never this format.
pub(super) fn read(_: &str) -> Result<Option<Found>, String> {
    Ok(None)
}
