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
use miniscript::bitcoin::{Network, PublicKey, ScriptBuf};
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
pub enum Location {
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
        // The checksum covers the text as written; `/**` is expanded after it is verified.
        let body = keys::expand_receive_change_shorthand(body);
        // miniscript 13 has no `sortedmulti_a` (BIP-387): parse it as `multi_a` and sort the
        // derived keys of those leaves ourselves.
        let sorted_marks = multi_a_marks(&body);
        let plain = body.replace("sortedmulti_a(", "multi_a(");
        // Parsed without miniscript's sanity checks first, so that a key given twice in one
        // tap leaf is refused by our rule, which names it; the checks run below.
        let descriptor: Descriptor<DescriptorPublicKey> = Tree::from_str(&plain)
            .and_then(|tree| Descriptor::from_tree(tree.root()))
            .map_err(|e| descriptor_error(format!("does not parse: {e}")))?;
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
    pub fn locate<'a>(&self, origins: impl IntoIterator<Item = &'a KeySource>) -> Location {
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

/// For each `multi_a(` or `sortedmulti_a(` in the descriptor text, in order: whether sorted.
fn multi_a_marks(text: &str) -> Vec<bool> {
    let mut marks = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("multi_a(") {
        let before = rest.get(..pos).unwrap_or_default();
        marks.push(before.ends_with("sorted"));
        rest = rest.get(pos.saturating_add("multi_a(".len())..).unwrap_or_default();
    }
    marks
}

#[cfg(test)]
mod tests {
    //! The descriptor rules of SPEC 1.1 (src/wallet/keys.rs), through `from_descriptor`.

    use miniscript::bitcoin::base58;
    use miniscript::bitcoin::bip32::{Xpriv, Xpub};
    use miniscript::bitcoin::secp256k1::All;
    use miniscript::descriptor::checksum::Engine;

    use super::*;

    const NUMS: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

    fn secp() -> Secp256k1<All> {
        Secp256k1::new()
    }

    /// The account key m/48'/0'/0'/2' of a master key from a fixed seed.
    fn xpriv(seed: u8, network: Network) -> Xpriv {
        let master = Xpriv::new_master(network, &[seed; 32]).unwrap();
        master.derive_priv(&secp(), &"m/48'/0'/0'/2'".parse::<DerivationPath>().unwrap()).unwrap()
    }

    fn xpub(seed: u8, network: Network) -> Xpub {
        Xpub::from_priv(&secp(), &xpriv(seed, network))
    }

    /// `[0000000N/48'/0'/0'/2']XPUB/<0;1>/*`, the key of seed `n` with origin fingerprint `n`.
    fn key(n: u8, network: Network) -> String {
        with_origin(n, &xpub(n, network).to_string())
    }

    fn with_origin(fingerprint: u8, material: &str) -> String {
        format!("[{fingerprint:08x}/48'/0'/0'/2']{material}/<0;1>/*")
    }

    /// A key as messages show it: its first 12 and last 8 characters.
    fn shown(material: &str) -> String {
        let chars: Vec<char> = material.chars().collect();
        let head: String = chars[..12].iter().collect();
        let tail: String = chars.iter().skip(chars.len().saturating_sub(8)).collect();
        format!("{head}…{tail}")
    }

    fn loads(text: &str, network: Network) -> Wallet {
        Wallet::from_descriptor(text, network).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// The problem of a descriptor that must be refused as `PolicyError::Descriptor`.
    fn refused(text: &str, network: Network) -> String {
        match Wallet::from_descriptor(text, network) {
            Err(PolicyError::Descriptor { problem }) => problem,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn assert_mentions(problem: &str, parts: &[&str]) {
        for part in parts {
            assert!(problem.contains(part), "{part:?} missing from: {problem}");
        }
    }

    fn checksummed(body: &str) -> String {
        let mut engine = Engine::new();
        engine.input(body).unwrap();
        format!("{body}#{}", engine.checksum())
    }

    const BTC: Network = Network::Bitcoin;

    #[test]
    fn the_rules_keep_well_formed_descriptors_loading() {
        let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
        for text in [
            format!("wsh(sortedmulti(2,{a},{b},{c}))"),
            format!("sh(wsh(multi(2,{a},{b},{c})))"),
            format!("sh(multi(2,{a},{b},{c}))"),
            format!("tr({a},multi_a(2,{b},{c}))"),
            format!("tr({NUMS},sortedmulti_a(2,{a},{b},{c}))"),
        ] {
            loads(&text, BTC);
        }
    }

    #[test]
    fn an_xpub_without_origin_is_refused_in_wsh() {
        let bare = xpub(2, BTC).to_string();
        let text = format!("wsh(sortedmulti(2,{},{bare}/<0;1>/*,{}))", key(1, BTC), key(3, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                &format!("the 2nd key ({}) has no key origin", shown(&bare)),
                "has no key origin",
                &format!("write it as [fingerprint/path]{}/<0;1>/*", shown(&bare)),
            ],
        );
    }

    #[test]
    fn an_xpub_without_origin_is_refused_in_a_tap_leaf() {
        let bare = xpub(2, BTC).to_string();
        let text = format!("tr({NUMS},multi_a(2,{},{bare}/<0;1>/*))", key(1, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[&format!("the 3rd key ({})", shown(&bare)), "has no key origin"],
        );
    }

    #[test]
    fn a_taproot_internal_xpub_without_origin_is_refused() {
        let bare = xpub(1, BTC).to_string();
        let text = format!("tr({bare}/<0;1>/*,multi_a(2,{},{}))", key(2, BTC), key(3, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                &format!("the 1st key, the taproot internal key ({})", shown(&bare)),
                "has no key origin",
            ],
        );
    }

    #[test]
    fn a_fixed_key_is_refused_outside_the_internal_key() {
        let point = xpub(3, BTC).public_key;
        let text = format!("wsh(multi(2,{},{},{point}))", key(1, BTC), key(2, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                &format!("the 3rd key ({})", shown(&point.to_string())),
                "is a fixed public key; only a taproot internal key may be one",
            ],
        );
        // In a tap leaf too, x-only.
        let x_only = point.x_only_public_key().0;
        let text = format!("tr({NUMS},multi_a(2,{},{x_only}))", key(1, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(&problem, &["the 3rd key (", "is a fixed public key"]);
    }

    #[test]
    fn a_fixed_taproot_internal_key_loads() {
        let leaves = format!("sortedmulti_a(2,{},{})", key(1, BTC), key(2, BTC));
        let wallet = loads(&format!("tr({NUMS},{leaves})"), BTC);
        let internal = wallet.derive(0, 0).unwrap().taproot.unwrap().internal_key;
        assert_eq!(internal.to_string(), NUMS);
        // Any fixed key may be the internal key; it is a key of its own.
        let other = xpub(9, BTC).public_key.x_only_public_key().0;
        loads(&format!("tr({other},{leaves})"), BTC);
    }

    #[test]
    fn a_key_without_the_multipath_step_is_refused() {
        let single = format!("[00000002/48'/0'/0'/2']{}/0/*", xpub(2, BTC));
        let text = format!("wsh(multi(2,{},{single},{}))", key(1, BTC), key(3, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(&problem, &["the 2nd key (", "is followed by \"/0/*\""]);
        let hardened = key(2, BTC).replace("/<0;1>/*", "/<0;1>/*h");
        let text = format!("wsh(multi(2,{},{hardened},{}))", key(1, BTC), key(3, BTC));
        let problem = refused(&text, BTC);
        assert_mentions(&problem, &["the 2nd key (", "nothing hardened after the key"]);
    }

    #[test]
    fn the_same_xpub_under_two_origins_is_refused() {
        let a = xpub(1, BTC).to_string();
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            with_origin(1, &a),
            key(2, BTC),
            with_origin(7, &a)
        );
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                &format!("the 1st key ([00000001/48'/0'/0'/2']{})", shown(&a)),
                &format!("and the 3rd key ([00000007/48'/0'/0'/2']{})", shown(&a)),
                "are the same public key. Give each signer's key once",
            ],
        );
    }

    #[test]
    fn the_same_key_twice_in_one_multi_is_refused() {
        let (a, b) = (key(1, BTC), key(2, BTC));
        for text in [
            format!("wsh(multi(2,{a},{b},{a}))"),
            format!("sh(sortedmulti(2,{a},{a},{b}))"),
            format!("tr({NUMS},sortedmulti_a(2,{a},{b},{a}))"),
        ] {
            let problem = refused(&text, BTC);
            assert_mentions(&problem, &["the ", " key ([00000001/", "are the same public key"]);
        }
    }

    #[test]
    fn the_same_key_in_another_encoding_is_refused() {
        // The same public key and chain code, serialised with another depth and parent.
        let a = xpub(1, BTC);
        let mut renamed = a;
        renamed.depth = 4;
        renamed.parent_fingerprint = [1, 2, 3, 4].into();
        renamed.child_number = ChildNumber::Hardened { index: 2 };
        assert_ne!(a.to_string(), renamed.to_string());
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            with_origin(1, &a.to_string()),
            key(2, BTC),
            with_origin(1, &renamed.to_string())
        );
        assert_mentions(&refused(&text, BTC), &["the 3rd key (", "are the same public key"]);
    }

    #[test]
    fn the_same_key_as_internal_key_and_leaf_key_is_refused() {
        let (a, b) = (key(1, BTC), key(2, BTC));
        let problem = refused(&format!("tr({a},multi_a(1,{a},{b}))"), BTC);
        assert_mentions(
            &problem,
            &[
                "the 1st key, the taproot internal key ([00000001/",
                "and the 2nd key ([00000001/",
                "the internal key can spend alone, by the key path",
            ],
        );
        // A fixed internal key that is a leaf key's public key, compared x-only.
        let point = xpub(1, BTC).public_key.x_only_public_key().0;
        let problem = refused(&format!("tr({point},multi_a(1,{a},{b}))"), BTC);
        assert_mentions(
            &problem,
            &["the 1st key, the taproot internal key (", "and the 2nd key ([00000001/"],
        );
    }

    #[test]
    fn a_key_in_two_leaves_loads_only_when_written_the_same() {
        let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
        loads(
            &format!("tr({NUMS},{{multi_a(2,{a},{b}),{{multi_a(2,{a},{c}),multi_a(2,{b},{c})}}}})"),
            BTC,
        );
        let a_elsewhere = with_origin(9, &xpub(1, BTC).to_string());
        let problem = refused(
            &format!("tr({NUMS},{{multi_a(2,{a},{b}),multi_a(2,{a_elsewhere},{c})}})"),
            BTC,
        );
        assert_mentions(&problem, &["the 2nd key ([00000001/", "and the 4th key ([00000009/"]);
    }

    #[test]
    fn a_key_that_is_a_branch_of_another_is_refused() {
        // xpub/<0;1>/* and its receive branch xpub/0 as a key of its own: the holder of the
        // first holds the second, though no two keys as written are equal.
        let a = xpub(1, BTC);
        let receive = a.ckd_pub(&secp(), ChildNumber::Normal { index: 0 }).unwrap();
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            key(1, BTC),
            key(2, BTC),
            with_origin(1, &receive.to_string())
        );
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                "the receive branch (/0) of the 1st key ([00000001/",
                &format!(
                    "and the 3rd key ([00000001/48'/0'/0'/2']{})",
                    shown(&receive.to_string())
                ),
                "one is derived from the other",
            ],
        );
    }

    #[test]
    fn the_shorthand_means_receive_and_change() {
        let (a, b, c) = (key(1, BTC), key(2, BTC), key(3, BTC));
        for long in [
            format!("wsh(sortedmulti(2,{a},{b},{c}))"),
            format!("tr({NUMS},sortedmulti_a(2,{a},{b},{c}))"),
            format!("tr({a},multi_a(2,{b},{c}))"),
        ] {
            let short = long.replace("/<0;1>/*", "/**");
            assert!(short.contains("/**,") && !short.contains("<0;1>"), "{short}");
            let (long, short) = (loads(&long, BTC), loads(&short, BTC));
            for (branch, index) in [(0, 0), (1, 0), (0, 7), (1, 3)] {
                assert_eq!(
                    short.derive(branch, index),
                    long.derive(branch, index),
                    "{branch}/{index}"
                );
            }
            assert_eq!(short.descriptor(), long.descriptor());
        }
    }

    #[test]
    fn the_shorthand_checksum_is_over_the_text_as_written() {
        let body = format!("wsh(sortedmulti(2,{},{},{}))", key(1, BTC), key(2, BTC), key(3, BTC))
            .replace("/<0;1>/*", "/**");
        let text = checksummed(&body);
        let wallet = loads(&text, BTC);
        assert_eq!(wallet.descriptor_text(), text);
        // The checksum of the expanded text is not the checksum of what the policy wrote.
        let expanded = checksummed(&body.replace("/**", "/<0;1>/*"));
        let (_, checksum) = expanded.split_once('#').unwrap();
        assert_mentions(&refused(&format!("{body}#{checksum}"), BTC), &["bad checksum"]);
    }

    /// The key of seed `n` with SLIP-132 version bytes.
    fn slip132(n: u8, network: Network, version: [u8; 4]) -> String {
        let mut data = base58::decode_check(&xpub(n, network).to_string()).unwrap();
        data[..4].copy_from_slice(&version);
        base58::encode_check(&data)
    }

    #[test]
    fn slip132_keys_are_refused_with_the_way_to_convert_them() {
        let zpub = slip132(2, BTC, [0x02, 0xaa, 0x7e, 0xd3]);
        assert!(zpub.starts_with("Zpub"), "{zpub}");
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            key(1, BTC),
            with_origin(2, &zpub),
            key(3, BTC)
        );
        let problem = refused(&text, BTC);
        assert_mentions(
            &problem,
            &[
                &format!("the key {} is a SLIP-132 Zpub", shown(&zpub)),
                "is a SLIP-132 Zpub",
                "`intentguard policy import`",
                "as the xpub of the same key",
            ],
        );
        let test = Network::Testnet;
        let vpub = slip132(2, test, [0x02, 0x57, 0x54, 0x83]);
        assert!(vpub.starts_with("Vpub"), "{vpub}");
        let text = format!("tr({NUMS},multi_a(2,{},{}))", key(1, test), with_origin(2, &vpub));
        let problem = refused(&text, test);
        assert_mentions(
            &problem,
            &["is a SLIP-132 Vpub", "`intentguard policy import`", "as the tpub of the same key"],
        );
    }

    #[test]
    fn a_private_key_is_refused_without_being_shown() {
        let secret = xpriv(2, BTC).to_string();
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            key(1, BTC),
            with_origin(2, &secret),
            key(3, BTC)
        );
        let problem = refused(&text, BTC);
        assert_mentions(&problem, &["is a private extended key (xprv)"]);
        assert!(!problem.contains(&secret[4..20]), "{problem}");
    }

    #[test]
    fn a_key_of_another_network_is_refused() {
        let text = format!(
            "wsh(sortedmulti(2,{},{},{}))",
            key(1, BTC),
            key(2, Network::Testnet),
            key(3, BTC)
        );
        assert_mentions(
            &refused(&text, BTC),
            &["the 2nd key ([00000002/", "is a tpub", "the policy's network is bitcoin"],
        );
    }
}
