//! The readers of a PSBT's maps for an inspection: the global map's extended keys, and each
//! input and output with the UTXO it spends or the script it pays, its signatures, scripts
//! and key origins, and its place in the policy's wallet.
//!
//! Trusts: nothing in the PSBT. An input's amount comes from a previous transaction only when
//! the model says it matches the outpoint (else a `witness_utxo` stands in, marked as a
//! claim); whether a map is the wallet's is the model's [`Derivations`] answer.

use miniscript::bitcoin::base58;
use miniscript::bitcoin::psbt::{Input, Output};
use miniscript::bitcoin::{Network, ScriptBuf, TxIn, TxOut};

use super::fields::{address, hex, key_origins, proprietary_fields, sighash_name, unknown_fields};
use super::{
    AmountSource, GlobalInspection, GlobalXpub, InputInspection, OutputInspection, Ownership,
    PreviousTx, ScriptsInfo, SighashInfo, SignatureInfo, SignatureKind, TapLeafInfo,
};
use crate::model::claims::{
    input_differs, output_differs, Claim, Derivations, PrevTx, PrevTxs, Utxo,
};
use crate::parse::psbt::{xpub_version_name, Location as MapLocation, ParsedPsbt};
use crate::parse::wallet::Derived;

/// The global map beyond the transaction: its extended keys, unknown and proprietary fields.
pub(super) fn inspect_global(parsed: &ParsedPsbt) -> GlobalInspection {
    let psbt = &parsed.psbt;
    GlobalInspection {
        xpubs: psbt
            .xpub
            .iter()
            .map(|(xpub, (fingerprint, path))| {
                // `bitcoin` holds xpub or tpub version bytes; the PSBT's own are shown.
                let mut encoded = xpub.encode();
                if let (Some(written), Some(version)) =
                    (parsed.xpub_versions.get(xpub), encoded.get_mut(..4))
                {
                    version.copy_from_slice(written);
                }
                let version: [u8; 4] = encoded.first_chunk().copied().unwrap_or_default();
                GlobalXpub {
                    xpub: base58::encode_check(&encoded),
                    version: format!("{:08x}", u32::from_be_bytes(version)),
                    version_name: xpub_version_name(version),
                    fingerprint: fingerprint.to_string(),
                    path: path.to_string(),
                }
            })
            .collect(),
        unknown: unknown_fields(MapLocation::Global, &psbt.unknown),
        proprietary: proprietary_fields(&psbt.proprietary),
    }
}

/// The UTXO an input spends as `inspect` shows it: a `witness_utxo` stands in, marked as a
/// claim, when no matching previous transaction does.
struct ShownUtxo<'a> {
    txout: Option<&'a TxOut>,
    source: Option<AmountSource>,
    previous_tx: PreviousTx,
    witness_utxo_disagrees: bool,
}

