//! Checks of SPEC 2.2: every input spends a verified UTXO of the wallet, with valid
//! signatures only.
//!
//! Trusts: the policy. PSBT key origins only say where to derive; scripts are derived,
//! previous transactions hashed, signatures verified over this transaction.

use std::collections::{HashMap, HashSet};

use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::psbt::Input;
use miniscript::bitcoin::secp256k1::{Message, Secp256k1, VerifyOnly};
use miniscript::bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use miniscript::bitcoin::taproot::{ControlBlock, LeafVersion};
use miniscript::bitcoin::{
    Amount, EcdsaSighashType, OutPoint, ScriptBuf, Transaction, TxOut, Txid,
};

use super::{few, finalized};
use crate::policy::Policy;
use crate::report::{Code, Finding, Place};
use crate::text::abbreviated_hex;
use crate::wallet::{Derived, Location, ScriptKind, Wallet};

/// What the checks established about one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputFacts {
    /// The amount spent, when UTXO data is present and consistent.
    pub amount: Option<Amount>,
    /// The wallet (branch, index) the input was verified to belong to.
    pub owned_at: Option<(u32, u32)>,
}

/// Checks every input; returns what was established about each, in order. Signatures are
/// verified only when `verify_signatures` is set: a request over the weight limit is
/// rejected anyway, and skipping them keeps its refusal cheap (SPEC 2.7).
pub(crate) fn check(
    policy: &Policy,
    tx: &Transaction,
    inputs: &[Input],
    secp: &Secp256k1<VerifyOnly>,
    verify_signatures: bool,
    out: &mut Vec<Finding>,
) -> Vec<InputFacts> {
    let wallet = policy.wallet();
    let taproot = wallet.kind() == ScriptKind::Tr;

    // Pass 1: outpoints, sighash types and UTXO data of every input. Taproot signatures
    // commit to every input's UTXO, so these must all be known before any is verified.
    let mut seen: HashSet<OutPoint> = HashSet::with_capacity(tx.input.len());
    let mut utxos: Vec<Option<&TxOut>> = Vec::with_capacity(tx.input.len());
    // Previous transactions already hashed, by txid: several inputs often spend one.
    let mut hashed: HashMap<Txid, &Transaction> = HashMap::new();
    for (index, (txin, input)) in tx.input.iter().zip(inputs).enumerate() {
        let outpoint = txin.previous_output;
        if !seen.insert(outpoint) {
            out.push(Finding::new(
                Code::InputDuplicate,
                Place::Input(index),
                format!("input {index} spends {outpoint}, which an earlier input already spends"),
            ));
        }
        check_sighash_types(taproot, index, input, out);
        utxos.push(utxo(policy, taproot, index, outpoint, input, &mut hashed, out));
    }
    let all_utxos: Option<Vec<&TxOut>> = utxos.iter().copied().collect();
    let prevouts = all_utxos.as_deref().map(Prevouts::All);

    // Pass 2: ownership, scripts and signatures.
    let mut cache = SighashCache::new(tx);
    let mut derived: HashMap<(u32, u32), Option<Derived>> = HashMap::new();
    let mut facts = Vec::with_capacity(tx.input.len());
    for (index, (input, utxo)) in inputs.iter().zip(&utxos).enumerate() {
        let amount = utxo.map(|u| u.value);
        let owned_at = utxo.and_then(|u| owned_at(wallet, index, input, u, &mut derived, out));
        if let (Some(key), Some(utxo)) = (owned_at, utxo) {
            if let Some(Some(d)) = derived.get(&key) {
                check_scripts(index, input, d, out);
                let sigs = Signing {
                    index,
                    kind: wallet.kind(),
                    threshold: wallet.threshold(),
                    input,
                    derived: d,
                    utxo,
                    prevouts: prevouts.as_ref(),
                    secp,
                };
                if verify_signatures {
                    sigs.check(&mut cache, out);
                }
                finalized::check(&sigs, &mut cache, verify_signatures, out);
            }
        }
        facts.push(InputFacts { amount, owned_at });
    }
    facts
}

