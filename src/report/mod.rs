//! Stage 4, the report: SPEC 4's object, built from what the checks established and found.
//!
//! It is plain data and complete: it serialises to the JSON object of SPEC 4 as it is, and
//! it carries what the text view shows beside it (a payment's memo, a script without an
//! address), so rendering reads the report and nothing else.

use miniscript::bitcoin::ScriptBuf;
use serde::Serialize;

use crate::base::network::network_name;
use crate::checks::{Checked, Finding, Role, Severity, SignedWith};
use crate::parse::intent::Intent;
use crate::parse::policy::Policy;
use crate::parse::request::Request;

/// The verdict: `approved` only when no finding is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The request does exactly what the intent says: it may be signed.
    Approved,
    /// At least one error finding: do not sign.
    Rejected,
}

/// The intent as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IntentSummary {
    /// The intent id.
    pub id: String,
    /// Hex SHA-256 of the signed message (SPEC 1.2).
    pub digest: String,
    /// Approvers whose signatures verified, once each, in the policy's order.
    pub approved_by: Vec<String>,
    /// The policy's quorum.
    pub quorum: usize,
    /// How each approval of `approved_by` was made, in the same order. Not part of SPEC 4's
    /// object: the text view says which approvals came from SSH keys and security keys.
    #[serde(skip)]
    pub signed_with: Vec<SignedWith>,
}

/// One input as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InputSummary {
    /// Index in the transaction.
    pub index: usize,
    /// `txid:vout` spent.
    pub outpoint: String,
    /// The amount spent, when known from UTXO data.
    pub amount_sat: Option<u64>,
    /// The derivation branch (0 receive, 1 change), when the input is the wallet's.
    pub branch: Option<u32>,
    /// The derivation index, when the input is the wallet's.
    pub derivation_index: Option<u32>,
}

/// One output as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OutputSummary {
    /// Index in the transaction.
    pub index: usize,
    /// The address of the script on the policy's network; `None` for scripts with none.
    pub address: Option<String>,
    /// The amount paid.
    pub amount_sat: u64,
    /// The role.
    pub role: Role,
    /// For a payment: the index of the intent payment it matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<usize>,
    /// For change: the derivation branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<u32>,
    /// For change: the derivation index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derivation_index: Option<u32>,
    /// The output script. Not part of SPEC 4's object: the text view shows it for an
    /// output whose script has no address.
    #[serde(skip)]
    pub script_pubkey: ScriptBuf,
    /// For a payment: the intent payment's memo, if it has one. Not part of SPEC 4's object.
    /// Untrusted text: escape it before showing it.
    #[serde(skip)]
    pub memo: Option<String>,
}

/// The result of a verification: SPEC 4's object, serialisable as it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Approved or rejected.
    pub verdict: Verdict,
    /// The unsigned transaction's txid.
    pub txid: String,
    /// The policy's wallet name.
    pub wallet: String,
    /// The policy's network.
    pub network: String,
    /// The intent.
    pub intent: IntentSummary,
    /// Every input.
    pub inputs: Vec<InputSummary>,
    /// Every output.
    pub outputs: Vec<OutputSummary>,
    /// Inputs minus outputs; `None` when an input's amount is unknown.
    pub fee_sat: Option<i64>,
    /// Fee over the estimated final virtual size; `None` when the fee is unknown.
    pub fee_rate_sat_vb: Option<f64>,
    /// Every finding, errors and warnings.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Returns the findings of severity error.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity() == Severity::Error)
    }

    /// Returns `true` when the verdict is approved.
    pub fn is_approved(&self) -> bool {
        self.verdict == Verdict::Approved
    }
}

/// Builds the report of one verification from what the checks established and found
/// (findings already merged, the ledger's included): SPEC 4's object and what its text view
/// shows beside it.
pub(crate) fn build(
    policy: &Policy,
    intent: &Intent,
    request: &Request,
    checked: Checked,
) -> Report {
    let Checked { approved_by, inputs, outputs, fee, findings } = checked;
    let (approved_by, signed_with) = approved_by.into_iter().unzip();
    let tx = request.unsigned_tx();
    let verdict = if findings.iter().any(|f| f.severity() == Severity::Error) {
        Verdict::Rejected
    } else {
        Verdict::Approved
    };
    let inputs = tx
        .input
        .iter()
        .zip(&inputs)
        .enumerate()
        .map(|(index, (txin, f))| InputSummary {
            index,
            outpoint: txin.previous_output.to_string(),
            amount_sat: f.amount.map(|a| a.to_sat()),
            branch: f.owned_at.map(|(b, _)| b),
            derivation_index: f.owned_at.map(|(_, i)| i),
        })
        .collect();
    let outputs = tx
        .output
        .iter()
        .zip(outputs)
        .enumerate()
        .map(|(index, (txout, f))| OutputSummary {
            index,
            address: f.address,
            amount_sat: txout.value.to_sat(),
            role: f.role,
            payment: f.payment,
            branch: f.change_at.map(|(b, _)| b),
            derivation_index: f.change_at.map(|(_, i)| i),
            script_pubkey: txout.script_pubkey.clone(),
            memo: f
                .payment
                .and_then(|n| intent.payments().get(n))
                .and_then(|p| p.memo())
                .map(str::to_owned),
        })
        .collect();
    Report {
        verdict,
        txid: request.txid().to_string(),
        wallet: policy.name().to_owned(),
        network: network_name(policy.network()).to_owned(),
        intent: IntentSummary {
            id: intent.id().to_owned(),
            digest: intent.digest_hex(),
            approved_by,
            signed_with,
            quorum: policy.quorum(),
        },
        inputs,
        outputs,
        fee_sat: fee.as_ref().and_then(|f| i64::try_from(f.sat).ok()),
        fee_rate_sat_vb: fee.as_ref().map(|f| f.rate()),
        findings,
    }
}
