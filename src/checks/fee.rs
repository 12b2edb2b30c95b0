//! Checks of SPEC 2.4: the fee, from verified amounts, against the caps.

use miniscript::bitcoin::Transaction;

use super::{Code, Finding, Place};
use crate::checks::inputs::InputFacts;
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;

/// The fee and estimated final fee rate, when every input's amount is known.
pub(crate) struct Fee {
    /// Inputs minus outputs, in sat; negative when outputs exceed inputs.
    pub sat: i128,
    /// Estimated final virtual size in vB.
    pub vsize: u64,
}

impl Fee {
    /// The fee over the estimated final virtual size, in sat/vB.
    #[expect(clippy::cast_precision_loss, reason = "a display figure; limits compare in integers")]
    pub fn rate(&self) -> f64 {
        if self.vsize == 0 {
            return 0.0;
        }
        self.sat as f64 / self.vsize as f64
    }
}

/// The transaction's estimated final weight in weight units: the unsigned transaction's
/// weight plus the descriptor's maximum satisfaction weight for every input (SPEC 2.4);
/// `None` if that overflows.
pub(crate) fn estimated_weight(policy: &Policy, tx: &Transaction) -> Option<u64> {
    let per_input = policy.wallet().max_satisfaction_weight();
    u64::try_from(tx.input.len())
        .ok()
        .and_then(|n| n.checked_mul(per_input))
        .and_then(|w| w.checked_add(tx.weight().to_wu()))
}

/// The weight limit of SPEC 2.7 for a transaction of estimated final `weight` (`None`: past
/// counting); returns whether the request is within it.
pub(crate) fn check_weight(
    policy: &Policy,
    tx: &Transaction,
    weight: Option<u64>,
    out: &mut Vec<Finding>,
) -> bool {
    let max = policy.limits().max_tx_weight;
    if weight.is_some_and(|w| w <= max) {
        return true;
    }
    let shown = weight.map_or_else(|| "beyond counting".to_owned(), |w| format!("{w} WU"));
    let why = if weight.is_none_or(|w| w > crate::parse::policy::DEFAULT_MAX_TX_WEIGHT) {
        ", above the standardness limit of 400000 WU that nodes relay"
    } else {
        ""
    };
    out.push(Finding::new(
        Code::TxOverStandardWeight,
        Place::Request,
        format!(
            "the transaction's estimated final weight is {shown} ({} inputs, {} outputs){why}; the policy's max_tx_weight is {max} WU; its signatures were not checked",
            tx.input.len(),
            tx.output.len(),
        ),
    ));
    false
}

/// Computes the fee and checks it, with the estimated final `weight`; `None` when an input's
/// amount is unknown (that input has an error finding of its own).
pub(crate) fn check(
    policy: &Policy,
    intent: &Intent,
    tx: &Transaction,
    weight: Option<u64>,
    inputs: &[InputFacts],
    out: &mut Vec<Finding>,
) -> Option<Fee> {
    // Sums in u128 cannot overflow: fewer than 2^64 values of at most 2^64 - 1 each.
    let total_in =
        inputs.iter().try_fold(0u128, |sum, f| sum.checked_add(u128::from(f.amount?.to_sat())))?;
    let total_out =
        tx.output.iter().try_fold(0u128, |sum, o| sum.checked_add(u128::from(o.value.to_sat())))?;
    let sat = i128::try_from(total_in).ok()?.checked_sub(i128::try_from(total_out).ok()?)?;

    let vsize = weight?.div_ceil(4);
    let fee = Fee { sat, vsize };

    if sat < 0 {
        out.push(Finding::new(
            Code::FeeNegative,
            Place::Request,
            format!("the outputs ({total_out} sat) exceed the inputs ({total_in} sat)"),
        ));
        return Some(fee);
    }
    let policy_cap = policy.limits().max_fee;
    let cap = intent.max_fee().map_or(policy_cap, |c| c.min(policy_cap));
    if sat > i128::from(cap.to_sat()) {
        out.push(Finding::new(
            Code::FeeOverLimit,
            Place::Request,
            format!(
                "the fee is {sat} sat; the cap is {} sat (the stricter of the policy's and the intent's)",
                cap.to_sat()
            ),
        ));
    }
    if let Some(max_rate) = policy.limits().max_fee_rate_sat_vb {
        let allowed = i128::from(max_rate).checked_mul(i128::from(vsize));
        if allowed.is_none_or(|a| sat > a) {
            out.push(Finding::new(
                Code::FeeRateOverLimit,
                Place::Request,
                format!(
                    "the fee is {sat} sat for an estimated {vsize} vB ({:.2} sat/vB); the policy allows at most {max_rate} sat/vB",
                    fee.rate()
                ),
            ));
        }
    }
    Some(fee)
}
