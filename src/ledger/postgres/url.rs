//! The database URL as the ledger reads it and names it: its scheme, its password, and the
//! scrubbing of that password from every message.
//!
//! Trusts: nothing; a URL that does not parse is treated as if all of it after `password`
//! might be secret.

use tokio_postgres::config::Host;
use tokio_postgres::Config;

/// `Postgres://…` and `POSTGRESQL://…` as the driver spells them (it reads lower case only).
pub(super) fn normalise_scheme(url: &str) -> String {
    for scheme in ["postgresql://", "postgres://"] {
        if let Some((head, rest)) = url.split_at_checked(scheme.len()) {
            if head.eq_ignore_ascii_case(scheme) {
                return format!("{scheme}{rest}");
            }
        }
    }
    url.to_owned()
}

/// The password of a `scheme://user:password@…` URL, as written and percent-decoded.
pub(super) fn url_password(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, rest)) = url.split_once("://") {
        if let Some((credentials, _)) = rest.split_once('@') {
            if let Some((_, password)) = credentials.split_once(':') {
                secrets.push(password.to_owned());
                secrets.push(percent_decode(password));
            }
        }
    }
    secrets
}

/// Whatever in a URL that does not parse may be a password, so that the parser's message can
/// be scrubbed of it: the URL's password, and everything after `password=` in a URL's
/// parameters or a `key=value` string, whole and word by word.
pub(super) fn possible_secrets(url: &str) -> Vec<String> {
    let mut secrets = url_password(url);
    for (i, _) in url.match_indices("password") {
        let after = url.get(i..).unwrap_or_default();
        let value = after.split_once('=').map(|(_, v)| v).unwrap_or_default();
        let value = value.split('&').next().unwrap_or_default().trim();
        secrets.push(value.to_owned());
        secrets.push(percent_decode(value));
        secrets.extend(value.split_whitespace().map(|w| w.trim_matches('\'').to_owned()));
    }
    tidy(secrets)
}

/// Secrets without empty ones or repeats, longest first (see [`redact`]).
pub(super) fn tidy(mut secrets: Vec<String>) -> Vec<String> {
    secrets.retain(|s| !s.is_empty());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// `text` with every `%XX` escape decoded; an escape that is not two hex digits is kept.
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            if let Some(byte) = tail
                .get(..2)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                rest = tail.get(2..).unwrap_or_default();
                continue;
            }
        }
        out.push(first);
        rest = tail;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with every secret replaced by `***`; longest first, so that no part of a longer
/// secret survives the replacement of a shorter one.
pub(super) fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "***");
        }
    }
    text
}

/// An error and its sources on one line: the driver's `Display` leaves out the cause
/// ("db error", "error connecting to server") and the server's message has DETAIL lines.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text.replace('\n', "; ")
}

/// The database as `postgres://user@host:port,host:port/dbname`, without the password.
pub(super) fn describe_target(config: &Config) -> String {
    let user = config.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string().replace('/', "%2F"),
            };
            match ports.get(i).or_else(|| ports.first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let dbname = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{dbname}", hosts.join(","))
}
