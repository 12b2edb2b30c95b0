//! The `--pay ADDRESS=AMOUNT` argument of `intent new` (SPEC 3): an address that parses on
//! some network and an amount with its unit.
//!
//! Trusts: nothing. The text is capped, split once at `=`, and each side parsed strictly;
//! whether the address is of the policy's network is for [`draft_intent`](super::draft_intent).

use core::fmt;

use miniscript::bitcoin::address::NetworkUnchecked;
use miniscript::bitcoin::{Address, Amount};

use crate::base::amount::{parse_amount, AmountError};

/// Longest `ADDRESS=AMOUNT` text accepted, in bytes.
const MAX_PAY_CHARS: usize = 256;

/// One `--pay ADDRESS=AMOUNT`: an address that parses (its network is checked against the
/// policy later) and an amount with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayArg {
    address: String,
    amount: Amount,
}

impl PayArg {
    /// Returns the address, in its canonical spelling (bech32 in lowercase).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Returns the amount.
    pub fn amount(&self) -> Amount {
        self.amount
    }
}

/// A `--pay` value that is not `ADDRESS=AMOUNT`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayError {
    /// No `=`, or nothing on one side of it, or too long.
    Shape {
        /// The text as typed (at most its first 256 characters).
        input: String,
    },
    /// The left side is not a Bitcoin address.
    Address {
        /// The address as typed.
        address: String,
        /// The address parser's message.
        problem: String,
    },
    /// The right side is not an amount.
    Amount(AmountError),
}

impl fmt::Display for PayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape { input } => write!(
                f,
                "{input:?} is not ADDRESS=AMOUNT, as in bc1q...=0.00125btc or bc1q...=125000sat"
            ),
            Self::Address { address, problem } => {
                write!(f, "{address:?} is not a Bitcoin address ({problem})")
            }
            Self::Amount(e) => e.fmt(f),
        }
    }
}

/// `Display` already includes the amount error's message, so no source is reported (R13).
impl std::error::Error for PayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Shape { .. } | Self::Address { .. } | Self::Amount(_) => None,
        }
    }
}

/// Parses `ADDRESS=AMOUNT`, such as `bc1q...=0.00125btc`; the amount needs its unit
/// ([`parse_amount`]).
///
/// # Errors
///
/// Returns [`PayError`] when there is no `=`, the address does not parse as an address of
/// any network, or the amount is not an amount.
pub fn parse_pay(s: &str) -> Result<PayArg, PayError> {
    let shape = || PayError::Shape { input: s.chars().take(MAX_PAY_CHARS).collect() };
    if s.len() > MAX_PAY_CHARS {
        return Err(shape());
    }
    let (address, amount) = s.split_once('=').ok_or_else(shape)?;
    if address.is_empty() || amount.is_empty() {
        return Err(shape());
    }
    let parsed: Address<NetworkUnchecked> = address
        .parse()
        .map_err(|e| PayError::Address { address: address.to_owned(), problem: format!("{e}") })?;
    let amount = parse_amount(amount).map_err(PayError::Amount)?;
    Ok(PayArg { address: parsed.assume_checked_ref().to_string(), amount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceremony::fixtures::{pay, ADDRESS};

    #[test]
    fn pay_arguments() {
        let p = pay("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ=4502.9 BTC");
        assert_eq!((p.address(), p.amount().to_sat()), (ADDRESS, 450_290_000_000));
        for bad in ["", "=1btc", &format!("{ADDRESS}="), ADDRESS, "1btc"] {
            assert!(matches!(parse_pay(bad), Err(PayError::Shape { .. })), "{bad}");
        }
        assert!(matches!(parse_pay("bc1qnope=1btc"), Err(PayError::Address { .. })));
        assert!(matches!(
            parse_pay(&format!("{ADDRESS}=1")),
            Err(PayError::Amount(AmountError::NoUnit { .. }))
        ));
        assert!(matches!(parse_pay(&format!("{ADDRESS}=1btc=2")), Err(PayError::Amount(_))));
    }
}
