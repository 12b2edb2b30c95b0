//! The descriptor rules of SPEC 1.1 about keys: how they are written.
//!
//! Trusts: the policy's descriptor, which these rules read before anything is derived from
//! it.

/// The receive/change shorthand: `/**` stands for exactly `/<0;1>/*` (defined by BIP-388
/// for wallet policies; SPEC 1.1 accepts it in a descriptor).
pub(super) fn expand_receive_change_shorthand(body: &str) -> String {
    body.replace("/**", "/<0;1>/*")
}
