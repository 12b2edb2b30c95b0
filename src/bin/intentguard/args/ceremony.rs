//! Arguments of the ceremony commands: `keygen`, `intent new|sign|show`, `policy check`.
//! Amounts, durations, payments and times are parsed by the library (STYLE R28).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use intentguard::bitcoin::Amount;
use intentguard::ceremony::PayArg;
use intentguard::describe::MAX_ADDRESSES;
use intentguard::Timestamp;

use super::Format;

/// `intentguard keygen`.
#[derive(Debug, Args)]
#[command(after_help = "\
The key file is created with mode 0600 (readable by you only) and never overwritten. Its
format is three lines: 'intentguard-ed25519-secret-key v1', 'secret <seed hex>',
'public <public key hex>'. Keep it offline; anyone who reads it can approve as you.")]
pub struct Keygen {
    /// Where to write the new secret key; the file must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `intentguard intent ...`.
#[derive(Debug, Subcommand)]
pub enum IntentCommand {
    /// Create an unsigned intent: the payments a quorum of approvers will sign.
    New(IntentNew),
    /// Sign an intent as one approver (adds or replaces that approver's approval).
    Sign(IntentSign),
    /// Show an intent, its digest and, with --policy, what each approval is worth.
    Show(IntentShow),
    /// Write the exact bytes an approval signs to standard output (for any signing tool).
    Message(IntentMessage),
    /// Add an SSH approval made elsewhere (ssh-keygen -Y sign), checked before it is written.
    AddApproval(IntentAddApproval),
}

/// `intentguard intent message`.
#[derive(Debug, Args)]
#[command(after_help = "\
Any tool can make an SSH approval of these bytes:
  intentguard intent message i.json > m
  ssh-keygen -Y sign -n intentguard-intent-v1 -f KEY m     # writes m.sig
  intentguard intent add-approval --approver NAME --sshsig m.sig --policy p.toml i.json")]
pub struct IntentMessage {
    /// The intent (JSON), or - for standard input.
    #[arg(value_name = "INTENT")]
    pub intent: PathBuf,
}

/// `intentguard intent add-approval`.
#[derive(Debug, Args)]
#[command(after_help = "\
The approval is checked against the policy before anything is written: a wrong key, name or
namespace, or an expired intent, is exit 2 and nothing is written.")]
pub struct IntentAddApproval {
    /// The approver name, as the policy writes it.
    #[arg(long, value_name = "NAME")]
    pub approver: String,

    /// The armored SSH signature (what ssh-keygen -Y sign wrote) of 'intent message'.
    #[arg(long, value_name = "FILE")]
    pub sshsig: PathBuf,

    /// Wallet policy (TOML): the approval must verify with NAME's ssh key.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,

    /// The signing time, where to write, and the intent.
    #[command(flatten)]
    pub target: SignedIntent,
}

/// `intentguard intent new`.
#[derive(Debug, Args)]
#[command(after_help = "\
AMOUNT needs its unit: 125000sat, 0.00125btc or '0.00125 BTC' (at most 8 decimals). A bare
number is refused: no guessing units with money. DURATION is a whole number and one unit:
90s, 30m, 12h, 7d.

Refused (exit 2, nothing written): an address of another network or off the policy's
allowed destinations, a lifetime over the policy's max_intent_lifetime_s, payments over
its max_total_sat.")]
pub struct IntentNew {
    /// Wallet policy (TOML): the intent is for its wallet and network.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,

    /// The intent's id: 1 to 128 characters of A-Z a-z 0-9 . _ : -
    #[arg(long)]
    pub id: String,

    /// A payment: ADDRESS=AMOUNT. Repeat for more payments; each is one output.
    #[arg(
        long = "pay",
        value_name = "ADDRESS=AMOUNT",
        required = true,
        value_parser = intentguard::ceremony::parse_pay
    )]
    pub pay: Vec<PayArg>,

    /// How long the intent stays valid, from now (such as 30m, 12h or 7d).
    #[arg(long, value_name = "DURATION", value_parser = intentguard::duration::parse_duration)]
    pub expires_in: Duration,

    /// The intent's own fee cap; the stricter of it and the policy's applies.
    #[arg(long, value_name = "AMOUNT", value_parser = intentguard::amount::parse_amount)]
    pub max_fee: Option<Amount>,

    /// The creation time, exactly YYYY-MM-DDTHH:MM:SSZ [default: the system clock].
    #[arg(long, value_name = "RFC3339", value_parser = intentguard::time::parse_rfc3339)]
    pub now: Option<Timestamp>,

    /// Where to write the intent (atomically) [default: standard output].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `intentguard intent sign`.
