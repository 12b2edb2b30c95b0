//! The wallet policy (SPEC 1.1).
//!
//! Trusts: the policy file, which its owner signed off. It is still validated strictly:
//! unknown keys, a quorum out of range, a duplicate approver or a descriptor outside the
//! supported shapes are errors, so that a typo can never silently drop a limit.

use ed25519_dalek::VerifyingKey;
use miniscript::bitcoin::address::NetworkUnchecked;
use miniscript::bitcoin::{Address, Amount, Network, ScriptBuf};
use serde::Deserialize;

use crate::base::hex::parse_lower_hex;
pub use crate::base::network::network_name;
use crate::base::network::parse_network;
use crate::parse::read::{self, ReadError};
use crate::parse::sshsig::SshKey;
use crate::parse::wallet::Wallet;
use crate::parse::PolicyError;

/// Default for `limits.max_change_outputs`.
pub const DEFAULT_MAX_CHANGE_OUTPUTS: u32 = 1;
/// Default for `limits.max_change_index`.
pub const DEFAULT_MAX_CHANGE_INDEX: u32 = 100_000;
/// Default for `limits.max_intent_lifetime_s`: seven days.
pub const DEFAULT_MAX_INTENT_LIFETIME_S: u64 = 7 * 24 * 60 * 60;
/// Default for `limits.max_tx_weight`: Bitcoin Core's standardness limit, in weight units.
pub const DEFAULT_MAX_TX_WEIGHT: u64 = 400_000;
/// Highest `limits.max_tx_weight` a policy may set: the consensus limit (a whole block).
pub const MAX_TX_WEIGHT_CONSENSUS: u64 = 4_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: String,
    network: String,
    descriptor: String,
    approvals: ApprovalsFile,
    limits: LimitsFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalsFile {
    quorum: u64,
    approvers: Vec<ApproverFile>,
    require_user_verification: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApproverFile {
    name: String,
    key: Option<String>,
    ssh: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    max_fee_sat: u64,
    max_fee_rate_sat_vb: Option<u64>,
    max_change_outputs: Option<u32>,
    max_change_index: Option<u32>,
    require_prev_tx: Option<bool>,
    max_intent_lifetime_s: Option<u64>,
    max_total_sat: Option<u64>,
    allowed_destinations: Option<Vec<String>>,
    max_tx_weight: Option<u64>,
}

/// A person who may approve spending, with the Ed25519 key that signs their approvals: a
/// plain key (`key`, hex signatures) or an OpenSSH one (`ssh`, SSHSIG approvals), SPEC 1.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    name: String,
    key: VerifyingKey,
    ssh: Option<SshKey>,
}

impl Approver {
    /// Returns the approver's name as the policy writes it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the approver's Ed25519 public key (for an `ssh` approver, the key inside
    /// their OpenSSH key).
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Returns the approver's OpenSSH key, for an `ssh` approver; `None` for a `key` one.
    pub fn ssh(&self) -> Option<&SshKey> {
        self.ssh.as_ref()
    }
}

/// An address on the allowlist, kept with the script it pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedDestination {
    address: String,
    script: ScriptBuf,
}

impl AllowedDestination {
    /// Returns the address as written in the policy.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Returns the script the address pays.
    pub fn script(&self) -> &ScriptBuf {
        &self.script
    }
}

/// The limits of a policy, defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The policy's fee cap.
    pub max_fee: Amount,
    /// Cap on the estimated final fee rate, in sat/vB, when set.
    pub max_fee_rate_sat_vb: Option<u64>,
    /// Most change outputs a request may have.
    pub max_change_outputs: u32,
    /// Highest change derivation index accepted.
    pub max_change_index: u32,
    /// Whether every non-taproot input needs its full previous transaction.
    pub require_prev_tx: bool,
    /// Longest `expires_at - created_at` accepted, in seconds.
    pub max_intent_lifetime_s: u64,
    /// Cap on the sum of an intent's payments, when set.
    pub max_total: Option<Amount>,
    /// When set, every payment must go to one of these.
    pub allowed_destinations: Option<Vec<AllowedDestination>>,
    /// Heaviest estimated final transaction accepted, in weight units.
    pub max_tx_weight: u64,
}

