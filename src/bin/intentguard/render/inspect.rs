//! The text of `intentguard inspect`: what a PSBT contains, for a person. A pure function of
//! the [`Inspection`]; lines fit 80 columns, and every string that came from a file (the
//! policy's wallet name, proprietary key prefixes) goes through [`display_safe`].

use intentguard::describe::NUMS_H;
use intentguard::inspect::{
    AmountSource, GlobalInspection, InputInspection, Inspection, KeyOrigin, OutputInspection,
    Ownership, PreviousTx, ProprietaryField, ScriptsInfo, SignatureInfo, SignatureKind,
    UnknownField,
};
use intentguard::text::display_safe;
use intentguard::Timestamp;

use super::layout::{amount, count, Out};

/// Indent of the detail lines under an input or output.
const DETAIL: &str = "      ";
/// Indent of the items of a list under an input or output.
const ITEM: &str = "        ";
/// Indent of an item's continuation lines.
const ITEM_MORE: usize = 10;

/// Locktimes below this are block heights, others Unix times (BIP-65).
const LOCKTIME_THRESHOLD: u32 = 500_000_000;

/// Renders the listing of `inspection`.
pub fn render_inspection(inspection: &Inspection) -> String {
    let mut out = Out { text: String::new(), colour: false };
    out.line(
        "",
        0,
        &format!(
            "PSBT version {}, {} and {}: listed as found, not verified; run intentguard verify \
             before signing",
            inspection.psbt_version,
            count(inspection.inputs.len(), "input"),
            count(inspection.outputs.len(), "output"),
        ),
    );
    out.blank();

    let txid = match &inspection.txid {
        Some(txid) => txid.clone(),
        None => "none: no transaction can be built without a locktime".to_owned(),
    };
    out.field("txid", &txid);
    out.field("tx version", &inspection.tx_version.to_string());
    out.field("locktime", &locktime(inspection));
    match &inspection.wallet {
        Some(wallet) => out
            .field("wallet", &format!("{}, network {}", display_safe(wallet), inspection.network)),
        None => out.field(
            "network",
            &format!("{}: assumed for the addresses below (no --policy given)", inspection.network),
        ),
    }
    out.field("fee", &fee(inspection));
    out.blank();

    render_global(&mut out, &inspection.global);
    out.blank();

    out.line(&format!("inputs ({})", inspection.inputs.len()), 0, "");
    for input in &inspection.inputs {
        render_input(&mut out, input);
    }
    out.blank();

    out.line(&format!("outputs ({})", inspection.outputs.len()), 0, "");
    for output in &inspection.outputs {
        render_output(&mut out, output);
    }
    out.text
}

fn locktime(inspection: &Inspection) -> String {
    let n = inspection.locktime;
    if !inspection.locktime_determined {
        "undetermined: the inputs require incompatible lock types (BIP-370)".to_owned()
    } else if n == 0 {
        "0 (none)".to_owned()
    } else if n < LOCKTIME_THRESHOLD {
        format!("{n} (block height)")
    } else {
        format!("{n} (time: {})", Timestamp::from_unix(i64::from(n)))
    }
}

fn fee(inspection: &Inspection) -> String {
    match inspection.fee_sat {
        Some(sat) if sat >= 0 => amount(sat.unsigned_abs()),
        Some(sat) => format!("{sat} sat: the outputs spend more than the inputs"),
        None => {
            let unknown: Vec<String> = inspection
                .inputs
                .iter()
                .filter(|i| i.amount_sat.is_none())
                .map(|i| i.index.to_string())
                .collect();
            match unknown.as_slice() {
                [] => "unknown: the amounts do not add up in 64 bits".to_owned(),
                [one] => format!("unknown: the amount of input {one} is unknown"),
                many => format!("unknown: the amounts of inputs {} are unknown", many.join(", ")),
            }
        }
    }
}

fn render_global(out: &mut Out, global: &GlobalInspection) {
    if global.xpubs.is_empty() && global.unknown.is_empty() && global.proprietary.is_empty() {
        out.line("global map: the transaction only", 0, "");
        return;
    }
    out.line("global map", 0, "");
    if !global.xpubs.is_empty() {
        out.line(&format!("  xpubs ({})", global.xpubs.len()), 4, "");
        for xpub in &global.xpubs {
            out.line("    ", 6, &origin(&xpub.fingerprint, &xpub.path));
            out.line("      ", 6, &xpub.xpub);
            // SPEC 1.3: the version bytes are not checked; say so when they are not BIP-32's.
            match xpub.version_name {
                Some("xpub" | "tpub") => {}
                Some(name) => out.line(
                    "      ",
                    6,
                    &format!("SLIP-132 {name} version bytes {}, not checked", xpub.version),
                ),
                None => out.line(
                    "      ",
                    6,
                    &format!("version bytes {} that no standard names, not checked", xpub.version),
                ),
            }
        }
    }
    render_unknown(out, "  ", "    ", &global.unknown, &global.proprietary);
}

