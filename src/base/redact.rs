//! Parser messages that never show the file they are about (SPEC 2.8).
//!
//! A policy or intent given by mistake may be a secret: a key file, a WIF private key, a
//! mnemonic, a seed in hex. The `toml` crate's `Display` prints the offending source line, and
//! serde's messages quote values (`invalid type: string "…"`, `integer `1234``) and keys
//! (`unknown field `…``). So the messages built here give the line and column and the
//! parser's problem, and of what the file says only names: a quoted word that is a plausible
//! field name (a lowercase letter, then up to 39 lowercase letters, digits, `_`, `-` or `.`,
//! and not 8 or more hex digits), which is how a typo in a field name is still named. Quoted
//! values are replaced by `…`. As a last guard, any run of 12 or more letters and digits,
//! with a digit in it, that the message still shares with the file is replaced too: that is
//! the shape of a WIF key, an extended key, a hex seed or base64, whatever message shape a
//! parser invents next.
//!
//! A field name can only come from a file that parses as TOML (the whole file) or as JSON
//! up to that name, which none of the secret formats above does; the one residual case is a
//! file written as `word = …` or `{"word": …}` with a word of a secret as a key.

/// The most characters of a quoted word shown as a name.
const NAME_MAX: usize = 40;
/// The shortest run of letters and digits the last guard looks for in the file.
const GUARD_MIN: usize = 12;

/// A TOML error as `line L, column C: problem`, the problem scrubbed of what the file says.
pub(crate) fn toml_message(error: &toml::de::Error, text: &str) -> String {
    let problem = scrub(error.message().trim_end(), text);
    match error.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("line {line}, column {column}: {problem}")
        }
        None => problem,
    }
}

/// A JSON error as `line L, column C: problem`, the problem scrubbed of what the file says.
pub(crate) fn json_message(error: &serde_json::Error, text: &str) -> String {
    let full = error.to_string();
    let (line, column) = (error.line(), error.column());
    let suffix = format!(" at line {line} column {column}");
    let problem = scrub(full.strip_suffix(&suffix).unwrap_or(&full), text);
    if line == 0 {
        problem
    } else {
        format!("line {line}, column {column}: {problem}")
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count().saturating_add(1);
    let line_start = before.rfind('\n').map_or(0, |at| at.saturating_add(1));
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()).saturating_add(1);
    (line, column)
}

/// Whether a quoted word may be shown: a plausible field name, or a token of the grammar.
fn shown(word: &str) -> bool {
    let mut chars = word.chars();
    let name = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        && word.len() <= NAME_MAX
        && !(word.len() >= 8 && word.chars().all(|c| c.is_ascii_hexdigit()));
    let grammar = (1..=3).contains(&word.len()) && word.chars().all(|c| c.is_ascii_punctuation());
    name || grammar
}

/// The message with every quoted value replaced by `…` (names kept), then the last guard.
fn scrub(message: &str, source: &str) -> String {
    let message = match ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| message.strip_prefix(p).map(|rest| (p, rest)))
    {
        // serde: `invalid type: string "…", expected …`: keep the kind of value only.
        Some((prefix, rest)) => {
            let (unexpected, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            let kind = unexpected.split(['`', '"', '\'']).next().unwrap_or_default().trim_end();
            if expected.is_empty() {
                format!("{prefix}{kind}")
            } else {
                format!("{prefix}{kind}, expected {expected}")
            }
        }
        None => message.to_owned(),
    };
    let mut out = String::with_capacity(message.len());
    let mut free = String::new();
    let mut rest = message.as_str();
    while let Some(at) = rest.find(['`', '"']) {
        let (before, from) = rest.split_at(at);
        free.push_str(before);
        // The toml crate writes a backtick literal as '`'.
        if before.ends_with('\'') && from.starts_with("`'") {
            free.push('`');
            rest = from.get(1..).unwrap_or_default();
            continue;
        }
        let quote = if from.starts_with('`') { '`' } else { '"' };
        let inner = from.get(1..).unwrap_or_default();
        let Some(end) = closing(inner, quote) else {
            // No closing quote: nothing after it is shown.
            free.push(quote);
            free.push('…');
            rest = "";
            break;
        };
        let word = inner.get(..end).unwrap_or_default();
        out.push_str(&guard(&free, source));
        free.clear();
        out.push(quote);
        // Values in double quotes are never shown; names in backticks may be.
        out.push_str(if quote == '`' && shown(word) { word } else { "…" });
        out.push(quote);
        rest = inner.get(end.saturating_add(1)..).unwrap_or_default();
    }
    free.push_str(rest);
    out.push_str(&guard(&free, source));
    out
}