/// The sighash type must be absent or ALL (taproot: DEFAULT or ALL), in the field and on
/// every signature.
fn check_sighash_types(taproot: bool, index: usize, input: &Input, out: &mut Vec<Finding>) {
    let field = input.sighash_type.map(|t| t.to_u32());
    let field_ok = |t: u32| {
        t == EcdsaSighashType::All.to_u32() || (taproot && t == TapSighashType::Default as u32)
    };
    let tap_ok = |t: TapSighashType| matches!(t, TapSighashType::Default | TapSighashType::All);
    let message = if let Some(t) = field.filter(|t| !field_ok(*t)) {
        let allowed = if taproot { "DEFAULT (0x0) or ALL (0x1)" } else { "ALL (0x1)" };
        format!(
            "input {index} asks for sighash type {t:#x}; only {allowed} is accepted, so no signature can be reused for another transaction"
        )
    } else if let Some(sig) =
        input.partial_sigs.values().find(|s| s.sighash_type != EcdsaSighashType::All)
    {
        format!(
            "input {index} carries a signature with sighash type {}; only ALL is accepted",
            sig.sighash_type
        )
    } else if let Some(ty) = input
        .tap_key_sig
        .iter()
        .chain(input.tap_script_sigs.values())
        .map(|s| s.sighash_type)
        .find(|t| !tap_ok(*t))
    {
        format!("input {index} carries a taproot signature with sighash type {ty}; only DEFAULT or ALL is accepted")
    } else {
        return;
    };
    out.push(Finding::new(Code::InputSighashNotAllowed, Place::Input(index), message));
}

/// Establishes the UTXO an input spends: the previous transaction's output when present
/// (after hashing it), otherwise `witness_utxo`.
fn utxo<'a>(
    policy: &Policy,
    taproot: bool,
    index: usize,
    outpoint: OutPoint,
    input: &'a Input,
    hashed: &mut HashMap<Txid, &'a Transaction>,
    out: &mut Vec<Finding>,
) -> Option<&'a TxOut> {
    let place = Place::Input(index);
    let Some(prev_tx) = &input.non_witness_utxo else {
        let Some(witness_utxo) = &input.witness_utxo else {
            out.push(Finding::new(
                Code::InputMissingUtxo,
                place,
                format!("input {index} has no UTXO data: neither the previous transaction nor witness_utxo"),
            ));
            return None;
        };
        if policy.limits().require_prev_tx && !taproot {
            out.push(Finding::new(
                Code::InputMissingPrevTx,
                place,
                format!(
                    "input {index} has no full previous transaction; the policy requires one so that the amount spent is proven, not claimed"
                ),
            ));
        }
        return Some(witness_utxo);
    };
    // A copy equal to one already hashed to this txid needs no second hash.
    let known = hashed.get(&outpoint.txid).is_some_and(|seen| *seen == prev_tx);
    let txid = if known { outpoint.txid } else { prev_tx.compute_txid() };
    if txid == outpoint.txid {
        hashed.insert(txid, prev_tx);
    }
    if txid != outpoint.txid {
        out.push(Finding::new(
            Code::InputPrevTxMismatch,
            place,
            format!(
                "input {index} spends {outpoint} but its previous transaction hashes to {txid}"
            ),
        ));
        return None;
    }
    let prev_out = usize::try_from(outpoint.vout).ok().and_then(|v| prev_tx.output.get(v));
    let Some(prev_out) = prev_out else {
        out.push(Finding::new(
            Code::InputPrevTxMismatch,
            place,
            format!(
                "input {index} spends output {} of {txid}, which has only {} outputs",
                outpoint.vout,
                prev_tx.output.len()
            ),
        ));
        return None;
    };
    if let Some(witness_utxo) = &input.witness_utxo {
        if witness_utxo != prev_out {
            out.push(Finding::new(
                Code::InputPrevTxMismatch,
                place,
                format!(
                    "input {index}: witness_utxo claims {} sat to script {}, but the previous transaction has {} sat to script {}",
                    witness_utxo.value.to_sat(),
                    abbreviated_hex(witness_utxo.script_pubkey.as_bytes()),
                    prev_out.value.to_sat(),
                    abbreviated_hex(prev_out.script_pubkey.as_bytes())
                ),
            ));
        }
    }
    Some(prev_out)
}

