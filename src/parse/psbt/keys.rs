//! Key types of BIP-174, BIP-370, BIP-371 and BIP-373, and their names for messages.

use super::location::Location;

pub(super) const GLOBAL_UNSIGNED_TX: u64 = 0x00;
pub(super) const GLOBAL_XPUB: u64 = 0x01;
pub(super) const GLOBAL_TX_VERSION: u64 = 0x02;
pub(super) const GLOBAL_FALLBACK_LOCKTIME: u64 = 0x03;
pub(super) const GLOBAL_INPUT_COUNT: u64 = 0x04;
pub(super) const GLOBAL_OUTPUT_COUNT: u64 = 0x05;
pub(super) const GLOBAL_TX_MODIFIABLE: u64 = 0x06;
pub(super) const GLOBAL_VERSION: u64 = 0xfb;
pub(super) const PROPRIETARY: u64 = 0xfc;
// BIP-375 (silent payments), which this parser does not read: kept as unknown fields.
const GLOBAL_SP_ECDH_SHARE: u64 = 0x07;
const GLOBAL_SP_DLEQ: u64 = 0x08;

pub(super) const IN_NON_WITNESS_UTXO: u64 = 0x00;
pub(super) const IN_WITNESS_UTXO: u64 = 0x01;
pub(super) const IN_PARTIAL_SIG: u64 = 0x02;
pub(super) const IN_SIGHASH_TYPE: u64 = 0x03;
pub(super) const IN_REDEEM_SCRIPT: u64 = 0x04;
pub(super) const IN_WITNESS_SCRIPT: u64 = 0x05;
pub(super) const IN_BIP32_DERIVATION: u64 = 0x06;
pub(super) const IN_FINAL_SCRIPTSIG: u64 = 0x07;
pub(super) const IN_FINAL_SCRIPTWITNESS: u64 = 0x08;
pub(super) const IN_POR_COMMITMENT: u64 = 0x09;
pub(super) const IN_RIPEMD160: u64 = 0x0a;
pub(super) const IN_SHA256: u64 = 0x0b;
pub(super) const IN_HASH160: u64 = 0x0c;
pub(super) const IN_HASH256: u64 = 0x0d;
pub(super) const IN_PREVIOUS_TXID: u64 = 0x0e;
pub(super) const IN_OUTPUT_INDEX: u64 = 0x0f;
pub(super) const IN_SEQUENCE: u64 = 0x10;
pub(super) const IN_REQUIRED_TIME_LOCKTIME: u64 = 0x11;
pub(super) const IN_REQUIRED_HEIGHT_LOCKTIME: u64 = 0x12;
pub(super) const IN_TAP_KEY_SIG: u64 = 0x13;
pub(super) const IN_TAP_SCRIPT_SIG: u64 = 0x14;
pub(super) const IN_TAP_LEAF_SCRIPT: u64 = 0x15;
pub(super) const IN_TAP_BIP32_DERIVATION: u64 = 0x16;
pub(super) const IN_TAP_INTERNAL_KEY: u64 = 0x17;
pub(super) const IN_TAP_MERKLE_ROOT: u64 = 0x18;
pub(super) const IN_MUSIG2_PARTICIPANT_PUBKEYS: u64 = 0x1a;
pub(super) const IN_MUSIG2_PUB_NONCE: u64 = 0x1b;
pub(super) const IN_MUSIG2_PARTIAL_SIG: u64 = 0x1c;
const IN_SP_ECDH_SHARE: u64 = 0x1d;
const IN_SP_DLEQ: u64 = 0x1e;

pub(super) const OUT_REDEEM_SCRIPT: u64 = 0x00;
pub(super) const OUT_WITNESS_SCRIPT: u64 = 0x01;
pub(super) const OUT_BIP32_DERIVATION: u64 = 0x02;
pub(super) const OUT_AMOUNT: u64 = 0x03;
pub(super) const OUT_SCRIPT: u64 = 0x04;
pub(super) const OUT_TAP_INTERNAL_KEY: u64 = 0x05;
pub(super) const OUT_TAP_TREE: u64 = 0x06;
pub(super) const OUT_TAP_BIP32_DERIVATION: u64 = 0x07;
pub(super) const OUT_MUSIG2_PARTICIPANT_PUBKEYS: u64 = 0x08;
const OUT_SP_V0_INFO: u64 = 0x09;
const OUT_SP_V0_LABEL: u64 = 0x0a;
// BIP-353 (DNS payment instructions).
const OUT_DNSSEC_PROOF: u64 = 0x35;