/// A validated wallet policy: one multisig wallet and who may approve spending from it.
#[derive(Debug, Clone)]
pub struct Policy {
    name: String,
    network: Network,
    wallet: Wallet,
    quorum: usize,
    approvers: Vec<Approver>,
    require_user_verification: bool,
    limits: Limits,
}

impl Policy {
    /// Parses and validates a policy from the bytes of its TOML file.
    ///
    /// # Errors
    ///
    /// Returns [`PolicyError`] naming the field at fault when the file is too large, is not
    /// UTF-8 TOML of the policy's shape (unknown keys included), or breaks a rule of SPEC 1.1.
    pub fn from_toml_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        Policy::from_toml(read::utf8_text(bytes)?)
    }

    /// Parses and validates a policy from TOML text.
    ///
    /// # Errors
    ///
    /// As [`Policy::from_toml_bytes`].
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        Policy::try_from(read::from_toml::<PolicyFile, PolicyError>(text)?)
    }

    /// Returns the wallet name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the network.
    pub fn network(&self) -> Network {
        self.network
    }

    /// Returns the wallet: its descriptor, prepared for derivation.
    pub fn wallet(&self) -> &Wallet {
        &self.wallet
    }

    /// Returns the wallet digest (see [`Wallet::digest`]): the same for every text and every
    /// import route of this wallet on this network, so that two people can compare one line.
    pub fn wallet_digest(&self) -> String {
        self.wallet.digest(self.network)
    }

    /// Returns how many distinct approvers must approve.
    pub fn quorum(&self) -> usize {
        self.quorum
    }

    /// Whether every security-key approval must carry the FIDO2 user-verified flag (a PIN
    /// or biometric), `[approvals] require_user_verification` (default false). User
    /// presence (a touch) is always required.
    pub fn require_user_verification(&self) -> bool {
        self.require_user_verification
    }

    /// Returns the approvers, in the policy's order.
    pub fn approvers(&self) -> &[Approver] {
        &self.approvers
    }

    /// Returns the approver with this name.
    pub fn approver(&self, name: &str) -> Option<&Approver> {
        self.approvers.iter().find(|a| a.name == name)
    }

    /// Returns the limits, defaults filled in.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// Parses an address and requires it to be valid on `network`.
pub(crate) fn parse_address(s: &str, network: Network) -> Result<Address, String> {
    let unchecked: Address<NetworkUnchecked> =
        s.parse().map_err(|e| format!("{s:?} is not a Bitcoin address ({e})"))?;
    unchecked
        .require_network(network)
        .map_err(|_| format!("{s:?} is not an address on {}", network_name(network)))
}

impl ReadError for PolicyError {
    fn too_large(limit: usize) -> Self {
        PolicyError::TooLarge { limit }
    }

    fn syntax(message: String) -> Self {
        PolicyError::Toml { message }
    }
}

fn field(field: &str, problem: impl Into<String>) -> PolicyError {
    PolicyError::Field { field: field.to_owned(), problem: problem.into() }
}

/// Whether `name` may name a policy: 1 to 64 characters of `[a-z0-9._-]` (SPEC 1.1).
pub(crate) fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
}

/// Whether `name` may name an approver: 1 to 64 characters, none of them a control
/// character.
pub(crate) fn valid_approver_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 64 && !name.chars().any(char::is_control)
}

/// Parses 64 lowercase hex characters as a strong Ed25519 public key.
pub(crate) fn parse_ed25519_key(hex: &str) -> Result<VerifyingKey, String> {
    let bytes = parse_lower_hex::<32>(hex)
        .ok_or_else(|| format!("{hex:?} is not 64 lowercase hex characters"))?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| format!("{hex} is not a valid Ed25519 public key"))?;
    if key.is_weak() {
        return Err(format!("{hex} is a weak (small-order) Ed25519 key"));
    }
    Ok(key)
}

impl TryFrom<PolicyFile> for Policy {
    type Error = PolicyError;

