//! Amounts as people type them: `125000sat`, `0.00125btc`, `0.00125 BTC` (SPEC 3).
//!
//! Trusts: nothing. The unit is required (no guessing units with money), decimals are read
//! with integer arithmetic only, and zero, negative and over-supply amounts are refused.

use core::fmt;

use miniscript::bitcoin::Amount;

/// Satoshis in one bitcoin.
pub const SAT_PER_BTC: u64 = 100_000_000;

/// Longest amount text accepted, in bytes; longer text is refused unread.
pub const MAX_AMOUNT_CHARS: usize = 64;

/// Decimals a bitcoin amount may have: one satoshi is 0.00000001 BTC.
const BTC_DECIMALS: usize = 8;

/// An amount a person typed that is not an amount of bitcoin.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountError {
    /// Longer than [`MAX_AMOUNT_CHARS`].
    TooLong {
        /// The length in bytes.
        len: usize,
    },
    /// A number without a unit.
    NoUnit {
        /// The text as typed.
        input: String,
    },
    /// A unit other than `sat` or `btc`.
    UnknownUnit {
        /// The text as typed.
        input: String,
    },
    /// A minus sign.
    Negative {
        /// The text as typed.
        input: String,
    },
    /// Not digits with at most one decimal point (signs, separators, exponents, a bare
    /// point).
    NotANumber {
        /// The text as typed.
        input: String,
    },
    /// A fraction of a satoshi.
    FractionalSat {
        /// The text as typed.
        input: String,
    },
    /// More than eight decimals in bitcoin.
    TooManyDecimals {
        /// The text as typed.
        input: String,
    },
    /// Zero.
    Zero {
        /// The text as typed.
        input: String,
    },
    /// More than 21,000,000 BTC.
    TooLarge {
        /// The text as typed.
        input: String,
    },
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { len } => {
                write!(f, "the amount is {len} characters long; at most {MAX_AMOUNT_CHARS} are read")
            }
            Self::NoUnit { input } => write!(
                f,
                "{input:?} has no unit: write the unit after the number, as in 0.00125btc or 125000sat"
            ),
            Self::UnknownUnit { input } => {
                write!(f, "{input:?} has an unknown unit: the units are sat and btc")
            }
            Self::Negative { input } => write!(f, "{input:?} is negative; an amount is paid, not taken"),
            Self::NotANumber { input } => write!(
                f,
                "{input:?} is not an amount: write digits with at most one decimal point and no signs or separators, as in 0.00125btc"
            ),
            Self::FractionalSat { input } => {
                write!(f, "{input:?} is a fraction of a satoshi; sat amounts are whole numbers")
            }
            Self::TooManyDecimals { input } => write!(
                f,
                "{input:?} has more than 8 decimals; the smallest amount is 0.00000001 btc (1 sat)"
            ),
            Self::Zero { input } => write!(f, "{input:?} is zero; an amount must be more than 0"),
            Self::TooLarge { input } => write!(f, "{input:?} is more than 21,000,000 BTC"),
        }
    }
}

impl std::error::Error for AmountError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::TooLong { .. }
            | Self::NoUnit { .. }
            | Self::UnknownUnit { .. }
            | Self::Negative { .. }
            | Self::NotANumber { .. }
            | Self::FractionalSat { .. }
            | Self::TooManyDecimals { .. }
            | Self::Zero { .. }
            | Self::TooLarge { .. } => None,
        }
    }
}

