//! Unit tests of the PostgreSQL ledger that need no server: the SQL as the docs quote it, the
//! URL and its password, the connection settings, the options.

use std::time::Duration;

use tokio_postgres::Config;

use super::options::{tune, KEEPALIVES_IDLE};
use super::sql::{
    BIND, BOUND, CREATE_VERSION_TABLE, LOCK_MIGRATION, MIGRATIONS, READ_VERSION, WRITE_VERSION,
};
use super::url::{percent_decode, redact, url_password};
use super::*;

const SECRET: &str = "hunter2-S3cr%40t";

#[test]
fn schema_version_counts_the_migrations() {
    assert_eq!(usize::try_from(PostgresLedger::SCHEMA_VERSION).unwrap(), MIGRATIONS.len());
}

#[test]
fn docs_quote_the_sql_verbatim() {
    let docs = include_str!("../../../docs/ledger.md");
    for sql in [CREATE_VERSION_TABLE, LOCK_MIGRATION, READ_VERSION, WRITE_VERSION, BOUND, BIND]
        .into_iter()
        .chain(MIGRATIONS)
    {
        assert!(docs.contains(sql), "docs/ledger.md does not quote:\n{sql}");
    }
}

#[test]
fn lock_key_is_intentgd() {
    let key = i64::from_be_bytes(*b"intentgd");
    assert_eq!(LOCK_MIGRATION, format!("SELECT pg_advisory_xact_lock({key})"));
}

#[test]
fn target_names_the_database_without_the_password() {
    let ledger = PostgresLedger::new(&format!(
        "POSTGRESQL://ig:{SECRET}@db.example:6543/ledger?sslmode=disable"
    ))
    .unwrap();
    assert_eq!(ledger.target(), "postgres://ig@db.example:6543/ledger");
    assert!(!format!("{ledger:?}").contains("hunter2"));
    let ledger = PostgresLedger::new("postgres://ig@%2Ftmp%2Fpg:5433/l").unwrap();
    assert_eq!(ledger.target(), "postgres://ig@%2Ftmp%2Fpg:5433/l");
    let ledger = PostgresLedger::new("host=::1 port=5432 user=u dbname=d password=x").unwrap();
    assert_eq!(ledger.target(), "postgres://u@[::1]:5432/d");
}

#[test]
fn urls_that_do_not_parse_are_refused_without_the_password() {
    for url in [
        format!("postgres://ig:{SECRET}@host:notaport/db"),
        format!("postgres://ig:{SECRET}@host/db?{SECRET}=1"),
        format!("user=ig password={SECRET} bogus={SECRET}"),
        "user=ig password=hunter2 S3cr3t".to_owned(),
    ] {
        let e = PostgresLedger::new(&url).unwrap_err().to_string();
        assert!(
            e.starts_with("the replay ledger failed: the PostgreSQL URL does not parse"),
            "{e}"
        );
        for part in ["hunter2", "S3cr", "%40t"] {
            assert!(!e.contains(part), "{e}");
        }
    }
}

#[test]
fn secrets_are_found_as_written_and_decoded() {
    let secrets = url_password(&format!("postgres://ig:{SECRET}@h/d"));
    assert!(secrets.contains(&SECRET.to_owned()));
    assert!(secrets.contains(&"hunter2-S3cr@t".to_owned()));
    assert_eq!(redact("a hunter2-S3cr@t b", &secrets), "a *** b");
    assert_eq!(percent_decode("%4"), "%4");
    assert_eq!(percent_decode("a%2Fb%zz"), "a/b%zz");
}

#[test]
fn tuning_keeps_what_the_url_sets() {
    let mut config: Config =
        "postgres://u@h/d?connect_timeout=3&options=-c%20statement_timeout%3D5".parse().unwrap();
    tune(&mut config, Duration::from_millis(1500));
    assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
    assert_eq!(config.get_options(), Some("-c statement_timeout=5"));
    assert_eq!(config.get_application_name(), Some("intentguard"));
    let mut config: Config = "postgres://u@h/d?options=-c%20search_path%3Dx".parse().unwrap();
    tune(&mut config, Duration::from_millis(1500));
    assert_eq!(config.get_connect_timeout(), Some(&Duration::from_millis(1500)));
    assert_eq!(config.get_options(), Some("-c search_path=x -c statement_timeout=1500"));
    assert_eq!(config.get_keepalives_idle(), KEEPALIVES_IDLE);
}

#[test]
fn options_have_documented_defaults() {
    let options = PostgresOptions::default();
    assert_eq!(options.deadline(), Duration::from_secs(10));
    assert_eq!(options.max_connections(), 4);
    assert_eq!(options.with_max_connections(0).max_connections(), 1);
}

#[test]
fn works_from_inside_an_async_runtime_without_panicking() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let ledger = std::sync::Arc::new(
        PostgresLedger::new(&format!("postgres://u:{SECRET}@127.0.0.1:{port}/d")).unwrap(),
    );
    let outer = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let in_task = outer.block_on(async { ledger.bound("w", "i") }).unwrap_err();
    assert!(in_task.to_string().contains("cannot connect"), "{in_task}");
    let shared = std::sync::Arc::clone(&ledger);
    let in_blocking = outer
        .block_on(async move { tokio::task::spawn_blocking(move || shared.bound("w", "i")).await })
        .unwrap()
        .unwrap_err();
    assert!(in_blocking.to_string().contains("cannot connect"), "{in_blocking}");
    // Dropping the ledger (and its runtime) inside a task does not panic either.
    outer.block_on(async move { drop(ledger) });
}

#[test]
fn ledger_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<PostgresLedger>();
}