/// Derives the wallet script at the (branch, index) the key origins name and compares it
/// with the UTXO's; returns the (branch, index) when they are equal.
fn owned_at(
    wallet: &Wallet,
    index: usize,
    input: &Input,
    utxo: &TxOut,
    derived: &mut HashMap<(u32, u32), Option<Derived>>,
    out: &mut Vec<Finding>,
) -> Option<(u32, u32)> {
    let place = Place::Input(index);
    let location = if wallet.kind() == ScriptKind::Tr {
        wallet.locate(input.tap_key_origins.values().map(|(_, source)| source))
    } else {
        wallet.locate(input.bip32_derivation.values())
    };
    let (branch, at) = match location {
        Location::At { branch, index } => (branch, index),
        Location::Unclaimed => {
            out.push(Finding::new(
                Code::InputNotOwned,
                place,
                format!("input {index} names no key of this wallet in its key origins; it is not the wallet's"),
            ));
            return None;
        }
        Location::Inconsistent => {
            out.push(Finding::new(
                Code::InputNotOwned,
                place,
                format!(
                    "input {index}: its key origins do not all name one unhardened (branch, index) of this wallet"
                ),
            ));
            return None;
        }
    };
    let script = derived
        .entry((branch, at))
        .or_insert_with(|| wallet.derive(branch, at))
        .as_ref()
        .map(|d| &d.script_pubkey);
    if script != Some(&utxo.script_pubkey) {
        out.push(Finding::new(
            Code::InputNotOwned,
            place,
            format!(
                "input {index} spends script {}, which is not the wallet's script at branch {branch} index {at} named by its key origins",
                abbreviated_hex(utxo.script_pubkey.as_bytes())
            ),
        ));
        return None;
    }
    Some((branch, at))
}

/// Witness and redeem scripts, and taproot internal key, merkle root and leaf scripts, in
/// the PSBT must equal the derived ones; any of them where nothing derives is a mismatch.
fn check_scripts(index: usize, input: &Input, derived: &Derived, out: &mut Vec<Finding>) {
    let tap = derived.taproot.as_ref();
    let mut wrong = Vec::new();
    if input.witness_script.is_some() && input.witness_script != derived.witness_script {
        wrong.push("witness script");
    }
    if input.redeem_script.is_some() && input.redeem_script != derived.redeem_script {
        wrong.push("redeem script");
    }
    if input.tap_internal_key.is_some() && input.tap_internal_key != tap.map(|t| t.internal_key) {
        wrong.push("taproot internal key");
    }
    if input.tap_merkle_root.is_some() && input.tap_merkle_root != tap.and_then(|t| t.merkle_root) {
        wrong.push("taproot merkle root");
    }
    let leaf_ok = |cb: &ControlBlock, script: &ScriptBuf, version: &LeafVersion| {
        tap.is_some_and(|t| {
            t.leaves
                .iter()
                .any(|l| l.control_block == *cb && l.script == *script && l.version == *version)
        })
    };
    if !input.tap_scripts.iter().all(|(cb, (script, version))| leaf_ok(cb, script, version)) {
        wrong.push("taproot leaf script or control block");
    }
    if !wrong.is_empty() {
        out.push(Finding::new(
            Code::InputScriptMismatch,
            Place::Input(index),
            format!(
                "input {index}: the {} in the PSBT differs from what the wallet derives",
                wrong.join(", ")
            ),
        ));
    }
}

/// What verifying one input's signatures needs.
pub(super) struct Signing<'a> {
    pub(super) index: usize,
    pub(super) kind: ScriptKind,
    /// The wallet's `(m, n)` for one-multisig scripts.
    pub(super) threshold: Option<(usize, usize)>,
    pub(super) input: &'a Input,
    pub(super) derived: &'a Derived,
    pub(super) utxo: &'a TxOut,
    /// Every input's UTXO, when all are known (BIP-341 signatures commit to them).
    pub(super) prevouts: Option<&'a Prevouts<'a, &'a TxOut>>,
    pub(super) secp: &'a Secp256k1<VerifyOnly>,
}

