//! Arguments of `intentguard inspect`.

use std::path::PathBuf;

use clap::Args;

use super::Format;

/// `intentguard inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Lists what a PSBT (version 0 or 2) contains: the transaction, each input's outpoint,
amount, sighash type, key origins, signatures and scripts, each output's address and
amount, the fee, and unknown and proprietary fields. Nothing is verified: signatures are
shown as present, never as valid, and a witness_utxo amount is a claim. To decide whether
to sign, use 'intentguard verify'.

Without --policy, addresses are shown for mainnet (bitcoin). With --policy, they are shown
for the policy's network, and each input and output says whether it is the wallet's and at
which (branch, index).

Exit codes: 0 listed, 2 the PSBT is malformed or a file cannot be read.")]
pub struct Inspect {
    /// Wallet policy (TOML): show which inputs and outputs are the wallet's, and addresses
    /// on its network.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Output: text for a person, json for a program.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// A previous transaction for inputs whose PSBT map lacks it (raw, or hex one per line):
    /// their amounts are then shown as proven. Repeatable.
    #[arg(long = "prev-tx", value_name = "FILE")]
    pub prev_tx: Vec<PathBuf>,

    /// The PSBT: a file (raw, hex or base64), or - for standard input.
    #[arg(value_name = "PSBT")]
    pub psbt: PathBuf,
}
