//! The wallet's descriptor, prepared for derivation.
//!
//! Trusts: the policy's descriptor. Derives every script and key the checks compare
//! against; PSBT metadata only says at which (branch, index) to derive.

use miniscript::bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource};
use miniscript::bitcoin::key::XOnlyPublicKey;
use miniscript::bitcoin::secp256k1::{Secp256k1, VerifyOnly};
use miniscript::bitcoin::taproot::{
    ControlBlock, LeafVersion, TapLeafHash, TapNodeHash, TapTree, TaprootBuilder,
};
use miniscript::bitcoin::{Network, NetworkKind, PublicKey, ScriptBuf};
use miniscript::descriptor::{
    DerivPaths, DescriptorMultiXKey, DescriptorPublicKey, DescriptorXKey, ShInner, Wildcard,
    WshInner,
};
use miniscript::expression::{FromTree, Tree};
use miniscript::miniscript::Tap;
use miniscript::{
    translate_hash_clone, Descriptor, ExtParams, ForEachKey, Miniscript, Terminal, Threshold,
    ToPublicKey, Translator,
};

use crate::parse::PolicyError;

mod canonical;
mod keys;

/// The script types of the supported descriptors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// `wsh(multi|sortedmulti)`: native segwit v0.
    Wsh,
    /// `sh(wsh(multi|sortedmulti))`: segwit v0 nested in P2SH.
    ShWsh,
    /// `sh(multi|sortedmulti)`: legacy P2SH.
    Sh,
    /// `tr(KEY, TREE)`: taproot, with `multi_a`, `sortedmulti_a` or other miniscript leaves.
    Tr,
}

impl ScriptKind {
    /// Returns `true` when signatures commit to the spent amount (BIP-143).
    pub fn is_segwit(self) -> bool {
        matches!(self, ScriptKind::Wsh | ScriptKind::ShWsh)
    }

    /// Returns the descriptor function as written, for display.
    pub fn as_str(self) -> &'static str {
        match self {
            ScriptKind::Wsh => "wsh",
            ScriptKind::ShWsh => "sh(wsh)",
            ScriptKind::Sh => "sh",
            ScriptKind::Tr => "tr",
        }
    }
}

/// Where a wallet key sits at one branch: the master fingerprint and the full path to the
/// branch's extended key. A child of it at an unhardened index is a wallet key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BranchKey {
    fingerprint: Fingerprint,
    prefix: Vec<ChildNumber>,
}

#[derive(Debug, Clone)]
struct Branch {
    /// The descriptor with every key replaced by its extended key at this branch.
    descriptor: Descriptor<DescriptorPublicKey>,
    keys: Vec<BranchKey>,
}

/// The two branches of the policy's descriptor: 0 receive, 1 change.
#[derive(Debug, Clone)]
pub struct Wallet {
    text: String,
    descriptor: Descriptor<DescriptorPublicKey>,
    kind: ScriptKind,
    threshold: Option<(usize, usize)>,
    /// For taproot: per leaf in the descriptor's order, whether it is `sortedmulti_a`.
    sorted_leaves: Vec<bool>,
    branches: [Branch; 2],
    max_satisfaction_weight: u64,
    secp: Secp256k1<VerifyOnly>,
}

/// What the descriptor gives at one (branch, index).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Derived {
    /// The output script.
    pub script_pubkey: ScriptBuf,
    /// The witness script, for segwit v0 kinds.
    pub witness_script: Option<ScriptBuf>,
    /// The redeem script, for P2SH kinds.
    pub redeem_script: Option<ScriptBuf>,
    /// Every public key in the script (segwit v0 and P2SH kinds; empty for taproot).
    pub keys: Vec<PublicKey>,
    /// The taproot data, for [`ScriptKind::Tr`].
    pub taproot: Option<TaprootDerived>,
}