    fn try_from(file: PolicyFile) -> Result<Policy, PolicyError> {
        if !valid_name(&file.name) {
            return Err(field(
                "name",
                format!("{:?} is not 1 to 64 characters of [a-z0-9._-]", file.name),
            ));
        }
        let network = parse_network(&file.network).map_err(|p| field("network", p))?;
        let wallet = Wallet::from_descriptor(&file.descriptor, network)?;

        let mut approvers: Vec<Approver> = Vec::with_capacity(file.approvals.approvers.len());
        for (i, a) in file.approvals.approvers.into_iter().enumerate() {
            let here = format!("approvals.approvers[{i}]");
            if !valid_approver_name(&a.name) {
                return Err(field(
                    &format!("{here}.name"),
                    "must be 1 to 64 characters without control characters",
                ));
            }
            let (key, ssh) = match (&a.key, &a.ssh) {
                (Some(key), None) => {
                    (parse_ed25519_key(key).map_err(|p| field(&format!("{here}.key"), p))?, None)
                }
                (None, Some(line)) => {
                    let ssh = SshKey::from_line(line).map_err(|p| field(&format!("{here}.ssh"), p))?;
                    (*ssh.key(), Some(ssh))
                }
                _ => {
                    return Err(field(
                        &here,
                        "needs exactly one of key (an Ed25519 public key in hex) and ssh (an OpenSSH public key line)",
                    ))
                }
            };
            let key_field = if ssh.is_some() { "ssh" } else { "key" };
            if approvers.iter().any(|b| b.name == a.name) {
                return Err(field(
                    &format!("{here}.name"),
                    format!("approver {:?} is listed twice", a.name),
                ));
            }
            if let Some(b) = approvers.iter().find(|b| b.key == key) {
                return Err(field(
                    &format!("{here}.{key_field}"),
                    format!("the key of {:?} is also the key of {:?}; each approver needs a key of their own", a.name, b.name),
                ));
            }
            approvers.push(Approver { name: a.name, key, ssh });
        }
        let quorum = usize::try_from(file.approvals.quorum).unwrap_or(usize::MAX);
        if quorum == 0 || quorum > approvers.len() {
            return Err(field(
                "approvals.quorum",
                format!(
                    "is {} but must be between 1 and the {} approvers listed",
                    file.approvals.quorum,
                    approvers.len()
                ),
            ));
        }

        let l = file.limits;
        let max_fee = money("limits.max_fee_sat", l.max_fee_sat)?;
        let max_total = l.max_total_sat.map(|v| money("limits.max_total_sat", v)).transpose()?;
        let max_change_index = l.max_change_index.unwrap_or(DEFAULT_MAX_CHANGE_INDEX);
        if max_change_index >= 1 << 31 {
            return Err(field(
                "limits.max_change_index",
                "must be below 2^31 (an unhardened index)",
            ));
        }
        let max_tx_weight = l.max_tx_weight.unwrap_or(DEFAULT_MAX_TX_WEIGHT);
        if !(1..=MAX_TX_WEIGHT_CONSENSUS).contains(&max_tx_weight) {
            return Err(field(
                "limits.max_tx_weight",
                format!(
                    "is {max_tx_weight} but must be between 1 and {MAX_TX_WEIGHT_CONSENSUS} weight units (the consensus limit); the default is {DEFAULT_MAX_TX_WEIGHT}, the standardness limit"
                ),
            ));
        }
        let allowed_destinations = match l.allowed_destinations {
            None => None,
            Some(list) => {
                let mut out = Vec::with_capacity(list.len());
                for (i, address) in list.into_iter().enumerate() {
                    let parsed = parse_address(&address, network)
                        .map_err(|p| field(&format!("limits.allowed_destinations[{i}]"), p))?;
                    out.push(AllowedDestination { script: parsed.script_pubkey(), address });
                }
                Some(out)
            }
        };
        let limits = Limits {
            max_fee,
            max_fee_rate_sat_vb: l.max_fee_rate_sat_vb,
            max_change_outputs: l.max_change_outputs.unwrap_or(DEFAULT_MAX_CHANGE_OUTPUTS),
            max_change_index,
            require_prev_tx: l.require_prev_tx.unwrap_or(true),
            max_intent_lifetime_s: l.max_intent_lifetime_s.unwrap_or(DEFAULT_MAX_INTENT_LIFETIME_S),
            max_total,
            allowed_destinations,
            max_tx_weight,
        };
        let require_user_verification = file.approvals.require_user_verification.unwrap_or(false);
        Ok(Policy {
            name: file.name,
            network,
            wallet,
            quorum,
            approvers,
            require_user_verification,
            limits,
        })
    }
}

