//! Choosing and opening the replay ledger (SPEC 3): `--no-ledger`, `--ledger PATH|URL`,
//! the `INTENTGUARD_LEDGER` environment variable, or an SQLite file in the user's data
//! directory. A `postgres://` or `postgresql://` URL names a shared PostgreSQL ledger
//! (docs/ledger.md).
//!
//! A ledger value may be a URL holding a password, so no message ever repeats a URL: the
//! library names the database without its password.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use intentguard::bitcoin::Txid;
use intentguard::ledger::{Ledger, LedgerError, PostgresLedger, PostgresOptions, SqliteLedger};

use crate::outcome::Failure;

/// The environment variable naming the ledger when no flag does.
pub const ENV: &str = "INTENTGUARD_LEDGER";

/// Which ledger a verification uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// No ledger: no replay protection.
    None,
    /// An SQLite file.
    Sqlite {
        /// The file.
        path: PathBuf,
        /// Whether it is the default file, whose directory is created when missing.
        default: bool,
    },
    /// A PostgreSQL database.
    Postgres {
        /// Its URL, which may hold a password.
        url: SecretUrl,
    },
}

/// A URL that may hold a password: its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// Returns the URL, password included, for the library to connect with.
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretUrl(..)")
    }
}

/// Chooses the ledger from the flags, the value of [`ENV`] and the user's data directory,
/// in that order of precedence.
///
/// # Errors
///
/// Returns a `LEDGER` [`Failure`] for a URL of another scheme than PostgreSQL's and when
/// there is no data directory for the default file, and a `USAGE` one for an empty
/// `--ledger` or `:memory:`.
pub fn choose(
    flag: Option<&OsStr>,
    no_ledger: bool,
    env: Option<OsString>,
    data_dir: Option<PathBuf>,
) -> Result<Choice, Failure> {
    if no_ledger {
        return Ok(Choice::None);
    }
    if let Some(value) = flag {
        return explicit(value, "--ledger");
    }
    if let Some(value) = env.filter(|v| !v.is_empty()) {
        return explicit(&value, ENV);
    }
    let Some(dir) = data_dir else {
        return Err(Failure::ledger(
            "the user's data directory is unknown, so there is no default ledger file",
        )
        .advise(format!("choose one with --ledger PATH or {ENV}")));
    };
    Ok(Choice::Sqlite { path: dir.join("intentguard").join("ledger.sqlite3"), default: true })
}

/// Chooses the ledger as [`choose`] does, from the flags, this process's [`ENV`] and the
/// user's data directory.
///
/// # Errors
///
/// As [`choose`].
pub fn choose_here(flag: Option<&OsStr>, no_ledger: bool) -> Result<Choice, Failure> {
    choose(flag, no_ledger, std::env::var_os(ENV), dirs::data_dir())
}

fn explicit(value: &OsStr, origin: &str) -> Result<Choice, Failure> {
    if value.is_empty() {
        return Err(Failure::usage(format!("{origin} is empty"))
            .advise("give the path of an SQLite ledger file, or pass --no-ledger"));
    }
    if value == ":memory:" {
        return Err(Failure::usage(format!(
            "{origin} is :memory:, a ledger that would forget every intent when intentguard exits"
        ))
        .advise("give the path of an SQLite ledger file, or pass --no-ledger"));
    }
    if let Some((text, scheme)) = value.to_str().and_then(|t| Some((t, url_scheme(t)?))) {
        if scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql") {
            return Ok(Choice::Postgres { url: SecretUrl(text.to_owned()) });
        }
        return Err(Failure::ledger(format!(
            "{origin} is a {scheme}:// URL; intentguard ledgers are SQLite files or PostgreSQL databases"
        ))
        .advise(format!(
            "give the path of an SQLite ledger file or a postgres:// URL with --ledger (or in {ENV})"
        )));
    }
    Ok(Choice::Sqlite { path: PathBuf::from(value), default: false })
}

