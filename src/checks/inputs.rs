//! Checks of SPEC 2.2: every input spends a verified UTXO of the wallet, with valid
//! signatures only.
//!
//! Trusts: the policy. PSBT key origins only say where to derive; scripts are derived,
//! previous transactions hashed, signatures verified over this transaction.

use std::collections::{HashMap, HashSet};

use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::psbt::Input;
use miniscript::bitcoin::secp256k1::{Message, Secp256k1, VerifyOnly};
use miniscript::bitcoin::sighash::SighashCache;
use miniscript::bitcoin::{
    ecdsa, Amount, EcdsaSighashType, OutPoint, PublicKey, Transaction, TxOut,
};

use crate::policy::Policy;
use crate::report::{Code, Finding, Place};
use crate::wallet::{Derived, Location, ScriptKind, Wallet};

/// What the checks established about one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputFacts {
    /// The amount spent, when UTXO data is present and consistent.
    pub amount: Option<Amount>,
    /// The wallet (branch, index) the input was verified to belong to.
    pub owned_at: Option<(u32, u32)>,
}

/// Checks every input; returns what was established about each, in order.
pub(crate) fn check(
    policy: &Policy,
    tx: &Transaction,
    inputs: &[Input],
    secp: &Secp256k1<VerifyOnly>,
    out: &mut Vec<Finding>,
) -> Vec<InputFacts> {
    let wallet = policy.wallet();
    let mut seen: HashSet<OutPoint> = HashSet::with_capacity(tx.input.len());
    let mut cache = SighashCache::new(tx);
    let mut derived: HashMap<(u32, u32), Option<Derived>> = HashMap::new();
    let mut facts = Vec::with_capacity(tx.input.len());
    for (index, (txin, input)) in tx.input.iter().zip(inputs).enumerate() {
        let place = Place::Input(index);
        let outpoint = txin.previous_output;
        if !seen.insert(outpoint) {
            out.push(Finding::new(
                Code::InputDuplicate,
                place,
                format!("input {index} spends {outpoint}, which an earlier input already spends"),
            ));
        }
        check_sighash_types(index, input, out);

        let utxo = utxo(policy, index, outpoint, input, out);
        let amount = utxo.map(|u| u.value);
        let owned = utxo.and_then(|u| {
            let (branch, at) = owned_at(wallet, index, input, u, &mut derived, out)?;
            Some((branch, at, u))
        });
        let owned_at = owned.as_ref().map(|(b, i, _)| (*b, *i));
        if let Some((branch, at, utxo)) = owned {
            if let Some(Some(d)) = derived.get(&(branch, at)) {
                check_scripts(index, input, d, out);
                check_signatures(wallet.kind(), index, input, d, utxo, &mut cache, secp, out);
            }
        }
        facts.push(InputFacts { amount, owned_at });
    }
    facts
}

/// The sighash type must be absent or ALL, in the field and on every signature.
fn check_sighash_types(index: usize, input: &Input, out: &mut Vec<Finding>) {
    let field = input.sighash_type.map(|t| t.to_u32());
    let field_bad = field.is_some_and(|t| t != EcdsaSighashType::All.to_u32());
    let sig_bad = input.partial_sigs.values().find(|s| s.sighash_type != EcdsaSighashType::All);
    let message = match (field_bad, sig_bad) {
        (true, _) => format!(
            "input {index} asks for sighash type {:#x}; only ALL (0x1) is accepted, so no signature can be reused for another transaction",
            field.unwrap_or_default()
        ),
        (false, Some(sig)) => format!(
            "input {index} carries a signature with sighash type {}; only ALL is accepted",
            sig.sighash_type
        ),
        (false, None) => return,
    };
    out.push(Finding::new(Code::InputSighashNotAllowed, Place::Input(index), message));
}

/// Establishes the UTXO an input spends: the previous transaction's output when present
/// (after hashing it), otherwise `witness_utxo`.
fn utxo<'a>(
    policy: &Policy,
    index: usize,
    outpoint: OutPoint,
    input: &'a Input,
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
        if policy.limits().require_prev_tx {
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
    let txid = prev_tx.compute_txid();
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
                    witness_utxo.script_pubkey.to_hex_string(),
                    prev_out.value.to_sat(),
                    prev_out.script_pubkey.to_hex_string()
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
    let (branch, at) = match wallet.locate(input.bip32_derivation.values()) {
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
                utxo.script_pubkey.to_hex_string()
            ),
        ));
        return None;
    }
    Some((branch, at))
}

/// Witness and redeem scripts in the PSBT must equal the derived ones.
fn check_scripts(index: usize, input: &Input, derived: &Derived, out: &mut Vec<Finding>) {
    let mut wrong = Vec::new();
    if input.witness_script.is_some() && input.witness_script != derived.witness_script {
        wrong.push("witness script");
    }
    if input.redeem_script.is_some() && input.redeem_script != derived.redeem_script {
        wrong.push("redeem script");
    }
    if !wrong.is_empty() {
        out.push(Finding::new(
            Code::InputScriptMismatch,
            Place::Input(index),
            format!(
                "input {index}: the {} in the PSBT differs from the one the wallet derives",
                wrong.join(" and ")
            ),
        ));
    }
}

/// Every partial signature must be by a key of the input's derived script and verify over
/// this transaction with its own sighash type.
#[expect(clippy::too_many_arguments, reason = "one call site; the parts are distinct")]
fn check_signatures(
    kind: ScriptKind,
    index: usize,
    input: &Input,
    derived: &Derived,
    utxo: &TxOut,
    cache: &mut SighashCache<&Transaction>,
    secp: &Secp256k1<VerifyOnly>,
    out: &mut Vec<Finding>,
) {
    let mut problems: Vec<String> = Vec::new();
    let mut sighashes: HashMap<EcdsaSighashType, Option<Message>> = HashMap::new();
    for (key, sig) in &input.partial_sigs {
        if !derived.keys.contains(key) {
            problems.push(format!("key {key} is not one of the input's keys"));
            continue;
        }
        let message = *sighashes
            .entry(sig.sighash_type)
            .or_insert_with(|| sighash(kind, index, derived, utxo, sig.sighash_type, cache));
        if !message.is_some_and(|m| verifies(secp, &m, sig, key)) {
            problems.push(format!("the signature by {key} does not verify over this transaction"));
        }
    }
    if !problems.is_empty() {
        out.push(Finding::new(
            Code::InputBadPartialSig,
            Place::Input(index),
            format!("input {index}: {}", problems.join("; ")),
        ));
    }
}

fn sighash(
    kind: ScriptKind,
    index: usize,
    derived: &Derived,
    utxo: &TxOut,
    ty: EcdsaSighashType,
    cache: &mut SighashCache<&Transaction>,
) -> Option<Message> {
    let digest = match kind {
        ScriptKind::Wsh | ScriptKind::ShWsh => {
            let script = derived.witness_script.as_ref()?;
            cache.p2wsh_signature_hash(index, script, utxo.value, ty).ok()?.to_byte_array()
        }
        ScriptKind::Sh => {
            let script = derived.redeem_script.as_ref()?;
            cache.legacy_signature_hash(index, script, ty.to_u32()).ok()?.to_byte_array()
        }
    };
    Some(Message::from_digest(digest))
}

fn verifies(
    secp: &Secp256k1<VerifyOnly>,
    message: &Message,
    sig: &ecdsa::Signature,
    key: &PublicKey,
) -> bool {
    secp.verify_ecdsa(message, &sig.signature, &key.inner).is_ok()
}
