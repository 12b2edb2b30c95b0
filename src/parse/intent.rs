//! The intent (SPEC 1.2): what the approvers agreed to pay.
//!
//! Trusts: nothing. The intent is parsed strictly (unknown fields, nulls and duplicate
//! fields are errors); whether its approvals verify is a check, not a parse rule.

use ed25519_dalek::{Signature, SigningKey};
use miniscript::bitcoin::hashes::{sha256, Hash};
use miniscript::bitcoin::{Address, Amount, Network, ScriptBuf};
use serde::{Deserialize, Deserializer, Serialize};

use crate::base::hex::parse_lower_hex;
use crate::base::network::{network_name, parse_network};
use crate::base::time::Timestamp;
use crate::parse::policy::parse_address;
use crate::parse::read::{self, ReadError};
use crate::parse::IntentError;

/// The domain separator that starts every signed message (SPEC 1.2).
pub const MESSAGE_PREFIX: &[u8] = b"intentguard/intent/v1\n";

/// Deserialises a field that may be absent but, when present, must not be `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentFile {
    version: u64,
    id: String,
    wallet: String,
    network: String,
    payments: Vec<PaymentFile>,
    #[serde(default, deserialize_with = "present")]
    max_fee_sat: Option<u64>,
    created_at: String,
    expires_at: String,
    #[serde(default, deserialize_with = "present")]
    approvals: Option<Vec<ApprovalFile>>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct PaymentFile {
    address: String,
    amount_sat: u64,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    memo: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ApprovalFile {
    approver: String,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    sshsig: Option<String>,
}

/// Every field of an intent except `approvals`: exactly what an approval signs.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
struct Unsigned {
    version: u64,
    id: String,
    wallet: String,
    network: String,
    payments: Vec<PaymentFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_fee_sat: Option<u64>,
    created_at: String,
    expires_at: String,
}

/// One payment the approvers agreed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    address: Address,
    amount: Amount,
    memo: Option<String>,
}

impl Payment {
    /// Returns the destination address.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// Returns the script the payment must go to.
    pub fn script_pubkey(&self) -> ScriptBuf {
        self.address.script_pubkey()
    }

    /// Returns the amount.
    pub fn amount(&self) -> Amount {
        self.amount
    }

    /// Returns the memo, if any. It comes from the file: escape it before display.
    pub fn memo(&self) -> Option<&str> {
        self.memo.as_deref()
    }
}

/// A payment for [`Intent::new`]: what an approver types, before any rule is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    /// The destination address, as text; it must be an address of the intent's network.
    pub address: String,
    /// The amount; it must be more than zero and at most 21,000,000 BTC.
    pub amount: Amount,
    /// An optional note for the people who approve and sign.
    pub memo: Option<String>,
}

/// One approval as written: a name and a signature, neither checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    approver: String,
    proof: Proof,
}

/// What an approval holds: a hex Ed25519 signature, or an armored SSHSIG (SPEC 1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Proof {
    Hex(String),
    Sshsig(String),
}

impl Approval {
    /// Returns the approver name as written. It comes from the file: escape it before display.
    pub fn approver(&self) -> &str {
        &self.approver
    }

    /// Returns the hex signature's bytes; `None` for an SSHSIG approval, or when it is not
    /// 128 lowercase hex characters.
    pub fn signature(&self) -> Option<Signature> {
        match &self.proof {
            Proof::Hex(hex) => parse_lower_hex::<64>(hex).map(|b| Signature::from_bytes(&b)),
            Proof::Sshsig(_) => None,
        }
    }

    /// Returns the armored SSHSIG text of an `sshsig` approval; `None` for a hex one. It
    /// comes from the file: nothing in it is checked yet.
    pub fn sshsig(&self) -> Option<&str> {
        match &self.proof {
            Proof::Hex(_) => None,
            Proof::Sshsig(text) => Some(text),
        }
    }

    fn to_file(&self) -> ApprovalFile {
        let (signature, sshsig) = match &self.proof {
            Proof::Hex(hex) => (Some(hex.clone()), None),
            Proof::Sshsig(text) => (None, Some(text.clone())),
        };
        ApprovalFile { approver: self.approver.clone(), signature, sshsig }
    }
}

/// A well-formed intent. Whether it is approved is decided by the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    unsigned: Unsigned,
    network: Network,
    payments: Vec<Payment>,
    max_fee: Option<Amount>,
    created_at: Timestamp,
    expires_at: Timestamp,
    approvals: Vec<Approval>,
    message: Vec<u8>,
}

