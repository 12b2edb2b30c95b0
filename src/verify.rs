//! The pipeline behind [`verify`]: the checks (stage 3), the ledger, and the report built
//! above them (stage 4).

use crate::base::time::Timestamp;
use std::num::NonZeroUsize;
use std::sync::Arc;

use crate::checks::{self, merge_duplicates, Code, Finding, Place, Resources, Severity};
use crate::error::Error;
use crate::ledger::Ledger;
use crate::model::claims::DerivationMemory;
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;
use crate::parse::request::Request;
use crate::report::{self, Report};

/// A verifier prepared once from a policy and reused for every request of that wallet.
///
/// Building it parses nothing new: the policy already holds its descriptor prepared for
/// derivation (both branches' extended keys derived once). It is `Send + Sync`, so a backend
/// can share one across threads; [`Verifier::verify`] takes `&self`.
///
/// Each verification checks the request's inputs on up to [`Verifier::threads`] threads
/// (default: as many as the process may use), and a verifier remembers what its wallet
/// derived at each (branch, index), up to [`Verifier::DEFAULT_DERIVATIONS`] places, so that
/// verifying a request again (the next signer, a retry) derives nothing anew. Neither changes
/// a report: the findings and their order are the same on one thread or many, warm or cold.
/// Clones share the remembered derivations.
#[derive(Debug, Clone)]
pub struct Verifier {
    policy: Policy,
    threads: usize,
    memory: Arc<DerivationMemory>,
}

impl Verifier {
    /// How many (branch, index) places a verifier remembers by default: every input and
    /// change output of a 5,000-input request, several times over (a few MiB).
    pub const DEFAULT_DERIVATIONS: usize = 20_000;

    /// Prepares a verifier for `policy`'s wallet, using every available thread and
    /// remembering up to [`Self::DEFAULT_DERIVATIONS`] derivations.
    pub fn new(policy: Policy) -> Self {
        Verifier {
            policy,
            threads: available_threads(),
            memory: Arc::new(DerivationMemory::new(Self::DEFAULT_DERIVATIONS)),
        }
    }

    /// Checks the inputs of each request on at most `threads` threads (0 counts as 1).
    /// Requests of few inputs use fewer: a thread is worth it from a few inputs up.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Remembers at most `places` derivations across requests (0: none), forgetting what
    /// was remembered so far.
    #[must_use]
    pub fn with_remembered_derivations(mut self, places: usize) -> Self {
        self.memory = Arc::new(DerivationMemory::new(places));
        self
    }

    /// Returns the policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Returns the most threads a verification uses.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Returns how many derivations the verifier remembers now.
    pub fn remembered_derivations(&self) -> usize {
        self.memory.len()
    }

    /// Verifies one request; see [`verify`].
    ///
    /// # Errors
    ///
    /// As [`verify`].
    pub fn verify(
        &self,
        intent: &Intent,
        request: &Request,
        now: Timestamp,
        ledger: Option<&dyn Ledger>,
    ) -> Result<Report, Error> {
        let resources = Resources { threads: self.threads, memory: Some(&self.memory) };
        run(&self.policy, intent, request, now, ledger, &resources)
    }
}

/// The threads this process may use, or 1 when the system does not say.
fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Verifies that `request` does exactly what `intent` approved under `policy`, at `now`.
///
/// With a ledger, an approved request binds the intent to the request's unsigned txid, and a
/// request whose intent is bound to another txid is rejected with `INTENT_REPLAYED`.
///
/// The inputs are checked on every available thread; a [`Verifier`] chooses how many, and
/// remembers derivations between requests.
///
/// # Errors
///
/// Returns [`Error::Ledger`] when the ledger fails; verification could not complete and the
/// request must not be signed. Rule violations are never errors: they are [`Finding`]s in the
/// returned [`Report`], whose verdict is approved only when no finding is an error.
pub fn verify(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    now: Timestamp,
    ledger: Option<&dyn Ledger>,
) -> Result<Report, Error> {
    let resources = Resources { threads: available_threads(), memory: None };
    run(policy, intent, request, now, ledger, &resources)
}

fn run(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    now: Timestamp,
    ledger: Option<&dyn Ledger>,
    resources: &Resources<'_>,
) -> Result<Report, Error> {
    let mut checked = checks::run(policy, intent, request, now, resources);
    if let Some(ledger) = ledger {
        let rejected = checked.findings.iter().any(|f| f.severity() == Severity::Error);
        checked.findings.extend(replay(policy, intent, request, ledger, rejected)?);
    }
    checked.findings = merge_duplicates(checked.findings);
    Ok(report::build(policy, intent, request, checked))
}

/// SPEC 2.5: an approved request binds the intent to its txid; any request whose intent is
/// bound to another txid is replayed.
fn replay(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    ledger: &dyn Ledger,
    rejected: bool,
) -> Result<Option<Finding>, Error> {
    let txid = request.txid();
    let bound = if rejected {
        ledger.bound(policy.name(), intent.id())?
    } else {
        Some(ledger.bind(policy.name(), intent.id(), &intent.digest_hex(), txid)?)
    };
    Ok(bound.filter(|b| *b != txid).map(|bound| {
        Finding::new(
            Code::IntentReplayed,
            Place::Request,
            format!(
                "intent {:?} was already approved for transaction {bound}; this request is transaction {txid}",
                intent.id()
            ),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Verifier>();
        shared::<Policy>();
        shared::<Intent>();
        shared::<Request>();
        shared::<Report>();
    }
}