/// Returns whether a global key type exists only in version 2 PSBTs.
pub(super) fn global_is_v2_only(key_type: u64) -> bool {
    matches!(
        key_type,
        GLOBAL_TX_VERSION
            | GLOBAL_FALLBACK_LOCKTIME
            | GLOBAL_INPUT_COUNT
            | GLOBAL_OUTPUT_COUNT
            | GLOBAL_TX_MODIFIABLE
    )
}

/// Returns whether an input key type exists only in version 2 PSBTs.
pub(super) fn input_is_v2_only(key_type: u64) -> bool {
    matches!(
        key_type,
        IN_PREVIOUS_TXID
            | IN_OUTPUT_INDEX
            | IN_SEQUENCE
            | IN_REQUIRED_TIME_LOCKTIME
            | IN_REQUIRED_HEIGHT_LOCKTIME
    )
}

/// Returns whether an output key type exists only in version 2 PSBTs.
pub(super) fn output_is_v2_only(key_type: u64) -> bool {
    matches!(key_type, OUT_AMOUNT | OUT_SCRIPT)
}

/// Returns the name of a key type that changes what a signer signs, pays or shows and that
/// intentguard does not verify (SPEC 1.3): BIP-375 silent-payment fields, BIP-373 MuSig2
/// fields and BIP-353 DNSSEC proofs.
pub(super) fn not_allowed(location: Location, key_type: u64) -> Option<&'static str> {
    match (location, key_type) {
        (Location::Global, GLOBAL_SP_ECDH_SHARE) => Some("PSBT_GLOBAL_SP_ECDH_SHARE"),
        (Location::Global, GLOBAL_SP_DLEQ) => Some("PSBT_GLOBAL_SP_DLEQ"),
        (Location::Input(_), IN_SP_ECDH_SHARE) => Some("PSBT_IN_SP_ECDH_SHARE"),
        (Location::Input(_), IN_SP_DLEQ) => Some("PSBT_IN_SP_DLEQ"),
        (
            Location::Input(_),
            IN_MUSIG2_PARTICIPANT_PUBKEYS | IN_MUSIG2_PUB_NONCE | IN_MUSIG2_PARTIAL_SIG,
        )
        | (Location::Output(_), OUT_MUSIG2_PARTICIPANT_PUBKEYS) => name(location, key_type),
        (Location::Output(_), OUT_SP_V0_INFO) => Some("PSBT_OUT_SP_V0_INFO"),
        (Location::Output(_), OUT_SP_V0_LABEL) => Some("PSBT_OUT_SP_V0_LABEL"),
        (Location::Output(_), OUT_DNSSEC_PROOF) => Some("PSBT_OUT_DNSSEC_PROOF"),
        _ => None,
    }
}

/// Returns the BIP name of a key type in the map at `location`, if the type is one of
/// BIP-174, BIP-370, BIP-371 or BIP-373, or one of the fields [`not_allowed`] names.
pub(super) fn name(location: Location, key_type: u64) -> Option<&'static str> {
    let bip = match location {
        Location::Global => global_name(key_type),
        Location::Input(_) => input_name(key_type),
        Location::Output(_) => output_name(key_type),
        Location::Header | Location::AfterLastMap | Location::Decoder => None,
    };
    bip.or_else(|| not_allowed(location, key_type))
}

fn global_name(key_type: u64) -> Option<&'static str> {
    Some(match key_type {
        GLOBAL_UNSIGNED_TX => "PSBT_GLOBAL_UNSIGNED_TX",
        GLOBAL_XPUB => "PSBT_GLOBAL_XPUB",
        GLOBAL_TX_VERSION => "PSBT_GLOBAL_TX_VERSION",
        GLOBAL_FALLBACK_LOCKTIME => "PSBT_GLOBAL_FALLBACK_LOCKTIME",
        GLOBAL_INPUT_COUNT => "PSBT_GLOBAL_INPUT_COUNT",
        GLOBAL_OUTPUT_COUNT => "PSBT_GLOBAL_OUTPUT_COUNT",
        GLOBAL_TX_MODIFIABLE => "PSBT_GLOBAL_TX_MODIFIABLE",
        GLOBAL_VERSION => "PSBT_GLOBAL_VERSION",
        PROPRIETARY => "PSBT_GLOBAL_PROPRIETARY",
        _ => return None,
    })
}

