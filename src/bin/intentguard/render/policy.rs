//! The text of `policy check`: what a ceremony compares with hardware wallets and with the
//! policy's owner. A pure function; every string from the policy goes through
//! [`display_safe`].

use intentguard::amount::btc_string;
use intentguard::bitcoin::bip32::DerivationPath;
use intentguard::bitcoin::{Address, Amount};
use intentguard::describe::{InternalKey, KeyInfo, LeafInfo, WalletSummary};
use intentguard::import::Imported;
use intentguard::keyfile::public_key_hex;
use intentguard::text::display_safe;
use intentguard::Policy;
use intentguard::{
    network_name, DEFAULT_MAX_CHANGE_INDEX, DEFAULT_MAX_CHANGE_OUTPUTS,
    DEFAULT_MAX_INTENT_LIFETIME_S, DEFAULT_MAX_TX_WEIGHT,
};

use super::intent::span;
use super::layout::{count, visible_width, Out, WIDTH};

/// `policy import`'s text: a policy TOML with the imported name, network and descriptor, and
/// `[approvals]` and `[limits]` commented out for the owner to fill in, so that it does not
/// load until they are (SPEC 3). `file` names the wallet file and `digest` is the wallet
/// digest `policy check` prints, for the header.
pub fn render_import(imported: &Imported, file: &str, digest: &str) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let mut text = format!(
        "# A policy for intentguard, from {} ({}) by `intentguard policy import`.\n",
        display_safe(file),
        imported.source.as_str()
    );
    text.push_str(&format!("# wallet digest {digest} (as `policy check` shows it)\n"));
    for warning in &imported.warnings {
        text.push_str(&format!("# warning: {}\n", display_safe(warning)));
    }
    text.push_str(
        "#\n\
         # Before using it: compare its first addresses (`intentguard policy check FILE`) with\n\
         # every signing device, then fill in [approvals] and [limits] below and remove the\n\
         # \"# \" before each of their lines. Until then the policy does not load.\n",
    );
    match &imported.name {
        Some(name) => text.push_str(&format!("name = {}\n", quoted(name))),
        None => text.push_str(
            "name = \"\"                          # the file names no wallet: [a-z0-9._-]{1,64}\n",
        ),
    }
    text.push_str(&format!("network = {}\n", quoted(network_name(imported.network))));
    text.push_str(&format!("descriptor = {}\n", quoted(&imported.descriptor)));
    text.push_str(
        "\n\
         # [approvals]\n\
         # quorum = 2                        # distinct approvers needed\n\
         # approvers = [\n\
         #   { name = \"alice\", key = \"<64 hex chars: Ed25519 public key>\" },\n\
         #   { name = \"bob\",   key = \"<64 hex chars>\" },\n\
         #   { name = \"carol\", key = \"<64 hex chars>\" },\n\
         # ]\n\
         #\n\
         # [limits]\n\
         # max_fee_sat = 500000              # required: the most any request may pay in fees\n",
    );
    text
}

/// Width of the approver name column.
const NAME: usize = 12;
/// Width of the limit name column.
const LIMIT: usize = 23;