impl ReadError for IntentError {
    fn too_large(limit: usize) -> Self {
        IntentError::TooLarge { limit }
    }

    fn syntax(message: String) -> Self {
        IntentError::Json { message }
    }
}

fn field(field: impl Into<String>, problem: impl Into<String>) -> IntentError {
    IntentError::Field { field: field.into(), problem: problem.into() }
}

fn valid_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

fn money(name: &str, sat: u64) -> Result<Amount, IntentError> {
    crate::base::amount::money(sat).map_err(|problem| field(name, problem))
}

impl Intent {
    /// Parses an intent from the bytes of its JSON file.
    ///
    /// # Errors
    ///
    /// Returns [`IntentError`] naming the field at fault when the file is too large, is not
    /// UTF-8 JSON of the intent's shape (unknown, duplicate or `null` fields included), or
    /// breaks a rule of SPEC 1.2.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Intent, IntentError> {
        Intent::from_json(read::utf8_text(bytes)?)
    }

    /// Builds a new intent, without approvals, from its fields.
    ///
    /// The fields go through exactly the validation that parsing a file does (SPEC 1.2):
    /// an id of 1 to 128 characters of `[A-Za-z0-9._:-]`, at least one payment, addresses of
    /// `network`, amounts above zero and at most 21,000,000 BTC, and `expires_at` after
    /// `created_at`. Whether the intent fits a policy is checked elsewhere.
    ///
    /// # Errors
    ///
    /// Returns [`IntentError::Field`] naming the field at fault, as parsing would.
    pub fn new(
        id: &str,
        wallet: &str,
        network: Network,
        payments: Vec<PaymentDraft>,
        max_fee: Option<Amount>,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Intent, IntentError> {
        let file = IntentFile {
            version: 1,
            id: id.to_owned(),
            wallet: wallet.to_owned(),
            network: network_name(network).to_owned(),
            payments: payments
                .into_iter()
                .map(|p| PaymentFile {
                    address: p.address,
                    amount_sat: p.amount.to_sat(),
                    memo: p.memo,
                })
                .collect(),
            max_fee_sat: max_fee.map(Amount::to_sat),
            created_at: created_at.to_string(),
            expires_at: expires_at.to_string(),
            approvals: None,
        };
        Intent::try_from(file)
    }

    /// Parses an intent from JSON text.
    ///
    /// # Errors
    ///
    /// As [`Intent::from_json_bytes`].
    pub fn from_json(text: &str) -> Result<Intent, IntentError> {
        Intent::try_from(read::from_json::<IntentFile, IntentError>(text)?)
    }

    /// Returns the intent id.
    pub fn id(&self) -> &str {
        &self.unsigned.id
    }

    /// Returns the wallet name the intent is for.
    pub fn wallet(&self) -> &str {
        &self.unsigned.wallet
    }

    /// Returns the network the intent is for.
    pub fn network(&self) -> Network {
        self.network
    }

    /// Returns the payments, in the intent's order.
    pub fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// Returns the intent's own fee cap, if it sets one.
    pub fn max_fee(&self) -> Option<Amount> {
        self.max_fee
    }

    /// Returns when the intent was created.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// Returns when the intent expires.
    pub fn expires_at(&self) -> Timestamp {
        self.expires_at
    }

    /// Returns the approvals as written.
    pub fn approvals(&self) -> &[Approval] {
        &self.approvals
    }

    /// Returns the signed message: `intentguard/intent/v1\n` then RFC 8785 JCS of the intent
    /// without `approvals`.
    pub fn message(&self) -> &[u8] {
        &self.message
    }

    /// Returns the intent digest: SHA-256 of [`Intent::message`].
    pub fn digest(&self) -> [u8; 32] {
        sha256::Hash::hash(&self.message).to_byte_array()
    }

    /// Returns the intent digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        sha256::Hash::hash(&self.message).to_string()
    }

    /// Signs the intent's message with an approver's key, returning the lowercase hex
    /// signature to put in an approval.
    pub fn sign_hex(&self, key: &SigningKey) -> String {
        use ed25519_dalek::Signer;
        let signature = key.sign(&self.message).to_bytes();
        signature.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Adds an approval, or replaces the earlier approval by the same name where it stood;
    /// an intent never ends up with two approvals by one name.
    pub fn set_approval(&mut self, approver: &str, signature_hex: String) {
        self.set(Approval { approver: approver.to_owned(), proof: Proof::Hex(signature_hex) });
    }

    /// As [`Intent::set_approval`], with an armored SSHSIG (what `ssh-keygen -Y sign`
    /// writes) as the approval (SPEC 1.2).
    pub fn set_sshsig_approval(&mut self, approver: &str, armored: String) {
        self.set(Approval { approver: approver.to_owned(), proof: Proof::Sshsig(armored) });
    }

    fn set(&mut self, approval: Approval) {
        let approver = approval.approver.clone();
        match self.approvals.iter().position(|a| a.approver == approver) {
            Some(first) => {
                let mut n = 0usize;
                self.approvals.retain(|a| {
                    let keep = a.approver != approver || n == first;
                    n = n.saturating_add(1);
                    keep
                });
                if let Some(slot) = self.approvals.get_mut(first) {
                    *slot = approval;
                }
            }
            None => self.approvals.push(approval),
        }
    }

    /// Serialises the intent, approvals included, as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            unsigned: &'a Unsigned,
            approvals: Vec<ApprovalFile>,
        }
        let approvals = self.approvals.iter().map(Approval::to_file).collect();
        let out = Out { unsigned: &self.unsigned, approvals };
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string_pretty(&out).unwrap_or_default()
    }
}

