//! Making text from input files safe to show on a terminal.
//!
//! Trusts: nothing. Wallet names, intent ids, approver names, memos, addresses and
//! messages can all carry bytes chosen by whoever wrote a file; a memo must not be able
//! to paint a fake "APPROVED" banner, hide characters, or reorder an address on screen
//! (STYLE R18).

use core::fmt::Write as _;

use miniscript::bitcoin::hex::DisplayHex;

/// Bytes shown in full by [`abbreviated_hex`]; longer values show their first 32 bytes.
const HEX_SHOWN: usize = 40;

/// Returns `bytes` as lowercase hex, or for more than 40 bytes the first 32 as hex followed
/// by `… (N bytes)`, so that a message naming a script stays short (SPEC 2.7).
///
/// ```
/// use intentguard::text::abbreviated_hex;
///
/// assert_eq!(abbreviated_hex(&[0x00, 0x14]), "0014");
/// assert_eq!(abbreviated_hex(&[0xab; 100]), format!("{}… (100 bytes)", "ab".repeat(32)));
/// ```
pub fn abbreviated_hex(bytes: &[u8]) -> String {
    match bytes.get(..32) {
        Some(head) if bytes.len() > HEX_SHOWN => {
            format!("{}… ({} bytes)", head.as_hex(), bytes.len())
        }
        _ => bytes.to_lower_hex_string(),
    }
}

/// Returns `true` when `c` must not reach a terminal raw.
///
/// These are the control characters (C0 including ESC, DEL, and C1 U+0080–U+009F), the
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and the
/// zero-width characters (U+200B–U+200D, U+2060, U+FEFF).
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
                // Line and paragraph separators start a new line in some terminals; the soft
                // hyphen and the Mongolian vowel separator are invisible.
                | '\u{2028}'
                | '\u{2029}'
                | '\u{00AD}'
                | '\u{180E}'
        )
}

/// Returns `s` with every character that [`needs_escape`] written as `\u{..}` (lowercase
/// hex, as Rust's [`char::escape_unicode`] writes it); everything else, a literal
/// backslash included, passes through unchanged.
///
/// Use it on every string that came from an input file before printing it for a person.
/// The result contains no control, bidirectional or zero-width character, so it cannot
/// move the cursor, change colours, start a new line or reorder text.
///
/// # Examples
///
/// ```
/// use intentguard::text::display_safe;
///
/// assert_eq!(display_safe("OTC \u{1b}[32mAPPROVED"), "OTC \\u{1b}[32mAPPROVED");
/// assert_eq!(display_safe("Überweisung € 🔒"), "Überweisung € 🔒");
/// ```
pub fn display_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_escape(c) {
            // Writing into a `String` cannot fail.
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_passes_through() {
        for s in [
            "",
            "treasury",
            "ops-2024-05-31-0001",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "OTC \"Q2\" Überweisung € 🔒 a\\b",
            "日本語のメモ",
            "\u{a0}non-breaking\u{a0}space",
        ] {
            assert_eq!(display_safe(s), s);
        }
    }

    #[test]
    fn a_literal_backslash_stays() {
        assert_eq!(display_safe("a\\b \\u{1b}"), "a\\b \\u{1b}");
    }

    #[test]
    fn c0_controls_and_del_are_escaped() {
        assert_eq!(display_safe("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(display_safe("a\tb\nc\rd\0"), "a\\u{9}b\\u{a}c\\u{d}d\\u{0}");
        assert_eq!(display_safe("\u{7}\u{8}\u{1f}\u{7f}"), "\\u{7}\\u{8}\\u{1f}\\u{7f}");
    }

    #[test]
    fn c1_controls_are_escaped() {
        assert_eq!(display_safe("\u{80}\u{9b}31m\u{9f}"), "\\u{80}\\u{9b}31m\\u{9f}");
        // The neighbours of the C1 block are ordinary characters.
        assert_eq!(display_safe("~\u{a0}"), "~\u{a0}");
    }

    #[test]
    fn bidi_controls_are_escaped() {
        let all = [
            ('\u{202a}', "\\u{202a}"),
            ('\u{202b}', "\\u{202b}"),
            ('\u{202c}', "\\u{202c}"),
            ('\u{202d}', "\\u{202d}"),
            ('\u{202e}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2067}', "\\u{2067}"),
            ('\u{2068}', "\\u{2068}"),
            ('\u{2069}', "\\u{2069}"),
            ('\u{200e}', "\\u{200e}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{061c}', "\\u{61c}"),
        ];
        for (c, escaped) in all {
            assert_eq!(display_safe(&format!("x{c}y")), format!("x{escaped}y"), "{c:?}");
        }
        // A right-to-left override must not reverse an address on screen.
        assert_eq!(display_safe("pay \u{202e}qdm5fwzzt"), "pay \\u{202e}qdm5fwzzt");
    }

    #[test]
    fn zero_width_characters_are_escaped() {
        assert_eq!(
            display_safe("a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f"),
            "a\\u{200b}b\\u{200c}c\\u{200d}d\\u{2060}e\\u{feff}f"
        );
    }

    #[test]
    fn neighbours_of_the_escaped_ranges_pass() {
        for c in
            ['\u{2027}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{200a}', '\u{00ac}', '\u{00ae}']
        {
            assert!(!needs_escape(c), "{c:?}");
        }
    }

    #[test]
    fn output_never_contains_a_character_that_needs_escaping() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let safe = display_safe(&all);
        assert!(!safe.chars().any(needs_escape));
    }
}

#[cfg(test)]
mod separator_tests {
    use super::*;

    #[test]
    fn line_separators_and_invisible_characters_are_escaped() {
        assert_eq!(
            display_safe("a\u{2028}b\u{2029}c\u{00AD}d\u{2061}e\u{180E}f"),
            "a\\u{2028}b\\u{2029}c\\u{ad}d\\u{2061}e\\u{180e}f"
        );
    }
}
