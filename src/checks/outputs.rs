//! Checks of SPEC 2.3: every output is an intent payment or verified change, and every
//! payment is paid exactly once.
//!
//! Trusts: the policy and the intent's payments. Scripts are compared, never address
//! strings; change is recognised only by derivation from the output's key origins.

use std::collections::{HashMap, HashSet};

use miniscript::bitcoin::psbt::Output;
use miniscript::bitcoin::{Address, Amount, ScriptBuf, Transaction};
use serde::Serialize;

use super::first_few;
use super::{Code, Finding, Place};
use crate::base::text::abbreviated_hex;
use crate::model::claims::{output_differs, Claim, DerivationMemory, Derivations};
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;

/// The role an output plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Pays an intent payment.
    Payment,
    /// Returns to the wallet at a derived change address.
    Change,
    /// Neither: the request is rejected.
    Unapproved,
}

/// What the checks established about one output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputFacts {
    /// The address of its script on the policy's network; `None` for scripts with none.
    pub address: Option<String>,
    /// The role it plays.
    pub role: Role,
    /// For a payment: the index of the intent payment it matches.
    pub payment: Option<usize>,
    /// For change: the (branch, index) it was verified to derive at.
    pub change_at: Option<(u32, u32)>,
}

/// Checks every output and payment; returns what was established about each output.
pub(crate) fn check(
    policy: &Policy,
    intent: &Intent,
    tx: &Transaction,
    outputs: &[Output],
    memory: Option<&DerivationMemory>,
    out: &mut Vec<Finding>,
) -> Vec<OutputFacts> {
    let mut derivations = Derivations::remembering(policy.wallet(), memory);
    let limits = policy.limits();
    let payments = intent.payments();
    let scripts: Vec<ScriptBuf> = payments.iter().map(|p| p.script_pubkey()).collect();
    // Payments by script, and unmatched payments by (script, amount) as stacks whose top is
    // the lowest index: every lookup is a hash, so matching is linear in outputs + payments.
    let mut unmatched: HashMap<(&ScriptBuf, Amount), Vec<usize>> =
        HashMap::with_capacity(payments.len());
    for (i, (p, script)) in payments.iter().zip(&scripts).enumerate().rev() {
        unmatched.entry((script, p.amount())).or_default().push(i);
    }
    // The distinct amounts the intent pays each address, in payment order.
    let mut amounts_by_script: HashMap<&ScriptBuf, Amounts> = HashMap::new();
    for (p, script) in payments.iter().zip(&scripts) {
        amounts_by_script.entry(script).or_default().add(p.amount());
    }
    let mut matched = vec![false; payments.len()];
    let mut change_outputs = 0u32;
    let mut summaries = Vec::with_capacity(tx.output.len());

    for (index, (txout, output)) in tx.output.iter().zip(outputs).enumerate() {
        let place = Place::Output(index);
        let amount = txout.value;
        let mut summary = OutputFacts {
            address: Address::from_script(&txout.script_pubkey, policy.network())
                .ok()
                .map(|a| a.to_string()),
            role: Role::Unapproved,
            payment: None,
            change_at: None,
        };
        // How messages name the output; written only for a finding.
        let shown = || match &summary.address {
            Some(address) => address.clone(),
            None => format!("script {}", abbreviated_hex(txout.script_pubkey.as_bytes())),
        };

        // 1. An exact (script, amount) match with a payment not yet matched.
        let hit = unmatched.get_mut(&(&txout.script_pubkey, amount)).and_then(Vec::pop);
        if let Some(payment) = hit {
            if let Some(m) = matched.get_mut(payment) {
                *m = true;
            }
            summary.role = Role::Payment;
            summary.payment = Some(payment);
            summaries.push(summary);
            continue;
        }

        // 2. Change, by derivation at the (branch, index) its key origins name.
        match derivations.claim_output(output) {
            Claim::NotWallet => {}
            Claim::Inconsistent => {
                out.push(Finding::new(
                    Code::ChangeDerivationMismatch,
                    place,
                    format!("output {index} ({}): its key origins claim the wallet but do not all name one unhardened (branch, index)", shown()),
                ));
                summaries.push(summary);
                continue;
            }
            Claim::At { branch, index: at, derived } => {
                let same = derived.is_some_and(|d| {
                    d.script_pubkey == txout.script_pubkey && output_differs(output, d).is_empty()
                });
                if !same {
                    out.push(Finding::new(
                        Code::ChangeDerivationMismatch,
                        place,
                        format!("output {index} ({}) claims to be the wallet's at branch {branch} index {at}, but the wallet's script there is different", shown()),
                    ));
                } else if at > limits.max_change_index {
                    out.push(Finding::new(
                        Code::ChangeIndexTooHigh,
                        place,
                        format!("output {index} ({}) is change at index {at}, above the policy's max_change_index {}", shown(), limits.max_change_index),
                    ));
                } else {
                    if branch == 0 {
                        out.push(Finding::new(
                            Code::ChangeOnReceiveBranch,
                            place,
                            format!("output {index} ({}) returns to the wallet on the receive branch (index {at}), not the change branch", shown()),
                        ));
                    }
                    change_outputs = change_outputs.saturating_add(1);
                    summary.role = Role::Change;
                    summary.change_at = Some((branch, at));
                }
                summaries.push(summary);
                continue;
            }
        }

        // 3. Neither: an unapproved output.
        let amounts = amounts_by_script.get(&txout.script_pubkey);
        if let Some(amounts) = amounts.filter(|a| !a.set.contains(&amount)) {
            out.push(Finding::new(
                Code::PaymentAmountMismatch,
                place,
                format!(
                    "output {index} pays {} sat to {}; the intent pays that address {}",
                    amount.to_sat(),
                    shown(),
                    amounts.describe()
                ),
            ));
        } else {
            out.push(Finding::new(
                Code::OutputNotInIntent,
                place,
                format!(
                    "output {index} pays {} sat to {}, which is neither an intent payment nor the wallet's change",
                    amount.to_sat(),
                    shown()
                ),
            ));
        }
        summaries.push(summary);
    }

    for (i, (payment, done)) in payments.iter().zip(&matched).enumerate() {
        if !done {
            out.push(Finding::new(
                Code::PaymentMissing,
                Place::Payment(i),
                format!(
                    "intent payment {i} of {} sat to {} has no output with that address and amount",
                    payment.amount().to_sat(),
                    payment.address()
                ),
            ));
        }
    }
    if change_outputs > limits.max_change_outputs {
        out.push(Finding::new(
            Code::ChangeTooManyOutputs,
            Place::Request,
            format!(
                "the request has {change_outputs} change outputs; the policy allows at most {}",
                limits.max_change_outputs
            ),
        ));
    }
    summaries
}

/// The distinct amounts of the payments to one address.
#[derive(Default)]
struct Amounts {
    set: HashSet<Amount>,
    in_order: Vec<Amount>,
}

impl Amounts {
    fn add(&mut self, amount: Amount) {
        if self.set.insert(amount) {
            self.in_order.push(amount);
        }
    }

    /// `"5 sat or 7 sat"`, or the first few and how many more.
    fn describe(&self) -> String {
        let sat = |a: &Amount| format!("{} sat", a.to_sat());
        first_few(&self.in_order, sat, " or ", |more| format!(" or one of {more} other amounts"))
    }
}
