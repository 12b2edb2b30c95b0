//! What a PSBT contains, listed for a person or a program (`intentguard inspect`, SPEC 3).
//!
//! Trusts: nothing in the PSBT, and it checks no rule of SPEC 2: an inspection lists what
//! the PSBT says, marks what is a claim (a `witness_utxo` amount) and what is proven (a
//! previous transaction that hashes to the outpoint's txid), and shows signatures as present,
//! never as valid. With a policy, whether an input or output is the wallet's is decided
//! the way the checks decide it: [`Wallet::locate`] reads the key origins, and
//! [`Wallet::derive`] must give the script the PSBT shows.
//!
//! Every string here is plain data; those that came from the PSBT (proprietary key prefixes)
//! must go through [`display_safe`](crate::base::text::display_safe) before they reach a terminal.
//!
//! This module owns the data of an inspection and its entry points; `maps` reads the global,
//! input and output maps, and `fields` the field lists they share (key origins, unknown and
//! proprietary fields).
//!
//! ```
//! use intentguard::inspect::{inspect_bytes, Ownership};
//! use intentguard::Policy;
//!
//! # fn main() -> Result<(), intentguard::Error> {
//! let bytes = include_bytes!("../../../vectors/dmm/honest/request.psbt");
//! let policy = Policy::from_toml_bytes(include_bytes!("../../../policies/treasury.toml"))?;
//! let inspection = inspect_bytes(bytes, Some(&policy))?;
//! assert_eq!(inspection.psbt_version, 0);
//! assert_eq!(inspection.inputs[0].ownership, Some(Ownership::Wallet { branch: 0, index: 7, differs: vec![] }));
//! # Ok(())
//! # }
//! ```

use miniscript::bitcoin::{Network, Transaction};
use serde::Serialize;

use crate::model::claims::{Derivations, PrevTxs};
use crate::parse::policy::{network_name, Policy};
use crate::parse::prev_tx::supply;
use crate::parse::psbt::ParsedPsbt;
use crate::parse::request::decode_encoding;
use crate::parse::RequestError;

mod fields;
mod maps;

use self::maps::{inspect_global, inspect_input, inspect_output};

/// Everything `intentguard inspect` shows about one PSBT. Serialises to its JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Inspection {
    /// 0 or 2, as the PSBT declares.
    pub psbt_version: u32,
    /// The unsigned transaction's txid; `None` for a version 2 PSBT whose locktime BIP-370
    /// cannot determine, from which no transaction can be built.
    pub txid: Option<String>,
    /// `false` only for a version 2 PSBT whose inputs require incompatible lock types.
    pub locktime_determined: bool,
    /// The transaction version.
    pub tx_version: i32,
    /// The transaction's locktime in its consensus encoding (for version 2, as BIP-370
    /// determines it); meaningless when `locktime_determined` is `false`.
    pub locktime: u32,
    /// The network addresses are shown for (SPEC 1.1 name).
    pub network: &'static str,
    /// `true` when `network` is the policy's; `false` when no policy was given and
    /// addresses are shown for mainnet (`bitcoin`).
    pub network_from_policy: bool,
    /// The policy's wallet name, when a policy was given.
    pub wallet: Option<String>,
    /// The global map's extended keys and unknown and proprietary fields.
    pub global: GlobalInspection,
    /// Every input, in order.
    pub inputs: Vec<InputInspection>,
    /// Every output, in order.
    pub outputs: Vec<OutputInspection>,
    /// The sum of the input amounts, when every input's amount is known.
    pub input_total_sat: Option<u64>,
    /// The sum of the output amounts (`None` only if it overflows 64 bits).
    pub output_total_sat: Option<u64>,
    /// Inputs minus outputs, when both sums are known; negative when the outputs spend
    /// more than the inputs.
    pub fee_sat: Option<i64>,
}

/// The global map, beyond the transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GlobalInspection {
    /// `PSBT_GLOBAL_XPUB` entries.
    pub xpubs: Vec<GlobalXpub>,
    /// Fields of key types that `bitcoin` does not model.
    pub unknown: Vec<UnknownField>,
    /// `PSBT_GLOBAL_PROPRIETARY` fields.
    pub proprietary: Vec<ProprietaryField>,
}

