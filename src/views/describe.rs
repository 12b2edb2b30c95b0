//! What a policy's wallet is, in the terms a ceremony compares with hardware wallets: the
//! descriptor's type and checksum, the threshold, each key's fingerprint and origin path,
//! the taproot internal key and leaves, and the first addresses of each branch
//! (`intentguard policy check`, SPEC 3).
//!
//! Trusts: the policy, already validated. Nothing here is a rule; addresses come from
//! [`Wallet::derive`], the derivation the checks use.

use miniscript::bitcoin::bip32::{DerivationPath, Fingerprint};
use miniscript::bitcoin::Address;
use miniscript::descriptor::checksum::{verify_checksum, Engine};
use miniscript::descriptor::{DescriptorPublicKey, ShInner, SinglePubKey, WshInner};
use miniscript::{Descriptor, ForEachKey, Terminal};

use crate::parse::policy::Policy;
use crate::parse::wallet::{ScriptKind, Wallet};

/// Most addresses [`addresses`] derives per branch.
pub const MAX_ADDRESSES: u32 = 1000;

/// The x-only key of BIP-341's "nothing up my sleeve" point H: a taproot internal key
/// nobody can sign for, so the key path cannot be spent.
pub const NUMS_H: &str = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

/// One key of the descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyInfo {
    /// The master key fingerprint of the key's origin (of the key itself without one).
    pub fingerprint: Fingerprint,
    /// The origin path from the master key; empty (`m`) without an origin.
    pub origin_path: DerivationPath,
    /// The extended public key, or the hex of a fixed key.
    pub key: String,
    /// `true` for an extended key with its `/<0;1>/*` steps, `false` for a fixed key.
    pub extended: bool,
}

/// The taproot internal key: the key that can spend alone, by the key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InternalKey {
    /// BIP-341's NUMS point H: the key path cannot be spent.
    Unspendable,
    /// A key of the descriptor, by its index in [`WalletSummary::keys`].
    Key(usize),
}

/// One leaf of a taproot script tree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeafInfo {
    /// Its depth in the tree.
    pub depth: u8,
    /// `(m, n)` for a `multi_a` or `sortedmulti_a` leaf; `None` for other miniscript.
    pub threshold: Option<(usize, usize)>,
    /// Its keys, by index in [`WalletSummary::keys`].
    pub keys: Vec<usize>,
}

/// A wallet's descriptor, described.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalletSummary {
    /// The script type.
    pub kind: ScriptKind,
    /// The shape as written, such as `wsh(sortedmulti)` or `tr`.
    pub shape: String,
    /// The BIP-380 checksum of the descriptor as the policy writes it, computed (not copied
    /// from the file): one short string that stands for every key and step.
    pub checksum: String,
    /// `(m, n)` when spending takes exactly m signatures of n keys: a `multi`/`sortedmulti`
    /// wallet, or a taproot wallet with an unspendable key path and one multisig leaf.
    pub threshold: Option<(usize, usize)>,
    /// The distinct keys, in the descriptor's order.
    pub keys: Vec<KeyInfo>,
    /// The taproot internal key, for [`ScriptKind::Tr`].
    pub internal_key: Option<InternalKey>,
    /// The taproot leaves, in the descriptor's order.
    pub leaves: Vec<LeafInfo>,
}

fn key_info(key: &DescriptorPublicKey) -> KeyInfo {
    let (origin, text, extended) = match key {
        DescriptorPublicKey::Single(single) => {
            let text = match &single.key {
                SinglePubKey::FullKey(k) => k.to_string(),
                SinglePubKey::XOnly(k) => k.to_string(),
            };
            (single.origin.clone(), text, false)
        }
        DescriptorPublicKey::XPub(x) => (x.origin.clone(), x.xkey.to_string(), true),
        DescriptorPublicKey::MultiXPub(x) => (x.origin.clone(), x.xkey.to_string(), true),
    };
    let (fingerprint, origin_path) = match origin {
        Some((fingerprint, path)) => (fingerprint, path),
        None => (key.master_fingerprint(), DerivationPath::master()),
    };
    KeyInfo { fingerprint, origin_path, key: text, extended }
}

