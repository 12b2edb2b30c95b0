//! Checks of SPEC 2.2: every input spends a verified UTXO of the wallet, with valid
//! signatures only.
//!
//! Trusts: the policy. PSBT key origins only say where to derive; scripts are derived,
//! previous transactions hashed, signatures verified over this transaction.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::psbt::Input;
use miniscript::bitcoin::secp256k1::{Message, Secp256k1, VerifyOnly};
use miniscript::bitcoin::sighash::{Prevouts, SighashCache, TapSighashType};
use miniscript::bitcoin::{Amount, EcdsaSighashType, OutPoint, Transaction, TxOut};

use super::{few, finalized};
use super::{Code, Finding, Place, Resources};
use crate::base::text::abbreviated_hex;
use crate::model::claims::{input_differs, Claim, Derivations, PrevTx, PrevTxs, Utxo};
use crate::parse::policy::Policy;
use crate::parse::wallet::{Derived, ScriptKind};

/// What the checks established about one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InputFacts {
    /// The amount spent, when UTXO data is present and consistent.
    pub amount: Option<Amount>,
    /// The wallet (branch, index) the input was verified to belong to.
    pub owned_at: Option<(u32, u32)>,
}

/// The fewest inputs worth a thread of their own: below it, starting a thread and hashing
/// the transaction's common sighash parts once more costs about what it saves.
const MIN_INPUTS_PER_THREAD: usize = 8;

/// Checks every input; returns what was established about each, in order. Signatures are
/// verified only when `verify_signatures` is set: a request over the weight limit is
/// rejected anyway, and skipping them keeps its refusal cheap (SPEC 2.7).
///
/// The per-input work (hashing previous transactions; ownership, scripts and signatures) is
/// done on up to `threads` threads, each taking a contiguous run of inputs with its own
/// caches; results and findings are joined in input order, so nothing depends on the number
/// of threads.
pub(crate) fn check(
    policy: &Policy,
    tx: &Transaction,
    inputs: &[Input],
    secp: &Secp256k1<VerifyOnly>,
    verify_signatures: bool,
    resources: &Resources<'_>,
    out: &mut Vec<Finding>,
) -> Vec<InputFacts> {
    let wallet = policy.wallet();
    let taproot = wallet.kind() == ScriptKind::Tr;
    let threads = resources.threads.min(inputs.len() / MIN_INPUTS_PER_THREAD).max(1);

    // Pass 1: outpoints, sighash types and UTXO data of every input. Taproot signatures
    // commit to every input's UTXO, so these must all be known before any is verified. The
    // previous transactions are hashed in runs (each run hashes a transaction that several
    // of its inputs carry once); the rest is quick, in order.
    let read: Vec<Utxo<'_>> = in_runs(threads, inputs.len(), |range| {
        let mut prev_txs = PrevTxs::default();
        let txins = tx.input.get(range.clone()).unwrap_or_default();
        let maps = inputs.get(range).unwrap_or_default();
        txins
            .iter()
            .zip(maps)
            .map(|(txin, input)| prev_txs.utxo(txin.previous_output, input))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let mut seen: HashSet<OutPoint> = HashSet::with_capacity(tx.input.len());
    let mut utxos: Vec<Option<&TxOut>> = Vec::with_capacity(tx.input.len());
    for (index, ((txin, input), utxo)) in tx.input.iter().zip(inputs).zip(&read).enumerate() {
        let outpoint = txin.previous_output;
        if !seen.insert(outpoint) {
            out.push(Finding::new(
                Code::InputDuplicate,
                Place::Input(index),
                format!("input {index} spends {outpoint}, which an earlier input already spends"),
            ));
        }
        check_sighash_types(taproot, index, input, out);
        utxos.push(established(policy, taproot, index, outpoint, utxo, out));
    }
    let all_utxos: Option<Vec<&TxOut>> = utxos.iter().copied().collect();
    let prevouts = all_utxos.as_deref().map(Prevouts::All);

    // Pass 2: ownership, scripts and signatures, input by input.
    let runs = in_runs(threads, inputs.len(), |range| {
        let first = range.start;
        let maps = inputs.get(range.clone()).unwrap_or_default();
        let utxos = utxos.get(range).unwrap_or_default();
        let mut cache = SighashCache::new(tx);
        let mut derivations = Derivations::remembering(wallet, resources.memory);
        let mut findings = Vec::new();
        let mut facts = Vec::with_capacity(maps.len());
        for (index, (input, utxo)) in (first..).zip(maps.iter().zip(utxos)) {
            let amount = utxo.map(|u| u.value);
            let mut owned_at = None;
            if let Some(utxo) = utxo {
                if let Some((at, d)) = owned(index, input, utxo, &mut derivations, &mut findings) {
                    owned_at = Some(at);
                    check_scripts(index, input, d, &mut findings);
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
                        sigs.check(&mut cache, &mut findings);
                    }
                    finalized::check(&sigs, &mut cache, verify_signatures, &mut findings);
                }
            }
            facts.push(InputFacts { amount, owned_at });
        }
        (facts, findings)
    });
    let mut facts = Vec::with_capacity(inputs.len());
    for (run_facts, findings) in runs {
        facts.extend(run_facts);
        out.extend(findings);
    }
    facts
}

