//! How a run ends: the exit code (in one place, STYLE R29) and what is printed when
//! verification could not run.

use std::io::{self, Write};
use std::process::ExitCode;

use intentguard::text::display_safe;
use intentguard::ErrorCode;

use crate::args::Format;

/// How a run ended. Anything but [`Outcome::Approved`] and [`Outcome::Done`] means: do not
/// sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The request does exactly what the intent says (exit code 0).
    Approved,
    /// Verification ran and found at least one error (exit code 1).
    Rejected,
    /// Verification could not run, or its result could not be written (exit code 2).
    CouldNotVerify,
    /// Help or the version was printed, or a command other than `verify` did its work
    /// (exit code 0).
    Done,
    /// `intent show --policy`: the intent is well-formed, but its quorum is not met or a
    /// signature does not verify (exit code 1).
    NotApproved,
    /// A command other than `verify` could not do its work, or its result could not be
    /// written; nothing was written to an `--out` file (exit code 2).
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Approved | Outcome::Done => 0,
            Outcome::Rejected | Outcome::NotApproved => 1,
            Outcome::CouldNotVerify | Outcome::Failed => 2,
        })
    }
}

/// Why verification could not run: an `error.code` of SPEC 5, what is wrong and where, and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    code: ErrorCode,
    message: String,
    advice: Option<String>,
}

impl Failure {
    /// A usage error (`USAGE`).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { code: ErrorCode::Usage, message: message.into(), advice: None }
    }

    /// A file that cannot be read (`IO`).
    pub fn io(message: impl Into<String>) -> Failure {
        Failure { code: ErrorCode::Io, message: message.into(), advice: None }
    }

    /// A policy that cannot be used (`POLICY_INVALID`).
    pub fn policy(message: impl Into<String>) -> Failure {
        Failure { code: ErrorCode::PolicyInvalid, message: message.into(), advice: None }
    }

    /// A ledger that cannot be used (`LEDGER`).
    pub fn ledger(message: impl Into<String>) -> Failure {
        Failure { code: ErrorCode::Ledger, message: message.into(), advice: None }
    }

    /// A library error; `source` names the file it is about, if any.
    pub fn library(source: Option<&str>, error: &intentguard::Error) -> Failure {
        let message = match source {
            Some(source) => format!("{source}: {error:#}"),
            None => format!("{error:#}"),
        };
        let advice = match error {
            intentguard::Error::Policy(_) => {
                "fix the policy file, or ask its owner for a corrected one"
            }
            intentguard::Error::Intent(_) => {
                "get the intent file again from the approvers; an edited intent cannot be repaired"
            }
            intentguard::Error::Request(_) => {
                "ask the coordinator for the signing request again (a PSBT as raw bytes, hex or base64)"
            }
            intentguard::Error::Ledger(_) => {
                "check the ledger file, or choose another one with --ledger PATH"
            }
            _ => "do not sign until intentguard can verify the request",
        };
        Failure { code: error.code(), message, advice: Some(advice.to_owned()) }
    }

    /// Adds what the person should do about it.
    pub fn advise(mut self, advice: impl Into<String>) -> Failure {
        self.advice = Some(advice.into());
        self
    }

    /// Returns the SPEC 5 `error.code`.
    #[cfg(test)]
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Returns the message, without the advice.
    #[cfg(test)]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The message and the advice, as one sentence for the JSON object.
    fn full_message(&self) -> String {
        match &self.advice {
            Some(advice) => format!("{}; {advice}", self.message),
            None => self.message.clone(),
        }
    }

    /// Prints the failure: one JSON object on standard output, or diagnostics on standard
    /// error. Always returns [`Outcome::CouldNotVerify`].
    pub fn emit(&self, format: Format) -> Outcome {
        match format {
            Format::Json => {
                let _ = print_json_error(self.code.as_str(), &self.full_message());
            }
            Format::Text => {
                let mut text = format!("error: {}\n", display_safe(&self.message));
                if let Some(advice) = &self.advice {
                    text.push_str(&format!("hint: {}\n", display_safe(advice)));
                }
                text.push_str("intentguard could not verify the request: do not sign\n");
                let _ = io::stderr().lock().write_all(text.as_bytes());
            }
        }
        Outcome::CouldNotVerify
    }

    /// Prints the failure of a command that verifies no request (`keygen`, `intent`,
    /// `policy`): the message and the advice on standard error. Always returns
    /// [`Outcome::Failed`].
    pub fn emit_plain(&self) -> Outcome {
        let mut text = format!("error: {}\n", display_safe(&self.message));
        if let Some(advice) = &self.advice {
            text.push_str(&format!("hint: {}\n", display_safe(advice)));
        }
        write_stderr(&text);
        Outcome::Failed
    }
}

/// Writes `text` to standard output and flushes it.
///
/// # Errors
///
/// Returns the error of the write or flush (a closed pipe included).
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `text` to standard error, ignoring failure: there is nowhere left to report it.
pub fn write_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Prints `{"error":{"code":…,"message":…}}` on standard output.
fn print_json_error(code: &str, message: &str) -> io::Result<()> {
    let value = serde_json::json!({ "error": { "code": code, "message": message } });
    let mut text = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
    text.push('\n');
    write_stdout(&text)
}

/// Ends a run on which clap refused the arguments or printed help or the version.
pub fn clap_error(error: &clap::Error, format: Format) -> Outcome {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match error.print() {
            Ok(()) => Outcome::Done,
            Err(_) => Outcome::CouldNotVerify,
        },
        _ => {
            match format {
                Format::Json => {
                    let _ = print_json_error(ErrorCode::Usage.as_str(), &usage_message(error));
                }
                Format::Text => {
                    let _ = error.print();
                }
            }
            Outcome::CouldNotVerify
        }
    }
}

/// clap's message without its `error: ` prefix and styling, for the JSON object.
fn usage_message(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let trimmed = rendered.trim();
    trimmed.strip_prefix("error: ").unwrap_or(trimmed).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_spec_ones() {
        assert_eq!(ExitCode::from(Outcome::Approved), ExitCode::from(0));
        assert_eq!(ExitCode::from(Outcome::Done), ExitCode::from(0));
        assert_eq!(ExitCode::from(Outcome::Rejected), ExitCode::from(1));
        assert_eq!(ExitCode::from(Outcome::CouldNotVerify), ExitCode::from(2));
        assert_eq!(ExitCode::from(Outcome::NotApproved), ExitCode::from(1));
        assert_eq!(ExitCode::from(Outcome::Failed), ExitCode::from(2));
    }

    #[test]
    fn library_errors_keep_their_code_and_name_the_file() {
        let error = intentguard::Error::from(intentguard::PolicyError::Toml {
            message: "unknown field `max_fe_sat`".to_owned(),
        });
        let failure = Failure::library(Some("p.toml"), &error);
        assert_eq!(failure.code(), ErrorCode::PolicyInvalid);
        assert_eq!(
            failure.message(),
            "p.toml: the policy is not valid TOML of the policy's shape: unknown field `max_fe_sat`"
        );
        assert!(failure.full_message().ends_with("ask its owner for a corrected one"));
    }
}
