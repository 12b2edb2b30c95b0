//! The wallet's descriptor in one canonical form, and the wallet digest `policy check` prints:
//! one line that two people holding different exports of one wallet can compare.

use miniscript::bitcoin::hashes::{sha256, Hash, HashEngine};
use miniscript::bitcoin::hex::DisplayHex;
use miniscript::bitcoin::Network;
use miniscript::descriptor::DescriptorPublicKey;
use miniscript::Descriptor;

use super::Wallet;
use crate::base::network::network_name;

/// What the digest's hash begins with, so that it can never equal another hash of the text.
const DIGEST_TAG: &[u8] = b"intentguard wallet digest v1\n";

impl Wallet {
    /// Returns the descriptor in one canonical form: as miniscript prints it (`/<0;1>/*`,
    /// hardened steps as `'`, `sortedmulti_a` kept) with its checksum. Any two texts of one
    /// wallet give the same string. `None` only if the printed text could not be checksummed.
    pub(crate) fn canonical_descriptor(&self) -> Option<String> {
        let body = printed(&self.descriptor, &multi_a_marks(&self.text));
        let mut engine = miniscript::descriptor::checksum::Engine::new();
        engine.input(&body).ok()?;
        Some(format!("{body}#{}", engine.checksum()))
    }

    /// Returns the wallet digest on `network`: the hex SHA-256 of a tag, the network's name
    /// and the canonical descriptor without its checksum, the keys of each `sortedmulti` and
    /// `sortedmulti_a` in sorted order. It covers what decides the wallet's addresses (script
    /// type, threshold, keys with their origins, network) and nothing else: not the policy's
    /// name, approvers or limits. Two texts of one wallet have one digest, whatever the order
    /// their sorted multisig lists its keys in, the way hardened steps are written, `/**` or
    /// `/<0;1>/*`, or the checksum.
    pub fn digest(&self, network: Network) -> String {
        let body = sorted_key_lists(&printed(&self.descriptor, &multi_a_marks(&self.text)));
        let mut engine = sha256::Hash::engine();
        engine.input(DIGEST_TAG);
        engine.input(network_name(network).as_bytes());
        engine.input(b"\n");
        engine.input(body.as_bytes());
        sha256::Hash::from_engine(engine).to_byte_array().to_lower_hex_string()
    }
}

/// `text` with the keys of every `sortedmulti(` and `sortedmulti_a(` in sorted order: their
/// scripts do not depend on the order written. Keys as miniscript prints them hold no `,`
/// or `)`, so each list ends at its first `)`.
fn sorted_key_lists(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("sortedmulti") {
        let (before, from) = rest.split_at(pos);
        out.push_str(before);
        let Some(open) = from.find('(') else { break };
        let Some(close) = from.find(')') else { break };
        let (Some(head), Some(list)) = (from.get(..=open), from.get(open.saturating_add(1)..close))
        else {
            break;
        };
        let mut items: Vec<&str> = list.split(',').collect();
        if let Some(keys) = items.get_mut(1..) {
            keys.sort_unstable();
        }
        out.push_str(head);
        out.push_str(&items.join(","));
        rest = from.get(close..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The descriptor as miniscript prints it, without a checksum, with each `multi_a` that
/// [`multi_a_marks`] marks sorted written back as `sortedmulti_a` (miniscript prints the
/// fragments in the order written).
pub(super) fn printed(
    descriptor: &Descriptor<DescriptorPublicKey>,
    sorted_marks: &[bool],
) -> String {
    let text = format!("{descriptor:#}");
    let mut out =
        String::with_capacity(text.len().saturating_add(sorted_marks.len().saturating_mul(6)));
    let mut marks = sorted_marks.iter();
    let mut rest = text.as_str();
    while let Some(pos) = rest.find("multi_a(") {
        out.push_str(rest.get(..pos).unwrap_or_default());
        if marks.next().copied().unwrap_or(false) {
            out.push_str("sorted");
        }
        out.push_str("multi_a(");
        rest = rest.get(pos.saturating_add("multi_a(".len())..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// For each `multi_a(` or `sortedmulti_a(` in the descriptor text, in order: whether sorted.
pub(super) fn multi_a_marks(text: &str) -> Vec<bool> {
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
    use super::*;

    /// The treasury policy's descriptor, without its checksum.
    fn treasury() -> String {
        let toml = include_str!("../../../policies/treasury.toml");
        let line = toml.lines().find_map(|l| l.strip_prefix("descriptor = \"")).unwrap();
        line.trim_end_matches('"').split('#').next().unwrap().to_owned()
    }

    fn digest(text: &str, network: Network) -> String {
        Wallet::from_descriptor(text, network).unwrap().digest(network)
    }

    #[test]
    fn one_wallet_has_one_digest_however_it_is_written() {
        let text = treasury();
        let base = digest(&text, Network::Bitcoin);
        assert_eq!(base.len(), 64);
        // The keys of the sortedmulti in another order.
        let inner = text.strip_prefix("wsh(sortedmulti(2,").unwrap().strip_suffix("))").unwrap();
        let mut keys: Vec<&str> = inner.split(',').collect();
        keys.reverse();
        let reordered = format!("wsh(sortedmulti(2,{}))", keys.join(","));
        assert_ne!(reordered, text);
        assert_eq!(digest(&reordered, Network::Bitcoin), base);
        // `/**`, hardened steps written `h`.
        assert_eq!(digest(&text.replace("/<0;1>/*", "/**"), Network::Bitcoin), base);
        assert_eq!(digest(&text.replace('\'', "h"), Network::Bitcoin), base);
        // Another script, threshold or order of an unsorted multi is another wallet.
        assert_ne!(digest(&text.replace("sortedmulti(", "multi("), Network::Bitcoin), base);
        assert_ne!(
            digest(&text.replace("sortedmulti(2,", "sortedmulti(1,"), Network::Bitcoin),
            base
        );
        let multi = text.replace("sortedmulti(", "multi(");
        let unsorted = reordered.replace("sortedmulti(", "multi(");
        assert_ne!(digest(&unsorted, Network::Bitcoin), digest(&multi, Network::Bitcoin));
        assert_ne!(digest(&format!("sh({text})"), Network::Bitcoin), base);
    }

    #[test]
    fn sorted_key_lists_sort_keys_not_thresholds() {
        assert_eq!(sorted_key_lists("wsh(sortedmulti(2,c,a,b))"), "wsh(sortedmulti(2,a,b,c))");
        assert_eq!(
            sorted_key_lists("tr(k,{sortedmulti_a(1,z,y),multi_a(1,z,y)})"),
            "tr(k,{sortedmulti_a(1,y,z),multi_a(1,z,y)})"
        );
        assert_eq!(sorted_key_lists("wsh(multi(2,c,a,b))"), "wsh(multi(2,c,a,b))");
        assert_eq!(sorted_key_lists("sortedmulti"), "sortedmulti");
    }
}