/// Renders `policy check` for a valid policy, with the first receive and change addresses.
pub fn render_policy(
    policy: &Policy,
    summary: &WalletSummary,
    receive: &[Address],
    change: &[Address],
) -> String {
    let mut out = Out { text: String::new(), colour: false };
    out.field("policy", &format!("{}: valid", display_safe(policy.name())));
    out.field("network", network_name(policy.network()));
    out.field("descriptor", &format!("{}, checksum {}", summary.shape, summary.checksum));
    out.field("digest", &policy.wallet_digest());
    if let Some(internal) = &summary.internal_key {
        out.field("key path", &key_path(internal));
    }
    out.field("threshold", &threshold(summary));
    out.blank();

    out.line(&format!("keys ({})", summary.keys.len()), 0, "");
    for (i, key) in summary.keys.iter().enumerate() {
        render_key(&mut out, i, key);
    }
    if !summary.leaves.is_empty() {
        out.blank();
        let leaves = match summary.leaves.len() {
            1 => "1 leaf".to_owned(),
            n => format!("{n} leaves"),
        };
        out.line(&format!("script tree ({leaves})"), 0, "");
        for (i, leaf) in summary.leaves.iter().enumerate() {
            out.line(&format!("  leaf {i}, depth {}: ", leaf.depth), 4, &leaf_text(leaf));
        }
    }
    out.blank();

    out.line(
        &format!(
            "approvers: any {} of {} must sign an intent",
            policy.quorum(),
            policy.approvers().len()
        ),
        0,
        "",
    );
    for approver in policy.approvers() {
        let name = display_safe(approver.name());
        let key = public_key_hex(approver.key());
        let width = visible_width(&name);
        if width <= NAME {
            let pad = " ".repeat(NAME - width);
            out.line(&format!("  {name}{pad}  "), NAME + 4, &key);
        } else {
            out.line("  ", 4, &name);
            out.line(&" ".repeat(NAME + 4), NAME + 4, &key);
        }
    }
    out.blank();

    render_limits(&mut out, policy);

    for (branch, name, addresses) in [(0, "receive", receive), (1, "change", change)] {
        if addresses.is_empty() {
            continue;
        }
        out.blank();
        out.line(&format!("{name} addresses (branch {branch}, from index 0)"), 0, "");
        for (index, address) in addresses.iter().enumerate() {
            out.line(&format!("  {index:<4} "), 7, &address.to_string());
        }
    }
    out.text
}

fn key_path(internal: &InternalKey) -> String {
    match internal {
        InternalKey::Unspendable => {
            "none: the internal key is BIP-341's NUMS point, which nobody can sign for".to_owned()
        }
        InternalKey::Key(i) => format!("key #{i} can spend alone, without the script tree"),
    }
}

fn threshold(summary: &WalletSummary) -> String {
    match (summary.threshold, &summary.internal_key) {
        (Some((m, n)), None) => format!("{m} of {n} keys"),
        (Some((m, n)), Some(_)) => format!("{m} of {n} keys (the one leaf of the script tree)"),
        (None, Some(InternalKey::Key(i))) => {
            format!("none: key #{i} alone, or any leaf of the script tree")
        }
        (None, _) if summary.leaves.is_empty() => "none".to_owned(),
        (None, _) => "none: any one leaf of the script tree".to_owned(),
    }
}

fn path(p: &DerivationPath) -> String {
    if p.is_master() {
        "m".to_owned()
    } else {
        format!("m/{p}")
    }
}

fn render_key(out: &mut Out, i: usize, key: &KeyInfo) {
    let prefix = format!("  #{i:<2} ");
    if key.extended {
        // An extended key is 111 characters: its ends identify it on a device's screen,
        // and the checksum above covers all of it.
        let chars: Vec<char> = key.key.chars().collect();
        let shown = if chars.len() > 24 {
            let head: String = chars.iter().take(12).collect();
            let tail: String = chars.iter().skip(chars.len() - 8).collect();
            format!("{head}…{tail}")
        } else {
            key.key.clone()
        };
        let text = format!("{}  {}/<0;1>/*  {shown}", key.fingerprint, path(&key.origin_path));
        if visible_width(&prefix).saturating_add(visible_width(&text)) <= WIDTH {
            // Fits: keep the double spaces that make columns (wrapping would collapse them).
            out.text.push_str(&format!("{prefix}{text}\n"));
        } else {
            out.line(&prefix, 6, &text);
        }
    } else {
        out.line(
            &prefix,
            6,
            &format!("{}  {}  fixed key", key.fingerprint, path(&key.origin_path)),
        );
        out.line("      ", 6, &key.key);
    }
}

fn leaf_text(leaf: &LeafInfo) -> String {
    let keys: Vec<String> = leaf.keys.iter().map(|k| format!("#{k}")).collect();
    let keys = keys.join(", ");
    match leaf.threshold {
        Some((m, n)) => format!("{m} of {n} keys: {keys}"),
        None => format!("miniscript (not a plain multisig) with keys {keys}"),
    }
}

