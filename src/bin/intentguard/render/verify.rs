//! The text view of a report, for a person at a signing ceremony (SPEC 3).
//!
//! A pure function of the report: no terminal, no environment. Lines fit 80 columns; every
//! string that came from an input file is passed through
//! [`display_safe`](intentguard::text::display_safe) first, so nothing in a file can move
//! the cursor, paint colours or reorder text.

use intentguard::text::display_safe;
use intentguard::{InputSummary, OutputSummary, Report, Role, Severity, Verdict};

use super::layout::{amount, btc, count, render_finding, Out, Style, DETAIL};

/// Renders `report` as text: everything shown comes from the report.
pub fn render(report: &Report, colour: bool) -> String {
    let mut out = Out { text: String::new(), colour };
    let banner = banner(&out, report.verdict);

    out.line(&banner, 0, "");
    let errors = report.findings.iter().filter(|f| f.severity() == Severity::Error).count();
    let warnings = report.findings.len().saturating_sub(errors);
    if warnings > 0 && report.verdict == Verdict::Approved {
        out.line("", 0, &format!("{}: read them before signing", count(warnings, "warning")));
    }
    out.blank();

    out.field("wallet", &display_safe(&report.wallet));
    out.field("network", &display_safe(&report.network));
    out.field("txid", &report.txid);
    out.field("intent", &display_safe(&report.intent.id));
    out.field("digest", &display_safe(&report.intent.digest));
    // An SSH approval says how it was made (a security key: touched, PIN); a hex one does not.
    let how = |i: usize| report.intent.signed_with.get(i).and_then(|with| with.describe());
    let names: Vec<String> = (report.intent.approved_by.iter().enumerate())
        .map(|(i, n)| match how(i) {
            Some(how) => format!("{} ({how})", display_safe(n)),
            None => display_safe(n),
        })
        .collect();
    let names = if names.is_empty() { "nobody".to_owned() } else { names.join(", ") };
    out.field(
        "approved by",
        &format!("{} of {} needed: {names}", report.intent.approved_by.len(), report.intent.quorum),
    );
    out.blank();

    out.line(&format!("inputs ({})", report.inputs.len()), 0, "");
    for input in &report.inputs {
        render_input(&mut out, input);
    }
    out.blank();

    out.line(&format!("outputs ({})", report.outputs.len()), 0, "");
    for output in &report.outputs {
        render_output(&mut out, output);
    }
    out.blank();

    let fee = match report.fee_sat {
        Some(sat) if sat >= 0 => format!("{sat} sat ({} BTC)", btc(sat.unsigned_abs())),
        Some(sat) => format!("{sat} sat: the outputs spend more than the inputs"),
        None => "unknown: an input's amount is unknown".to_owned(),
    };
    out.field("fee", &fee);
    let rate = match report.fee_rate_sat_vb {
        Some(rate) => format!("{rate:.2} sat/vB (estimated for the signed transaction)"),
        None => "unknown".to_owned(),
    };
    out.field("fee rate", &rate);
    out.blank();

    if report.findings.is_empty() {
        out.line("findings: none", 0, "");
    } else {
        out.line(
            &format!(
                "findings ({}): {}, {}",
                report.findings.len(),
                count(errors, "error"),
                count(warnings, "warning")
            ),
            0,
            "",
        );
        for finding in &report.findings {
            render_finding(&mut out, finding);
        }
    }
    out.blank();
    out.line(&banner, 0, "");
    out.text
}

fn banner(out: &Out, verdict: Verdict) -> String {
    match verdict {
        Verdict::Approved => {
            out.paint(Style::Good, "APPROVED — the request does exactly what the intent says")
        }
        Verdict::Rejected => out.paint(Style::Bad, "REJECTED — do not sign"),
    }
}

fn render_input(out: &mut Out, input: &InputSummary) {
    out.line(&format!("  #{:<2} ", input.index), DETAIL, &input.outpoint);
    let amount = match input.amount_sat {
        Some(sat) => amount(sat),
        None => "amount unknown".to_owned(),
    };
    let owner = match (input.branch, input.derivation_index) {
        (Some(branch), Some(index)) => format!("wallet {}, index {index}", branch_name(branch)),
        _ => "not the wallet's".to_owned(),
    };
    out.line(&" ".repeat(DETAIL), DETAIL, &format!("{amount}, {owner}"));
}

