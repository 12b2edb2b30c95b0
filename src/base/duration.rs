//! Lifetimes as people type them: `90s`, `30m`, `12h`, `7d` (SPEC 3, `--expires-in`).
//!
//! Trusts: nothing. One whole number and one unit; the policy's own cap on an intent's
//! lifetime is a separate rule, checked where the intent is built.

use core::fmt;
use core::time::Duration;

/// Longest duration accepted: 3650 days. Far beyond any policy's lifetime cap, and far
/// enough from the ends of the calendar that `now + duration` is always a valid time.
pub const MAX_DURATION_S: u64 = 3650 * DAY_S;

/// Longest duration text accepted, in bytes.
const MAX_DURATION_CHARS: usize = 32;

const MINUTE_S: u64 = 60;
const HOUR_S: u64 = 60 * MINUTE_S;
const DAY_S: u64 = 24 * HOUR_S;

/// A duration a person typed that is not one whole number and one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// Not digits followed by one of `s`, `m`, `h`, `d`.
    Malformed {
        /// The text as typed (at most its first 32 characters).
        input: String,
    },
    /// Zero.
    Zero {
        /// The text as typed.
        input: String,
    },
    /// More than [`MAX_DURATION_S`].
    TooLong {
        /// The text as typed.
        input: String,
    },
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { input } => write!(
                f,
                "{input:?} is not a duration: write a whole number and one unit, s, m, h or d, as in 30m, 12h or 7d"
            ),
            Self::Zero { input } => write!(f, "{input:?} is zero; a duration must be more than 0"),
            Self::TooLong { input } => write!(f, "{input:?} is longer than 3650 days"),
        }
    }
}

impl std::error::Error for DurationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Malformed { .. } | Self::Zero { .. } | Self::TooLong { .. } => None,
        }
    }
}

/// Parses a duration: a whole number followed by `s` (seconds), `m` (minutes), `h` (hours)
/// or `d` (days of 24 hours), without spaces, such as `30m`, `12h` or `7d`.
///
/// # Errors
///
/// Returns [`DurationError`] for any other form, zero, or more than 3650 days.
///
/// # Examples
///
/// ```
/// use intentguard::duration::parse_duration;
///
/// assert_eq!(parse_duration("12h").unwrap().as_secs(), 43_200);
/// assert!(parse_duration("12").is_err());
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let input = || s.chars().take(MAX_DURATION_CHARS).collect::<String>();
    let malformed = || DurationError::Malformed { input: input() };
    if s.len() > MAX_DURATION_CHARS {
        return Err(malformed());
    }
    let last = s.char_indices().next_back().map_or(0, |(i, _)| i);
    let Some((number, unit)) = s.split_at_checked(last) else {
        return Err(malformed());
    };
    let unit_s = match unit {
        "s" => 1,
        "m" => MINUTE_S,
        "h" => HOUR_S,
        "d" => DAY_S,
        _ => return Err(malformed()),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    let seconds = number
        .bytes()
        .try_fold(0u64, |acc, b| acc.checked_mul(10)?.checked_add(u64::from(b.checked_sub(b'0')?)))
        .and_then(|n| n.checked_mul(unit_s))
        .ok_or_else(|| DurationError::TooLong { input: input() })?;
    if seconds == 0 {
        return Err(DurationError::Zero { input: input() });
    }
    if seconds > MAX_DURATION_S {
        return Err(DurationError::TooLong { input: input() });
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit() {
        for (s, want) in [
            ("90s", 90),
            ("30m", 1_800),
            ("12h", 43_200),
            ("7d", 604_800),
            ("3650d", MAX_DURATION_S),
        ] {
            assert_eq!(parse_duration(s), Ok(Duration::from_secs(want)), "{s}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for s in [
            "", "12", "h", "12 h", " 12h", "12h ", "12H", "1h30m", "1.5h", "-1h", "+1h", "12w",
            "12y", "１２h", "12hh", "12é", "é",
        ] {
            assert!(
                matches!(parse_duration(s), Err(DurationError::Malformed { .. })),
                "{s:?}: {:?}",
                parse_duration(s)
            );
        }
        assert!(matches!(parse_duration("0m"), Err(DurationError::Zero { .. })));
        assert!(matches!(parse_duration("3651d"), Err(DurationError::TooLong { .. })));
        assert!(matches!(
            parse_duration("99999999999999999999d"),
            Err(DurationError::TooLong { .. })
        ));
        assert_eq!(
            parse_duration("12").unwrap_err().to_string(),
            "\"12\" is not a duration: write a whole number and one unit, s, m, h or d, as in 30m, 12h or 7d"
        );
    }
}