fn money(name: &str, sat: u64) -> Result<Amount, PolicyError> {
    crate::base::amount::money(sat).map_err(|problem| field(name, problem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::sshsig::SshKey;

    const TREASURY: &str = include_str!("../../policies/treasury.toml");

    fn with(from: &str, to: &str) -> Result<Policy, PolicyError> {
        assert!(TREASURY.contains(from), "{from}");
        Policy::from_toml(&TREASURY.replacen(from, to, 1))
    }

    fn field_of(r: Result<Policy, PolicyError>) -> String {
        match r {
            Err(PolicyError::Field { field, .. }) => field,
            Err(PolicyError::Descriptor { .. }) => "descriptor".to_owned(),
            Err(PolicyError::Toml { message }) => format!("toml: {message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_example_policy_loads_with_defaults() {
        let p = Policy::from_toml(TREASURY).unwrap();
        assert_eq!(
            (p.name(), p.network(), p.quorum(), p.approvers().len()),
            ("treasury", Network::Bitcoin, 2, 3)
        );
        assert_eq!(p.wallet().threshold(), Some((2, 3)));
        let l = p.limits();
        assert_eq!(l.max_change_outputs, DEFAULT_MAX_CHANGE_OUTPUTS);
        assert_eq!(l.max_change_index, DEFAULT_MAX_CHANGE_INDEX);
        assert_eq!(l.max_intent_lifetime_s, DEFAULT_MAX_INTENT_LIFETIME_S);
        assert!(l.require_prev_tx);
        assert_eq!(l.max_total, None);
        assert_eq!(l.max_tx_weight, DEFAULT_MAX_TX_WEIGHT);
        let raised = with("max_fee_sat = 500000", "max_fee_sat = 500000\nmax_tx_weight = 4000000");
        assert_eq!(raised.unwrap().limits().max_tx_weight, MAX_TX_WEIGHT_CONSENSUS);
    }

    #[test]
    fn a_typo_in_a_limit_is_an_error_that_names_it() {
        let message = field_of(with("max_fee_rate_sat_vb", "max_fee_rate_sat_vbb"));
        assert!(message.contains("max_fee_rate_sat_vbb"), "{message}");
        let message = field_of(with("[limits]", "colour = \"red\"\n[limits]"));
        assert!(message.contains("colour"), "{message}");
    }

    /// The key `ssh-keygen -t ed25519` made for the SSHSIG fixtures of `checks::sshsig`.
    const SSH_BOB: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYSvVAZ7t4k0PUujXYMOdfTPrxjwmnYRr41jBjdFarM bob@laptop";
    const BOB_HEX: &str =
        "key = \"d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8\"";

    #[test]
    fn ssh_approvers_are_read_and_kept_distinct() {
        let p = with(BOB_HEX, &format!("ssh = \"{SSH_BOB}\"")).unwrap();
        let bob = p.approver("bob").unwrap();
        assert_eq!(bob.ssh().map(SshKey::type_name), Some("ssh-ed25519"));
        assert_eq!(bob.key(), bob.ssh().unwrap().key());
        assert!(!p.require_user_verification());
        let p = with("quorum = 2", "quorum = 2\nrequire_user_verification = true").unwrap();
        assert!(p.require_user_verification());
        // One Ed25519 key under `ssh` for one name and under `key` for another.
        let bob_key = SshKey::from_line(SSH_BOB).unwrap();
        let hex: String = bob_key.key().as_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let twice = TREASURY.replacen(BOB_HEX, &format!("ssh = \"{SSH_BOB}\""), 1).replacen(
            "c3ab6a42fc1c0b3ed449761e23da244727f0b48ed9966cbf6fe2d118a77bc762",
            &hex,
            1,
        );
        assert_eq!(field_of(Policy::from_toml(&twice)), "approvals.approvers[2].key");
        let both = format!("{BOB_HEX}, ssh = \"{SSH_BOB}\"");
        assert_eq!(field_of(with(BOB_HEX, &both)), "approvals.approvers[1]");
        let neither = with(&format!(", {BOB_HEX}"), "");
        assert_eq!(field_of(neither), "approvals.approvers[1]");
        let rsa = format!("ssh = \"{}\"", SSH_BOB.replace("ssh-ed25519 ", "ssh-rsa "));
        assert_eq!(field_of(with(BOB_HEX, &rsa)), "approvals.approvers[1].ssh");
    }

    #[test]
    fn invalid_fields_are_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("name = \"treasury\"", "name = \"Treasury\"", "name"),
            ("network = \"bitcoin\"", "network = \"mainnet\"", "network"),
            ("quorum = 2", "quorum = 0", "approvals.quorum"),
            ("quorum = 2", "quorum = 4", "approvals.quorum"),
            ("name = \"bob\"", "name = \"alice\"", "approvals.approvers[1].name"),
            (
                "d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8",
                "76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70",
                "approvals.approvers[1].key",
            ),
            (
                "d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8",
                "D76DFBBB1D0550A763BF3FC3067286D3340F1731D5F283D0471DF75F12250AC8",
                "approvals.approvers[1].key",
            ),
            (
                // The identity point: a small-order (weak) key.
                "d76dfbbb1d0550a763bf3fc3067286d3340f1731d5f283d0471df75f12250ac8",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "approvals.approvers[1].key",
            ),
            ("max_fee_sat = 500000", "max_fee_sat = 2100000000000001", "limits.max_fee_sat"),
            ("max_fee_sat = 500000", "max_fee_sat = 500000\nmax_change_index = 2147483648", "limits.max_change_index"),
            ("max_fee_sat = 500000", "max_fee_sat = 500000\nmax_tx_weight = 4000001", "limits.max_tx_weight"),
            ("max_fee_sat = 500000", "max_fee_sat = 500000\nmax_tx_weight = 0", "limits.max_tx_weight"),
            (
                "max_fee_sat = 500000",
                "max_fee_sat = 500000\nallowed_destinations = [\"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx\"]",
                "limits.allowed_destinations[0]",
            ),
        ];
        for (from, to, want) in cases {
            assert_eq!(field_of(with(from, to)), *want, "{to}");
        }
    }

    #[test]
    fn missing_required_fields_are_errors() {
        assert!(field_of(with("max_fee_sat = 500000\n", "")).contains("max_fee_sat"));
        assert!(field_of(with("quorum = 2\n", "")).contains("quorum"));
    }

    #[test]
    fn unsupported_or_broken_descriptors_are_refused() {
        let good = Policy::from_toml(TREASURY).unwrap().wallet().descriptor().to_string();
        let (body, checksum) = good.split_once('#').unwrap();
        let mut wrong_checksum = checksum.to_owned();
        wrong_checksum.replace_range(0..1, if checksum.starts_with('q') { "p" } else { "q" });
        let single_path = body.replacen("/<0;1>/*", "/0/*", 1);
        let three_paths = body.replacen("/<0;1>/*", "/<0;1;2>/*", 1);
        let swapped = body.replacen("/<0;1>/*", "/<1;0>/*", 1);
        let hardened = body.replacen("/<0;1>/*", "/<0;1>/*h", 1);
        let wpkh = body.split(',').nth(1).unwrap().to_owned();
        for bad in [
            format!("{body}#{wrong_checksum}"),
            single_path,
            three_paths,
            swapped,
            hardened,
            format!("wpkh({wpkh})"),
            body.replacen("xpub", "tpub", 1),
        ] {
            assert_eq!(field_of(with(&good, &bad)), "descriptor", "{bad}");
        }
        // Valid testnet keys in a bitcoin policy.
        let vault = include_str!("../../policies/vault-testnet.toml");
        let testnet = vault.split('"').nth(5).unwrap();
        assert!(testnet.starts_with("sh(wsh("), "{testnet}");
        match with(&good, testnet) {
            Err(PolicyError::Descriptor { problem }) => {
                assert!(problem.contains("network"), "{problem}")
            }
            other => panic!("{other:?}"),
        }
        // Without a checksum it loads.
        Policy::from_toml(&TREASURY.replacen(&good, body, 1)).unwrap();
    }
}
