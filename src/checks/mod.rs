//! Stage 3, the checks of SPEC 2. Every violation becomes a finding; none returns early.
//!
//! Trusts: the policy. Everything in the request is re-derived, hashed or verified.

mod fee;
mod finalized;
mod findings;
mod inputs;
mod intent;
mod outputs;
pub(crate) mod sshsig;

use std::collections::{BTreeMap, HashMap};

use miniscript::bitcoin::psbt::{raw, Psbt};

use crate::base::time::Timestamp;
use crate::model::claims::DerivationMemory;
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;
use crate::parse::psbt::{not_allowed_field, Location};
use crate::parse::request::Request;

pub(crate) use self::fee::Fee;
pub use self::findings::{Code, Finding, Place, Severity, MAX_MESSAGE_CHARS};
pub(crate) use self::inputs::InputFacts;
pub(crate) use self::intent::check as check_intent;
pub use self::intent::{approval_status, ApprovalStatus, CLOCK_SKEW_S};
pub(crate) use self::intent::{verify_approval, Refusal};
pub(crate) use self::outputs::OutputFacts;
pub use self::outputs::Role;
pub use self::sshsig::SignedWith;

/// What the checks established about a request, and every finding, in check order.
pub(crate) struct Checked {
    /// Approvers whose signatures verified, once each, in the policy's order, with how.
    pub approved_by: Vec<(String, SignedWith)>,
    /// What was established about each input, in order.
    pub inputs: Vec<InputFacts>,
    /// What was established about each output, in order.
    pub outputs: Vec<OutputFacts>,
    /// The fee, when every input's amount is known.
    pub fee: Option<Fee>,
    /// Every finding, in the order the checks made them.
    pub findings: Vec<Finding>,
}

/// What the checks may use beyond the request: threads, and what earlier requests derived.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resources<'a> {
    /// The most threads the inputs are checked on (at least 1).
    pub threads: usize,
    /// The verifier's derivations of earlier requests, for this policy's wallet.
    pub memory: Option<&'a DerivationMemory>,
}

/// Runs every check of SPEC 2 but the ledger's (2.5), which binds only what they approve.
pub(crate) fn run(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    now: Timestamp,
    resources: &Resources<'_>,
) -> Checked {
    let psbt = request.psbt();
    let tx = request.unsigned_tx();
    let secp = policy.wallet().secp();
    let mut findings = Vec::new();

    let approved_by = intent::check(policy, intent, now, &mut findings);
    // Decided before any signature work, so that a huge request costs little to refuse.
    let weight = fee::estimated_weight(policy, tx);
    let light = fee::check_weight(policy, tx, weight, &mut findings);
    let inputs = inputs::check(policy, tx, &psbt.inputs, secp, light, resources, &mut findings);
    let outputs =
        outputs::check(policy, intent, tx, &psbt.outputs, resources.memory, &mut findings);
    let fee = fee::check(policy, intent, tx, weight, &inputs, &mut findings);
    fields(psbt, &mut findings);
    Checked { approved_by, inputs, outputs, fee, findings }
}

/// Joins problems for one message: the first three, then how many more (SPEC 2.7).
pub(super) fn few(problems: &[String]) -> String {
    first_few(problems, String::clone, "; ", |more| format!("; and {more} more"))
}

/// The first three of `items`, each as `show` writes it, joined by `separator`, then
/// `rest(n)` for the `n` not shown: how every message that could list many values stays
/// short (SPEC 2.7). Only the items shown are written.
pub(super) fn first_few<T>(
    items: &[T],
    show: impl Fn(&T) -> String,
    separator: &str,
    rest: impl Fn(usize) -> String,
) -> String {
    const SHOWN: usize = 3;
    let shown: Vec<String> = items.iter().take(SHOWN).map(show).collect();
    let mut text = shown.join(separator);
    if let Some(more) = items.len().checked_sub(SHOWN).filter(|n| *n > 0) {
        text.push_str(&rest(more));
    }
    text
}

/// Reports each code once per place (SPEC 5): a later finding with the code and place of an
/// earlier one (a finalized input's scripts and its PSBT fields, say) joins its message.
pub(crate) fn merge_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let mut first: HashMap<(Code, Place), usize> = HashMap::with_capacity(findings.len());
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match first.get(&(f.code, f.place)).and_then(|&i| merged.get_mut(i)) {
            Some(earlier) => {
                let message = format!("{}; {}", earlier.message, f.message);
                *earlier = Finding::new(f.code, f.place, message);
            }
            None => {
                first.insert((f.code, f.place), merged.len());
                merged.push(f);
            }
        }
    }
    merged
}

/// Fields a signer would act on but intentguard does not verify are errors; unknown and
/// proprietary fields are shown to the signer. Each is reported once per map that has one.
fn fields(psbt: &Psbt, out: &mut Vec<Finding>) {
    map_fields(Place::Request, &psbt.unknown, psbt.proprietary.len(), out);
    for (i, input) in psbt.inputs.iter().enumerate() {
        map_fields(Place::Input(i), &input.unknown, input.proprietary.len(), out);
    }
    for (i, output) in psbt.outputs.iter().enumerate() {
        map_fields(Place::Output(i), &output.unknown, output.proprietary.len(), out);
    }
}

fn map_fields(
    place: Place,
    unknown: &BTreeMap<raw::Key, Vec<u8>>,
    proprietary: usize,
    out: &mut Vec<Finding>,
) {
    let (location, map) = match place {
        Place::Input(i) => (Location::Input(i), format!("input {i}")),
        Place::Output(i) => (Location::Output(i), format!("output {i}")),
        _ => (Location::Global, "the PSBT's global map".to_owned()),
    };
    let mut not_allowed: Vec<&str> = Vec::new();
    let mut other = proprietary;
    for key in unknown.keys() {
        match not_allowed_field(location, u64::from(key.type_value)) {
            Some(name) if !not_allowed.contains(&name) => not_allowed.push(name),
            Some(_) => {}
            None => other = other.saturating_add(1),
        }
    }
    if !not_allowed.is_empty() {
        out.push(Finding::new(
            Code::PsbtFieldNotAllowed,
            place,
            format!(
                "{map} carries {}: a signer would act on it (silent-payment output scripts, MuSig2 signing, DNS payment names), and intentguard does not verify it; remove it or do not sign",
                not_allowed.join(", ")
            ),
        ));
    }
    if other > 0 {
        out.push(Finding::new(
            Code::PsbtUnknownField,
            place,
            format!(
                "{map} has {other} unknown or proprietary fields; intentguard did not check them"
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_names_three_problems_and_counts_the_rest() {
        let problems: Vec<String> = (0..5).map(|n| format!("problem {n}")).collect();
        assert_eq!(few(&problems[..1]), "problem 0");
        assert_eq!(few(&problems[..3]), "problem 0; problem 1; problem 2");
        assert_eq!(few(&problems), "problem 0; problem 1; problem 2; and 2 more");
    }
}