fn input_name(key_type: u64) -> Option<&'static str> {
    Some(match key_type {
        IN_NON_WITNESS_UTXO => "PSBT_IN_NON_WITNESS_UTXO",
        IN_WITNESS_UTXO => "PSBT_IN_WITNESS_UTXO",
        IN_PARTIAL_SIG => "PSBT_IN_PARTIAL_SIG",
        IN_SIGHASH_TYPE => "PSBT_IN_SIGHASH_TYPE",
        IN_REDEEM_SCRIPT => "PSBT_IN_REDEEM_SCRIPT",
        IN_WITNESS_SCRIPT => "PSBT_IN_WITNESS_SCRIPT",
        IN_BIP32_DERIVATION => "PSBT_IN_BIP32_DERIVATION",
        IN_FINAL_SCRIPTSIG => "PSBT_IN_FINAL_SCRIPTSIG",
        IN_FINAL_SCRIPTWITNESS => "PSBT_IN_FINAL_SCRIPTWITNESS",
        IN_POR_COMMITMENT => "PSBT_IN_POR_COMMITMENT",
        IN_RIPEMD160 => "PSBT_IN_RIPEMD160",
        IN_SHA256 => "PSBT_IN_SHA256",
        IN_HASH160 => "PSBT_IN_HASH160",
        IN_HASH256 => "PSBT_IN_HASH256",
        IN_PREVIOUS_TXID => "PSBT_IN_PREVIOUS_TXID",
        IN_OUTPUT_INDEX => "PSBT_IN_OUTPUT_INDEX",
        IN_SEQUENCE => "PSBT_IN_SEQUENCE",
        IN_REQUIRED_TIME_LOCKTIME => "PSBT_IN_REQUIRED_TIME_LOCKTIME",
        IN_REQUIRED_HEIGHT_LOCKTIME => "PSBT_IN_REQUIRED_HEIGHT_LOCKTIME",
        IN_TAP_KEY_SIG => "PSBT_IN_TAP_KEY_SIG",
        IN_TAP_SCRIPT_SIG => "PSBT_IN_TAP_SCRIPT_SIG",
        IN_TAP_LEAF_SCRIPT => "PSBT_IN_TAP_LEAF_SCRIPT",
        IN_TAP_BIP32_DERIVATION => "PSBT_IN_TAP_BIP32_DERIVATION",
        IN_TAP_INTERNAL_KEY => "PSBT_IN_TAP_INTERNAL_KEY",
        IN_TAP_MERKLE_ROOT => "PSBT_IN_TAP_MERKLE_ROOT",
        IN_MUSIG2_PARTICIPANT_PUBKEYS => "PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS",
        IN_MUSIG2_PUB_NONCE => "PSBT_IN_MUSIG2_PUB_NONCE",
        IN_MUSIG2_PARTIAL_SIG => "PSBT_IN_MUSIG2_PARTIAL_SIG",
        PROPRIETARY => "PSBT_IN_PROPRIETARY",
        _ => return None,
    })
}

fn output_name(key_type: u64) -> Option<&'static str> {
    Some(match key_type {
        OUT_REDEEM_SCRIPT => "PSBT_OUT_REDEEM_SCRIPT",
        OUT_WITNESS_SCRIPT => "PSBT_OUT_WITNESS_SCRIPT",
        OUT_BIP32_DERIVATION => "PSBT_OUT_BIP32_DERIVATION",
        OUT_AMOUNT => "PSBT_OUT_AMOUNT",
        OUT_SCRIPT => "PSBT_OUT_SCRIPT",
        OUT_TAP_INTERNAL_KEY => "PSBT_OUT_TAP_INTERNAL_KEY",
        OUT_TAP_TREE => "PSBT_OUT_TAP_TREE",
        OUT_TAP_BIP32_DERIVATION => "PSBT_OUT_TAP_BIP32_DERIVATION",
        OUT_MUSIG2_PARTICIPANT_PUBKEYS => "PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS",
        PROPRIETARY => "PSBT_OUT_PROPRIETARY",
        _ => return None,
    })
}