/// One `PSBT_GLOBAL_XPUB` entry: a hint, never checked or trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GlobalXpub {
    /// The extended public key (base58) exactly as the PSBT holds it, version bytes
    /// included: `xpub…`, `tpub…`, or a SLIP-132 form such as `Zpub…` (SPEC 1.3 leaves the
    /// version bytes unchecked).
    pub xpub: String,
    /// The key's version bytes, 8 hex digits (`0488b21e` for `xpub`).
    pub version: String,
    /// The name BIP-32 or SLIP-132 gives the version bytes (`xpub`, `tpub`, `Zpub`, …);
    /// `None` when no standard names them.
    pub version_name: Option<&'static str>,
    /// The master key fingerprint, 8 hex digits.
    pub fingerprint: String,
    /// The derivation path from the master key, such as `48'/0'/0'/2'`; empty for `m`.
    pub path: String,
}

/// A key origin: a BIP-32 derivation (`PSBT_*_BIP32_DERIVATION`) or a taproot one
/// (`PSBT_*_TAP_BIP32_DERIVATION`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KeyOrigin {
    /// The public key, hex: 33 bytes for BIP-32 origins, 32 (x-only) for taproot ones.
    pub key: String,
    /// `true` for a taproot key origin.
    pub taproot: bool,
    /// The master key fingerprint, 8 hex digits.
    pub fingerprint: String,
    /// The derivation path from the master key, such as `48'/0'/0'/2'/0/7`.
    pub path: String,
    /// For taproot origins, the leaf hashes the key is used in (empty: the key path).
    pub leaf_hashes: Vec<String>,
}

/// Where an input's amount was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountSource {
    /// The full previous transaction, which hashes to the outpoint's txid.
    PreviousTransaction,
    /// `witness_utxo`: a claim the PSBT makes, not proven by any hash.
    WitnessUtxo,
}

/// What the full previous transaction of an input (`PSBT_IN_NON_WITNESS_UTXO`) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviousTx {
    /// The input carries none.
    Absent,
    /// It hashes to the outpoint's txid and has the outpoint's output.
    Matches,
    /// It hashes to another txid than the outpoint's.
    TxidMismatch,
    /// It has the outpoint's txid, but no output at the outpoint's index.
    VoutPastEnd,
}

/// An input's or output's place in the policy's wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Ownership {
    /// The key origins name this (branch, index) and the wallet derives the script there.
    Wallet {
        /// 0 receive, 1 change.
        branch: u32,
        /// The unhardened child index.
        index: u32,
        /// Scripts or taproot data in the PSBT map that differ from the derived ones (such
        /// as `"witness script"`); empty when all agree.
        differs: Vec<&'static str>,
    },
    /// The key origins name this (branch, index), but the input has no UTXO data, so there
    /// is no script to compare with the derived one.
    ScriptUnknown {
        /// 0 receive, 1 change.
        branch: u32,
        /// The unhardened child index.
        index: u32,
    },
    /// The key origins name wallet keys, but the script is not the wallet's there, or they
    /// do not all name one unhardened (branch, index) (`branch` and `index` are then
    /// `None`).
    ClaimsWalletDoesNotDerive {
        /// The branch the origins name, if they agree on one.
        branch: Option<u32>,
        /// The index the origins name, if they agree on one.
        index: Option<u32>,
    },
    /// No key origin names a key of the wallet.
    NotWallet,
}

/// A signature present in an input. Presence only: inspecting verifies no signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignatureInfo {
    /// Which field holds it.
    pub kind: SignatureKind,
    /// The signing key, hex (33 bytes for ECDSA, 32 x-only for taproot script path);
    /// `None` for a taproot key-path signature, which is by the output key.
    pub key: Option<String>,
    /// For a taproot script-path signature, the leaf hash it names.
    pub leaf_hash: Option<String>,
    /// The sighash type the signature carries, such as `SIGHASH_ALL`.
    pub sighash: String,
}

/// The kinds of signature a PSBT input can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// `PSBT_IN_PARTIAL_SIG`.
    Ecdsa,
    /// `PSBT_IN_TAP_KEY_SIG`.
    TaprootKeyPath,
    /// `PSBT_IN_TAP_SCRIPT_SIG`.
    TaprootScriptPath,
}

/// A sighash type set in an input's `PSBT_IN_SIGHASH_TYPE` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SighashInfo {
    /// The value as the field holds it.
    pub value: u32,
    /// Its name, such as `SIGHASH_ALL`, or the value in hex when it has none.
    pub name: String,
}

/// A taproot leaf script: from an input's `PSBT_IN_TAP_LEAF_SCRIPT` or an output's
/// `PSBT_OUT_TAP_TREE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TapLeafInfo {
    /// The leaf hash, hex.
    pub leaf_hash: String,
    /// The leaf version (0xc0 for tapscript).
    pub leaf_version: u8,
    /// The script, hex.
    pub script: String,
    /// The control block, hex (input leaves only).
    pub control_block: Option<String>,
    /// The depth in the tree (output trees only).
    pub depth: Option<usize>,
}

