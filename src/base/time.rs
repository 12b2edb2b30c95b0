//! Timestamps: whole UTC seconds written exactly as `YYYY-MM-DDTHH:MM:SSZ`.
//!
//! The library never reads a clock; callers pass `now` (SPEC 2.1, R9).

use core::fmt;
use core::str::FromStr;

use ::time::macros::format_description;
use ::time::{OffsetDateTime, PrimitiveDateTime};

/// A point in time, in whole seconds since the Unix epoch, UTC.
///
/// Parsed from and displayed as RFC 3339 restricted to `YYYY-MM-DDTHH:MM:SSZ`: no offset,
/// no fraction, uppercase `T` and `Z` (SPEC 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Creates a timestamp from seconds since the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Returns the seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// Returns `self - earlier` in seconds, saturating at the bounds of `i64`.
    pub const fn seconds_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

/// Parses a timestamp in the exact form `YYYY-MM-DDTHH:MM:SSZ`.
///
/// # Errors
///
/// Returns [`TimestampError`] for any other form or an impossible date or time.
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, TimestampError> {
    s.parse()
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The shape is checked byte by byte first so that signs, fractions, offsets,
        // lowercase letters and padding never reach the date parser.
        let shape = b"dddd-dd-ddTdd:dd:ddZ";
        let bytes = s.as_bytes();
        let shaped = bytes.len() == shape.len()
            && bytes.iter().zip(shape.iter()).all(|(&b, &want)| match want {
                b'd' => b.is_ascii_digit(),
                other => b == other,
            });
        if !shaped {
            return Err(TimestampError { input: s.chars().take(64).collect() });
        }
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        let parsed = PrimitiveDateTime::parse(s, &format)
            .map_err(|_| TimestampError { input: s.to_owned() })?;
        Ok(Timestamp(parsed.assume_utc().unix_timestamp()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        match OffsetDateTime::from_unix_timestamp(self.0).ok().and_then(|t| t.format(&format).ok())
        {
            Some(text) => f.write_str(&text),
            None => write!(f, "@{}", self.0),
        }
    }
}

/// A timestamp that is not exactly `YYYY-MM-DDTHH:MM:SSZ` or names no real instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    input: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ (for example 2024-05-31T13:00:00Z)",
            self.input
        )
    }
}

impl std::error::Error for TimestampError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_the_exact_form() {
        let t: Timestamp = "2024-05-31T13:00:00Z".parse().unwrap();
        assert_eq!(t.unix(), 1_717_160_400);
        assert_eq!(t.to_string(), "2024-05-31T13:00:00Z");
    }

    #[test]
    fn refuses_every_other_form() {
        for bad in [
            "2024-05-31T13:00:00+00:00",
            "2024-05-31T13:00:00.5Z",
            "2024-05-31t13:00:00Z",
            "2024-05-31T13:00:00z",
            "2024-05-31 13:00:00Z",
            "2024-02-30T13:00:00Z",
            "2024-05-31T24:00:00Z",
            "2024-05-31T23:59:60Z",
            "+024-05-31T13:00:00Z",
            " 2024-05-31T13:00:00Z",
            "",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad} accepted");
        }
    }
}
