//! The text view of a report, for a person at a signing ceremony (SPEC 3).
//!
//! A pure function of the report: no terminal, no environment. Lines fit 80 columns; every
//! string that came from an input file is passed through
//! [`display_safe`](intentguard::text::display_safe) first, so nothing in a file can move
//! the cursor, paint colours or reorder text.

use intentguard::text::display_safe;
use intentguard::{Finding, Place, Report, Role, Severity, Verdict};
use intentguard::{InputSummary, OutputSummary};

pub mod inspect;
pub mod intent;
pub mod policy;

/// The widest line, in terminal columns.
const WIDTH: usize = 80;
/// Width of the label column of the header lines.
const LABEL: usize = 12;
/// Indent of the detail lines under an input or output.
const DETAIL: usize = 6;

const SAT_PER_BTC: u64 = 100_000_000;

/// An ANSI style.
#[derive(Debug, Clone, Copy)]
enum Style {
    Good,
    Bad,
    Warn,
    Bold,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Good => "\x1b[1;32m",
            Style::Bad => "\x1b[1;31m",
            Style::Warn => "\x1b[33m",
            Style::Bold => "\x1b[1m",
        }
    }
}

const RESET: &str = "\x1b[0m";

/// Accumulates wrapped lines.
struct Out {
    text: String,
    colour: bool,
}

impl Out {
    fn paint(&self, style: Style, s: &str) -> String {
        if self.colour {
            format!("{}{s}{RESET}", style.code())
        } else {
            s.to_owned()
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// Writes `prefix` then `text`, wrapped at [`WIDTH`] with continuation lines indented by
    /// `indent` columns.
    fn line(&mut self, prefix: &str, indent: usize, text: &str) {
        for line in wrap(prefix, indent, text) {
            self.text.push_str(&line);
            self.text.push('\n');
        }
    }

    /// A header line: a label in its column, then the value.
    fn field(&mut self, label: &str, value: &str) {
        self.line(&format!("{label:<LABEL$}"), LABEL, value);
    }
}

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
    let names: Vec<String> = report.intent.approved_by.iter().map(|n| display_safe(n)).collect();
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
        None => format!("script {} (no address)", output.script_pubkey),
    };
    out.line(&" ".repeat(DETAIL), DETAIL, &destination);
    if let Some(memo) = &output.memo {
        out.line(&format!("{}memo: ", " ".repeat(DETAIL)), DETAIL + 6, &display_safe(memo));
    }
}

fn render_finding(out: &mut Out, finding: &Finding) {
    let tag = match finding.severity() {
        Severity::Error => out.paint(Style::Bad, "[ERROR]"),
        Severity::Warning => out.paint(Style::Warn, "[warning]"),
    };
    let place = match finding.place {
        Place::Request => String::new(),
        Place::Input(i) => format!(" (input {i})"),
        Place::Output(i) => format!(" (output {i})"),
        Place::Payment(i) => format!(" (payment {i})"),
        Place::Approval(i) => format!(" (approval {i})"),
    };
    let code = out.paint(Style::Bold, finding.code.as_str());
    out.line(
        &format!("  {tag} "),
        4,
        &format!("{code}{place}: {}", display_safe(&finding.message)),
    );
}

fn branch_name(branch: u32) -> String {
    match branch {
        0 => "receive branch".to_owned(),
        1 => "change branch".to_owned(),
        other => format!("branch {other}"),
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `45.02900000 BTC (4502900000 sat)`.
fn amount(sat: u64) -> String {
    format!("{} BTC ({sat} sat)", btc(sat))
}

/// Whole bitcoins, a point, and eight decimals.
fn btc(sat: u64) -> String {
    format!("{}.{:08}", sat / SAT_PER_BTC, sat % SAT_PER_BTC)
}

/// Terminal columns a character takes: 2 for the common wide (East Asian, emoji) ranges,
/// 1 otherwise. Our own ANSI sequences are skipped by [`visible_width`].
fn char_width(c: char) -> usize {
    let wide = matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{1F300}'..='\u{1F64F}'
        | '\u{1F900}'..='\u{1F9FF}'
        | '\u{20000}'..='\u{3FFFD}');
    if wide {
        2
    } else {
        1
    }
}

/// Calls `f` with each character and its width, ANSI escape sequences counting as 0.
fn widths(s: &str, mut f: impl FnMut(char, usize)) {
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            f(c, 0);
            in_escape = !c.is_ascii_alphabetic();
        } else if c == '\x1b' {
            f(c, 0);
            in_escape = true;
        } else {
            f(c, char_width(c));
        }
    }
}

fn visible_width(s: &str) -> usize {
    let mut total = 0usize;
    widths(s, |_, w| total = total.saturating_add(w));
    total
}

