//! What a PSBT map claims about the wallet, and what the claim comes to.
//!
//! An input or output map may say, through its key origins, that it is the wallet's at some
//! (branch, index); it may carry scripts and taproot data for that place; an input may carry
//! the previous transaction and a `witness_utxo`. None of it is believed: the origins only
//! say where to derive, the derived script is what counts, and a previous transaction counts
//! only when it hashes to the outpoint's txid. The checks and `inspect` both read requests
//! through this module, so they decide "the wallet's" in one way.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use miniscript::bitcoin::bip32::KeySource;
use miniscript::bitcoin::key::XOnlyPublicKey;
use miniscript::bitcoin::psbt::{Input, Output};
use miniscript::bitcoin::secp256k1::PublicKey;
use miniscript::bitcoin::taproot::TapLeafHash;
use miniscript::bitcoin::{OutPoint, Transaction, TxOut, Txid};

use crate::parse::wallet::{Derived, Location, ScriptKind, Wallet};

/// What a map's key origins claim, and the wallet's own derivation there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim<'d> {
    /// No key origin names a key of the wallet.
    NotWallet,
    /// The origins name wallet keys, but not all one unhardened (branch, index).
    Inconsistent,
    /// The origins name this (branch, index).
    At {
        /// 0 receive, 1 change.
        branch: u32,
        /// The unhardened child index.
        index: u32,
        /// What the wallet derives there; `None` when it derives nothing valid.
        derived: Option<&'d Derived>,
    },
}

/// The wallet, with what it derived so far: an index that many maps name is derived once.
/// With a [`DerivationMemory`], what an earlier request derived is recalled rather than
/// derived again.
#[derive(Debug)]
pub(crate) struct Derivations<'w> {
    wallet: &'w Wallet,
    memory: Option<&'w DerivationMemory>,
    cache: HashMap<(u32, u32), Option<Derived>>,
}

impl<'w> Derivations<'w> {
    /// Starts with nothing derived.
    pub(crate) fn new(wallet: &'w Wallet) -> Self {
        Derivations { wallet, memory: None, cache: HashMap::new() }
    }

    /// Starts with nothing derived for this request, recalling from `memory` and adding to
    /// it what is derived anew. `memory` must be this wallet's.
    pub(crate) fn remembering(wallet: &'w Wallet, memory: Option<&'w DerivationMemory>) -> Self {
        Derivations { wallet, memory, cache: HashMap::new() }
    }

    /// What an input map's key origins claim.
    pub(crate) fn claim_input(&mut self, input: &Input) -> Claim<'_> {
        let location = self.locate(&input.bip32_derivation, &input.tap_key_origins);
        self.claim(location)
    }

    /// What an output map's key origins claim.
    pub(crate) fn claim_output(&mut self, output: &Output) -> Claim<'_> {
        let location = self.locate(&output.bip32_derivation, &output.tap_key_origins);
        self.claim(location)
    }

    /// Reads the origins as the wallet's kind has them: taproot key origins for a taproot
    /// wallet, BIP-32 ones otherwise.
    fn locate(&self, bip32: &Bip32Origins, tap: &TapOrigins) -> Location {
        if self.wallet.kind() == ScriptKind::Tr {
            self.wallet.locate(tap.values().map(|(_, source)| source))
        } else {
            self.wallet.locate(bip32.values())
        }
    }

    fn claim(&mut self, location: Location) -> Claim<'_> {
        match location {
            Location::Unclaimed => Claim::NotWallet,
            Location::Inconsistent => Claim::Inconsistent,
            Location::At { branch, index } => {
                let (wallet, memory) = (self.wallet, self.memory);
                let derived = self
                    .cache
                    .entry((branch, index))
                    .or_insert_with(|| match memory {
                        None => wallet.derive(branch, index),
                        Some(memory) => {
                            memory.recall_or(branch, index, || wallet.derive(branch, index))
                        }
                    })
                    .as_ref();
                Claim::At { branch, index, derived }
            }
        }
    }
}

/// What one wallet derived at each (branch, index), kept across requests by a verifier, so
/// that the next signer's verification of a request, or a retry, derives nothing again.
///
/// Bounded: it holds at most `capacity` places, and when full it is emptied before the next
/// one is added (so the memory stays within `capacity` entries and no request pays more than
/// one derivation per place it names). Shared between threads behind a lock; a poisoned lock
/// is treated as an empty memory.
pub(crate) struct DerivationMemory {
    places: Mutex<HashMap<(u32, u32), Option<Derived>>>,
    capacity: usize,
}

impl DerivationMemory {
    /// An empty memory of at most `capacity` places; 0 remembers nothing.
    pub(crate) fn new(capacity: usize) -> Self {
        DerivationMemory { places: Mutex::new(HashMap::new()), capacity }
    }

    /// How many places it holds.
    pub(crate) fn len(&self) -> usize {
        self.places.lock().map_or(0, |places| places.len())
    }

    /// The derivation at (branch, index): remembered, or made by `derive` and remembered.
    fn recall_or(
        &self,
        branch: u32,
        index: u32,
        derive: impl FnOnce() -> Option<Derived>,
    ) -> Option<Derived> {
        let key = (branch, index);
        if let Some(known) = self.places.lock().ok().and_then(|places| places.get(&key).cloned()) {
            return known;
        }
        // Derived outside the lock: other threads recall or derive meanwhile.
        let derived = derive();
        if self.capacity > 0 {
            if let Ok(mut places) = self.places.lock() {
                if places.len() >= self.capacity {
                    places.clear();
                }
                places.insert(key, derived.clone());
            }
        }
        derived
    }
}

