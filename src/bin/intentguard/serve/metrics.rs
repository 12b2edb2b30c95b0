//! `GET /metrics` (SPEC 3): the service's counters in the Prometheus exposition format
//! (OpenMetrics text), from the Prometheus project's own Rust client.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What a call to `/v1/verify` ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A report whose verdict is approved.
    Approved,
    /// A report whose verdict is rejected.
    Rejected,
    /// No report: an error answer.
    Error,
}

impl Verdict {
    /// The label value, and the log's `verdict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "approved",
            Verdict::Rejected => "rejected",
            Verdict::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabel {
    verdict: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: &'static str,
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    verifications: Family<VerdictLabel, Counter>,
    findings: Family<CodeLabel, Counter>,
    duration: Histogram,
    ledger_errors: Counter,
}

impl Metrics {
    /// Registers the metrics SPEC 3 names, each verdict's count starting at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let verifications = Family::<VerdictLabel, Counter>::default();
        let findings = Family::<CodeLabel, Counter>::default();
        // 1 ms to about 33 s, doubling.
        let duration = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        let ledger_errors = Counter::default();
        registry.register(
            "intentguard_verifications",
            "Calls to /v1/verify, by what they ended with",
            verifications.clone(),
        );
        registry.register(
            "intentguard_findings",
            "Findings in the reports of /v1/verify, one count per finding",
            findings.clone(),
        );
        registry.register(
            "intentguard_verify_duration_seconds",
            "Time to answer a call to /v1/verify",
            duration.clone(),
        );
        registry.register(
            "intentguard_ledger_errors",
            "Calls whose ledger failed (verifications and readiness checks)",
            ledger_errors.clone(),
        );
        for verdict in [Verdict::Approved, Verdict::Rejected, Verdict::Error] {
            drop(verifications.get_or_create(&VerdictLabel { verdict: verdict.as_str() }));
        }
        Metrics { registry, verifications, findings, duration, ledger_errors }
    }

    /// Counts one call to `/v1/verify`: how it ended, its findings' codes, and its time.
    pub fn verification(&self, verdict: Verdict, findings: &[&'static str], seconds: f64) {
        self.verifications.get_or_create(&VerdictLabel { verdict: verdict.as_str() }).inc();
        for &code in findings {
            self.findings.get_or_create(&CodeLabel { code }).inc();
        }
        self.duration.observe(seconds);
    }

    /// Counts one failure of the ledger.
    pub fn ledger_error(&self) {
        self.ledger_errors.inc();
    }

    /// Writes every metric as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_metrics_are_there_from_the_start_and_count() {
        let metrics = Metrics::new();
        let text = metrics.encode();
        for line in [
            "intentguard_verifications_total{verdict=\"approved\"} 0",
            "intentguard_verifications_total{verdict=\"rejected\"} 0",
            "intentguard_verifications_total{verdict=\"error\"} 0",
            "intentguard_verify_duration_seconds_count 0",
            "intentguard_ledger_errors_total 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        metrics.verification(Verdict::Rejected, &["OUTPUT_UNEXPECTED", "OUTPUT_UNEXPECTED"], 0.01);
        metrics.ledger_error();
        let text = metrics.encode();
        for line in [
            "intentguard_verifications_total{verdict=\"rejected\"} 1",
            "intentguard_findings_total{code=\"OUTPUT_UNEXPECTED\"} 2",
            "intentguard_verify_duration_seconds_count 1",
            "intentguard_ledger_errors_total 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
