//! Checks of SPEC 2.6: a finalized input's scriptSig and witness are exactly a satisfaction
//! of the derived script, with signatures checked as partial signatures are.
//!
//! Trusts: the derived scripts. A finalized input is what will be broadcast and what signers
//! skip, so nothing in it is taken on faith: each stack element is read by its position in
//! the one shape each descriptor type allows, scripts are compared byte for byte with the
//! derived ones, and every signature is parsed strictly and verified over this transaction.
//! Any other shape, an annex, or a leaf whose satisfaction intentguard cannot read is
//! `INPUT_FINAL_SCRIPT_INVALID`.

use std::collections::HashMap;

use miniscript::bitcoin::hashes::Hash;
use miniscript::bitcoin::key::XOnlyPublicKey;
use miniscript::bitcoin::script::{Instruction, Script};
use miniscript::bitcoin::secp256k1::Message;
use miniscript::bitcoin::sighash::{SighashCache, TapSighashType};
use miniscript::bitcoin::taproot::{self, TapLeafHash};
use miniscript::bitcoin::{ecdsa, EcdsaSighashType, PublicKey, Transaction};
use miniscript::miniscript::Tap;
use miniscript::{Miniscript, Terminal};

use super::few;
use super::inputs::Signing;
use super::{Code, Finding, Place};
use crate::parse::wallet::{Leaf, ScriptKind};

/// BIP-341: the first byte of an annex, the last witness element of a spend that has one.
const ANNEX_TAG: u8 = 0x50;

/// What reading one finalized input found, by the code each problem is reported under.
#[derive(Default)]
struct Problems {
    invalid: Vec<String>,
    mismatch: Vec<String>,
    sighash: Vec<String>,
    bad: Vec<String>,
}

impl Problems {
    fn report(self, index: usize, out: &mut Vec<Finding>) {
        let groups = [
            (Code::InputFinalScriptInvalid, self.invalid),
            (Code::InputScriptMismatch, self.mismatch),
            (Code::InputSighashNotAllowed, self.sighash),
            (Code::InputBadPartialSig, self.bad),
        ];
        for (code, problems) in groups {
            if !problems.is_empty() {
                out.push(Finding::new(
                    code,
                    Place::Input(index),
                    format!("input {index} is finalized: {}", few(&problems)),
                ));
            }
        }
    }
}

/// Checks the final scriptSig and witness of input `s.index`, if it has either. Signatures
/// are verified only when `verify` is set (a request over the weight limit skips them).
pub(super) fn check(
    s: &Signing<'_>,
    cache: &mut SighashCache<&Transaction>,
    verify: bool,
    out: &mut Vec<Finding>,
) {
    let input = s.input;
    if input.final_script_sig.is_none() && input.final_script_witness.is_none() {
        return;
    }
    let script_sig = input.final_script_sig.as_deref().unwrap_or(Script::new());
    let witness: Vec<&[u8]> =
        input.final_script_witness.as_ref().map(|w| w.iter().collect()).unwrap_or_default();
    let mut p = Problems::default();
    let mut reader = Reader { s, cache, verify, problems: &mut p };
    match s.kind {
        ScriptKind::Wsh => {
            if reader.script_sig_empty(script_sig) {
                reader.multisig_witness(&witness);
            }
        }
        ScriptKind::ShWsh => {
            if reader.nested_script_sig(script_sig) {
                reader.multisig_witness(&witness);
            }
        }
        ScriptKind::Sh => reader.legacy(script_sig, &witness),
        ScriptKind::Tr => {
            if reader.script_sig_empty(script_sig) {
                reader.taproot(&witness);
            }
        }
    }
    p.report(s.index, out);
}

/// Reads one finalized input against its derived scripts.
struct Reader<'a, 'c, 't> {
    s: &'a Signing<'a>,
    cache: &'c mut SighashCache<&'t Transaction>,
    verify: bool,
    problems: &'a mut Problems,
}