#[derive(Debug, Args)]
#[command(after_help = "\
Read the intent with 'intentguard intent show' before you sign it. An expired intent is
refused. With --policy, the key must be NAME's key in the policy and the intent must be for
the policy's wallet. The key file must be readable by you only (chmod 600 FILE).")]
pub struct IntentSign {
    /// Your secret key file, made by 'intentguard keygen'.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "ssh_key",
        conflicts_with = "ssh_key"
    )]
    pub key: Option<PathBuf>,

    /// Your OpenSSH key (a private key file, or the .pub of a key in ssh-agent or on a FIDO2
    /// security key): runs 'ssh-keygen -Y sign' from PATH; needs --policy.
    #[arg(long = "ssh-key", value_name = "FILE", requires = "policy")]
    pub ssh_key: Option<PathBuf>,

    /// Your approver name, as the policy writes it.
    #[arg(long, value_name = "NAME")]
    pub approver: String,

    /// Wallet policy (TOML): checks that the key is NAME's and the intent is its wallet's.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// The signing time, where to write, and the intent.
    #[command(flatten)]
    pub target: SignedIntent,
}

/// What `intent sign` and `intent add-approval` share: the time, the output and the intent.
#[derive(Debug, Args)]
pub struct SignedIntent {
    /// The signing time (the intent must not have expired), exactly YYYY-MM-DDTHH:MM:SSZ [default: the system clock].
    #[arg(long, value_name = "RFC3339", value_parser = intentguard::time::parse_rfc3339)]
    pub now: Option<Timestamp>,

    /// Where to write the signed intent (atomically; it may be INTENT itself) [default:
    /// standard output].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The intent (JSON), or - for standard input.
    #[arg(value_name = "INTENT")]
    pub intent: PathBuf,
}

/// `intentguard intent show`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 well-formed (with --policy: quorum met and every signature valid), 1 with
--policy when the quorum is not met or a signature does not verify, 2 when the intent or
the policy cannot be read.")]
pub struct IntentShow {
    /// Wallet policy (TOML): verify each approval and the quorum.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// The time to show the validity window against, exactly YYYY-MM-DDTHH:MM:SSZ
    /// [default: the system clock].
    #[arg(long, value_name = "RFC3339", value_parser = intentguard::time::parse_rfc3339)]
    pub now: Option<Timestamp>,

    /// The intent (JSON), or - for standard input.
    #[arg(value_name = "INTENT")]
    pub intent: PathBuf,
}

/// `intentguard policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy and show what a ceremony compares with hardware wallets.
    Check(PolicyCheck),
    /// Turn a wallet file another tool exported into a policy's name, network and descriptor.
    Import(PolicyImport),
}

/// `intentguard policy import`.
#[derive(Debug, Args)]
#[command(after_help = "\
Reads, detected from the content: a descriptor (one line with /<0;1>/* or /** keys, or a
receive /0/* and a change /1/* line), Bitcoin Core's listdescriptors output, a BIP-129
(BSMS 1.0) record, a BIP-388 wallet policy (JSON), Coldcard's multisig setup file, a
Caravan wallet configuration, or a Specter/Sparrow JSON export with a descriptor.

As text, prints a policy whose [approvals] and [limits] are left for the owner to fill in:
it does not load until they are. Compare its first addresses (intentguard policy check)
with every signing device before use.

Exit codes: 0 imported, 2 the file cannot be made into a policy (POLICY_INVALID).")]
pub struct PolicyImport {
    /// The policy's name, [a-z0-9._-]{1,64} [default: the wallet's name in the file].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Output: a policy skeleton (text) or one JSON object (json).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The wallet file.
    #[arg(value_name = "WALLET_FILE")]
    pub file: PathBuf,
}

/// `intentguard policy check`.
#[derive(Debug, Args)]
pub struct PolicyCheck {
    /// How many receive and change addresses to show, from index 0.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_ADDRESSES))
    )]
    pub addresses: u32,

    /// The policy (TOML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}