/// `500000 sat (0.00500000 BTC)`: limits are written in sat.
fn sat(amount: Amount) -> String {
    format!("{} sat ({} BTC)", amount.to_sat(), btc_string(amount))
}

fn render_limits(out: &mut Out, policy: &Policy) {
    let l = policy.limits();
    out.line("limits", 0, "");
    let mut limit = |name: &str, value: String| {
        out.line(&format!("  {name:<LIMIT$}"), LIMIT + 2, &value);
    };
    let default = |is_default: bool| if is_default { " (default)" } else { "" };
    limit("max_fee_sat", sat(l.max_fee));
    limit(
        "max_fee_rate_sat_vb",
        match l.max_fee_rate_sat_vb {
            Some(rate) => format!("{rate} sat/vB"),
            None => "not set: no cap on the fee rate".to_owned(),
        },
    );
    limit(
        "max_change_outputs",
        format!(
            "{}{}",
            l.max_change_outputs,
            default(l.max_change_outputs == DEFAULT_MAX_CHANGE_OUTPUTS)
        ),
    );
    limit(
        "max_change_index",
        format!(
            "{}{}",
            l.max_change_index,
            default(l.max_change_index == DEFAULT_MAX_CHANGE_INDEX)
        ),
    );
    limit("require_prev_tx", format!("{}{}", l.require_prev_tx, default(l.require_prev_tx)));
    limit(
        "max_intent_lifetime_s",
        format!(
            "{} s ({}){}",
            l.max_intent_lifetime_s,
            span(l.max_intent_lifetime_s),
            default(l.max_intent_lifetime_s == DEFAULT_MAX_INTENT_LIFETIME_S)
        ),
    );
    limit(
        "max_total_sat",
        match l.max_total {
            Some(total) => sat(total),
            None => "not set: no cap on an intent's total".to_owned(),
        },
    );
    limit(
        "max_tx_weight",
        format!("{} WU{}", l.max_tx_weight, default(l.max_tx_weight == DEFAULT_MAX_TX_WEIGHT)),
    );
    match &l.allowed_destinations {
        None => limit("allowed_destinations", "not set: any address".to_owned()),
        Some(list) => {
            limit("allowed_destinations", count(list.len(), "address"));
            for destination in list {
                out.line("    ", 4, &display_safe(destination.address()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use intentguard::describe::{addresses, describe_wallet};

    use super::*;

    fn rendered(toml: &str, n: u32) -> String {
        let policy = Policy::from_toml(toml).unwrap();
        let summary = describe_wallet(policy.wallet());
        let receive = addresses(&policy, 0, n).unwrap();
        let change = addresses(&policy, 1, n).unwrap();
        render_policy(&policy, &summary, &receive, &change)
    }

    #[test]
    fn treasury_in_full() {
        let text = rendered(include_str!("../../../../policies/treasury.toml"), 2);
        let expected = "\
policy      treasury: valid
network     bitcoin
descriptor  wsh(sortedmulti), checksum tc8r3knc
digest      26cfe7b58efacab3f8fb6e3e5951200dd82a86d129b13cd4e9b624b624863dc9
threshold   2 of 3 keys

keys (3)
  #0  a612bb6a  m/48'/0'/0'/2'/<0;1>/*  xpub6F2hX9ei…1uSoPY9o
  #1  43744e0d  m/48'/0'/0'/2'/<0;1>/*  xpub6EfMLKT9…oCcmrdVa
  #2  c16ae21c  m/48'/0'/0'/2'/<0;1>/*  xpub6DqJ4YqW…n3ya2cho

approvers: any 2 of 3 must sign an intent
  alice         76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70
  bob           d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8
  carol         c3ab6a42fc1c0b3ed449761e23da244727f0b48ed9966cbf6fe2d118a77bc762

limits
  max_fee_sat            500000 sat (0.00500000 BTC)
  max_fee_rate_sat_vb    300 sat/vB
  max_change_outputs     1 (default)
  max_change_index       100000 (default)
  require_prev_tx        true (default)
  max_intent_lifetime_s  604800 s (7 d) (default)
  max_total_sat          not set: no cap on an intent's total
  max_tx_weight          400000 WU (default)
  allowed_destinations   not set: any address
";
        assert!(text.starts_with(expected), "\n{text}");
        assert_eq!(
            &text[expected.len()..],
            "
receive addresses (branch 0, from index 0)
  0    bc1qj3ll9tfe7rclckx2w6yu9mfnpsp47a7f7ntne6exnj44wt2ej5xs9twjv4
  1    bc1qavuyqta30sxtx2dzwekh05f2x2e53kc6928pmxl6d65fz43cgkeswf9usg

change addresses (branch 1, from index 0)
  0    bc1q0v4efhel8zmz35hnmh5wjzngd5c96wlh9g7uwpp0c36pfxlm5qpskhf2py
  1    bc1qmstupzwsl0dt409sx8e9g3lyakncxza6x5fr4jat0ua2mkgtg7tq947xma
"
        );
    }

    #[test]
    fn vault_lists_its_allowlist_and_set_limits() {
        let text = rendered(include_str!("../../../../policies/vault-testnet.toml"), 0);
        assert!(text.contains("descriptor  sh(wsh(multi)), checksum 2aqtv57g\n"), "{text}");
        assert!(text.contains("  max_change_outputs     2\n"), "{text}");
        assert!(text.contains("  max_intent_lifetime_s  86400 s (1 d)\n"), "{text}");
        assert!(text.contains(
            "  allowed_destinations   1 address\n    tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx\n"
        ));
        assert!(!text.contains("addresses (branch"), "{text}");
    }

    #[test]
    fn taproot_shows_the_key_path_and_leaves() {
        let nums =
            rendered(include_str!("../../../../vectors/601-tr-nums-sortedmulti-a/policy.toml"), 1);
        assert!(nums.contains(
            "key path    none: the internal key is BIP-341's NUMS point, which nobody can\n            sign for\n"
        ), "{nums}");
        assert!(nums.contains("threshold   2 of 3 keys (the one leaf of the script tree)\n"));
        assert!(nums.contains("script tree (1 leaf)\n  leaf 0, depth 0: 2 of 3 keys: #0, #1, #2\n"));
        let key_path = rendered(
            include_str!("../../../../vectors/602-tr-key-multi-a-script-path/policy.toml"),
            1,
        );
        assert!(key_path.contains("key path    key #0 can spend alone, without the script tree\n"));
        assert!(
            key_path.contains("threshold   none: key #0 alone, or any leaf of the script tree\n")
        );
        let tree =
            rendered(include_str!("../../../../vectors/604-tr-tree-three-leaves/policy.toml"), 1);
        assert!(tree.contains(
            "script tree (3 leaves)\n  leaf 0, depth 1: 2 of 2 keys: #0, #1\n  leaf 1, depth 2: 2 of 2 keys: #0, #2\n  leaf 2, depth 2: 2 of 2 keys: #1, #2\n"
        ), "{tree}");
        for text in [nums, key_path, tree] {
            assert!(text.contains("addresses (branch 1, from index 0)\n  0    bc1p"), "{text}");
            for line in text.lines() {
                assert!(visible_width(line) <= WIDTH, "{line:?}");
            }
        }
    }

    #[test]
    fn long_and_hostile_approver_names_are_escaped_and_wrapped() {
        let toml = include_str!("../../../../policies/treasury.toml")
            .replacen("name = \"bob\"", "name = \"bob\u{202e}evil\"", 1)
            .replacen("name = \"carol\"", &format!("name = \"{}\"", "c".repeat(40)), 1);
        let text = rendered(&toml, 0);
        assert!(text.contains("  bob\\u{202e}evil\n                d76dfbbb"), "{text}");
        assert!(
            text.contains(&format!("  {}\n                c3ab6a42", "c".repeat(40))),
            "{text}"
        );
        assert!(!text.chars().filter(|&c| c != '\n').any(intentguard::text::needs_escape));
    }
}