/// The scripts and taproot data present in an input or output map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ScriptsInfo {
    /// The redeem script, hex.
    pub redeem_script: Option<String>,
    /// The witness script, hex.
    pub witness_script: Option<String>,
    /// The taproot internal key, x-only hex.
    pub tap_internal_key: Option<String>,
    /// The taproot merkle root, hex (inputs only).
    pub tap_merkle_root: Option<String>,
    /// Leaf scripts (inputs) or the script tree's leaves (outputs).
    pub tap_leaves: Vec<TapLeafInfo>,
}

/// A field of a key type `bitcoin` does not model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UnknownField {
    /// The key type.
    pub key_type: u64,
    /// The BIP name of the key type, when a BIP defines it (BIP-373's MuSig2 fields are
    /// checked by the parser but not modelled by `bitcoin`).
    pub name: Option<&'static str>,
    /// The key data after the key type, hex.
    pub key_data: String,
    /// The value's length in bytes.
    pub value_len: usize,
}

/// A proprietary field (key type 0xFC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProprietaryField {
    /// The identifier prefix as text (invalid UTF-8 replaced). Untrusted: escape it before
    /// showing it.
    pub prefix: String,
    /// The identifier prefix, hex.
    pub prefix_hex: String,
    /// The subtype.
    pub subtype: u8,
    /// The key data after the subtype, hex.
    pub key_data: String,
    /// The value's length in bytes.
    pub value_len: usize,
}

/// One input of the PSBT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InputInspection {
    /// Its index.
    pub index: usize,
    /// The outpoint it spends, `txid:vout`.
    pub outpoint: String,
    /// Its sequence number.
    pub sequence: u32,
    /// The amount it spends, when known.
    pub amount_sat: Option<u64>,
    /// Where `amount_sat` and `script_pubkey` come from.
    pub amount_from: Option<AmountSource>,
    /// The script of the output it spends, hex, when known.
    pub script_pubkey: Option<String>,
    /// That script's address on the inspection's network, if it has one.
    pub address: Option<String>,
    /// The full previous transaction, and whether it matches the outpoint.
    pub previous_tx: PreviousTx,
    /// Whether the input carries a `witness_utxo`.
    pub has_witness_utxo: bool,
    /// `true` when a matching previous transaction and `witness_utxo` disagree on the
    /// amount or script.
    pub witness_utxo_disagrees: bool,
    /// The amount `witness_utxo` claims, when present.
    pub witness_utxo_amount_sat: Option<u64>,
    /// `PSBT_IN_SIGHASH_TYPE`, if set.
    pub sighash_type: Option<SighashInfo>,
    /// Key origins, BIP-32 ones first, each in key order.
    pub key_origins: Vec<KeyOrigin>,
    /// Signatures present: ECDSA partial signatures, then the taproot key-path signature,
    /// then taproot script-path signatures.
    pub signatures: Vec<SignatureInfo>,
    /// Scripts and taproot data present.
    pub scripts: ScriptsInfo,
    /// `true` when `PSBT_IN_FINAL_SCRIPTSIG` is present.
    pub final_script_sig: bool,
    /// `true` when `PSBT_IN_FINAL_SCRIPTWITNESS` is present.
    pub final_script_witness: bool,
    /// The number of hash preimages (RIPEMD160, SHA256, HASH160, HASH256 fields).
    pub hash_preimages: usize,
    /// Fields of key types `bitcoin` does not model.
    pub unknown: Vec<UnknownField>,
    /// Proprietary fields.
    pub proprietary: Vec<ProprietaryField>,
    /// With a policy: whether the input spends a wallet script, and where.
    pub ownership: Option<Ownership>,
}

/// One output of the PSBT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OutputInspection {
    /// Its index.
    pub index: usize,
    /// Its amount.
    pub amount_sat: u64,
    /// Its script, hex.
    pub script_pubkey: String,
    /// Its address on the inspection's network, if the script has one.
    pub address: Option<String>,
    /// Key origins, BIP-32 ones first, each in key order.
    pub key_origins: Vec<KeyOrigin>,
    /// Scripts and taproot data present.
    pub scripts: ScriptsInfo,
    /// Fields of key types `bitcoin` does not model.
    pub unknown: Vec<UnknownField>,
    /// Proprietary fields.
    pub proprietary: Vec<ProprietaryField>,
    /// With a policy: whether the output pays a wallet script, and where.
    pub ownership: Option<Ownership>,
}