fn render_input(out: &mut Out, input: &InputInspection) {
    out.line(&format!("  #{:<2} ", input.index), DETAIL.len(), &input.outpoint);
    out.line(DETAIL, ITEM.len(), &input_amount(input));
    if input.witness_utxo_disagrees {
        let claim = match input.witness_utxo_amount_sat {
            Some(sat) if Some(sat) != input.amount_sat => format!("it claims {}", amount(sat)),
            _ => "it claims another script".to_owned(),
        };
        out.line(
            DETAIL,
            ITEM.len(),
            &format!("witness_utxo DISAGREES with the previous transaction: {claim}"),
        );
    }
    match (&input.address, &input.script_pubkey) {
        (Some(address), _) => out.line(DETAIL, ITEM.len(), &format!("spends {address}")),
        (None, Some(script)) => {
            out.line(DETAIL, ITEM.len(), &format!("spends script {script} (no address)"))
        }
        (None, None) => {}
    }
    out.line(DETAIL, ITEM.len(), &format!("sequence {:#010x}", input.sequence));
    if let Some(ownership) = &input.ownership {
        out.line(DETAIL, ITEM.len(), &ownership_text(ownership));
    }
    if let Some(sighash) = &input.sighash_type {
        out.line(DETAIL, ITEM.len(), &format!("sighash type {}", sighash.name));
    }
    render_origins(out, &input.key_origins);
    render_signatures(out, &input.signatures, &input.key_origins);
    render_scripts(out, &input.scripts);
    let finals: Vec<&str> = [
        (input.final_script_sig, "final scriptSig"),
        (input.final_script_witness, "final scriptWitness"),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect();
    if !finals.is_empty() {
        out.line(DETAIL, ITEM.len(), &format!("finalized: {}", finals.join(", ")));
    }
    if input.hash_preimages > 0 {
        out.line(DETAIL, ITEM.len(), &count(input.hash_preimages, "hash preimage"));
    }
    render_unknown(out, DETAIL, ITEM, &input.unknown, &input.proprietary);
}

fn input_amount(input: &InputInspection) -> String {
    let mismatch = match input.previous_tx {
        PreviousTx::TxidMismatch => {
            Some("the previous transaction does NOT MATCH the outpoint: it hashes to another txid")
        }
        PreviousTx::VoutPastEnd => Some(
            "the previous transaction does NOT MATCH the outpoint: it has no output at that index",
        ),
        PreviousTx::Absent | PreviousTx::Matches => None,
    };
    let known = match (input.amount_sat, input.amount_from) {
        (Some(sat), Some(AmountSource::PreviousTransaction)) => {
            format!("{}, from the previous transaction", amount(sat))
        }
        (Some(sat), _) => format!("{}, claimed by witness_utxo", amount(sat)),
        (None, _) if mismatch.is_some() => "amount unknown".to_owned(),
        (None, _) => "amount unknown: no previous transaction or witness_utxo".to_owned(),
    };
    match mismatch {
        Some(mismatch) => format!("{known}; {mismatch}"),
        None if input.amount_from == Some(AmountSource::WitnessUtxo) => {
            format!("{known} (no previous transaction proves it)")
        }
        None => known,
    }
}

fn render_output(out: &mut Out, output: &OutputInspection) {
    out.line(&format!("  #{:<2} ", output.index), DETAIL.len(), &amount(output.amount_sat));
    let destination = match &output.address {
        Some(address) => address.clone(),
        None => format!("script {} (no address)", output.script_pubkey),
    };
    out.line(DETAIL, ITEM.len(), &destination);
    if let Some(ownership) = &output.ownership {
        out.line(DETAIL, ITEM.len(), &ownership_text(ownership));
    }
    render_origins(out, &output.key_origins);
    render_scripts(out, &output.scripts);
    render_unknown(out, DETAIL, ITEM, &output.unknown, &output.proprietary);
}

fn ownership_text(ownership: &Ownership) -> String {
    match ownership {
        Ownership::Wallet { branch, index, differs } => {
            let mut text = format!("the wallet's at branch {} index {index}", branch_text(*branch));
            if !differs.is_empty() {
                text.push_str(&format!(
                    "; but the PSBT's {} {} from the wallet's",
                    differs.join(", "),
                    if differs.len() == 1 { "differs" } else { "differ" }
                ));
            }
            text
        }
        Ownership::ScriptUnknown { branch, index } => format!(
            "names the wallet's branch {} index {index}, but the script it spends is unknown",
            branch_text(*branch)
        ),
        Ownership::ClaimsWalletDoesNotDerive { branch: Some(branch), index: Some(index) } => {
            format!(
                "CLAIMS THE WALLET but does not derive: the wallet's script at branch {} index \
                 {index} is different",
                branch_text(*branch)
            )
        }
        Ownership::ClaimsWalletDoesNotDerive { .. } => "CLAIMS THE WALLET but does not derive: \
                                                        its key origins do not name one \
                                                        unhardened (branch, index)"
            .to_owned(),
        Ownership::NotWallet => "not the wallet's".to_owned(),
    }
}

fn branch_text(branch: u32) -> String {
    match branch {
        0 => "0 (receive)".to_owned(),
        1 => "1 (change)".to_owned(),
        other => other.to_string(),
    }
}

/// `fingerprint/path`, as a descriptor writes a key origin.
fn origin(fingerprint: &str, path: &str) -> String {
    if path.is_empty() {
        fingerprint.to_owned()
    } else {
        format!("{fingerprint}/{path}")
    }
}

fn render_origins(out: &mut Out, origins: &[KeyOrigin]) {
    if origins.is_empty() {
        out.line(DETAIL, ITEM.len(), "key origins: none");
        return;
    }
    out.line(DETAIL, ITEM.len(), &format!("key origins ({})", origins.len()));
    for o in origins {
        let mut text = origin(&o.fingerprint, &o.path);
        if o.taproot {
            text.push_str(&match o.leaf_hashes.len() {
                0 => " (taproot, key path)".to_owned(),
                n => format!(" (taproot, {})", count(n, "leaf").replace("leafs", "leaves")),
            });
        }
        text.push(' ');
        text.push_str(&o.key);
        out.line(ITEM, ITEM_MORE, &text);
    }
}

fn render_signatures(out: &mut Out, signatures: &[SignatureInfo], origins: &[KeyOrigin]) {
    if signatures.is_empty() {
        out.line(DETAIL, ITEM.len(), "signatures: none");
        return;
    }
    out.line(
        DETAIL,
        ITEM.len(),
        &format!("signatures ({}), present: not verified", signatures.len()),
    );
    for sig in signatures {
        let kind = match sig.kind {
            SignatureKind::Ecdsa => "ECDSA",
            SignatureKind::TaprootKeyPath => "taproot key path",
            SignatureKind::TaprootScriptPath => "taproot script path",
        };
        let mut text = format!("{kind}, {}", sig.sighash);
        if let Some(key) = &sig.key {
            let named = origins.iter().find(|o| o.key == *key);
            match named {
                Some(o) => text.push_str(&format!(", key {}", origin(&o.fingerprint, &o.path))),
                None => text.push_str(&format!(", key {key}")),
            }
        }
        if let Some(leaf) = &sig.leaf_hash {
            text.push_str(&format!(", leaf {leaf}"));
        }
        out.line(ITEM, ITEM_MORE, &text);
    }
}

fn render_scripts(out: &mut Out, scripts: &ScriptsInfo) {
    let bytes = |hex: &str| count(hex.len() / 2, "byte");
    if let Some(script) = &scripts.redeem_script {
        out.line(DETAIL, ITEM.len(), &format!("redeem script, {}", bytes(script)));
    }
    if let Some(script) = &scripts.witness_script {
        out.line(DETAIL, ITEM.len(), &format!("witness script, {}", bytes(script)));
    }
    if let Some(key) = &scripts.tap_internal_key {
        let nums = if key == NUMS_H { " (NUMS: no key path)" } else { "" };
        out.line(DETAIL, ITEM.len(), &format!("taproot internal key{nums} {key}"));
    }
    if let Some(root) = &scripts.tap_merkle_root {
        out.line(DETAIL, ITEM.len(), &format!("taproot merkle root {root}"));
    }
    for leaf in &scripts.tap_leaves {
        let place = match leaf.depth {
            Some(depth) => format!("taproot tree leaf at depth {depth}"),
            None => "taproot leaf script".to_owned(),
        };
        out.line(
            DETAIL,
            ITEM.len(),
            &format!(
                "{place}, {}, version {:#04x}, leaf hash {}",
                bytes(&leaf.script),
                leaf.leaf_version,
                leaf.leaf_hash
            ),
        );
    }
}

fn render_unknown(
    out: &mut Out,
    head: &str,
    item: &str,
    unknown: &[UnknownField],
    proprietary: &[ProprietaryField],
) {
    let more = item.len().saturating_add(2);
    if unknown.is_empty() && proprietary.is_empty() {
        out.line(head, item.len(), "unknown or proprietary fields: none");
        return;
    }
    if !unknown.is_empty() {
        out.line(head, item.len(), &format!("unknown fields ({}), not read", unknown.len()));
        for field in unknown {
            let name = field.name.map(|n| format!(" ({n})")).unwrap_or_default();
            out.line(
                item,
                more,
                &format!(
                    "key type {:#04x}{name}, key data {}, value {}",
                    field.key_type,
                    count(field.key_data.len() / 2, "byte"),
                    count(field.value_len, "byte")
                ),
            );
        }
    }
    if !proprietary.is_empty() {
        out.line(
            head,
            item.len(),
            &format!("proprietary fields ({}), not read", proprietary.len()),
        );
        for field in proprietary {
            out.line(
                item,
                more,
                &format!(
                    "prefix \"{}\" ({}), subtype {:#04x}, key data {}, value {}",
                    display_safe(&field.prefix),
                    count(field.prefix_hex.len() / 2, "byte"),
                    field.subtype,
                    count(field.key_data.len() / 2, "byte"),
                    count(field.value_len, "byte")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use intentguard::inspect::inspect_bytes;

    use super::*;

    /// A version 2 PSBT with no inputs and no outputs: its global map holds the PSBT
    /// version, the transaction version and the two counts, nothing else.
    const EMPTY_V2: &[u8] = b"psbt\xff\x01\xfb\x04\x02\x00\x00\x00\x01\x02\x04\x02\x00\x00\x00\x01\x04\x01\x00\x01\x05\x01\x00\x00";

    /// The inspection of [`EMPTY_V2`], with the header fields these tests vary.
    fn empty(locktime: u32) -> Inspection {
        let mut inspection = inspect_bytes(EMPTY_V2, None).unwrap();
        assert!(inspection.global.xpubs.is_empty() && inspection.inputs.is_empty());
        inspection.txid = Some("ab".repeat(32));
        inspection.locktime = locktime;
        inspection.network = "regtest";
        inspection.network_from_policy = true;
        inspection.wallet = Some("vault\u{1b}[1m".to_owned());
        inspection.input_total_sat = Some(0);
        inspection.output_total_sat = Some(5);
        inspection.fee_sat = Some(-5);
        inspection
    }

    fn header(inspection: &Inspection) -> Vec<String> {
        render_inspection(inspection).lines().skip(3).take(5).map(str::to_owned).collect()
    }

    #[test]
    fn locktimes_say_what_they_lock_to() {
        let txid = "ab".repeat(32);
        assert_eq!(
            header(&empty(840_000)),
            [
                format!("txid        {txid}"),
                "tx version  2".to_owned(),
                "locktime    840000 (block height)".to_owned(),
                "wallet      vault\\u{1b}[1m, network regtest".to_owned(),
                "fee         -5 sat: the outputs spend more than the inputs".to_owned(),
            ]
        );
        let text = render_inspection(&empty(1_717_160_400));
        assert!(text.contains("\nlocktime    1717160400 (time: 2024-05-31T13:00:00Z)\n"), "{text}");

        let mut undetermined = empty(0);
        undetermined.txid = None;
        undetermined.locktime_determined = false;
        let text = render_inspection(&undetermined);
        assert!(
            text.contains(
                "\ntxid        none: no transaction can be built without a locktime\n\
                 tx version  2\n\
                 locktime    undetermined: the inputs require incompatible lock types (BIP-370)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn an_empty_psbt_reads_in_full() {
        let mut inspection = empty(0);
        inspection.wallet = None;
        inspection.network = "bitcoin";
        inspection.network_from_policy = false;
        inspection.fee_sat = None;
        inspection.input_total_sat = None;
        let txid = "ab".repeat(32);
        assert_eq!(
            render_inspection(&inspection),
            format!(
                "\
PSBT version 2, 0 inputs and 0 outputs: listed as found, not verified; run
intentguard verify before signing

txid        {txid}
tx version  2
locktime    0 (none)
network     bitcoin: assumed for the addresses below (no --policy given)
fee         unknown: the amounts do not add up in 64 bits

global map: the transaction only

inputs (0)

outputs (0)
"
            )
        );
    }
}