/// The taproot output a descriptor derives at one (branch, index).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaprootDerived {
    /// The internal key.
    pub internal_key: XOnlyPublicKey,
    /// The output key: the internal key tweaked with the merkle root.
    pub output_key: XOnlyPublicKey,
    /// The merkle root of the script tree, if there is one.
    pub merkle_root: Option<TapNodeHash>,
    /// The script tree as PSBT_OUT_TAP_TREE encodes it, if there is one.
    pub tap_tree: Option<TapTree>,
    /// Every leaf, in the descriptor's order.
    pub leaves: Vec<Leaf>,
}

/// One leaf of a derived script tree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Leaf {
    /// The leaf script.
    pub script: ScriptBuf,
    /// The leaf version (always TapScript for descriptors).
    pub version: LeafVersion,
    /// The leaf hash.
    pub hash: TapLeafHash,
    /// The control block that proves the leaf in the output key.
    pub control_block: ControlBlock,
    /// The x-only keys in the leaf script.
    pub keys: Vec<XOnlyPublicKey>,
}

/// Where BIP-32 key origins place a script in the wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    /// No origin names a wallet key.
    Unclaimed,
    /// Origins name wallet keys, but not one unhardened (branch, index) that all agree on.
    Inconsistent,
    /// Every wallet key origin names this (branch, index).
    At {
        /// 0 receive, 1 change.
        branch: u32,
        /// The unhardened child index.
        index: u32,
    },
}

struct ToBranch<'a> {
    branch: usize,
    secp: &'a Secp256k1<VerifyOnly>,
}

impl Translator<DescriptorPublicKey> for ToBranch<'_> {
    type TargetPk = DescriptorPublicKey;
    type Error = String;

    fn pk(&mut self, pk: &DescriptorPublicKey) -> Result<DescriptorPublicKey, String> {
        let DescriptorPublicKey::MultiXPub(DescriptorMultiXKey {
            origin,
            xkey,
            derivation_paths,
            wildcard,
        }) = pk
        else {
            return match pk {
                // A fixed key, such as a taproot NUMS internal key, stays as it is.
                DescriptorPublicKey::Single(_) => Ok(pk.clone()),
                _ => Err(format!("key {pk} has no <0;1>/* multipath step")),
            };
        };
        let path = branch_path(derivation_paths, *wildcard, self.branch)
            .ok_or_else(|| format!("key {pk} must end in /<0;1>/* with unhardened steps"))?;
        let branch_xkey = xkey
            .derive_pub(self.secp, &path)
            .map_err(|e| format!("key {pk} cannot be derived: {e}"))?;
        // Refused earlier with a message that names the key's place; kept fail-closed here.
        let (fingerprint, mut full) = match origin {
            Some((fp, origin_path)) => (*fp, origin_path.as_ref().to_vec()),
            None => return Err(format!("key {pk} has no key origin [fingerprint/path]")),
        };
        full.extend_from_slice(path.as_ref());
        Ok(DescriptorPublicKey::XPub(DescriptorXKey {
            origin: Some((fingerprint, DerivationPath::from(full))),
            xkey: branch_xkey,
            derivation_path: DerivationPath::master(),
            wildcard: Wildcard::Unhardened,
        }))
    }

    translate_hash_clone!(DescriptorPublicKey);
}

/// Returns the steps from the key to the branch, if the key is `.../<0;1>/*`, unhardened.
fn branch_path(paths: &DerivPaths, wildcard: Wildcard, branch: usize) -> Option<DerivationPath> {
    let [receive, change] = paths.paths().as_slice() else { return None };
    let (r_last, r_head) = receive.as_ref().split_last()?;
    let (c_last, c_head) = change.as_ref().split_last()?;
    let shaped = wildcard == Wildcard::Unhardened
        && r_head == c_head
        && *r_last == ChildNumber::Normal { index: 0 }
        && *c_last == ChildNumber::Normal { index: 1 }
        && r_head.iter().all(ChildNumber::is_normal);
    if !shaped {
        return None;
    }
    [receive, change].get(branch).map(|p| (*p).clone())
}