impl Signing<'_> {
    /// Every signature must be by a key of the input's derived script (for a script-path
    /// signature: of the derived leaf it names) and verify over this transaction with its own
    /// sighash type.
    fn check(&self, cache: &mut SighashCache<&Transaction>, out: &mut Vec<Finding>) {
        let index = self.index;
        let mut problems: Vec<String> = Vec::new();
        let mut ecdsa_hashes: HashMap<EcdsaSighashType, Option<Message>> = HashMap::new();
        for (key, sig) in &self.input.partial_sigs {
            if !self.derived.keys.contains(key) {
                problems.push(format!("key {key} is not one of the input's keys"));
                continue;
            }
            let message = *ecdsa_hashes
                .entry(sig.sighash_type)
                .or_insert_with(|| self.ecdsa_sighash(sig.sighash_type, cache));
            let valid = message
                .is_some_and(|m| self.secp.verify_ecdsa(&m, &sig.signature, &key.inner).is_ok());
            if !valid {
                problems
                    .push(format!("the signature by {key} does not verify over this transaction"));
            }
        }
        let tap = self.derived.taproot.as_ref();
        // BIP-341 signatures commit to every input's UTXO. When one is unknown (`prevouts` is
        // `None`), that input has its own error finding and these signatures cannot be
        // verified either way: only their keys and leaves are checked.
        let prevouts = self.prevouts;
        if let Some(sig) = &self.input.tap_key_sig {
            match (tap, prevouts) {
                (None, _) => problems.push(
                    "a taproot key-path signature on an input that is not taproot".to_owned(),
                ),
                (Some(t), Some(prevouts)) => {
                    let valid = cache
                        .taproot_key_spend_signature_hash(index, prevouts, sig.sighash_type)
                        .ok()
                        .map(|h| Message::from_digest(h.to_byte_array()))
                        .is_some_and(|m| {
                            self.secp.verify_schnorr(&sig.signature, &m, &t.output_key).is_ok()
                        });
                    if !valid {
                        problems.push("the key-path signature does not verify for the output key over this transaction".to_owned());
                    }
                }
                (Some(_), None) => {}
            }
        }
        for ((key, leaf_hash), sig) in &self.input.tap_script_sigs {
            let Some(leaf) = tap.and_then(|t| t.leaves.iter().find(|l| l.hash == *leaf_hash))
            else {
                problems.push(format!("the signature by {key} is for leaf {leaf_hash}, which is not a leaf of the wallet's tree"));
                continue;
            };
            if !leaf.keys.contains(key) {
                problems.push(format!("key {key} is not a key of leaf {leaf_hash}"));
                continue;
            }
            let Some(prevouts) = prevouts else { continue };
            let valid = cache
                .taproot_script_spend_signature_hash(index, prevouts, *leaf_hash, sig.sighash_type)
                .ok()
                .map(|h| Message::from_digest(h.to_byte_array()))
                .is_some_and(|m| self.secp.verify_schnorr(&sig.signature, &m, key).is_ok());
            if !valid {
                problems.push(format!(
                    "the script-path signature by {key} does not verify over this transaction"
                ));
            }
        }
        if !problems.is_empty() {
            out.push(Finding::new(
                Code::InputBadPartialSig,
                Place::Input(index),
                format!("input {index}: {}", few(&problems)),
            ));
        }
    }

    /// The BIP-143 (segwit v0) or legacy signature hash of this input for `ty`.
    pub(super) fn ecdsa_sighash(
        &self,
        ty: EcdsaSighashType,
        cache: &mut SighashCache<&Transaction>,
    ) -> Option<Message> {
        let digest = match self.kind {
            ScriptKind::Wsh | ScriptKind::ShWsh => {
                let script = self.derived.witness_script.as_ref()?;
                cache
                    .p2wsh_signature_hash(self.index, script, self.utxo.value, ty)
                    .ok()?
                    .to_byte_array()
            }
            ScriptKind::Sh => {
                let script = self.derived.redeem_script.as_ref()?;
                cache.legacy_signature_hash(self.index, script, ty.to_u32()).ok()?.to_byte_array()
            }
            ScriptKind::Tr => return None,
        };
        Some(Message::from_digest(digest))
    }
}