/// Decodes a request file's bytes (raw, hex or base64), parses the PSBT strictly with
/// [`crate::parse::psbt::parse`] and lists it with [`inspect`].
///
/// # Errors
///
/// Returns [`RequestError`] (`PSBT_MALFORMED`) when the bytes are too large, in none of the
/// three encodings, or not exactly one valid PSBT; the message is the parser's.
pub fn inspect_bytes(bytes: &[u8], policy: Option<&Policy>) -> Result<Inspection, RequestError> {
    inspect_bytes_with_prev_txs(bytes, policy, &[]).map(|(inspection, _)| inspection)
}

/// As [`inspect_bytes`], with previous transactions supplied beside the PSBT (SPEC 3,
/// `--prev-tx`): each input that carries none and spends an output of one of `prev_txs` is
/// listed as if the PSBT carried it (its amount then proven by the hash). Also returns the
/// indices in `prev_txs` of the transactions that no input spends.
///
/// # Errors
///
/// As [`inspect_bytes`].
pub fn inspect_bytes_with_prev_txs(
    bytes: &[u8],
    policy: Option<&Policy>,
    prev_txs: &[Transaction],
) -> Result<(Inspection, Vec<usize>), RequestError> {
    let (_, raw) = decode_encoding(bytes)?;
    let mut parsed = crate::parse::psbt::parse(&raw).map_err(RequestError::Psbt)?;
    let unused = supply(&mut parsed.psbt, prev_txs)?;
    Ok((inspect(&parsed, policy), unused))
}

/// Lists what `parsed` contains. With `policy`, addresses are for its network and every
/// input and output says whether it is the wallet's; without, addresses are for mainnet.
///
/// # Security
///
/// Nothing is verified: signatures are listed as present, and a `witness_utxo` amount is
/// marked as a claim. A previous transaction counts for the amount only when it hashes to
/// the outpoint's txid (which [`crate::parse::psbt::parse`] already requires).
pub fn inspect(parsed: &ParsedPsbt, policy: Option<&Policy>) -> Inspection {
    let psbt = &parsed.psbt;
    let tx = &psbt.unsigned_tx;
    let network = policy.map_or(Network::Bitcoin, Policy::network);
    let mut derivations = policy.map(|p| Derivations::new(p.wallet()));
    let mut prev_txs = PrevTxs::default();

    // `psbt::parse` gives one input map per transaction input (and one output map per
    // output), so the pairs below cover every map.
    let inputs: Vec<InputInspection> = tx
        .input
        .iter()
        .zip(&psbt.inputs)
        .enumerate()
        .map(|(index, (txin, input))| {
            inspect_input(txin, index, input, network, &mut prev_txs, derivations.as_mut())
        })
        .collect();
    let outputs: Vec<OutputInspection> = tx
        .output
        .iter()
        .zip(&psbt.outputs)
        .enumerate()
        .map(|(index, (txout, output))| {
            inspect_output(index, txout, output, network, derivations.as_mut())
        })
        .collect();

    let input_total_sat =
        inputs.iter().try_fold(0u64, |sum, i| i.amount_sat.and_then(|a| sum.checked_add(a)));
    let output_total_sat = outputs.iter().try_fold(0u64, |sum, o| sum.checked_add(o.amount_sat));
    let fee_sat = match (input_total_sat, output_total_sat) {
        (Some(i), Some(o)) => difference(i, o),
        _ => None,
    };

    Inspection {
        psbt_version: parsed.version,
        txid: parsed.locktime_determined.then(|| tx.compute_txid().to_string()),
        locktime_determined: parsed.locktime_determined,
        tx_version: tx.version.0,
        locktime: tx.lock_time.to_consensus_u32(),
        network: network_name(network),
        network_from_policy: policy.is_some(),
        wallet: policy.map(|p| p.name().to_owned()),
        global: inspect_global(parsed),
        inputs,
        outputs,
        input_total_sat,
        output_total_sat,
        fee_sat,
    }
}

/// `a - b` as a signed number, `None` if it does not fit.
fn difference(a: u64, b: u64) -> Option<i64> {
    match a.checked_sub(b) {
        Some(d) => i64::try_from(d).ok(),
        None => b.checked_sub(a).and_then(|d| i64::try_from(d).ok()).and_then(i64::checked_neg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_signed() {
        assert_eq!(difference(10, 3), Some(7));
        assert_eq!(difference(3, 10), Some(-7));
        assert_eq!(difference(u64::MAX, 0), None);
        assert_eq!(difference(0, u64::MAX), None);
    }
}