fn descriptor_error(problem: impl Into<String>) -> PolicyError {
    PolicyError::Descriptor { problem: problem.into() }
}

impl Wallet {
    /// Parses a descriptor and prepares its two branches.
    ///
    /// # Errors
    ///
    /// Returns [`PolicyError::Descriptor`] when the descriptor does not parse, its checksum
    /// is wrong, it is not one of the supported shapes, it cannot be satisfied, or a key
    /// breaks a descriptor rule of SPEC 1.1: every key is an extended key of `network`
    /// (`xpub` or `tpub`, never SLIP-132) with a key origin, followed by `/<0;1>/*` or `/**`,
    /// except that a taproot internal key may be a fixed key; and no two keys are the same
    /// public key. The message names the key.
    pub fn from_descriptor(text: &str, network: Network) -> Result<Wallet, PolicyError> {
        let body = miniscript::descriptor::checksum::verify_checksum(text)
            .map_err(|e| descriptor_error(format!("bad checksum: {e}")))?;
        keys::refuse_other_key_versions(body).map_err(descriptor_error)?;
        let (descriptor, sorted_marks) =
            parse_unchecked(body).map_err(|e| descriptor_error(format!("does not parse: {e}")))?;
        let (kind, threshold) = shape(&descriptor).ok_or_else(|| {
            descriptor_error(
                "must be wsh(multi|sortedmulti), sh(wsh(multi|sortedmulti)), sh(multi|sortedmulti) or tr(KEY, TREE)",
            )
        })?;
        let written = keys::written_keys(&descriptor);
        let mut extended = 0usize;
        for key in &written {
            if keys::check_key(key, network).map_err(descriptor_error)? {
                extended = extended.saturating_add(1);
            }
        }
        if extended == 0 {
            return Err(descriptor_error(
                "has no extended key ending in /<0;1>/*: it names one address, not a wallet",
            ));
        }
        let secp = Secp256k1::verification_only();
        keys::check_distinct(&written, &secp).map_err(descriptor_error)?;
        if let Descriptor::Tr(tr) = &descriptor {
            // What miniscript's `Descriptor::from_str` checks for taproot.
            descriptor
                .sanity_check()
                .map_err(|e| descriptor_error(format!("does not parse: {e}")))?;
            for leaf in tr.leaves() {
                leaf.miniscript()
                    .ext_check(&ExtParams::sane())
                    .map_err(|e| descriptor_error(format!("does not parse: {e}")))?;
            }
        }
        let sorted_leaves = match &descriptor {
            Descriptor::Tr(tr) => {
                let multi_a_leaves: Vec<bool> = tr
                    .leaves()
                    .map(|leaf| matches!(leaf.miniscript().node, Terminal::MultiA(_)))
                    .collect();
                if multi_a_leaves.iter().filter(|m| **m).count() != sorted_marks.len() {
                    return Err(descriptor_error(
                        "multi_a and sortedmulti_a must each be a whole tap leaf",
                    ));
                }
                let mut marks = sorted_marks.into_iter();
                multi_a_leaves.into_iter().map(|m| m && marks.next().unwrap_or(false)).collect()
            }
            _ => Vec::new(),
        };
        let branch = |b: usize| -> Result<Branch, PolicyError> {
            let at_branch =
                descriptor.translate_pk(&mut ToBranch { branch: b, secp: &secp }).map_err(|e| {
                    descriptor_error(e.expect_translator_err("no context errors for key swaps"))
                })?;
            let mut keys = Vec::new();
            at_branch.for_each_key(|k| {
                if k.has_wildcard() {
                    keys.push(BranchKey {
                        fingerprint: k.master_fingerprint(),
                        prefix: k
                            .full_derivation_path()
                            .map(|p| p.as_ref().to_vec())
                            .unwrap_or_default(),
                    });
                }
                true
            });
            Ok(Branch { descriptor: at_branch, keys })
        };
        let branches = [branch(0)?, branch(1)?];
        let max_satisfaction_weight = descriptor
            .max_weight_to_satisfy()
            .map_err(|e| descriptor_error(format!("cannot be satisfied: {e}")))?
            .to_wu();
        let wallet = Wallet {
            text: text.to_owned(),
            descriptor,
            kind,
            threshold,
            sorted_leaves,
            branches,
            max_satisfaction_weight,
            secp,
        };
        // Fail at load, not at the first request, if deriving does not work.
        if wallet.derive(0, 0).is_none() || wallet.derive(1, 0).is_none() {
            return Err(descriptor_error("cannot be derived at index 0"));
        }
        Ok(wallet)
    }