fn render_output(out: &mut Out, output: &OutputSummary) {
    let role = match output.role {
        Role::Payment => match output.payment {
            Some(n) => format!("payment {n}"),
            None => "payment".to_owned(),
        },
        Role::Change => {
            let mut role = match output.derivation_index {
                Some(index) => format!("change at index {index}"),
                None => "change".to_owned(),
            };
            if let Some(branch) = output.branch.filter(|b| *b != 1) {
                role.push_str(&format!(" ({})", branch_name(branch)));
            }
            role
        }
        Role::Unapproved => out.paint(Style::Bad, "UNAPPROVED"),
    };
    out.line(
        &format!("  #{:<2} ", output.index),
        DETAIL,
        &format!("{role}: {}", amount(output.amount_sat)),
    );
    let destination = match &output.address {
        Some(address) => display_safe(address),
        None => format!("script {} (no address)", output.script_pubkey.to_hex_string()),
    };
    out.line(&" ".repeat(DETAIL), DETAIL, &destination);
    if let Some(memo) = &output.memo {
        out.line(&format!("{}memo: ", " ".repeat(DETAIL)), DETAIL + 6, &display_safe(memo));
    }
}

fn branch_name(branch: u32) -> String {
    match branch {
        0 => "receive branch".to_owned(),
        1 => "change branch".to_owned(),
        other => format!("branch {other}"),
    }
}

#[cfg(test)]
mod tests {
    use intentguard::bitcoin::ScriptBuf;
    use intentguard::{Code, Finding, Intent, Place, Policy, Request, Timestamp};

    use super::*;
    use crate::render::layout::{visible_width, WIDTH};

    /// The memo of SPEC 1.2's test vector, full of quoting and escapes.
    const MEMO: &str = "OTC \"Q2\" Überweisung\t€ 🔒 a\\b \u{1b}[32mAPPROVED\u{202e}";

    const TXID: &str = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    const DIGEST: &str = "547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9";

    /// The report the library makes of the shipped vector `vectors/dmm/honest/`: an approved
    /// request with two inputs and two outputs.
    fn honest() -> Report {
        let policy =
            Policy::from_toml(include_str!("../../../../vectors/dmm/honest/policy.toml")).unwrap();
        let intent =
            Intent::from_json(include_str!("../../../../vectors/dmm/honest/intent.json")).unwrap();
        let request =
            Request::from_bytes(include_bytes!("../../../../vectors/dmm/honest/request.psbt"))
                .unwrap();
        let now: Timestamp = "2024-05-31T02:00:00Z".parse().unwrap();
        intentguard::verify(&policy, &intent, &request, now, None).unwrap()
    }

    /// The honest vector's report, set to what these tests show: two inputs (one not the
    /// wallet's, its amount unknown), a payment with SPEC 1.2's memo, change, and an
    /// unapproved output without an address.
    fn report(verdict: Verdict, findings: Vec<Finding>) -> Report {
        let mut report = honest();
        report.verdict = verdict;
        report.txid = TXID.to_owned();
        report.wallet = "treasury".to_owned();
        report.network = "bitcoin".to_owned();

        report.intent.id = "ops-2024-05-31-0001".to_owned();
        report.intent.digest = DIGEST.to_owned();
        report.intent.approved_by = vec!["alice".to_owned(), "bob\u{1b}[2J".to_owned()];
        report.intent.quorum = 2;

        let mut inputs = vec![report.inputs[0].clone(); 2];
        inputs[0].index = 0;
        inputs[0].outpoint = format!("{TXID}:1");
        inputs[0].amount_sat = Some(450_300_000_000);
        inputs[0].branch = Some(0);
        inputs[0].derivation_index = Some(7);
        inputs[1].index = 1;
        inputs[1].outpoint = format!("{TXID}:0");
        inputs[1].amount_sat = None;
        inputs[1].branch = None;
        inputs[1].derivation_index = None;
        report.inputs = inputs;

        let mut outputs = vec![report.outputs[0].clone(); 3];
        outputs[0].index = 0;
        outputs[0].address = Some("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".to_owned());
        outputs[0].amount_sat = 450_290_000_000;
        outputs[0].role = Role::Payment;
        outputs[0].payment = Some(0);
        outputs[0].branch = None;
        outputs[0].derivation_index = None;
        outputs[0].script_pubkey = ScriptBuf::new();
        outputs[0].memo = Some(MEMO.to_owned());
        outputs[1].index = 1;
        outputs[1].address =
            Some("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3".to_owned());
        outputs[1].amount_sat = 9_990_000;
        outputs[1].role = Role::Change;
        outputs[1].payment = None;
        outputs[1].branch = Some(1);
        outputs[1].derivation_index = Some(3);
        outputs[1].script_pubkey = ScriptBuf::new();
        outputs[1].memo = None;
        outputs[2].index = 2;
        outputs[2].address = None;
        outputs[2].amount_sat = 0;
        outputs[2].role = Role::Unapproved;
        outputs[2].payment = None;
        outputs[2].branch = None;
        outputs[2].derivation_index = None;
        outputs[2].script_pubkey = ScriptBuf::from_bytes(vec![0x6a, 0x02, 0xbe, 0xef]);
        outputs[2].memo = None;
        report.outputs = outputs;

        report.fee_sat = Some(10_000);
        report.fee_rate_sat_vb = Some(40.0 / 3.0);
        report.findings = findings;
        report
    }