/// The byte offset of the quote that closes a quoted string (backslash escapes skipped in
/// double-quoted ones).
fn closing(inner: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in inner.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

/// Replaces each run of [`GUARD_MIN`] or more ASCII letters and digits, with a digit in it,
/// that also appears in `source`, by `…`.
pub(crate) fn guard(text: &str, source: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let secret_shaped = run.len() >= GUARD_MIN && run.chars().any(|c| c.is_ascii_digit());
        if secret_shaped && source.contains(run.as_str()) {
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIF: &str = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";

    #[test]
    fn serde_values_are_replaced_by_their_kind() {
        for (message, want) in [
            (
                "invalid type: string \"L1aW4aubDFB7\\\"yfras\", expected u64",
                "invalid type: string, expected u64",
            ),
            (
                "invalid type: integer `1234`, expected a string",
                "invalid type: integer, expected a string",
            ),
            (
                "invalid type: floating point `1.2e63`, expected struct IntentFile",
                "invalid type: floating point, expected struct IntentFile",
            ),
            ("invalid value: integer `-5`, expected u64", "invalid value: integer, expected u64"),
        ] {
            assert_eq!(scrub(message, ""), want, "{message}");
        }
    }

    #[test]
    fn names_are_kept_and_other_quoted_words_are_not() {
        assert_eq!(
            scrub("unknown field `max_fee_rate_sat_vbb`, expected one of `max_fee_sat`, `max_change_outputs`", ""),
            "unknown field `max_fee_rate_sat_vbb`, expected one of `max_fee_sat`, `max_change_outputs`"
        );
        for secret in [WIF, "0c28fca386c7a227", "deadbeef", "Abandon", "xprv9s21ZrQH143K"] {
            assert_eq!(
                scrub(&format!("unknown field `{secret}`, expected `name`"), ""),
                "unknown field `…`, expected `name`",
                "{secret}"
            );
        }
        assert_eq!(scrub("duplicate key `abc\"def`", ""), "duplicate key `…`");
        assert_eq!(
            scrub("unknown variant `Testnet`, expected `bitcoin`", ""),
            "unknown variant `…`, expected `bitcoin`"
        );
        // Grammar tokens of the toml crate's "expected" lists stay.
        assert_eq!(
            scrub("invalid key, expected `.`, `=`, '`', newline", ""),
            "invalid key, expected `.`, `=`, '`', newline"
        );
        // An unclosed quote hides everything after it.
        assert_eq!(scrub("unknown field `L1aW4aub, expected", ""), "unknown field `…");
    }

    #[test]
    fn secret_shaped_runs_shared_with_the_file_are_hidden_in_any_message() {
        let source = format!("{WIF}\n");
        assert_eq!(
            scrub(&format!("unexpected keys in table: {WIF}, available keys: name"), &source),
            "unexpected keys in table: …, available keys: name"
        );
        // Words of the parser's own, or runs not in the file, stay.
        assert_eq!(scrub("integer number overflowed", &source), "integer number overflowed");
        assert_eq!(scrub("expected 1234567890123", "a = 1"), "expected 1234567890123");
    }

    #[test]
    fn positions_are_counted_in_lines_and_characters() {
        let text = "a = 1\nü = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 8), (2, 2));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn toml_and_json_messages_give_the_place_and_never_the_line() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[expect(dead_code, reason = "only the errors of deserializing it are used")]
        struct File {
            name: String,
            count: u32,
        }
        let mnemonic =
            "legal winner thank year wave sausage worth useful legal winner thank yellow\n";
        for text in [
            format!("{WIF}\n"),
            mnemonic.to_owned(),
            "count = \"L1aW4aubDFB7yfras2S1\"\n".to_owned(),
        ] {
            let e = toml::from_str::<File>(&text).unwrap_err();
            let message = toml_message(&e, &text);
            assert!(message.starts_with("line 1, column "), "{message}");
            for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 5) {
                assert!(!message.contains(word), "{word:?} in {message:?}");
            }
        }
        let e = toml::from_str::<File>("name = \"x\"\ncount = 1\ncolour = 2\n").unwrap_err();
        assert_eq!(
            toml_message(&e, "name = \"x\"\ncount = 1\ncolour = 2\n"),
            "line 3, column 1: unknown field `colour`, expected `name` or `count`"
        );
        for text in ["1234567890123456789012", "{\"count\": \"L1aW4aubDFB7yfras2S1\"}", WIF] {
            let e = serde_json::from_str::<File>(text).unwrap_err();
            let message = json_message(&e, text);
            assert!(message.starts_with("line 1, column "), "{message}");
            assert!(!message.contains("1234567890") && !message.contains("L1aW4aub"), "{message}");
        }
    }
}
