//! The text of `intent show`: what an approver reads before signing and what a signer
//! compares across channels. A pure function; every string from the intent or the policy
//! goes through [`display_safe`].

use intentguard::amount::btc_string;
use intentguard::bitcoin::Amount;
use intentguard::ceremony::IntentStatus;
use intentguard::network_name;
use intentguard::text::display_safe;
use intentguard::{ApprovalStatus, Code, Intent, Policy, Timestamp};

use super::layout::{amount, count, render_finding, Out, DETAIL};

/// Hex characters per group of the digest read aloud.
const GROUP: usize = 4;
/// Groups per line.
const GROUPS_PER_LINE: usize = 8;

/// Splits a digest into groups of four characters, easy to read aloud and compare.
pub fn digest_groups(hex: &str) -> Vec<String> {
    hex.as_bytes().chunks(GROUP).map(|c| String::from_utf8_lossy(c).into_owned()).collect()
}

/// Says how far `t` is from `now`, in the two largest units: `in 11 h 59 min`,
/// `2 d 3 h ago`, `now`.
pub fn relative(t: Timestamp, now: Timestamp) -> String {
    let delta = t.seconds_since(now);
    let text = span(delta.unsigned_abs());
    match delta {
        0 => text,
        d if d > 0 => format!("in {text}"),
        _ => format!("{text} ago"),
    }
}

/// Writes a number of seconds in its two largest units: `7 d`, `11 h 59 min`, `5 s`; zero
/// is `now`.
pub fn span(seconds: u64) -> String {
    let units: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
    let Some(largest) = units.iter().position(|(size, _)| seconds >= *size) else {
        return "now".to_owned();
    };
    let mut parts = Vec::new();
    if let Some((size, name)) = units.get(largest) {
        parts.push(format!("{} {name}", seconds / size));
        if let Some((next, next_name)) = units.get(largest + 1) {
            let minor = seconds % size / next;
            if minor > 0 {
                parts.push(format!("{minor} {next_name}"));
            }
        }
    }
    parts.join(" ")
}

/// Renders `intent show`. With a policy, `status` is the intent's status under it at `now`.
pub fn render_show(
    intent: &Intent,
    policy: Option<&Policy>,
    status: Option<&IntentStatus>,
    now: Timestamp,
) -> String {
    let mut out = Out { text: String::new(), colour: false };
    out.field("intent", &display_safe(intent.id()));
    out.field(
        "wallet",
        &format!("{} on {}", display_safe(intent.wallet()), network_name(intent.network())),
    );
    let digest = intent.digest_hex();
    out.field("digest", &digest);
    for (n, line) in digest_groups(&digest).chunks(GROUPS_PER_LINE).enumerate() {
        out.field(if n == 0 { "read aloud" } else { "" }, &line.join(" "));
    }
    let expired = now >= intent.expires_at();
    out.field(
        "valid from",
        &format!("{} (UTC), {}", intent.created_at(), relative(intent.created_at(), now)),
    );
    out.field(
        "valid until",
        &format!(
            "{} (UTC), {}{}",
            intent.expires_at(),
            if expired { "EXPIRED " } else { "" },
            relative(intent.expires_at(), now)
        ),
    );
    out.field("fee cap", &fee_cap(intent.max_fee(), policy.map(|p| p.limits().max_fee)));
    out.blank();

    let total = intent.payments().iter().try_fold(Amount::ZERO, |t, p| t.checked_add(p.amount()));
    let total = match total {
        Some(t) => format!("total {}", amount(t.to_sat())),
        None => "total more than 21,000,000 BTC".to_owned(),
    };
    out.line(&format!("payments ({}), {total}", intent.payments().len()), 0, "");
    for (i, payment) in intent.payments().iter().enumerate() {
        out.line(&format!("  #{i:<2} "), DETAIL, &amount(payment.amount().to_sat()));
        out.line(&" ".repeat(DETAIL), DETAIL, &payment.address().to_string());
        if let Some(memo) = payment.memo() {
            out.line(&format!("{}memo: ", " ".repeat(DETAIL)), DETAIL + 6, &display_safe(memo));
        }
    }
    out.blank();

    out.line(&format!("approvals ({})", intent.approvals().len()), 0, "");
    for (i, approval) in intent.approvals().iter().enumerate() {
        let with = status.and_then(|s| s.signed_with.get(i).copied().flatten());
        let problem = status.and_then(|s| s.problems.get(i).cloned().flatten());
        // An SSH approval, or any approval by an ssh approver, says which condition failed.
        let ssh = approval.sshsig().is_some()
            || policy.and_then(|p| p.approver(approval.approver())).and_then(|a| a.ssh()).is_some();
        let state = match status.and_then(|s| s.approvals.get(i)) {
            None => "not checked (pass --policy to verify it)".to_owned(),
            Some(ApprovalStatus::Valid) => match with.and_then(|w| w.describe()) {
                Some(how) => format!("valid ({how})"),
                None => "valid".to_owned(),
            },
            Some(ApprovalStatus::BadSignature) => match problem.filter(|_| ssh) {
                Some(why) => format!("BAD SIGNATURE: {why}"),
                None => "BAD SIGNATURE: the intent changed after it was signed, or the signature is not theirs".to_owned(),
            },
            Some(_) => "unknown: not an approver of the policy; it does not count".to_owned(),
        };
        out.line(
            &format!("  #{i:<2} "),
            DETAIL,
            &format!("{}: {state}", display_safe(approval.approver())),
        );
    }
    out.blank();

    match status {
        None => out.field("quorum", "not checked: pass --policy FILE to verify the approvals"),
        Some(status) => {
            let names: Vec<String> = status.approved_by.iter().map(|n| display_safe(n)).collect();
            let names = if names.is_empty() { "nobody".to_owned() } else { names.join(", ") };
            let met = if status.quorum_met() { "met" } else { "NOT MET" };
            let mut text = format!(
                "{met}: {} of {} needed ({names})",
                status.approved_by.len(),
                status.quorum
            );
            let bad = status.bad_signatures();
            if bad > 0 {
                text.push_str(&format!(
                    "; {} does not verify",
                    count(bad, "signature").replace("signatures does", "signatures do")
                ));
            }
            out.field("quorum", &text);
            let others: Vec<_> = status
                .findings
                .iter()
                .filter(|f| {
                    !matches!(
                        f.code,
                        Code::IntentBadSignature
                            | Code::IntentUnknownApprover
                            | Code::IntentQuorumNotMet
                    )
                })
                .collect();
            if !others.is_empty() {
                out.blank();
                out.line(&format!("checks of the intent at {now}"), 0, "");
                for finding in others {
                    render_finding(&mut out, finding);
                }
            }
        }
    }
    out.text
}