    /// Returns the verification context the wallet derives with; the checks share it.
    pub(crate) fn secp(&self) -> &Secp256k1<VerifyOnly> {
        &self.secp
    }

    /// Returns the descriptor as the policy wrote it.
    pub fn descriptor_text(&self) -> &str {
        &self.text
    }

    /// Returns the descriptor as parsed (multipath, `/**` as `/<0;1>/*`, `sortedmulti_a` as
    /// `multi_a`).
    pub fn descriptor(&self) -> &Descriptor<DescriptorPublicKey> {
        &self.descriptor
    }

    /// Returns the script kind.
    pub fn kind(&self) -> ScriptKind {
        self.kind
    }

    /// Returns `(m, n)`, signatures needed and keys, for a wallet whose script is one
    /// multisig (for taproot: its first `multi_a` leaf); `None` otherwise.
    pub fn threshold(&self) -> Option<(usize, usize)> {
        self.threshold
    }

    /// Returns the upper bound, in weight units, that satisfying one input adds.
    pub fn max_satisfaction_weight(&self) -> u64 {
        self.max_satisfaction_weight
    }

    /// Derives the descriptor at `(branch, index)`; `None` for a branch other than 0 or 1 or
    /// a hardened index.
    pub fn derive(&self, branch: u32, index: u32) -> Option<Derived> {
        let b = self.branches.get(usize::try_from(branch).ok()?)?;
        let derived = b.descriptor.at_derivation_index(index).ok()?.derived_descriptor(&self.secp);
        let (witness_script, redeem_script, taproot) = match (self.kind, &derived) {
            (ScriptKind::Wsh, _) => (Some(derived.explicit_script().ok()?), None, None),
            (ScriptKind::ShWsh, _) => {
                let inner = derived.explicit_script().ok()?;
                let redeem = ScriptBuf::new_p2wsh(&inner.wscript_hash());
                (Some(inner), Some(redeem), None)
            }
            (ScriptKind::Sh, _) => (None, Some(derived.explicit_script().ok()?), None),
            (ScriptKind::Tr, Descriptor::Tr(tr)) => (None, None, Some(self.derive_taproot(tr)?)),
            (ScriptKind::Tr, _) => return None,
        };
        // For taproot, the output key comes from our own tree (sortedmulti_a leaves sorted):
        // miniscript's script_pubkey would tweak the key a second time, for nothing.
        let script_pubkey = match &taproot {
            Some(t) => ScriptBuf::new_p2tr_tweaked(
                miniscript::bitcoin::key::TweakedPublicKey::dangerous_assume_tweaked(t.output_key),
            ),
            None => derived.script_pubkey(),
        };
        let keys = if taproot.is_some() { Vec::new() } else { derived.iter_pk().collect() };
        Some(Derived { script_pubkey, witness_script, redeem_script, keys, taproot })
    }