/// What `inspect` shows of the UTXO the model found for an input.
fn shown_utxo(utxo: Utxo<'_>) -> ShownUtxo<'_> {
    let previous_tx = match utxo.previous_tx {
        PrevTx::Matches(txout) => {
            return ShownUtxo {
                txout: Some(txout),
                source: Some(AmountSource::PreviousTransaction),
                previous_tx: PreviousTx::Matches,
                witness_utxo_disagrees: utxo.disagreeing_witness_utxo().is_some(),
            }
        }
        PrevTx::Absent => PreviousTx::Absent,
        PrevTx::TxidMismatch(_) => PreviousTx::TxidMismatch,
        PrevTx::VoutPastEnd(_) => PreviousTx::VoutPastEnd,
    };
    ShownUtxo {
        txout: utxo.witness_utxo,
        source: utxo.witness_utxo.map(|_| AmountSource::WitnessUtxo),
        previous_tx,
        witness_utxo_disagrees: false,
    }
}

/// An input's or output's place in the wallet, from what its map claims and the script the
/// PSBT shows (`None` for an input without UTXO data).
fn ownership(
    claim: Claim<'_>,
    script: Option<&ScriptBuf>,
    differs: impl FnOnce(&Derived) -> Vec<&'static str>,
) -> Ownership {
    match claim {
        Claim::NotWallet => Ownership::NotWallet,
        Claim::Inconsistent => Ownership::ClaimsWalletDoesNotDerive { branch: None, index: None },
        Claim::At { branch, index, derived } => match (derived, script) {
            (Some(_), None) => Ownership::ScriptUnknown { branch, index },
            (Some(d), Some(script)) if d.script_pubkey == *script => {
                Ownership::Wallet { branch, index, differs: differs(d) }
            }
            _ => Ownership::ClaimsWalletDoesNotDerive { branch: Some(branch), index: Some(index) },
        },
    }
}

/// Lists input `index`: the transaction's `txin` and the PSBT's map `input` for it.
pub(super) fn inspect_input<'a>(
    txin: &TxIn,
    index: usize,
    input: &'a Input,
    network: Network,
    prev_txs: &mut PrevTxs<'a>,
    derivations: Option<&mut Derivations<'_>>,
) -> InputInspection {
    let utxo = shown_utxo(prev_txs.utxo(txin.previous_output, input));
    let script = utxo.txout.map(|t| &t.script_pubkey);
    let mut signatures: Vec<SignatureInfo> = input
        .partial_sigs
        .iter()
        .map(|(key, sig)| SignatureInfo {
            kind: SignatureKind::Ecdsa,
            key: Some(key.to_string()),
            leaf_hash: None,
            sighash: sig.sighash_type.to_string(),
        })
        .collect();
    if let Some(sig) = &input.tap_key_sig {
        signatures.push(SignatureInfo {
            kind: SignatureKind::TaprootKeyPath,
            key: None,
            leaf_hash: None,
            sighash: sig.sighash_type.to_string(),
        });
    }
    signatures.extend(input.tap_script_sigs.iter().map(|((key, leaf), sig)| SignatureInfo {
        kind: SignatureKind::TaprootScriptPath,
        key: Some(key.to_string()),
        leaf_hash: Some(leaf.to_string()),
        sighash: sig.sighash_type.to_string(),
    }));
    let scripts = ScriptsInfo {
        redeem_script: input.redeem_script.as_ref().map(|s| s.to_hex_string()),
        witness_script: input.witness_script.as_ref().map(|s| s.to_hex_string()),
        tap_internal_key: input.tap_internal_key.map(|k| k.to_string()),
        tap_merkle_root: input.tap_merkle_root.map(|r| r.to_string()),
        tap_leaves: input
            .tap_scripts
            .iter()
            .map(|(control_block, (script, version))| TapLeafInfo {
                leaf_hash: miniscript::bitcoin::taproot::TapLeafHash::from_script(script, *version)
                    .to_string(),
                leaf_version: version.to_consensus(),
                script: script.to_hex_string(),
                control_block: Some(hex(&control_block.serialize())),
                depth: None,
            })
            .collect(),
    };
    let ownership =
        derivations.map(|d| ownership(d.claim_input(input), script, |d| input_differs(input, d)));
    InputInspection {
        index,
        outpoint: txin.previous_output.to_string(),
        sequence: txin.sequence.0,
        amount_sat: utxo.txout.map(|t| t.value.to_sat()),
        amount_from: utxo.source,
        script_pubkey: script.map(|s| s.to_hex_string()),
        address: script.and_then(|s| address(s, network)),
        previous_tx: utxo.previous_tx,
        has_witness_utxo: input.witness_utxo.is_some(),
        witness_utxo_disagrees: utxo.witness_utxo_disagrees,
        witness_utxo_amount_sat: input.witness_utxo.as_ref().map(|w| w.value.to_sat()),
        sighash_type: input
            .sighash_type
            .map(|t| SighashInfo { value: t.to_u32(), name: sighash_name(t.to_u32()) }),
        key_origins: key_origins(&input.bip32_derivation, &input.tap_key_origins),
        signatures,
        scripts,
        final_script_sig: input.final_script_sig.is_some(),
        final_script_witness: input.final_script_witness.is_some(),
        hash_preimages: [
            input.ripemd160_preimages.len(),
            input.sha256_preimages.len(),
            input.hash160_preimages.len(),
            input.hash256_preimages.len(),
        ]
        .into_iter()
        .fold(0usize, usize::saturating_add),
        unknown: unknown_fields(MapLocation::Input(index), &input.unknown),
        proprietary: proprietary_fields(&input.proprietary),
        ownership,
    }
}

/// Lists output `index`: the transaction's `txout` and the PSBT's map `output` for it.
pub(super) fn inspect_output(
    index: usize,
    txout: &TxOut,
    output: &Output,
    network: Network,
    derivations: Option<&mut Derivations<'_>>,
) -> OutputInspection {
    let tap_leaves = output
        .tap_tree
        .iter()
        .flat_map(|tree| tree.script_leaves())
        .map(|leaf| TapLeafInfo {
            leaf_hash: miniscript::bitcoin::taproot::TapLeafHash::from_script(
                leaf.script(),
                leaf.version(),
            )
            .to_string(),
            leaf_version: leaf.version().to_consensus(),
            script: leaf.script().to_hex_string(),
            control_block: None,
            depth: Some(leaf.merkle_branch().len()),
        })
        .collect();
    let scripts = ScriptsInfo {
        redeem_script: output.redeem_script.as_ref().map(|s| s.to_hex_string()),
        witness_script: output.witness_script.as_ref().map(|s| s.to_hex_string()),
        tap_internal_key: output.tap_internal_key.map(|k| k.to_string()),
        tap_merkle_root: None,
        tap_leaves,
    };
    let ownership = derivations.map(|d| {
        ownership(d.claim_output(output), Some(&txout.script_pubkey), |d| output_differs(output, d))
    });
    OutputInspection {
        index,
        amount_sat: txout.value.to_sat(),
        script_pubkey: txout.script_pubkey.to_hex_string(),
        address: address(&txout.script_pubkey, network),
        key_origins: key_origins(&output.bip32_derivation, &output.tap_key_origins),
        scripts,
        unknown: unknown_fields(MapLocation::Output(index), &output.unknown),
        proprietary: proprietary_fields(&output.proprietary),
        ownership,
    }
}