/// Parses an amount written with its unit: `125000sat`, `0.00125btc` or `0.00125 BTC`.
///
/// The unit (`sat` or `btc`, in any case) is required and may follow the number after
/// spaces; surrounding spaces are ignored. `sat` amounts are whole numbers; `btc` amounts
/// have at most eight decimals. The amount must be more than zero and at most
/// 21,000,000 BTC. Only integer arithmetic is used.
///
/// # Errors
///
/// Returns [`AmountError`] saying what is wrong: no unit, an unknown unit, a sign, a
/// malformed number, too many decimals, zero, or more than 21,000,000 BTC.
///
/// # Examples
///
/// ```
/// use intentguard::amount::parse_amount;
///
/// assert_eq!(parse_amount("125000sat").unwrap().to_sat(), 125_000);
/// assert_eq!(parse_amount("0.00125 BTC").unwrap().to_sat(), 125_000);
/// assert!(parse_amount("0.00125").is_err());
/// ```
pub fn parse_amount(s: &str) -> Result<Amount, AmountError> {
    if s.len() > MAX_AMOUNT_CHARS {
        return Err(AmountError::TooLong { len: s.len() });
    }
    let input = || s.to_owned();
    let text = s.trim_matches(|c: char| c.is_ascii_whitespace());
    let split = text.find(|c: char| c.is_alphabetic()).unwrap_or(text.len());
    let (number, unit) = text.split_at_checked(split).unwrap_or((text, ""));
    let number = number.trim_end_matches(|c: char| c.is_ascii_whitespace());
    if number.starts_with('-') {
        return Err(AmountError::Negative { input: input() });
    }
    let sat_unit = if unit.is_empty() {
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(AmountError::NotANumber { input: input() });
        }
        return Err(AmountError::NoUnit { input: input() });
    } else if unit.eq_ignore_ascii_case("sat") {
        true
    } else if unit.eq_ignore_ascii_case("btc") {
        false
    } else {
        return Err(AmountError::UnknownUnit { input: input() });
    };

    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(AmountError::NotANumber { input: input() });
    }
    let whole_value = decimal(whole).ok_or_else(|| AmountError::TooLarge { input: input() })?;
    let sat = if sat_unit {
        if fraction.is_some() {
            return Err(AmountError::FractionalSat { input: input() });
        }
        whole_value
    } else {
        let fraction = fraction.unwrap_or("");
        if fraction.len() > BTC_DECIMALS {
            return Err(AmountError::TooManyDecimals { input: input() });
        }
        // Right-pad to eight digits: "00125" is 00125000 sat.
        let padded = format!("{fraction:0<BTC_DECIMALS$}");
        let fraction_sat =
            decimal(&padded).ok_or_else(|| AmountError::NotANumber { input: input() })?;
        whole_value
            .checked_mul(SAT_PER_BTC)
            .and_then(|w| w.checked_add(fraction_sat))
            .ok_or_else(|| AmountError::TooLarge { input: input() })?
    };
    let amount = Amount::from_sat(sat);
    if amount == Amount::ZERO {
        return Err(AmountError::Zero { input: input() });
    }
    if amount > Amount::MAX_MONEY {
        return Err(AmountError::TooLarge { input: input() });
    }
    Ok(amount)
}

