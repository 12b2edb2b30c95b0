//! The layout toolkit of the text views: the output buffer, styles and colour, wrapping at
//! terminal widths, and the small formatters the views share (counts, amounts, findings).
//!
//! Pure functions: no terminal, no environment. Callers pass every string that came from an
//! input file through [`display_safe`](intentguard::text::display_safe) first.

use intentguard::text::display_safe;
use intentguard::{Finding, Place, Severity};

/// The widest line, in terminal columns.
pub const WIDTH: usize = 80;
/// Width of the label column of the header lines.
const LABEL: usize = 12;
/// Indent of the detail lines under an input or output.
pub const DETAIL: usize = 6;

const SAT_PER_BTC: u64 = 100_000_000;

/// An ANSI style.
#[derive(Debug, Clone, Copy)]
pub enum Style {
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
pub struct Out {
    /// The text written so far.
    pub text: String,
    /// Whether [`Out::paint`] adds ANSI colours.
    pub colour: bool,
}

impl Out {
    /// Returns `s` in `style` when colour is on, else `s` as it is.
    pub fn paint(&self, style: Style, s: &str) -> String {
        if self.colour {
            format!("{}{s}{RESET}", style.code())
        } else {
            s.to_owned()
        }
    }

    /// Writes an empty line.
    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// Writes `prefix` then `text`, wrapped at [`WIDTH`] with continuation lines indented by
    /// `indent` columns.
    pub fn line(&mut self, prefix: &str, indent: usize, text: &str) {
        for line in wrap(prefix, indent, text) {
            self.text.push_str(&line);
            self.text.push('\n');
        }
    }

    /// A header line: a label in its column, then the value.
    pub fn field(&mut self, label: &str, value: &str) {
        self.line(&format!("{label:<LABEL$}"), LABEL, value);
    }
}

/// Writes one finding: its severity tag, code, place and message, wrapped.
pub fn render_finding(out: &mut Out, finding: &Finding) {
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

/// `1 noun`, `2 nouns`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `45.02900000 BTC (4502900000 sat)`.
pub fn amount(sat: u64) -> String {
    format!("{} BTC ({sat} sat)", btc(sat))
}

/// Whole bitcoins, a point, and eight decimals.
pub fn btc(sat: u64) -> String {
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

/// Terminal columns `s` takes, ANSI escape sequences counting as 0.
pub fn visible_width(s: &str) -> usize {
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
    use super::*;

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