impl Reader<'_, '_, '_> {
    fn invalid(&mut self, problem: impl Into<String>) {
        self.problems.invalid.push(problem.into());
    }

    /// Segwit spends and taproot carry nothing in the scriptSig.
    fn script_sig_empty(&mut self, script_sig: &Script) -> bool {
        if script_sig.is_empty() {
            return true;
        }
        self.invalid(format!(
            "its final scriptSig has {} bytes; this wallet's inputs spend with an empty scriptSig",
            script_sig.len()
        ));
        false
    }

    /// `sh(wsh)`: the scriptSig is exactly one push of the derived redeem script.
    fn nested_script_sig(&mut self, script_sig: &Script) -> bool {
        let Some(pushes) = pushes(script_sig) else {
            self.invalid("its final scriptSig is not minimal pushes only");
            return false;
        };
        let redeem = self.s.derived.redeem_script.as_deref().map(Script::as_bytes);
        match pushes.as_slice() {
            [one] if Some(*one) == redeem => true,
            [_] => {
                self.problems.mismatch.push(
                    "the redeem script its final scriptSig pushes is not the derived one".into(),
                );
                false
            }
            other => {
                self.invalid(format!(
                    "its final scriptSig has {} pushes; it must be one push of the redeem script",
                    other.len()
                ));
                false
            }
        }
    }

    /// `sh`: scriptSig `OP_0`, signatures, the derived redeem script; no witness.
    fn legacy(&mut self, script_sig: &Script, witness: &[&[u8]]) {
        if !witness.is_empty() {
            self.invalid(format!(
                "it has a final witness of {} elements; a P2SH input has none",
                witness.len()
            ));
            return;
        }
        let Some(stack) = pushes(script_sig) else {
            self.invalid("its final scriptSig is not minimal pushes only");
            return;
        };
        let Some(script) = self.s.derived.redeem_script.as_deref() else { return };
        self.multisig(&stack, script, "final scriptSig", "redeem script");
    }

    /// `wsh` and `sh(wsh)`: witness = empty element, signatures, the derived witness script.
    fn multisig_witness(&mut self, witness: &[&[u8]]) {
        let Some(script) = self.s.derived.witness_script.as_deref() else { return };
        self.multisig(witness, script, "final witness", "witness script");
    }

    /// A `CHECKMULTISIG` satisfaction: the dummy empty element, exactly `m` signatures in key
    /// order, then `script`, which must be the derived one.
    fn multisig(&mut self, stack: &[&[u8]], script: &Script, what: &str, script_name: &str) {
        let keys = multisig_keys(script);
        let m = self.s.threshold.map_or(0, |(m, _)| m);
        // The dummy element, m signatures, the script.
        let shaped = match stack {
            [dummy, sigs @ .., _] => dummy.is_empty() && sigs.len() == m && !keys.is_empty(),
            _ => false,
        };
        if let [dummy, _, ..] = stack {
            if !dummy.is_empty() {
                self.invalid(format!(
                    "the first element of its {what}, OP_CHECKMULTISIG's dummy, holds {} byte{}; it must be empty (BIP-147)",
                    dummy.len(),
                    if dummy.len() == 1 { "" } else { "s" }
                ));
                return;
            }
        }
        let (Some((last, rest)), true) = (stack.split_last(), shaped) else {
            self.invalid(format!(
                "its {what} has {} elements; a {m}-of-{} spend is an empty element, {m} signatures and the {script_name}",
                stack.len(),
                keys.len()
            ));
            return;
        };
        if *last != script.as_bytes() {
            self.problems
                .mismatch
                .push(format!("the {script_name} in its {what} is not the derived one"));
            return;
        }
        let sigs: Vec<Option<ecdsa::Signature>> =
            rest.iter().skip(1).map(|bytes| ecdsa_signature(bytes)).collect();
        for (n, sig) in sigs.iter().enumerate() {
            match sig {
                None => self.problems.bad.push(format!(
                    "signature {n} in its {what} is not a strict-DER signature with a sighash byte"
                )),
                Some(sig) if sig.sighash_type != EcdsaSighashType::All => {
                    self.problems.sighash.push(format!(
                        "signature {n} in its {what} has sighash type {}; only ALL is accepted",
                        sig.sighash_type
                    ))
                }
                Some(_) => {}
            }
        }
        self.partial_sigs_agree_ecdsa(rest);
        if !self.verify || sigs.iter().any(Option::is_none) {
            return;
        }
        // OP_CHECKMULTISIG's own order: from the last signature and the last key down, each
        // signature taking the next key it verifies for.
        let mut hashes: HashMap<EcdsaSighashType, Option<Message>> = HashMap::new();
        let mut keys_left = keys.iter().rev();
        for (n, sig) in sigs.iter().enumerate().rev() {
            let Some(sig) = sig else { continue };
            let message = *hashes
                .entry(sig.sighash_type)
                .or_insert_with(|| self.s.ecdsa_sighash(sig.sighash_type, self.cache));
            let found = message.is_some_and(|m| {
                keys_left.any(|k| self.s.secp.verify_ecdsa(&m, &sig.signature, &k.inner).is_ok())
            });
            if !found {
                self.problems.bad.push(format!(
                    "signature {n} in its {what} does not verify over this transaction for a key of the input, in the script's key order"
                ));
                return;
            }
        }
    }

    /// Every partial signature the input still carries must be one of the final ones.
    fn partial_sigs_agree_ecdsa(&mut self, elements: &[&[u8]]) {
        let disagree = self
            .s
            .input
            .partial_sigs
            .iter()
            .filter(|(_, sig)| !elements.contains(&sig.to_vec().as_slice()))
            .count();
        let schnorr =
            self.s.input.tap_key_sig.is_some() || !self.s.input.tap_script_sigs.is_empty();
        if disagree > 0 || schnorr {
            self.invalid(format!(
                "it also carries {} partial signatures that are not in its final scripts",
                disagree.saturating_add(usize::from(schnorr))
            ));
        }
    }

    /// Taproot: one signature (key path), or signatures, the leaf script and its control
    /// block (script path); never an annex.
    fn taproot(&mut self, witness: &[&[u8]]) {
        let Some(tap) = self.s.derived.taproot.as_ref() else { return };
        if witness.len() >= 2 && witness.last().and_then(|e| e.first()) == Some(&ANNEX_TAG) {
            self.invalid(
                "its final witness ends in an annex (BIP-341), which intentguard does not accept",
            );
            return;
        }
        if !self.s.input.partial_sigs.is_empty() {
            self.invalid(
                "it also carries ECDSA partial signatures, which a taproot input has none of",
            );
        }
        match witness {
            [] => self.invalid("its final witness is empty"),
            [sig] => self.key_path(sig, tap.output_key),
            [sigs @ .., script, control_block] => {
                let leaf = tap.leaves.iter().find(|l| l.script.as_bytes() == *script);
                let Some(leaf) = leaf else {
                    self.problems.mismatch.push(
                        "the leaf script in its final witness is not a leaf of the wallet's tree"
                            .into(),
                    );
                    return;
                };
                if leaf.control_block.serialize().as_slice() != *control_block {
                    self.problems.mismatch.push("the control block in its final witness is not the derived one for its leaf".into());
                    return;
                }
                self.script_path(sigs, leaf);
            }
        }
    }

    fn key_path(&mut self, element: &[u8], output_key: XOnlyPublicKey) {
        let input = self.s.input;
        if !input.tap_script_sigs.is_empty()
            || input.tap_key_sig.is_some_and(|s| s.to_vec().as_slice() != element)
        {
            self.invalid(
                "it also carries taproot signatures that are not its final key-path signature",
            );
        }
        let Some(sig) = self.schnorr(element, "its key-path signature") else { return };
        let Some(prevouts) = self.s.prevouts.filter(|_| self.verify) else { return };
        let valid = self
            .cache
            .taproot_key_spend_signature_hash(self.s.index, prevouts, sig.sighash_type)
            .ok()
            .map(|h| Message::from_digest(h.to_byte_array()))
            .is_some_and(|m| self.s.secp.verify_schnorr(&sig.signature, &m, &output_key).is_ok());
        if !valid {
            self.problems.bad.push(
                "its key-path signature does not verify for the output key over this transaction"
                    .into(),
            );
        }
    }

    /// A `multi_a`/`sortedmulti_a` leaf (one element per key, last key first: a signature
    /// or empty, exactly `k` signatures) or a `pk` leaf (one signature).
    fn script_path(&mut self, elements: &[&[u8]], leaf: &Leaf) {
        let parsed = Miniscript::<XOnlyPublicKey, Tap>::decode_consensus(&leaf.script).ok();
        let (k, keys): (usize, Vec<XOnlyPublicKey>) = match parsed.as_ref().map(|ms| &ms.node) {
            Some(Terminal::MultiA(thresh)) => (thresh.k(), thresh.iter().copied().collect()),
            Some(Terminal::Check(inner)) => match &inner.node {
                Terminal::PkK(key) => (1, vec![*key]),
                _ => return self.unreadable_leaf(),
            },
            _ => return self.unreadable_leaf(),
        };
        if elements.len() != keys.len() {
            self.invalid(format!(
                "its final witness has {} signature elements for a leaf of {} keys",
                elements.len(),
                keys.len()
            ));
            return;
        }
        // The first element is for the last key: the script checks the top of the stack first.
        let pairs: Vec<(&XOnlyPublicKey, &[u8])> =
            keys.iter().rev().zip(elements.iter().copied()).collect();
        let signed = pairs.iter().filter(|(_, e)| !e.is_empty()).count();
        if signed != k {
            self.invalid(format!(
                "its final witness has {signed} signatures; the leaf needs exactly {k}"
            ));
            return;
        }
        self.partial_sigs_agree_taproot(&pairs, leaf.hash);
        for (key, element) in pairs.iter().filter(|(_, e)| !e.is_empty()) {
            let Some(sig) = self.schnorr(element, &format!("the signature by {key}")) else {
                continue;
            };
            let Some(prevouts) = self.s.prevouts.filter(|_| self.verify) else { continue };
            let valid = self
                .cache
                .taproot_script_spend_signature_hash(
                    self.s.index,
                    prevouts,
                    leaf.hash,
                    sig.sighash_type,
                )
                .ok()
                .map(|h| Message::from_digest(h.to_byte_array()))
                .is_some_and(|m| self.s.secp.verify_schnorr(&sig.signature, &m, key).is_ok());
            if !valid {
                self.problems.bad.push(format!(
                    "the script-path signature by {key} does not verify over this transaction"
                ));
            }
        }
    }

    fn unreadable_leaf(&mut self) {
        self.invalid(
            "it spends a leaf whose satisfaction intentguard reads only for multi_a, sortedmulti_a and pk leaves; send the input unfinalized",
        );
    }

    /// Every taproot signature the input still carries must be the final one for its key
    /// and leaf.
    fn partial_sigs_agree_taproot(
        &mut self,
        pairs: &[(&XOnlyPublicKey, &[u8])],
        leaf: TapLeafHash,
    ) {
        let input = self.s.input;
        let agrees = |(key, hash): &(XOnlyPublicKey, TapLeafHash), sig: &taproot::Signature| {
            *hash == leaf && pairs.iter().any(|(k, e)| *k == key && *e == sig.to_vec().as_slice())
        };
        let disagree = input.tap_script_sigs.iter().filter(|(kh, sig)| !agrees(kh, sig)).count();
        if disagree > 0 || input.tap_key_sig.is_some() {
            self.invalid(format!(
                "it also carries {} taproot signatures that are not in its final witness",
                disagree.saturating_add(usize::from(input.tap_key_sig.is_some()))
            ));
        }
    }

    /// Parses a BIP-340 signature exactly (64 bytes, or 65 with a sighash byte other than
    /// DEFAULT) and requires DEFAULT or ALL.
    fn schnorr(&mut self, element: &[u8], what: &str) -> Option<taproot::Signature> {
        let sig = taproot::Signature::from_slice(element)
            .ok()
            .filter(|sig| sig.to_vec().as_slice() == element);
        let Some(sig) = sig else {
            self.problems.bad.push(format!("{what} is not a valid BIP-340 signature encoding"));
            return None;
        };
        if !matches!(sig.sighash_type, TapSighashType::Default | TapSighashType::All) {
            self.problems.sighash.push(format!(
                "{what} has sighash type {}; only DEFAULT or ALL is accepted",
                sig.sighash_type
            ));
        }
        Some(sig)
    }
}