/// Describes a wallet's descriptor.
pub fn describe_wallet(wallet: &Wallet) -> WalletSummary {
    let descriptor = wallet.descriptor();
    let mut seen: Vec<String> = Vec::new();
    let mut keys = Vec::new();
    let mut add = |k: &DescriptorPublicKey| {
        let text = k.to_string();
        let nums = matches!(k, DescriptorPublicKey::Single(_)) && text == NUMS_H;
        if !nums && !seen.contains(&text) {
            seen.push(text);
            keys.push(key_info(k));
        }
        true
    };
    // In the order written: miniscript visits a taproot internal key after the leaves.
    if let Descriptor::Tr(tr) = descriptor {
        add(tr.internal_key());
    }
    descriptor.for_each_key(add);
    let index_of = |k: &DescriptorPublicKey| {
        let text = k.to_string();
        seen.iter().position(|s| *s == text)
    };
    let (internal_key, leaves) = match descriptor {
        Descriptor::Tr(tr) => {
            let internal = match index_of(tr.internal_key()) {
                Some(i) => InternalKey::Key(i),
                None => InternalKey::Unspendable,
            };
            let leaves: Vec<LeafInfo> = tr
                .leaves()
                .map(|leaf| {
                    let ms = leaf.miniscript();
                    let threshold = match &ms.node {
                        Terminal::MultiA(t) => Some((t.k(), t.n())),
                        _ => None,
                    };
                    let keys = ms.iter_pk().filter_map(|k| index_of(&k)).collect();
                    LeafInfo { depth: leaf.depth(), threshold, keys }
                })
                .collect();
            (Some(internal), leaves)
        }
        _ => (None, Vec::new()),
    };
    let threshold = match (&internal_key, leaves.as_slice()) {
        (None, _) => wallet.threshold(),
        (Some(InternalKey::Unspendable), [only]) => only.threshold,
        (Some(_), _) => None,
    };
    let checksum = verify_checksum(wallet.descriptor_text())
        .ok()
        .and_then(|body| {
            let mut engine = Engine::new();
            engine.input(body).ok()?;
            Some(engine.checksum())
        })
        .unwrap_or_default();
    WalletSummary {
        kind: wallet.kind(),
        shape: shape(wallet),
        checksum,
        threshold,
        keys,
        internal_key,
        leaves,
    }
}

fn shape(wallet: &Wallet) -> String {
    fn wsh(inner: &WshInner<DescriptorPublicKey>) -> &'static str {
        match inner {
            WshInner::SortedMulti(_) => "sortedmulti",
            WshInner::Ms(_) => "multi",
        }
    }
    match wallet.descriptor() {
        Descriptor::Wsh(w) => format!("wsh({})", wsh(w.as_inner())),
        Descriptor::Sh(sh) => match sh.as_inner() {
            ShInner::Wsh(w) => format!("sh(wsh({}))", wsh(w.as_inner())),
            ShInner::SortedMulti(_) => "sh(sortedmulti)".to_owned(),
            _ => "sh(multi)".to_owned(),
        },
        _ => wallet.kind().as_str().to_owned(),
    }
}