    /// Builds the taproot output from a derived `tr()`, sorting `sortedmulti_a` leaves.
    fn derive_taproot(&self, tr: &miniscript::descriptor::Tr<PublicKey>) -> Option<TaprootDerived> {
        let internal_key = tr.internal_key().to_x_only_pubkey();
        let mut builder = TaprootBuilder::new();
        let mut scripts = Vec::new();
        for (n, item) in tr.leaves().enumerate() {
            let ms: &Miniscript<PublicKey, Tap> = item.miniscript();
            let sorted = self.sorted_leaves.get(n).copied().unwrap_or(false);
            let (script, keys) = match (&ms.node, sorted) {
                (Terminal::MultiA(thresh), true) => {
                    let mut keys: Vec<XOnlyPublicKey> =
                        thresh.iter().map(|k| k.to_x_only_pubkey()).collect();
                    keys.sort_by_key(|k| k.serialize());
                    let sorted_thresh = Threshold::new(thresh.k(), keys.clone()).ok()?;
                    let ms = Miniscript::<XOnlyPublicKey, Tap>::from_ast(Terminal::MultiA(
                        sorted_thresh,
                    ))
                    .ok()?;
                    (ms.encode(), keys)
                }
                _ => (ms.encode(), ms.iter_pk().map(|k| k.to_x_only_pubkey()).collect()),
            };
            builder = builder.add_leaf(item.depth(), script.clone()).ok()?;
            scripts.push((script, keys));
        }
        let tap_tree =
            if scripts.is_empty() { None } else { TapTree::try_from(builder.clone()).ok() };
        let info = builder.finalize(&self.secp, internal_key).ok()?;
        let mut leaves = Vec::with_capacity(scripts.len());
        for (script, keys) in scripts {
            let version = LeafVersion::TapScript;
            let control_block = info.control_block(&(script.clone(), version))?;
            let hash = TapLeafHash::from_script(&script, version);
            leaves.push(Leaf { script, version, hash, control_block, keys });
        }
        Some(TaprootDerived {
            internal_key,
            output_key: info.output_key().to_x_only_public_key(),
            merkle_root: info.merkle_root(),
            tap_tree,
            leaves,
        })
    }

    /// Locates a script in the wallet from its BIP-32 key origins.
    ///
    /// Only origins whose fingerprint and path prefix match a wallet key count; each must be
    /// exactly one unhardened step below the key's branch, and all must agree.
    pub(crate) fn locate<'a>(&self, origins: impl IntoIterator<Item = &'a KeySource>) -> Location {
        let mut found: Option<(u32, u32)> = None;
        let mut claimed = false;
        for (fingerprint, path) in origins {
            for (branch, b) in (0u32..).zip(self.branches.iter()) {
                for key in b.keys.iter().filter(|k| k.fingerprint == *fingerprint) {
                    let Some(rest) = path.as_ref().strip_prefix(key.prefix.as_slice()) else {
                        continue;
                    };
                    claimed = true;
                    let here = match rest {
                        [ChildNumber::Normal { index }] => (branch, *index),
                        _ => return Location::Inconsistent,
                    };
                    match found {
                        None => found = Some(here),
                        Some(seen) if seen == here => {}
                        Some(_) => return Location::Inconsistent,
                    }
                }
            }
        }
        match (claimed, found) {
            (_, Some((branch, index))) => Location::At { branch, index },
            (true, None) => Location::Inconsistent,
            (false, None) => Location::Unclaimed,
        }
    }
}