/// Wraps `text` after `prefix` into lines of at most [`WIDTH`] columns, breaking at spaces;
/// continuation lines start with `indent` spaces, and a word longer than a line is broken
/// where it must be.
fn wrap(prefix: &str, indent: usize, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = prefix.to_owned();
    let mut used = visible_width(prefix);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let width = visible_width(word);
        if !empty && used.saturating_add(1).saturating_add(width) > WIDTH {
            lines.push(line);
            line = " ".repeat(indent);
            used = indent;
            empty = true;
        }
        if !empty {
            line.push(' ');
            used = used.saturating_add(1);
        }
        empty = false;
        if used.saturating_add(width) <= WIDTH {
            line.push_str(word);
            used = used.saturating_add(width);
            continue;
        }
        widths(word, |c, w| {
            if w > 0 && used.saturating_add(w) > WIDTH && used > indent {
                lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
                used = indent;
            }
            line.push(c);
            used = used.saturating_add(w);
        });
    }
    lines.push(line);
    lines.into_iter().map(|l| l.trim_end_matches(' ').to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use intentguard::{Code, Intent, IntentSummary};

    use super::*;

    /// The intent of SPEC 1.2's test vector: one payment with a memo full of quoting.
    const INTENT: &str = r#"{
      "version": 1,
      "id": "ops-2024-05-31-0001",
      "wallet": "treasury",
      "network": "bitcoin",
      "payments": [
        { "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
          "amount_sat": 450290000000,
          "memo": "OTC \"Q2\" Überweisung\t€ 🔒 a\\b \u001b[32mAPPROVED\u202e" }
      ],
      "max_fee_sat": 40000,
      "created_at": "2024-05-31T01:00:00Z",
      "expires_at": "2024-05-31T13:00:00Z",
      "approvals": []
    }"#;

    const TXID: &str = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    const DIGEST: &str = "547963ca69b1c7575f646c6dbb27792036726f75f9b73639f1a5b46d4a15c1e9";

    fn report(verdict: Verdict, findings: Vec<Finding>) -> Report {
        Report {
            verdict,
            txid: TXID.to_owned(),
            wallet: "treasury".to_owned(),
            network: "bitcoin".to_owned(),
            intent: IntentSummary {
                id: "ops-2024-05-31-0001".to_owned(),
                digest: DIGEST.to_owned(),
                approved_by: vec!["alice".to_owned(), "bob\u{1b}[2J".to_owned()],
                quorum: 2,
            },
            inputs: vec![
                InputSummary {
                    index: 0,
                    outpoint: format!("{TXID}:1"),
                    amount_sat: Some(450_300_000_000),
                    branch: Some(0),
                    derivation_index: Some(7),
                },
                InputSummary {
                    index: 1,
                    outpoint: format!("{TXID}:0"),
                    amount_sat: None,
                    branch: None,
                    derivation_index: None,
                },
            ],
            outputs: vec![
                OutputSummary {
                    index: 0,
                    address: Some("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq".to_owned()),
                    amount_sat: 450_290_000_000,
                    role: Role::Payment,
                    payment: Some(0),
                    branch: None,
                    derivation_index: None,
                    script_pubkey: String::new(),
                    memo: Intent::from_json(INTENT).unwrap().payments()[0]
                        .memo()
                        .map(str::to_owned),
                },
                OutputSummary {
                    index: 1,
                    address: Some(
                        "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3".to_owned(),
                    ),
                    amount_sat: 9_990_000,
                    role: Role::Change,
                    payment: None,
                    branch: Some(1),
                    derivation_index: Some(3),
                    script_pubkey: String::new(),
                    memo: None,
                },
                OutputSummary {
                    index: 2,
                    address: None,
                    amount_sat: 0,
                    role: Role::Unapproved,
                    payment: None,
                    branch: None,
                    derivation_index: None,
                    script_pubkey: "6a02beef".to_owned(),
                    memo: None,
                },
            ],
            fee_sat: Some(10_000),
            fee_rate_sat_vb: Some(40.0 / 3.0),
            findings,
        }
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

    #[test]
    fn amounts_have_eight_decimals() {
        assert_eq!(btc(0), "0.00000000");
        assert_eq!(btc(1), "0.00000001");
        assert_eq!(btc(2_100_000_000_000_000), "21000000.00000000");
        assert_eq!(btc(u64::MAX), "184467440737.09551615");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_inside_overlong_words() {
        assert_eq!(wrap("ab ", 2, ""), ["ab"]);
        let words = "word ".repeat(20);
        let lines = wrap("> ", 4, &words);
        assert_eq!(lines[0], format!("> {}", ["word"; 15].join(" ")));
        assert_eq!(lines[1], format!("    {}", ["word"; 5].join(" ")));
        let lines = wrap("", 2, &"y".repeat(100));
        assert_eq!(lines, ["y".repeat(80), format!("  {}", "y".repeat(20))]);
        // Wide characters count two columns.
        let lines = wrap("", 0, &"日".repeat(41));
        assert_eq!(lines, ["日".repeat(40), "日".to_owned()]);
    }
}