/// Reads ASCII digits as a `u64`; `None` on overflow or a non-digit.
fn decimal(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |acc, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Formats an amount in bitcoin with all eight decimals, without a unit: `4502.90000000`.
///
/// # Examples
///
/// ```
/// use intentguard::amount::btc_string;
/// use intentguard::bitcoin::Amount;
///
/// assert_eq!(btc_string(Amount::from_sat(125_000)), "0.00125000");
/// ```
pub fn btc_string(amount: Amount) -> String {
    let sat = amount.to_sat();
    let whole = sat.checked_div(SAT_PER_BTC).unwrap_or(0);
    let fraction = sat.checked_rem(SAT_PER_BTC).unwrap_or(0);
    format!("{whole}.{fraction:08}")
}

/// An amount of `sat` from a file, refused above 21,000,000 BTC; the message names the value.
pub(crate) fn money(sat: u64) -> Result<Amount, String> {
    let amount = Amount::from_sat(sat);
    if amount > Amount::MAX_MONEY {
        return Err(format!("{sat} sat is more than 21,000,000 BTC"));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(s: &str) -> u64 {
        parse_amount(s).unwrap_or_else(|e| panic!("{s}: {e}")).to_sat()
    }

    #[test]
    fn the_spec_examples_parse() {
        assert_eq!(sat("125000sat"), 125_000);
        assert_eq!(sat("0.00125btc"), 125_000);
        assert_eq!(sat("0.00125 BTC"), 125_000);
    }

    #[test]
    fn units_are_case_insensitive_and_spaces_are_allowed_around() {
        for s in
            ["125000SAT", "125000 Sat", " 125000sat ", "125000\tsat", "0.00125Btc", "0.00125  bTc"]
        {
            assert_eq!(sat(s), 125_000, "{s}");
        }
    }

    #[test]
    fn whole_bitcoins_and_bounds() {
        assert_eq!(sat("1btc"), 100_000_000);
        assert_eq!(sat("4502.9btc"), 450_290_000_000);
        assert_eq!(sat("0.00000001btc"), 1);
        assert_eq!(sat("1sat"), 1);
        assert_eq!(sat("21000000btc"), 2_100_000_000_000_000);
        assert_eq!(sat("2100000000000000sat"), 2_100_000_000_000_000);
        assert_eq!(sat("007sat"), 7);
    }

    #[test]
    fn each_bad_amount_names_its_problem() {
        type Check = fn(&AmountError) -> bool;
        let cases: &[(&str, Check)] = &[
            ("125000", |e| matches!(e, AmountError::NoUnit { .. })),
            ("0.00125", |e| matches!(e, AmountError::NoUnit { .. })),
            ("", |e| matches!(e, AmountError::NotANumber { .. })),
            ("btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("12x", |e| matches!(e, AmountError::UnknownUnit { .. })),
            ("12sats", |e| matches!(e, AmountError::UnknownUnit { .. })),
            ("12 bitcoin", |e| matches!(e, AmountError::UnknownUnit { .. })),
            ("1e3sat", |e| matches!(e, AmountError::UnknownUnit { .. })),
            ("-1btc", |e| matches!(e, AmountError::Negative { .. })),
            ("-0.5 btc", |e| matches!(e, AmountError::Negative { .. })),
            ("+1btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("1,000sat", |e| matches!(e, AmountError::NotANumber { .. })),
            ("1_000sat", |e| matches!(e, AmountError::NotANumber { .. })),
            (".5btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("5.btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("1.2.3btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("1 2btc", |e| matches!(e, AmountError::NotANumber { .. })),
            ("١٢sat", |e| matches!(e, AmountError::NotANumber { .. })),
            ("1.5sat", |e| matches!(e, AmountError::FractionalSat { .. })),
            ("1.0sat", |e| matches!(e, AmountError::FractionalSat { .. })),
            ("0.000000001btc", |e| matches!(e, AmountError::TooManyDecimals { .. })),
            ("0sat", |e| matches!(e, AmountError::Zero { .. })),
            ("0.00000000btc", |e| matches!(e, AmountError::Zero { .. })),
            ("21000000.00000001btc", |e| matches!(e, AmountError::TooLarge { .. })),
            ("2100000000000001sat", |e| matches!(e, AmountError::TooLarge { .. })),
            ("99999999999999999999999sat", |e| matches!(e, AmountError::TooLarge { .. })),
            ("184467440737.09551616btc", |e| matches!(e, AmountError::TooLarge { .. })),
        ];
        for (input, want) in cases {
            match parse_amount(input) {
                Err(e) => assert!(want(&e), "{input:?}: {e:?}"),
                Ok(a) => panic!("{input:?} parsed as {a}"),
            }
        }
        let long = format!("{}sat", "1".repeat(MAX_AMOUNT_CHARS));
        assert_eq!(parse_amount(&long), Err(AmountError::TooLong { len: MAX_AMOUNT_CHARS + 3 }));
    }

    #[test]
    fn messages_say_what_to_write() {
        let message = parse_amount("0.00125").unwrap_err().to_string();
        assert_eq!(
            message,
            "\"0.00125\" has no unit: write the unit after the number, as in 0.00125btc or 125000sat"
        );
        let message = parse_amount("0sat").unwrap_err().to_string();
        assert_eq!(message, "\"0sat\" is zero; an amount must be more than 0");
    }

    /// Property (STYLE R24): for any amount, its sat and btc spellings parse to it, and
    /// `btc_string` writes a spelling that parses back. Values come from a fixed
    /// pseudo-random sequence plus the edges, so the test is reproducible.
    #[test]
    fn sat_and_btc_spellings_agree() {
        let max = Amount::MAX_MONEY.to_sat();
        let mut values = vec![1, 9, 10, 99_999_999, 100_000_000, 100_000_001, max - 1, max];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // Spread over every magnitude, not only large values.
            let magnitude = 10u64.pow(u32::try_from(x % 16).unwrap() + 1);
            values.push((x >> 11) % magnitude.min(max) + 1);
        }
        for value in values {
            let btc = btc_string(Amount::from_sat(value));
            let trimmed = btc.trim_end_matches('0').trim_end_matches('.');
            for spelling in [
                format!("{value}sat"),
                format!("{btc}btc"),
                format!("{btc} BTC"),
                format!("{trimmed}btc"),
            ] {
                assert_eq!(sat(&spelling), value, "{spelling}");
            }
        }
    }

    #[test]
    fn btc_string_has_eight_decimals() {
        assert_eq!(btc_string(Amount::ZERO), "0.00000000");
        assert_eq!(btc_string(Amount::from_sat(1)), "0.00000001");
        assert_eq!(btc_string(Amount::from_sat(450_290_000_000)), "4502.90000000");
        assert_eq!(btc_string(Amount::MAX_MONEY), "21000000.00000000");
    }
}