/// Returns the script kind and, for one-multisig scripts, `(m, n)` of a supported descriptor.
fn shape(d: &Descriptor<DescriptorPublicKey>) -> Option<(ScriptKind, Option<(usize, usize)>)> {
    fn multi<Ctx: miniscript::ScriptContext>(
        ms: &miniscript::Miniscript<DescriptorPublicKey, Ctx>,
    ) -> Option<(usize, usize)> {
        match &ms.node {
            Terminal::Multi(t) => Some((t.k(), t.n())),
            _ => None,
        }
    }
    fn wsh(w: &miniscript::descriptor::Wsh<DescriptorPublicKey>) -> Option<(usize, usize)> {
        match w.as_inner() {
            WshInner::SortedMulti(s) => Some((s.k(), s.n())),
            WshInner::Ms(ms) => multi(ms),
        }
    }
    match d {
        Descriptor::Wsh(w) => wsh(w).map(|t| (ScriptKind::Wsh, Some(t))),
        Descriptor::Sh(sh) => match sh.as_inner() {
            ShInner::Wsh(w) => wsh(w).map(|t| (ScriptKind::ShWsh, Some(t))),
            ShInner::SortedMulti(s) => Some((ScriptKind::Sh, Some((s.k(), s.n())))),
            ShInner::Ms(ms) => multi(ms).map(|t| (ScriptKind::Sh, Some(t))),
            ShInner::Wpkh(_) => None,
        },
        Descriptor::Tr(tr) => {
            let first_multi_a = tr.leaves().find_map(|leaf| match &leaf.miniscript().node {
                Terminal::MultiA(t) => Some((t.k(), t.n())),
                _ => None,
            });
            Some((ScriptKind::Tr, first_multi_a))
        }
        _ => None,
    }
}

/// Parses a descriptor's text (no checksum) as [`Wallet::from_descriptor`] does, before its
/// rules: `/**` expanded to `/<0;1>/*`, and `sortedmulti_a` read as `multi_a` (miniscript 13
/// has no `sortedmulti_a`, BIP-387; the derived keys of those leaves are sorted by us), with
/// the marks of [`multi_a_marks`]. Without miniscript's sanity checks, so that a key given
/// twice in one tap leaf is refused by our rule, which names it; those checks run later.
fn parse_unchecked(
    body: &str,
) -> Result<(Descriptor<DescriptorPublicKey>, Vec<bool>), miniscript::Error> {
    // The checksum covers the text as written; `/**` is expanded after it is verified.
    let body = keys::expand_receive_change_shorthand(body);
    let sorted_marks = canonical::multi_a_marks(&body);
    let plain = body.replace("sortedmulti_a(", "multi_a(");
    let descriptor = Tree::from_str(&plain).and_then(|tree| Descriptor::from_tree(tree.root()))?;
    Ok((descriptor, sorted_marks))
}

/// One key of a descriptor as written, named as the descriptor rules name it: what
/// `policy import` needs to explain a descriptor before (or instead of) loading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenKey {
    /// Where the key is, such as `the 2nd key` or `the 1st key, the taproot internal key`.
    pub(crate) position: String,
    /// The key for a person: its origin and the ends of the key material.
    pub(crate) shown: String,
    /// The key material as written: the extended key, or the hex of a fixed key.
    pub(crate) material: String,
    /// The whole key as miniscript prints it (origin, material, steps).
    pub(crate) text: String,
    /// Whether the key is an extended key (not a fixed public key).
    pub(crate) extended: bool,
    /// Whether the key has an origin `[fingerprint/path]`.
    pub(crate) has_origin: bool,
    /// The network kind of an extended key's version bytes.
    pub(crate) network: Option<NetworkKind>,
}

impl WrittenKey {
    /// The key's position and the key, as the descriptor rules' messages name keys.
    pub(crate) fn name(&self) -> String {
        format!("{} ({})", self.position, self.shown)
    }
}

/// A descriptor read without the rules of SPEC 1.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unchecked {
    /// The descriptor as miniscript prints it, without a checksum (`sortedmulti_a` kept).
    pub(crate) printed: String,
    /// Its keys, in the order written.
    pub(crate) keys: Vec<WrittenKey>,
}

/// Reads a descriptor's text (no checksum) as [`Wallet::from_descriptor`] parses it, but
/// applies none of its rules; `None` when it does not parse. For messages that must say
/// which key is meant before the descriptor loads.
pub(crate) fn read_unchecked(body: &str) -> Option<Unchecked> {
    let (descriptor, marks) = parse_unchecked(body).ok()?;
    let keys = keys::written_keys(&descriptor).iter().map(keys::Written::view).collect();
    Some(Unchecked { printed: canonical::printed(&descriptor, &marks), keys })
}

#[cfg(test)]
mod tests;