/// The elements a push-only script leaves on the stack, with minimal pushes only.
fn pushes(script: &Script) -> Option<Vec<&[u8]>> {
    script
        .instructions_minimal()
        .map(|i| match i {
            Ok(Instruction::PushBytes(p)) => Some(p.as_bytes()),
            _ => None,
        })
        .collect()
}

/// The public keys of a derived `multi`/`sortedmulti` script, in the script's order.
fn multisig_keys(script: &Script) -> Vec<PublicKey> {
    script
        .instructions()
        .filter_map(|i| match i {
            Ok(Instruction::PushBytes(p)) => PublicKey::from_slice(p.as_bytes()).ok(),
            _ => None,
        })
        .collect()
}

/// Parses an ECDSA signature with its sighash byte, requiring the canonical encoding: strict
/// DER that round-trips, and a defined sighash type.
fn ecdsa_signature(bytes: &[u8]) -> Option<ecdsa::Signature> {
    ecdsa::Signature::from_slice(bytes).ok().filter(|sig| sig.to_vec().as_slice() == bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER signature of the integers `r` and `s` (big-endian, as written), then `sighash`.
    fn der(r: &[u8], s: &[u8], sighash: u8) -> Vec<u8> {
        let int = |v: &[u8]| [&[0x02, u8::try_from(v.len()).unwrap()][..], v].concat();
        let body = [int(r), int(s)].concat();
        [&[0x30, u8::try_from(body.len()).unwrap()][..], &body, &[sighash]].concat()
    }

    #[test]
    fn an_ecdsa_signature_is_taken_only_in_its_canonical_encoding() {
        let one = [0x01];
        assert!(ecdsa_signature(&der(&one, &one, 0x01)).is_some());
        // r = 2^256 - 1 is above the group order: libsecp256k1 parses it, as zero, so the
        // bytes do not round-trip and are refused.
        let big = [[0x00].as_slice(), &[0xff; 32]].concat();
        let out_of_range = der(&big, &one, 0x01);
        assert!(ecdsa::Signature::from_slice(&out_of_range).is_ok(), "the parser alone takes it");
        assert!(ecdsa_signature(&out_of_range).is_none());
        // Not strict DER (a padded integer), and an undefined sighash byte.
        assert!(ecdsa_signature(&der(&[0x00, 0x01], &one, 0x01)).is_none());
        assert!(ecdsa_signature(&der(&one, &one, 0x04)).is_none());
    }
}