impl TryFrom<IntentFile> for Intent {
    type Error = IntentError;

    fn try_from(file: IntentFile) -> Result<Intent, IntentError> {
        if file.version != 1 {
            return Err(field("version", format!("is {} but only version 1 exists", file.version)));
        }
        if !valid_id(&file.id) {
            return Err(field(
                "id",
                format!("{:?} is not 1 to 128 characters of [A-Za-z0-9._:-]", file.id),
            ));
        }
        let network = parse_network(&file.network).map_err(|p| field("network", p))?;
        if file.payments.is_empty() {
            return Err(field("payments", "lists no payment; an intent pays at least one"));
        }
        let mut payments = Vec::with_capacity(file.payments.len());
        for (i, p) in file.payments.iter().enumerate() {
            let address = parse_address(&p.address, network)
                .map_err(|e| field(format!("payments[{i}].address"), e))?;
            let amount = money(&format!("payments[{i}].amount_sat"), p.amount_sat)?;
            if amount == Amount::ZERO {
                return Err(field(format!("payments[{i}].amount_sat"), "must be greater than 0"));
            }
            payments.push(Payment { address, amount, memo: p.memo.clone() });
        }
        let max_fee = file.max_fee_sat.map(|v| money("max_fee_sat", v)).transpose()?;
        let created_at: Timestamp = file
            .created_at
            .parse()
            .map_err(|e: crate::base::time::TimestampError| field("created_at", e.to_string()))?;
        let expires_at: Timestamp = file
            .expires_at
            .parse()
            .map_err(|e: crate::base::time::TimestampError| field("expires_at", e.to_string()))?;
        if expires_at <= created_at {
            return Err(field(
                "expires_at",
                format!("{} is not after created_at {}", expires_at, created_at),
            ));
        }
        let approvals = file
            .approvals
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let proof = match (a.signature, a.sshsig) {
                    (Some(hex), None) => Proof::Hex(hex),
                    (None, Some(text)) => Proof::Sshsig(text),
                    _ => {
                        return Err(field(
                            format!("approvals[{i}]"),
                            "needs exactly one of signature (hex Ed25519) and sshsig (an armored SSH signature)",
                        ))
                    }
                };
                Ok(Approval { approver: a.approver, proof })
            })
            .collect::<Result<_, _>>()?;
        let unsigned = Unsigned {
            version: file.version,
            id: file.id,
            wallet: file.wallet,
            network: network_name(network).to_owned(),
            payments: file.payments,
            max_fee_sat: file.max_fee_sat,
            created_at: file.created_at,
            expires_at: file.expires_at,
        };
        let message = signed_message(&unsigned)?;
        Ok(Intent {
            unsigned,
            network,
            payments,
            max_fee,
            created_at,
            expires_at,
            approvals,
            message,
        })
    }
}

/// Builds the signed message of SPEC 1.2. The one place that does.
fn signed_message(unsigned: &Unsigned) -> Result<Vec<u8>, IntentError> {
    let jcs = serde_json_canonicalizer::to_vec(unsigned).map_err(|e| IntentError::Json {
        message: format!("cannot canonicalise the intent: {e}"),
    })?;
    let mut message = Vec::with_capacity(MESSAGE_PREFIX.len().saturating_add(jcs.len()));
    message.extend_from_slice(MESSAGE_PREFIX);
    message.extend_from_slice(&jcs);
    Ok(message)
}

#[cfg(test)]
mod tests;