/// Returns the scheme of a `scheme://…` URL: a letter, then letters, digits, `+`, `-`, `.`.
fn url_scheme(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Opens the chosen ledger, creating the default file's directory when missing.
///
/// A PostgreSQL ledger is only prepared here: it connects when the verification checks and
/// binds, under one deadline for both (the library's default, 10 s), on one connection.
///
/// # Errors
///
/// Returns a `LEDGER` [`Failure`] when the directory or the file cannot be created or
/// opened, the file is not an intentguard ledger, or the URL does not parse.
pub fn open(choice: &Choice) -> Result<Option<Box<dyn Ledger>>, Failure> {
    Ok(open_store(choice, 1)?.map(|store| match store {
        Store::Sqlite(l) => Box::new(l) as Box<dyn Ledger>,
        Store::Postgres(l) => l,
    }))
}

/// A ledger that the service's calls share between threads.
pub type Shared = Arc<dyn Ledger + Send + Sync>;

/// Opens the chosen ledger as [`open`] does, for many calls at once: a PostgreSQL ledger
/// keeps up to `max_connections` connections, and an SQLite file is used by one call at a
/// time (its connection is not shared between threads; the file's own lock orders the
/// processes). Returns the ledger and its name for the log, without a password.
///
/// # Errors
///
/// As [`open`].
pub fn open_shared(
    choice: &Choice,
    max_connections: usize,
) -> Result<Option<(Shared, String)>, Failure> {
    Ok(open_store(choice, max_connections)?.map(|store| match store {
        Store::Sqlite(l) => {
            let name = format!("sqlite {}", l.path().display());
            (Arc::new(OneAtATime(Mutex::new(l))) as Shared, name)
        }
        Store::Postgres(l) => {
            let name = l.target().to_owned();
            (Arc::new(*l) as Shared, name)
        }
    }))
}

enum Store {
    Sqlite(SqliteLedger),
    Postgres(Box<PostgresLedger>),
}

fn open_store(choice: &Choice, max_connections: usize) -> Result<Option<Store>, Failure> {
    let (path, default) = match choice {
        Choice::None => return Ok(None),
        Choice::Postgres { url } => {
            let options = PostgresOptions::default().with_max_connections(max_connections);
            return PostgresLedger::with_options(url.expose(), options)
                .map(|l| Some(Store::Postgres(Box::new(l))))
                .map_err(|e| {
                    Failure::library(None, &intentguard::Error::from(e)).advise(advice(choice))
                });
        }
        Choice::Sqlite { path, default } => (path, default),
    };
    if *default {
        if let Some(dir) = path.parent() {
            create_private_dir(dir).map_err(|e| {
                Failure::ledger(format!(
                    "cannot create the ledger directory {}: {e}",
                    dir.display()
                ))
                .advise(format!("create it, or choose a ledger with --ledger PATH or {ENV}"))
            })?;
        }
    }
    SqliteLedger::open(path)
        .map(|l| Some(Store::Sqlite(l)))
        .map_err(|e| Failure::library(None, &intentguard::Error::from(e)).advise(advice(choice)))
}

/// An SQLite ledger behind a lock, so that threads can share its one connection.
struct OneAtATime(Mutex<SqliteLedger>);

impl OneAtATime {
    fn lock(&self) -> intentguard::ledger::Result<MutexGuard<'_, SqliteLedger>> {
        self.0.lock().map_err(|_| LedgerError::new("the ledger's lock is poisoned"))
    }
}

impl Ledger for OneAtATime {
    fn bound(&self, wallet: &str, intent_id: &str) -> intentguard::ledger::Result<Option<Txid>> {
        self.lock()?.bound(wallet, intent_id)
    }

    fn bind(
        &self,
        wallet: &str,
        intent_id: &str,
        digest: &str,
        txid: Txid,
    ) -> intentguard::ledger::Result<Txid> {
        self.lock()?.bind(wallet, intent_id, digest, txid)
    }
}