/// Splits `0..len` into at most `threads` contiguous runs, runs `run` on each (the first on
/// this thread, the others on scoped threads, or here when one cannot be started), and
/// returns the results in order.
fn in_runs<R: Send>(threads: usize, len: usize, run: impl Fn(Range<usize>) -> R + Sync) -> Vec<R> {
    let per_run = len.div_ceil(threads.max(1)).max(1);
    let ranges: Vec<Range<usize>> = (0..len)
        .step_by(per_run)
        .map(|start| start..start.saturating_add(per_run).min(len))
        .collect();
    if ranges.len() <= 1 {
        return vec![run(0..len)];
    }
    let run = &run;
    std::thread::scope(|scope| {
        let mut ranges = ranges.into_iter();
        let mine = ranges.next();
        let others: Vec<_> = ranges
            .map(|range| {
                std::thread::Builder::new()
                    .name("intentguard-verify".to_owned())
                    .spawn_scoped(scope, {
                        let range = range.clone();
                        move || run(range)
                    })
                    .map_err(|_| range)
            })
            .collect();
        let mut results = Vec::with_capacity(others.len().saturating_add(1));
        results.extend(mine.map(run));
        for other in others {
            results.push(match other {
                Ok(thread) => {
                    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                }
                Err(range) => run(range),
            });
        }
        results
    })
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
/// (after hashing it), otherwise `witness_utxo`; each problem on the way is a finding.
fn established<'a>(
    policy: &Policy,
    taproot: bool,
    index: usize,
    outpoint: OutPoint,
    utxo: &Utxo<'a>,
    out: &mut Vec<Finding>,
) -> Option<&'a TxOut> {
    let place = Place::Input(index);
    match utxo.previous_tx {
        PrevTx::Absent => match utxo.witness_utxo {
            None => out.push(Finding::new(
                Code::InputMissingUtxo,
                place,
                format!("input {index} has no UTXO data: neither the previous transaction nor witness_utxo"),
            )),
            Some(_) if policy.limits().require_prev_tx && !taproot => out.push(Finding::new(
                Code::InputMissingPrevTx,
                place,
                format!(
                    "input {index} has no full previous transaction; the policy requires one so that the amount spent is proven, not claimed: add it to the PSBT, or supply it beside it (--prev-tx FILE, or prev_txs in a call to the service), for instance from `bitcoin-cli getrawtransaction {}`",
                    outpoint.txid
                ),
            )),
            Some(_) => {}
        },
        PrevTx::TxidMismatch(txid) => out.push(Finding::new(
            Code::InputPrevTxMismatch,
            place,
            format!("input {index} spends {outpoint} but its previous transaction hashes to {txid}"),
        )),
        PrevTx::VoutPastEnd(outputs) => out.push(Finding::new(
            Code::InputPrevTxMismatch,
            place,
            format!(
                "input {index} spends output {} of {}, which has only {outputs} outputs",
                outpoint.vout, outpoint.txid
            ),
        )),
        PrevTx::Matches(_) => {
            if let Some((claimed, proven)) = utxo.disagreeing_witness_utxo() {
                out.push(Finding::new(
                    Code::InputPrevTxMismatch,
                    place,
                    format!(
                        "input {index}: witness_utxo claims {} sat to script {}, but the previous transaction has {} sat to script {}",
                        claimed.value.to_sat(),
                        abbreviated_hex(claimed.script_pubkey.as_bytes()),
                        proven.value.to_sat(),
                        abbreviated_hex(proven.script_pubkey.as_bytes())
                    ),
                ));
            }
        }
    }
    utxo.established()
}

/// Derives the wallet script at the (branch, index) the key origins name and compares it
/// with the UTXO's; returns the (branch, index) and the derivation when they are equal.
fn owned<'d>(
    index: usize,
    input: &Input,
    utxo: &TxOut,
    derivations: &'d mut Derivations<'_>,
    out: &mut Vec<Finding>,
) -> Option<((u32, u32), &'d Derived)> {
    let place = Place::Input(index);
    let (branch, at, derived) = match derivations.claim_input(input) {
        Claim::At { branch, index, derived } => (branch, index, derived),
        Claim::NotWallet => {
            out.push(Finding::new(
                Code::InputNotOwned,
                place,
                format!("input {index} names no key of this wallet in its key origins; it is not the wallet's"),
            ));
            return None;
        }
        Claim::Inconsistent => {
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
    match derived.filter(|d| d.script_pubkey == utxo.script_pubkey) {
        Some(d) => Some(((branch, at), d)),
        None => {
            out.push(Finding::new(
                Code::InputNotOwned,
                place,
                format!(
                    "input {index} spends script {}, which is not the wallet's script at branch {branch} index {at} named by its key origins",
                    abbreviated_hex(utxo.script_pubkey.as_bytes())
                ),
            ));
            None
        }
    }
}

/// Witness and redeem scripts, and taproot internal key, merkle root and leaf scripts, in
/// the PSBT must equal the derived ones; any of them where nothing derives is a mismatch.
fn check_scripts(index: usize, input: &Input, derived: &Derived, out: &mut Vec<Finding>) {
    let wrong = input_differs(input, derived);
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
