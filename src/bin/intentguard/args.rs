//! The command line's shape (clap derive). Values with domain meaning are parsed by library
//! functions used as value parsers, so the binary holds no rules of its own (STYLE R28).

use std::ffi::{OsStr, OsString};
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use intentguard::Timestamp;

mod ceremony;
mod inspect;

pub use self::ceremony::{
    IntentAddApproval, IntentCommand, IntentMessage, IntentNew, IntentShow, IntentSign, Keygen,
    PolicyCheck, PolicyCommand, PolicyImport,
};
pub use self::inspect::Inspect;

/// Stops a tampered Bitcoin multisig signing request before anyone signs it.
#[derive(Debug, Parser)]
#[command(name = "intentguard", version, about, arg_required_else_help = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that a signing request (PSBT) does exactly what a signed intent says.
    Verify(Verify),
    /// List what a PSBT contains (verifies nothing); with --policy, what is the wallet's.
    Inspect(Inspect),
    /// Create an approver's Ed25519 key: writes the secret key file, prints the public key.
    Keygen(Keygen),
    /// Create, sign and show intents: the payments approvers agree to.
    #[command(subcommand)]
    Intent(IntentCommand),
    /// Check a wallet policy and show what a ceremony compares.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Verify over HTTP: POST /v1/verify for backends in any language (SPEC 3).
    Serve(Serve),
}

/// `intentguard serve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Calls: POST /v1/verify with {\"policy\", \"intent\", \"psbt\" (base64), \"prev_txs\",
\"now\"} answers 200 with the report of `verify --format json`; also GET /healthz,
/readyz and /metrics. A failed start prints {\"error\": ...} on standard output and
exits 2; SIGTERM or SIGINT stops the service after the calls in progress (exit 0).

TLS is not served: put a TLS-terminating proxy in front of the service. The ledger is
chosen as for verify (--ledger, INTENTGUARD_LEDGER, else the default file).")]
pub struct Serve {
    /// Directory of wallet policies (*.toml), loaded once at start; calls name one.
    #[arg(long, value_name = "DIR")]
    pub policies: PathBuf,

    /// Address to listen on, such as 127.0.0.1:8080 (port 0: any free port).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: SocketAddr,

    /// Replay ledger: the path of an SQLite file, created when missing, or a postgres:// URL
    /// that every replica shares.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "no_ledger")]
    pub ledger: Option<OsString>,

    /// Serve without a replay ledger: an intent can then be reused for another transaction.
    #[arg(long)]
    pub no_ledger: bool,

    /// Bearer tokens, one per line (at least 32 characters; # comments): every call but
    /// /healthz and /readyz must carry one. Required to listen beyond loopback.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Calls verified at once; more are answered 503 OVERLOADED, never queued.
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub max_concurrent: u32,

    /// Seconds a call may take, from its headers to its answer (then 503 OVERLOADED).
    #[arg(long, value_name = "S", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub request_timeout: u64,

    /// Let a call set the time with "now" (for tests); without it such a call is refused.
    #[arg(long)]
    pub allow_request_now: bool,
}

/// `intentguard verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 approved, 1 rejected, 2 could not verify. Anything but 0 means: do not sign.

Ledger: without --ledger or --no-ledger, the path or URL in INTENTGUARD_LEDGER is used if
set, else ledger.sqlite3 in the user's data directory (on Linux
~/.local/share/intentguard/ledger.sqlite3). A postgres:// URL names a PostgreSQL ledger
that several machines share; prefer INTENTGUARD_LEDGER for a URL with a password.")]
pub struct Verify {
    /// Wallet policy (TOML): the multisig wallet, its approvers and its limits.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,

    /// Intent (JSON): the payments the approvers signed.
    #[arg(long, value_name = "FILE")]
    pub intent: PathBuf,

    /// Time to check the intent's validity at, exactly YYYY-MM-DDTHH:MM:SSZ [default: the
    /// system clock].
    #[arg(long, value_name = "RFC3339", value_parser = intentguard::time::parse_rfc3339)]
    pub now: Option<Timestamp>,

    /// Output: text for a person, json for a program.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Replay ledger: the path of an SQLite file, created when missing, or a postgres:// URL.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "no_ledger")]
    pub ledger: Option<OsString>,

    /// Verify without a replay ledger: an intent can then be reused for another transaction.
    #[arg(long)]
    pub no_ledger: bool,

    /// A previous transaction for inputs whose PSBT map lacks it (raw, or hex one per line),
    /// e.g. from `bitcoin-cli getrawtransaction TXID`. Repeatable.
    #[arg(long = "prev-tx", value_name = "FILE")]
    pub prev_tx: Vec<PathBuf>,

    /// Threads to check the inputs on [default: every core the process may use]. The report
    /// is the same on any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// The signing request: a PSBT file (raw, hex or base64), or - for standard input.
    #[arg(value_name = "PSBT")]
    pub psbt: PathBuf,
}

/// How results and errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a person at a signing ceremony.
    Text,
    /// One JSON object on standard output (SPEC 4).
    Json,
}

/// Returns `true` when the raw arguments ask for JSON output (`--format json` or
/// `--format=json`), for reporting errors that clap found before it produced a [`Cli`].
pub fn json_requested(raw: &[OsString]) -> bool {
    let mut args = raw.iter().skip(1).map(OsString::as_os_str);
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--format=json" || (arg == "--format" && args.next() == Some(OsStr::new("json")))
        {
            return true;
        }
    }
    false
}

/// Returns `true` when the raw arguments run `serve`, whose errors are always JSON (SPEC 3).
pub fn serve_requested(raw: &[OsString]) -> bool {
    raw.get(1).is_some_and(|command| command == "serve")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// `ig verify --policy p --intent i`, then `rest`.
    fn verify_args(rest: &[&str]) -> Vec<OsString> {
        raw(&[&["ig", "verify", "--policy", "p", "--intent", "i"], rest].concat())
    }

    #[test]
    fn json_is_found_in_either_spelling() {
        assert!(json_requested(&raw(&["ig", "verify", "--format", "json", "x"])));
        assert!(json_requested(&raw(&["ig", "verify", "--format=json"])));
        assert!(!json_requested(&raw(&["ig", "verify", "--format", "text", "json"])));
        assert!(!json_requested(&raw(&["ig", "verify", "--", "--format=json"])));
        assert!(!json_requested(&raw(&["ig", "verify", "--format"])));
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn ledger_and_no_ledger_conflict() {
        let err =
            Cli::try_parse_from(verify_args(&["--ledger", "l", "--no-ledger", "x"])).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn now_is_parsed_by_the_library() {
        let cli =
            Cli::try_parse_from(verify_args(&["--now", "2024-05-31T13:00:00Z", "-"])).unwrap();
        let Command::Verify(v) = cli.command else { panic!("not verify") };
        assert_eq!(v.now, Some(Timestamp::from_unix(1_717_160_400)));
        assert_eq!(v.psbt, PathBuf::from("-"));
        assert_eq!(v.format, Format::Text);

        let err = Cli::try_parse_from(verify_args(&["--now", "2024-05-31T13:00:00+00:00", "-"]))
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }
}