fn fee_cap(intent: Option<Amount>, policy: Option<Amount>) -> String {
    let sat = |a: Amount| format!("{} sat ({} BTC)", a.to_sat(), btc_string(a));
    match (intent, policy) {
        (Some(i), None) => sat(i),
        (None, None) => "none in the intent: the policy's cap applies".to_owned(),
        (None, Some(p)) => format!("{}, the policy's (the intent sets none)", sat(p)),
        (Some(i), Some(p)) if i <= p => {
            format!("{}, the intent's (policy: {} sat)", sat(i), p.to_sat())
        }
        (Some(i), Some(p)) => format!("{}, the policy's (intent: {} sat)", sat(p), i.to_sat()),
    }
}

#[cfg(test)]
mod tests {
    use intentguard::ceremony::intent_status;

    use super::*;

    const POLICY: &str = include_str!("../../../../policies/treasury.toml");

    /// SPEC 1.2's test vector.
    const INTENT: &str = r#"{
      "version": 1,
      "id": "ops-2024-05-31-0001",
      "wallet": "treasury",
      "network": "bitcoin",
      "payments": [
        { "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
          "amount_sat": 450290000000,
          "memo": "OTC \"Q2\" Überweisung\t€ 🔒 a\\b" }
      ],
      "max_fee_sat": 40000,
      "created_at": "2024-05-31T01:00:00Z",
      "expires_at": "2024-05-31T13:00:00Z",
      "approvals": [
        { "approver": "alice",
          "signature": "c9a3ef5053d2bd53ecc484ec1313d9bf086d1c8e4f7b66de7916ddc4ceeadfa27ea60e689a8f558474b522cc31724dbe08854e314e998ea80c57d9c2dfadf70b" },
        { "approver": "bob", "signature": "00" },
        { "approver": "mallory\u001b[2J\u202e", "signature": "00" }
      ]
    }"#;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn relative_times_use_two_units() {
        let now = t("2024-05-31T01:00:00Z");
        let at = |s: i64| relative(Timestamp::from_unix(now.unix() + s), now);
        assert_eq!(at(0), "now");
        assert_eq!(at(5), "in 5 s");
        assert_eq!(at(-65), "1 min 5 s ago");
        assert_eq!(at(12 * 3600), "in 12 h");
        assert_eq!(at(12 * 3600 - 1), "in 11 h 59 min");
        assert_eq!(at(-(2 * 86_400 + 3 * 3600 + 59)), "2 d 3 h ago");
        assert_eq!(at(86_400 + 59), "in 1 d");
        assert_eq!(at(3600 + 5), "in 1 h");
    }

    #[test]
    fn digest_is_read_aloud_in_groups_of_four() {
        let groups =
            digest_groups("547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9");
        assert_eq!(groups.len(), 16);
        assert_eq!(groups[..3], ["5479", "63ca", "69b1"]);
    }

    #[test]
    fn with_a_policy_every_approval_has_its_status() {
        let intent = Intent::from_json(INTENT).unwrap();
        let policy = Policy::from_toml(POLICY).unwrap();
        let now = t("2024-05-31T02:00:00Z");
        let status = intent_status(&policy, &intent, now);
        let text = render_show(&intent, Some(&policy), Some(&status), now);
        let expected = "\
intent      ops-2024-05-31-0001
wallet      treasury on bitcoin
digest      547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9
read aloud  5479 63ca 69b1 c757 5f64 6c6d bb27 7920
            3672 6f75 f9b7 3639 f1a5 b46d 4a15 c1e9
valid from  2024-05-31T01:00:00Z (UTC), 1 h ago
valid until 2024-05-31T13:00:00Z (UTC), in 11 h
fee cap     40000 sat (0.00040000 BTC), the intent's (policy: 500000 sat)

payments (1), total 4502.90000000 BTC (450290000000 sat)
  #0  4502.90000000 BTC (450290000000 sat)
      bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
      memo: OTC \"Q2\" Überweisung\\u{9}€ 🔒 a\\b

approvals (3)
  #0  alice: valid
  #1  bob: BAD SIGNATURE: the intent changed after it was signed, or the
      signature is not theirs
  #2  mallory\\u{1b}[2J\\u{202e}: unknown: not an approver of the policy; it does
      not count

quorum      NOT MET: 1 of 2 needed (alice); 1 signature does not verify
";
        assert_eq!(text, expected, "\n{text}");
    }

    #[test]
    fn without_a_policy_nothing_is_checked_and_expiry_shows() {
        let intent = Intent::from_json(INTENT).unwrap();
        let now = t("2024-06-02T14:00:00Z");
        let text = render_show(&intent, None, None, now);
        assert!(text.contains("valid until 2024-05-31T13:00:00Z (UTC), EXPIRED 2 d 1 h ago\n"));
        assert!(text.contains("fee cap     40000 sat (0.00040000 BTC)\n"), "{text}");
        assert!(text.contains("  #0  alice: not checked (pass --policy to verify it)\n"));
        assert!(
            text.ends_with("quorum      not checked: pass --policy FILE to verify the approvals\n")
        );
        assert!(!text.chars().filter(|&c| c != '\n').any(intentguard::text::needs_escape));
    }

    #[test]
    fn other_intent_findings_are_listed() {
        let intent = Intent::from_json(INTENT).unwrap();
        let policy = Policy::from_toml(&POLICY.replacen("\"treasury\"", "\"other\"", 1)).unwrap();
        let now = t("2024-05-31T13:00:00Z");
        let status = intent_status(&policy, &intent, now);
        let text = render_show(&intent, Some(&policy), Some(&status), now);
        let tail = text.split("checks of the intent at 2024-05-31T13:00:00Z\n").nth(1).unwrap();
        assert_eq!(
            tail,
            "  [ERROR] INTENT_WRONG_WALLET: the intent is for wallet \"treasury\" but the
    policy is for \"other\"
  [ERROR] INTENT_EXPIRED: the intent expired at 2024-05-31T13:00:00Z; it is now
    2024-05-31T13:00:00Z
"
        );
    }

    #[test]
    fn fee_caps() {
        let a = |s| Some(Amount::from_sat(s));
        assert_eq!(fee_cap(None, None), "none in the intent: the policy's cap applies");
        assert_eq!(
            fee_cap(a(600_000), a(500_000)),
            "500000 sat (0.00500000 BTC), the policy's (intent: 600000 sat)"
        );
        assert_eq!(
            fee_cap(None, a(1)),
            "1 sat (0.00000001 BTC), the policy's (the intent sets none)"
        );
    }
}