/// Derives the first `count` addresses (at most [`MAX_ADDRESSES`]) of `branch` (0 receive,
/// 1 change), from index 0; `None` if a derivation fails.
pub fn addresses(policy: &Policy, branch: u32, count: u32) -> Option<Vec<Address>> {
    (0..count.min(MAX_ADDRESSES))
        .map(|index| {
            let derived = policy.wallet().derive(branch, index)?;
            Address::from_script(&derived.script_pubkey, policy.network()).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        Policy::from_toml(text).unwrap()
    }

    #[test]
    fn treasury_is_a_2_of_3_wsh_sortedmulti() {
        let p = policy(include_str!("../../policies/treasury.toml"));
        let s = describe_wallet(p.wallet());
        assert_eq!((s.kind, s.shape.as_str()), (ScriptKind::Wsh, "wsh(sortedmulti)"));
        assert_eq!(s.checksum, "tc8r3knc");
        assert_eq!(s.threshold, Some((2, 3)));
        let fps: Vec<String> = s.keys.iter().map(|k| k.fingerprint.to_string()).collect();
        assert_eq!(fps, ["a612bb6a", "43744e0d", "c16ae21c"]);
        assert_eq!(s.keys[0].origin_path.to_string(), "48'/0'/0'/2'");
        assert!(s.keys[0].key.starts_with("xpub6F2hX9ei") && s.keys[0].extended);
        assert_eq!((s.internal_key, s.leaves.len()), (None, 0));
        let receive = addresses(&p, 0, 2).unwrap();
        assert_eq!(receive.len(), 2);
        assert_ne!(receive[0], receive[1]);
        assert_eq!(addresses(&p, 1, 0), Some(vec![]));
        assert_eq!(addresses(&p, 2, 1), None);
    }

    #[test]
    fn vault_is_sh_wsh_multi() {
        let p = policy(include_str!("../../policies/vault-testnet.toml"));
        let s = describe_wallet(p.wallet());
        assert_eq!(
            (s.kind, s.shape.as_str(), s.threshold),
            (ScriptKind::ShWsh, "sh(wsh(multi))", Some((2, 3)))
        );
        assert_eq!(s.checksum, "2aqtv57g");
        assert!(addresses(&p, 0, 1).unwrap()[0].to_string().starts_with('2'));
    }

    #[test]
    fn taproot_nums_with_one_sortedmulti_a_leaf_is_a_threshold() {
        let p = policy(include_str!("../../vectors/601-tr-nums-sortedmulti-a/policy.toml"));
        let s = describe_wallet(p.wallet());
        assert_eq!((s.kind, s.shape.as_str()), (ScriptKind::Tr, "tr"));
        assert_eq!(s.checksum, "33hf3870");
        assert_eq!(s.internal_key, Some(InternalKey::Unspendable));
        assert_eq!(s.threshold, Some((2, 3)));
        assert_eq!(s.keys.len(), 3);
        assert_eq!(s.leaves, [LeafInfo { depth: 0, threshold: Some((2, 3)), keys: vec![0, 1, 2] }]);
        assert!(addresses(&p, 1, 1).unwrap()[0].to_string().starts_with("bc1p"));
    }

    #[test]
    fn taproot_with_a_key_path_has_no_single_threshold() {
        let p = policy(include_str!("../../vectors/602-tr-key-multi-a-script-path/policy.toml"));
        let s = describe_wallet(p.wallet());
        assert_eq!(s.internal_key, Some(InternalKey::Key(0)));
        assert_eq!(s.threshold, None);
        assert_eq!(s.leaves, [LeafInfo { depth: 0, threshold: Some((2, 2)), keys: vec![1, 2] }]);
        assert_eq!(s.keys[0].fingerprint.to_string(), "5b028234");
    }

    #[test]
    fn taproot_tree_lists_each_leaf_with_shared_keys_once() {
        let p = policy(include_str!("../../vectors/604-tr-tree-three-leaves/policy.toml"));
        let s = describe_wallet(p.wallet());
        assert_eq!((s.internal_key, s.threshold), (Some(InternalKey::Unspendable), None));
        assert_eq!(s.keys.len(), 3);
        let leaf = |depth, keys| LeafInfo { depth, threshold: Some((2, 2)), keys };
        assert_eq!(s.leaves, [leaf(1, vec![0, 1]), leaf(2, vec![0, 2]), leaf(2, vec![1, 2])]);
    }
}