    fn rendered(report: &Report, colour: bool) -> String {
        render(report, colour)
    }

    #[test]
    fn an_approved_report_reads_in_full() {
        let text = rendered(&report(Verdict::Approved, vec![]), false);
        let expected = format!(
            "\
APPROVED — the request does exactly what the intent says

wallet      treasury
network     bitcoin
txid        {TXID}
intent      ops-2024-05-31-0001
digest      {DIGEST}
approved by 2 of 2 needed: alice, bob\\u{{1b}}[2J

inputs (2)
  #0  {TXID}:1
      4503.00000000 BTC (450300000000 sat), wallet receive branch, index 7
  #1  {TXID}:0
      amount unknown, not the wallet's

outputs (3)
  #0  payment 0: 4502.90000000 BTC (450290000000 sat)
      bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
      memo: OTC \"Q2\" Überweisung\\u{{9}}€ 🔒 a\\b \\u{{1b}}[32mAPPROVED\\u{{202e}}
  #1  change at index 3: 0.09990000 BTC (9990000 sat)
      bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3
  #2  UNAPPROVED: 0.00000000 BTC (0 sat)
      script 6a02beef (no address)

fee         10000 sat (0.00010000 BTC)
fee rate    13.33 sat/vB (estimated for the signed transaction)

findings: none

APPROVED — the request does exactly what the intent says
"
        );
        assert_eq!(text, expected, "\n{text}");
    }

    #[test]
    fn findings_are_listed_with_code_place_and_wrapped_message() {
        let findings = vec![
            Finding::new(
                Code::OutputNotInIntent,
                Place::Output(2),
                "output 2 pays 0 sat to a script that is neither an intent payment nor the wallet's change; the approvers never agreed to it",
            ),
            Finding::new(Code::PaymentMissing, Place::Payment(0), "no output pays payment 0"),
            Finding::new(Code::PsbtUnknownField, Place::Request, "unknown \u{1b}[0m field"),
        ];
        let text = rendered(&report(Verdict::Rejected, findings), false);
        assert!(text.starts_with("REJECTED — do not sign\n\n"), "{text}");
        assert!(text.ends_with("\nREJECTED — do not sign\n"), "{text}");
        let tail = text.split("findings (3)").nth(1).unwrap();
        assert_eq!(
            tail,
            ": 2 errors, 1 warning
  [ERROR] OUTPUT_NOT_IN_INTENT (output 2): output 2 pays 0 sat to a script that
    is neither an intent payment nor the wallet's change; the approvers never
    agreed to it
  [ERROR] PAYMENT_MISSING (payment 0): no output pays payment 0
  [warning] PSBT_UNKNOWN_FIELD: unknown \\u{1b}[0m field

REJECTED — do not sign
"
        );
    }

    #[test]
    fn every_line_fits_80_columns_with_or_without_colour() {
        let long = "x".repeat(300);
        let findings = vec![Finding::new(Code::InputNotOwned, Place::Input(1), long.as_str())];
        let mut r = report(Verdict::Rejected, findings);
        r.intent.id = "i".repeat(128);
        r.intent.approved_by = (0..20).map(|i| format!("approver-{i}")).collect();
        r.inputs[1].outpoint = format!("{TXID}:4294967295");
        for colour in [false, true] {
            let text = rendered(&r, colour);
            for line in text.lines() {
                assert!(visible_width(line) <= WIDTH, "{line:?}");
            }
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let findings = vec![Finding::new(Code::FeeOverLimit, Place::Request, "too much")];
        let plain = rendered(&report(Verdict::Rejected, findings.clone()), false);
        assert!(!plain.contains('\x1b'));
        let coloured = rendered(&report(Verdict::Rejected, findings), true);
        assert!(coloured.starts_with("\x1b[1;31mREJECTED — do not sign\x1b[0m\n"));
        assert!(
            coloured.contains("\x1b[1;31m[ERROR]\x1b[0m \x1b[1mFEE_OVER_LIMIT\x1b[0m: too much")
        );
    }

    #[test]
    fn warnings_on_an_approval_are_announced() {
        let findings = vec![Finding::new(Code::ChangeOnReceiveBranch, Place::Output(1), "m")];
        let text = rendered(&report(Verdict::Approved, findings), false);
        assert!(text.contains("says\n1 warning: read them before signing\n"), "{text}");
    }
}