/// What to do when the chosen ledger fails.
pub fn advice(choice: &Choice) -> String {
    match choice {
        Choice::Sqlite { path, .. } => format!(
            "check that {} is an intentguard ledger you may write, or choose another with --ledger PATH",
            path.display()
        ),
        Choice::Postgres { .. } => "check that the PostgreSQL server is up and answers, and that \
            the URL, its password and the role's rights are right; do not sign until the \
            ledger can be used"
            .to_owned(),
        Choice::None => "verify again when the ledger can be used".to_owned(),
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(path: &str, default: bool) -> Choice {
        Choice::Sqlite { path: PathBuf::from(path), default }
    }

    #[test]
    fn precedence_is_no_ledger_flag_env_default() {
        let env = || Some(OsString::from("/env/l.sqlite3"));
        let data = || Some(PathBuf::from("/data"));
        let flag = Some(OsStr::new("/flag/l.sqlite3"));
        assert_eq!(choose(None, true, env(), data()), Ok(Choice::None));
        assert_eq!(choose(flag, false, env(), data()), Ok(sqlite("/flag/l.sqlite3", false)));
        assert_eq!(choose(None, false, env(), data()), Ok(sqlite("/env/l.sqlite3", false)));
        assert_eq!(
            choose(None, false, Some(OsString::new()), data()),
            Ok(sqlite("/data/intentguard/ledger.sqlite3", true))
        );
        assert_eq!(
            choose(None, false, None, data()),
            Ok(sqlite("/data/intentguard/ledger.sqlite3", true))
        );
        assert_eq!(
            choose(None, false, None, None).unwrap_err().code(),
            intentguard::ErrorCode::Ledger
        );
    }

    fn postgres(url: &str) -> Choice {
        Choice::Postgres { url: SecretUrl(url.to_owned()) }
    }

    #[test]
    fn postgres_urls_choose_postgres_from_the_flag_and_the_environment() {
        for url in [
            "postgres://user:secret@host/db",
            "postgresql://user:secret@host/db",
            "PostgreSQL://user:secret@host/db",
        ] {
            let data = || Some(PathBuf::from("/data"));
            assert_eq!(choose(Some(OsStr::new(url)), false, None, data()), Ok(postgres(url)));
            assert_eq!(choose(None, false, Some(OsString::from(url)), data()), Ok(postgres(url)));
            // The flag wins over the environment, and --no-ledger over both.
            let env = Some(OsString::from("/env/l.sqlite3"));
            assert_eq!(choose(Some(OsStr::new(url)), false, env, data()), Ok(postgres(url)));
            assert_eq!(
                choose(Some(OsStr::new(url)), true, Some(OsString::from(url)), data()),
                Ok(Choice::None)
            );
        }
    }

    #[test]
    fn a_postgres_choice_does_not_show_its_password() {
        let choice = postgres("postgres://user:secret@host/db");
        assert!(!format!("{choice:?}").contains("secret"));
        assert!(!advice(&choice).contains("secret"));
    }

    #[test]
    fn a_postgres_url_that_does_not_parse_is_ledger_without_the_password() {
        let choice = postgres("postgres://user:secret@host:port/db");
        let failure = open(&choice).err().unwrap();
        assert_eq!(failure.code(), intentguard::ErrorCode::Ledger);
        assert!(failure.message().contains("the PostgreSQL URL does not parse"));
        assert!(!failure.message().contains("secret"));
    }

    #[test]
    fn other_urls_are_refused_by_scheme() {
        let failure =
            choose(Some(OsStr::new("mysql://u:secret@h/db")), false, None, None).unwrap_err();
        assert_eq!(failure.code(), intentguard::ErrorCode::Ledger);
        assert_eq!(
            failure.message(),
            "--ledger is a mysql:// URL; intentguard ledgers are SQLite files or PostgreSQL databases"
        );
        // A path that merely contains "://" after a slash is a path.
        assert_eq!(
            choose(Some(OsStr::new("./a://b")), false, None, None),
            Ok(sqlite("./a://b", false))
        );
    }

    #[test]
    fn ledgers_that_would_forget_are_refused() {
        for value in ["", ":memory:"] {
            let failure = choose(Some(OsStr::new(value)), false, None, None).unwrap_err();
            assert_eq!(failure.code(), intentguard::ErrorCode::Usage);
        }
    }
}
