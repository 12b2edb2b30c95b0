//! The wallet's descriptor, prepared for derivation.
//!
//! Trusts: the policy's descriptor. Derives every script and key the checks compare
//! against; PSBT metadata only says at which (branch, index) to derive.

use miniscript::bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource};
use miniscript::bitcoin::secp256k1::{Secp256k1, VerifyOnly};
use miniscript::bitcoin::{Network, PublicKey, ScriptBuf};
use miniscript::descriptor::{
    DerivPaths, DescriptorMultiXKey, DescriptorPublicKey, DescriptorXKey, ShInner, Wildcard,
    WshInner,
};
use miniscript::{translate_hash_clone, Descriptor, ForEachKey, Terminal, Translator};

use crate::error::PolicyError;
use crate::policy::network_kind;

/// The script types of the supported descriptors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptKind {
    /// `wsh(multi|sortedmulti)`: native segwit v0.
    Wsh,
    /// `sh(wsh(multi|sortedmulti))`: segwit v0 nested in P2SH.
    ShWsh,
    /// `sh(multi|sortedmulti)`: legacy P2SH.
    Sh,
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
    descriptor: Descriptor<DescriptorPublicKey>,
    kind: ScriptKind,
    threshold: usize,
    key_count: usize,
    branches: [Branch; 2],
    max_satisfaction_weight: u64,
    secp: Secp256k1<VerifyOnly>,
}

/// What the descriptor gives at one (branch, index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    /// The output script.
    pub script_pubkey: ScriptBuf,
    /// The witness script, for segwit kinds.
    pub witness_script: Option<ScriptBuf>,
    /// The redeem script, for P2SH kinds.
    pub redeem_script: Option<ScriptBuf>,
    /// Every public key in the script.
    pub keys: Vec<PublicKey>,
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
            return Err(format!("key {pk} has no <0;1>/* multipath step"));
        };
        let path = branch_path(derivation_paths, *wildcard, self.branch)
            .ok_or_else(|| format!("key {pk} must end in /<0;1>/* with unhardened steps"))?;
        let branch_xkey = xkey
            .derive_pub(self.secp, &path)
            .map_err(|e| format!("key {pk} cannot be derived: {e}"))?;
        let (fingerprint, mut full) = match origin {
            Some((fp, origin_path)) => (*fp, origin_path.as_ref().to_vec()),
            None => (xkey.fingerprint(), Vec::new()),
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
    /// is wrong, it is not one of the supported multisig shapes, a key is not an extended
    /// public key of `network` ending in `/<0;1>/*`, or it cannot be satisfied.
    pub fn from_descriptor(text: &str, network: Network) -> Result<Wallet, PolicyError> {
        let descriptor: Descriptor<DescriptorPublicKey> =
            text.parse().map_err(|e| descriptor_error(format!("does not parse: {e}")))?;
        let (kind, threshold, key_count) = shape(&descriptor).ok_or_else(|| {
            descriptor_error(
                "must be wsh(multi|sortedmulti), sh(wsh(multi|sortedmulti)) or sh(multi|sortedmulti)",
            )
        })?;
        let want = network_kind(network);
        let mut wrong_network = None;
        descriptor.for_each_key(|k| {
            let ok = k.xkey_network() == Some(want);
            if !ok && wrong_network.is_none() {
                wrong_network = Some(k.to_string());
            }
            ok
        });
        if let Some(k) = wrong_network {
            return Err(descriptor_error(format!(
                "key {k} is not an extended public key for this network"
            )));
        }
        let secp = Secp256k1::verification_only();
        let branch = |b: usize| -> Result<Branch, PolicyError> {
            let at_branch =
                descriptor.translate_pk(&mut ToBranch { branch: b, secp: &secp }).map_err(|e| {
                    descriptor_error(e.expect_translator_err("no context errors for key swaps"))
                })?;
            let mut keys = Vec::new();
            at_branch.for_each_key(|k| {
                keys.push(BranchKey {
                    fingerprint: k.master_fingerprint(),
                    prefix: k
                        .full_derivation_path()
                        .map(|p| p.as_ref().to_vec())
                        .unwrap_or_default(),
                });
                true
            });
            Ok(Branch { descriptor: at_branch, keys })
        };
        let branches = [branch(0)?, branch(1)?];
        let max_satisfaction_weight = descriptor
            .max_weight_to_satisfy()
            .map_err(|e| descriptor_error(format!("cannot be satisfied: {e}")))?
            .to_wu();
        Ok(Wallet {
            descriptor,
            kind,
            threshold,
            key_count,
            branches,
            max_satisfaction_weight,
            secp,
        })
    }

    /// Returns the descriptor as parsed (multipath, with checksum).
    pub fn descriptor(&self) -> &Descriptor<DescriptorPublicKey> {
        &self.descriptor
    }

    /// Returns the script kind.
    pub fn kind(&self) -> ScriptKind {
        self.kind
    }

    /// Returns `(m, n)`: signatures needed and keys.
    pub fn threshold(&self) -> (usize, usize) {
        (self.threshold, self.key_count)
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
        let script_pubkey = derived.script_pubkey();
        let inner = derived.explicit_script().ok()?;
        let (witness_script, redeem_script) = match self.kind {
            ScriptKind::Wsh => (Some(inner), None),
            ScriptKind::ShWsh => {
                let redeem = ScriptBuf::new_p2wsh(&inner.wscript_hash());
                (Some(inner), Some(redeem))
            }
            ScriptKind::Sh => (None, Some(inner)),
        };
        let keys = derived.iter_pk().collect();
        Some(Derived { script_pubkey, witness_script, redeem_script, keys })
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

/// Returns the script kind, threshold and key count of a supported descriptor.
fn shape(d: &Descriptor<DescriptorPublicKey>) -> Option<(ScriptKind, usize, usize)> {
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
        Descriptor::Wsh(w) => wsh(w).map(|(k, n)| (ScriptKind::Wsh, k, n)),
        Descriptor::Sh(sh) => match sh.as_inner() {
            ShInner::Wsh(w) => wsh(w).map(|(k, n)| (ScriptKind::ShWsh, k, n)),
            ShInner::SortedMulti(s) => Some((ScriptKind::Sh, s.k(), s.n())),
            ShInner::Ms(ms) => multi(ms).map(|(k, n)| (ScriptKind::Sh, k, n)),
            ShInner::Wpkh(_) => None,
        },
        _ => None,
    }
}