impl core::fmt::Debug for DerivationMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DerivationMemory")
            .field("places", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

type Bip32Origins = BTreeMap<PublicKey, KeySource>;
type TapOrigins = BTreeMap<XOnlyPublicKey, (Vec<TapLeafHash>, KeySource)>;

/// The input's scripts and taproot data that are present and differ from the derived ones,
/// by name (`"witness script"`, ...). A datum where nothing derives differs.
pub(crate) fn input_differs(input: &Input, d: &Derived) -> Vec<&'static str> {
    let tap = d.taproot.as_ref();
    let mut differs = Vec::new();
    if input.witness_script.is_some() && input.witness_script != d.witness_script {
        differs.push("witness script");
    }
    if input.redeem_script.is_some() && input.redeem_script != d.redeem_script {
        differs.push("redeem script");
    }
    if input.tap_internal_key.is_some() && input.tap_internal_key != tap.map(|t| t.internal_key) {
        differs.push("taproot internal key");
    }
    if input.tap_merkle_root.is_some() && input.tap_merkle_root != tap.and_then(|t| t.merkle_root) {
        differs.push("taproot merkle root");
    }
    let leaves_derive = input.tap_scripts.iter().all(|(control_block, (script, version))| {
        tap.is_some_and(|t| {
            t.leaves.iter().any(|leaf| {
                leaf.script == *script
                    && leaf.version == *version
                    && leaf.control_block == *control_block
            })
        })
    });
    if !leaves_derive {
        differs.push("taproot leaf script or control block");
    }
    differs
}

/// The output's scripts and taproot data that are present and differ from the derived ones,
/// by name. A datum where nothing derives differs.
pub(crate) fn output_differs(output: &Output, d: &Derived) -> Vec<&'static str> {
    let tap = d.taproot.as_ref();
    let mut differs = Vec::new();
    if output.witness_script.is_some() && output.witness_script != d.witness_script {
        differs.push("witness script");
    }
    if output.redeem_script.is_some() && output.redeem_script != d.redeem_script {
        differs.push("redeem script");
    }
    if output.tap_internal_key.is_some() && output.tap_internal_key != tap.map(|t| t.internal_key) {
        differs.push("taproot internal key");
    }
    if output.tap_tree.is_some()
        && output.tap_tree.as_ref() != tap.and_then(|t| t.tap_tree.as_ref())
    {
        differs.push("taproot tree");
    }
    differs
}

/// What an input's full previous transaction (`PSBT_IN_NON_WITNESS_UTXO`) comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrevTx<'a> {
    /// The input carries none.
    Absent,
    /// It hashes to the outpoint's txid; this is its output at the outpoint's index.
    Matches(&'a TxOut),
    /// It hashes to this txid, not the outpoint's.
    TxidMismatch(Txid),
    /// It has the outpoint's txid but only this many outputs.
    VoutPastEnd(usize),
}

/// The UTXO an input spends, as far as the PSBT shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Utxo<'a> {
    /// The previous transaction, read against the outpoint.
    pub(crate) previous_tx: PrevTx<'a>,
    /// `witness_utxo`: a claim, proven by nothing.
    pub(crate) witness_utxo: Option<&'a TxOut>,
}

impl<'a> Utxo<'a> {
    /// The output the input spends as far as it can be relied on: the previous
    /// transaction's, or without one `witness_utxo`; `None` when neither is there or the
    /// previous transaction does not match the outpoint.
    pub(crate) fn established(&self) -> Option<&'a TxOut> {
        match self.previous_tx {
            PrevTx::Matches(txout) => Some(txout),
            PrevTx::Absent => self.witness_utxo,
            PrevTx::TxidMismatch(_) | PrevTx::VoutPastEnd(_) => None,
        }
    }

    /// `witness_utxo`, when a matching previous transaction says otherwise.
    pub(crate) fn disagreeing_witness_utxo(&self) -> Option<(&'a TxOut, &'a TxOut)> {
        match (self.previous_tx, self.witness_utxo) {
            (PrevTx::Matches(proven), Some(claimed)) if claimed != proven => {
                Some((claimed, proven))
            }
            _ => None,
        }
    }
}

/// Previous transactions already hashed, by txid: several inputs often spend one.
#[derive(Debug, Default)]
pub(crate) struct PrevTxs<'a> {
    hashed: HashMap<Txid, &'a Transaction>,
}

impl<'a> PrevTxs<'a> {
    /// Reads the UTXO of the input that spends `outpoint`. A previous transaction equal to
    /// one already hashed to the outpoint's txid is not hashed again.
    pub(crate) fn utxo(&mut self, outpoint: OutPoint, input: &'a Input) -> Utxo<'a> {
        let witness_utxo = input.witness_utxo.as_ref();
        let Some(prev_tx) = &input.non_witness_utxo else {
            return Utxo { previous_tx: PrevTx::Absent, witness_utxo };
        };
        let known = self.hashed.get(&outpoint.txid).is_some_and(|seen| *seen == prev_tx);
        let txid = if known { outpoint.txid } else { prev_tx.compute_txid() };
        let previous_tx = if txid == outpoint.txid {
            self.hashed.insert(txid, prev_tx);
            usize::try_from(outpoint.vout)
                .ok()
                .and_then(|vout| prev_tx.output.get(vout))
                .map_or(PrevTx::VoutPastEnd(prev_tx.output.len()), PrevTx::Matches)
        } else {
            PrevTx::TxidMismatch(txid)
        };
        Utxo { previous_tx, witness_utxo }
    }
}
