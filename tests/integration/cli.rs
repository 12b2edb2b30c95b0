//! The `intentguard` binary as a signer runs it: exit codes, the JSON of SPEC 4, the error
//! object of exit code 2, the text view, and the replay ledger across processes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::{
    assert_exit, assert_json_error, case, expected, intentguard, json, now_of, run_with_stdin,
    show, verify, verify_case, TempDir,
};
use serde_json::Value;

/// `verify` of the honest vector with one file replaced, in JSON and without a ledger.
fn verify_honest_with(
    home: &TempDir,
    policy: Option<&Path>,
    intent: Option<&Path>,
    psbt: Option<&Path>,
) -> Output {
    let dir = case("dmm/honest");
    let (p, i, r) = (dir.join("policy.toml"), dir.join("intent.json"), dir.join("request.psbt"));
    run(verify(
        home,
        policy.unwrap_or(&p),
        intent.unwrap_or(&i),
        &now_of(&dir),
        &["--no-ledger", "--format", "json"],
        psbt.unwrap_or(&r),
    ))
}

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

/// The findings of a report or of an `expected.json`, as (code, place) pairs.
fn findings(value: &Value) -> Vec<(String, Option<(String, u64)>)> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let place = ["input", "output", "payment", "approval"]
                .into_iter()
                .find_map(|k| f.get(k).and_then(Value::as_u64).map(|i| (k.to_owned(), i)));
            (f["code"].as_str().unwrap().to_owned(), place)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Usage: exit code 2, USAGE.

#[test]
fn missing_policy_flag_is_usage_json() {
    let home = TempDir::new("cli", "usage-policy");
    let mut command = intentguard(&home);
    command.args(["verify", "--intent", "i.json", "--format", "json", "r.psbt"]);
    let out = run(command);
    let message = assert_json_error(&out, "USAGE");
    assert!(message.contains("--policy"), "{message}");
}

#[test]
fn bad_now_is_usage_json() {
    let home = TempDir::new("cli", "usage-now");
    let mut command = intentguard(&home);
    command.args([
        "verify",
        "--format=json",
        "--policy",
        "p.toml",
        "--intent",
        "i.json",
        "--now",
        "2024-05-31T02:00:00+00:00",
        "r.psbt",
    ]);
    let out = run(command);
    let message = assert_json_error(&out, "USAGE");
    assert!(message.contains("--now"), "{message}");
    assert!(message.contains("YYYY-MM-DDTHH:MM:SSZ"), "{message}");
}

#[test]
fn unknown_format_is_usage() {
    let home = TempDir::new("cli", "usage-format");
    let mut command = intentguard(&home);
    command.args(["verify", "--policy", "p", "--intent", "i", "--format", "xml", "r"]);
    let out = run(command);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(stderr.starts_with("error: invalid value 'xml' for '--format"), "{}", show(&out));

    // Asked for JSON first, the error is the JSON object.
    let mut command = intentguard(&home);
    command.args(["verify", "--format", "json", "--policy", "p", "--format", "xml", "r"]);
    assert_json_error(&run(command), "USAGE");
}

#[test]
fn ledger_and_no_ledger_together_is_usage() {
    let home = TempDir::new("cli", "usage-conflict");
    let mut command = intentguard(&home);
    command.args([
        "verify",
        "--policy",
        "p",
        "--intent",
        "i",
        "--ledger",
        "l.sqlite3",
        "--no-ledger",
        "--format",
        "json",
        "r",
    ]);
    let message = assert_json_error(&run(command), "USAGE");
    assert!(message.contains("--no-ledger"), "{message}");
}

#[test]
fn help_and_version_exit_0() {
    let home = TempDir::new("cli", "help");
    let mut command = intentguard(&home);
    command.args(["verify", "--help"]);
    let out = run(command);
    assert_exit(&out, 0);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Usage: intentguard verify [OPTIONS] --policy <FILE>"), "{stdout}");
    assert!(stdout.contains("Anything but 0 means: do not sign"), "{stdout}");

    let mut command = intentguard(&home);
    command.arg("--version");
    let out = run(command);
    assert_exit(&out, 0);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "intentguard 0.1.0\n");
}

#[test]
fn no_arguments_is_usage() {
    let home = TempDir::new("cli", "no-args");
    let out = run(intentguard(&home));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
}

// ---------------------------------------------------------------------------------------
// Inputs that cannot be read or parsed: exit code 2 with the SPEC code.

#[test]
fn missing_policy_file_is_io() {
    let home = TempDir::new("cli", "io-policy");
    let missing = home.join("no-such-policy.toml");
    let out = verify_honest_with(&home, Some(&missing), None, None);
    let message = assert_json_error(&out, "IO");
    let want = format!("cannot read the policy file {}: No such file", missing.display());
    assert!(message.starts_with(&want), "{message}");
    assert!(message.ends_with("check the path and that you may read the file"), "{message}");
}

#[test]
fn missing_psbt_file_is_io_in_text_mode() {
    let home = TempDir::new("cli", "io-psbt");
    let missing = home.join("no-such-request.psbt");
    let dir = case("dmm/honest");
    let (policy, intent) = (dir.join("policy.toml"), dir.join("intent.json"));
    let out = run(verify(&home, &policy, &intent, &now_of(&dir), &["--no-ledger"], &missing));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: cannot read the PSBT file {}: No such file or directory (os error 2)\n\
             hint: check the path and that you may read the file\n\
             intentguard could not verify the request: do not sign\n",
            missing.display()
        )
    );
}

#[test]
fn policy_with_an_unknown_key_is_policy_invalid() {
    let home = TempDir::new("cli", "policy-unknown-key");
    let mut policy = std::fs::read_to_string(case("dmm/honest/policy.toml")).unwrap();
    // The file ends in [limits]: a typo in a limit must never silently drop the limit.
    assert!(policy.contains("\n[limits]\n"));
    policy.push_str("max_fe_sat = 1000\n");
    let policy = home.write("policy.toml", policy);
    let out = verify_honest_with(&home, Some(&policy), None, None);
    let message = assert_json_error(&out, "POLICY_INVALID");
    assert!(message.starts_with(&format!("{}: ", policy.display())), "{message}");
    assert!(message.contains("max_fe_sat"), "{message}");
}

#[test]
fn malformed_intent_is_intent_malformed() {
    let home = TempDir::new("cli", "intent-malformed");
    let intent = home.write("intent.json", "{\"version\": 1, \"id\": ");
    let out = verify_honest_with(&home, None, Some(&intent), None);
    let message = assert_json_error(&out, "INTENT_MALFORMED");
    assert!(message.starts_with(&format!("{}: ", intent.display())), "{message}");
}

#[test]
fn junk_psbt_is_psbt_malformed() {
    let home = TempDir::new("cli", "psbt-junk");
    let psbt = home.write("request.psbt", b"this is not a signing request\n");
    let out = verify_honest_with(&home, None, None, Some(&psbt));
    let message = assert_json_error(&out, "PSBT_MALFORMED");
    let want = format!("{}: the request is not a PSBT", psbt.display());
    assert!(message.starts_with(&want), "{message}");
}

#[test]
fn psbt_over_100_mib_is_refused_unread() {
    let home = TempDir::new("cli", "psbt-huge");
    let psbt = home.join("huge.psbt");
    // A sparse file one byte over the limit: it takes no disk space.
    let file = std::fs::File::create(&psbt).unwrap();
    file.set_len(100 * 1024 * 1024 + 1).unwrap();
    drop(file);
    let out = verify_honest_with(&home, None, None, Some(&psbt));
    let message = assert_json_error(&out, "PSBT_MALFORMED");
    assert!(message.contains("larger than 104857600 bytes"), "{message}");
}

#[test]
fn psbt_from_standard_input() {
    let home = TempDir::new("cli", "psbt-stdin");
    let dir = case("dmm/honest");
    let (policy, intent) = (dir.join("policy.toml"), dir.join("intent.json"));
    let feed = |bytes: &[u8]| {
        let extra = ["--no-ledger", "--format", "json"];
        let command = verify(&home, &policy, &intent, &now_of(&dir), &extra, Path::new("-"));
        run_with_stdin(command, bytes)
    };
    let out = feed(&std::fs::read(dir.join("request.psbt")).unwrap());
    assert_exit(&out, 0);
    assert_eq!(json(&out)["verdict"], "approved");

    let out = feed(b"junk");
    let message = assert_json_error(&out, "PSBT_MALFORMED");
    assert!(message.starts_with("standard input: "), "{message}");
}

// ---------------------------------------------------------------------------------------
// Ledger failures: exit code 2, LEDGER.

#[test]
fn unreachable_postgres_ledger_is_ledger_without_printing_the_password() {
    // A port with nothing listening: the URL is taken as a PostgreSQL ledger, fails to
    // connect, and no message repeats the password (tests/integration/ledger.rs has the rest).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let home = TempDir::new("cli", "ledger-postgres");
    let dir = case("dmm/honest");
    let target = format!("postgres://user@127.0.0.1:{port}/db");
    for format in ["json", "text"] {
        let url = format!("postgres://user:secret@127.0.0.1:{port}/db");
        let out = run(verify_case(&home, &dir, &["--ledger", &url, "--format", format]));
        assert_exit(&out, 2);
        assert!(!show(&out).contains("secret"), "{}", show(&out));
        if format == "json" {
            let message = assert_json_error(&out, "LEDGER");
            assert!(
                message.starts_with(&format!("the replay ledger failed: {target}: cannot connect")),
                "{message}"
            );
        } else {
            assert!(out.stdout.is_empty());
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(
                stderr.starts_with(&format!("error: the replay ledger failed: {target}")),
                "{stderr}"
            );
        }
    }
    // The same from the environment, with the other scheme.
    let mut command = verify_case(&home, &dir, &["--format", "json"]);
    command.env("INTENTGUARD_LEDGER", format!("postgresql://user:secret@127.0.0.1:{port}/db"));
    let out = run(command);
    let message = assert_json_error(&out, "LEDGER");
    assert!(message.starts_with(&format!("the replay ledger failed: {target}")), "{message}");
    assert!(!show(&out).contains("secret"));
}

#[test]
fn other_url_schemes_are_refused() {
    let home = TempDir::new("cli", "ledger-mysql");
    let out = run(verify_case(
        &home,
        &case("dmm/honest"),
        &["--ledger", "mysql://user:secret@host/db", "--format", "json"],
    ));
    let message = assert_json_error(&out, "LEDGER");
    assert_eq!(
        message,
        "--ledger is a mysql:// URL; intentguard ledgers are SQLite files or PostgreSQL \
         databases; give the path of an SQLite ledger file or a postgres:// URL with --ledger \
         (or in INTENTGUARD_LEDGER)"
    );
}

#[test]
fn corrupt_ledger_file_is_ledger() {
    let home = TempDir::new("cli", "ledger-corrupt");
    let dir = case("dmm/honest");
    let ledger = home.write("ledger.sqlite3", vec![0x5a_u8; 8192]);
    let ledger = ledger.to_str().unwrap();
    let out = run(verify_case(&home, &dir, &["--ledger", ledger, "--format", "json"]));
    let message = assert_json_error(&out, "LEDGER");
    assert!(message.contains(ledger), "{message}");
}

#[test]
fn ledger_in_a_missing_directory_is_ledger() {
    let home = TempDir::new("cli", "ledger-no-dir");
    let dir = case("dmm/honest");
    let ledger = home.join("no/such/dir/ledger.sqlite3");
    let out = run(verify_case(&home, &dir, &["--ledger", ledger.to_str().unwrap()]));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("error: the replay ledger failed"));
}

// ---------------------------------------------------------------------------------------
// Verification: exit codes 0 and 1 and the report.

#[test]
fn honest_request_is_approved() {
    let home = TempDir::new("cli", "honest");
    let dir = case("dmm/honest");
    let out = run(verify_case(&home, &dir, &["--no-ledger", "--format", "json"]));
    assert_exit(&out, 0);
    let report = json(&out);
    let want = expected(&dir);
    assert_eq!(report["verdict"], "approved");
    assert_eq!(report["txid"], want["txid"]);
    assert_eq!(report["fee_sat"], want["fee_sat"]);
    assert_eq!(findings(&report), findings(&want));
    assert_eq!(report["wallet"], "treasury");
    assert_eq!(report["intent"]["approved_by"], serde_json::json!(["alice", "bob"]));
    assert!(out.stderr.is_empty(), "{}", show(&out));
}

#[test]
fn redirected_request_is_rejected() {
    let home = TempDir::new("cli", "redirected");
    let dir = case("dmm/redirected");
    let out = run(verify_case(&home, &dir, &["--no-ledger", "--format", "json"]));
    assert_exit(&out, 1);
    let report = json(&out);
    assert_eq!(report["verdict"], "rejected");
    assert_eq!(findings(&report), findings(&expected(&dir)));
    let codes: Vec<_> = findings(&report).into_iter().map(|(code, _)| code).collect();
    assert!(codes.contains(&"OUTPUT_NOT_IN_INTENT".to_owned()), "{codes:?}");
    assert!(codes.contains(&"PAYMENT_MISSING".to_owned()), "{codes:?}");
    assert_eq!(report["outputs"][0]["role"], "unapproved");
}

#[test]
fn redirected_request_in_text_says_rejected_without_colour() {
    let home = TempDir::new("cli", "redirected-text");
    let dir = case("dmm/redirected");
    let mut command = verify_case(&home, &dir, &["--no-ledger"]);
    command.env("NO_COLOR", "1");
    let out = run(command);
    assert_exit(&out, 1);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with("REJECTED — do not sign\n"), "{text}");
    assert!(text.ends_with("REJECTED — do not sign\n"), "{text}");
    assert!(text.contains("[ERROR] OUTPUT_NOT_IN_INTENT (output 0): "), "{text}");
    assert!(text.contains("[ERROR] PAYMENT_MISSING (payment 0): "), "{text}");
    assert!(!out.stdout.contains(&0x1b), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    assert!(out.stderr.is_empty(), "{}", show(&out));
}

#[test]
fn honest_request_in_text_shows_what_a_signer_checks() {
    let home = TempDir::new("cli", "honest-text");
    let dir = case("dmm/honest");
    let out = run(verify_case(&home, &dir, &["--no-ledger"]));
    assert_exit(&out, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let want = expected(&dir);
    for needle in [
        "APPROVED — the request does exactly what the intent says\n",
        "wallet      treasury\n",
        "network     bitcoin\n",
        &format!("txid        {}\n", want["txid"].as_str().unwrap()),
        "intent      ops-2024-05-31-0001\n",
        "approved by 2 of 2 needed: alice, bob\n",
        "  #0  payment 0: 4502.90000000 BTC (450290000000 sat)\n",
        "      bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n",
        "fee         20000 sat (0.00020000 BTC)\n",
        "findings: none\n",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
}

#[test]
fn text_from_files_never_reaches_the_terminal_raw() {
    let home = TempDir::new("cli", "hostile-text");
    let mut intent: Value =
        serde_json::from_slice(&std::fs::read(case("dmm/honest/intent.json")).unwrap()).unwrap();
    intent["payments"][0]["memo"] = "OTC \u{1b}[2J\u{1b}[1;32mAPPROVED\u{202e}gninrael".into();
    intent["approvals"].as_array_mut().unwrap().push(serde_json::json!({
        "approver": "\u{1b}]0;pwned\u{7}\u{9b}",
        "signature": "00".repeat(64),
    }));
    let intent = home.write("intent.json", serde_json::to_vec(&intent).unwrap());
    let dir = case("dmm/honest");
    let (policy, psbt) = (dir.join("policy.toml"), dir.join("request.psbt"));
    let out = run(verify(&home, &policy, &intent, &now_of(&dir), &["--no-ledger"], &psbt));
    assert_exit(&out, 1);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with("REJECTED — do not sign\n"), "{text}");
    assert!(
        text.contains("      memo: OTC \\u{1b}[2J\\u{1b}[1;32mAPPROVED\\u{202e}gninrael\n"),
        "{text}"
    );
    // Nothing but our own line breaks: no ESC, BEL, C1 or bidi control from the files.
    assert!(!text.chars().filter(|&c| c != '\n').any(intentguard::text::needs_escape), "{text}");
    assert!(text.contains("INTENT_UNKNOWN_APPROVER"), "{text}");
}

/// Exit code 0 means "sign": a report that could not be written must not end with it.
#[cfg(target_os = "linux")]
#[test]
fn report_that_cannot_be_written_is_exit_2() {
    let home = TempDir::new("cli", "stdout-full");
    for format in ["json", "text"] {
        let mut command =
            verify_case(&home, &case("dmm/honest"), &["--no-ledger", "--format", format]);
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        command.stdout(full).stderr(Stdio::piped());
        let out = command.spawn().unwrap().wait_with_output().unwrap();
        assert_exit(&out, 2);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with("error: cannot write the report to standard output"),
            "{stderr}"
        );
    }
}

#[test]
fn every_vector_exits_as_expected() {
    let mut dirs = Vec::new();
    let mut stack = vec![case("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.join("expected.json").is_file() {
                    dirs.push(path.clone());
                }
                stack.push(path);
            }
        }
    }
    dirs.sort();
    assert!(dirs.len() >= 3, "only {} vectors", dirs.len());
    let home = TempDir::new("cli", "every-vector");
    for (n, dir) in dirs.iter().enumerate() {
        let want = expected(dir);
        let ledger = home.join(&format!("ledger-{n}.sqlite3"));
        if let Some(bound) = want.get("ledger_bound_txid").and_then(Value::as_str) {
            use intentguard::Ledger;
            let policy = intentguard::Policy::from_toml_bytes(
                &std::fs::read(dir.join("policy.toml")).unwrap(),
            )
            .unwrap();
            let intent = intentguard::Intent::from_json_bytes(
                &std::fs::read(dir.join("intent.json")).unwrap(),
            )
            .unwrap();
            intentguard::ledger::SqliteLedger::open(&ledger)
                .unwrap()
                .bind(policy.name(), intent.id(), "earlier", bound.parse().unwrap())
                .unwrap();
        }
        let out = run(verify_case(
            &home,
            dir,
            &["--ledger", ledger.to_str().unwrap(), "--format", "json"],
        ));
        let code = want["exit_code"].as_i64().unwrap();
        assert_eq!(
            i64::from(out.status.code().unwrap()),
            code,
            "{}\n{}",
            dir.display(),
            show(&out)
        );
        let report = json(&out);
        if code == 2 {
            assert_eq!(report["error"]["code"], want["error"], "{}", dir.display());
            continue;
        }
        assert_eq!(report["verdict"], want["verdict"], "{}", dir.display());
        assert_eq!(report["txid"], want["txid"], "{}", dir.display());
        assert_eq!(findings(&report), findings(&want), "{}", dir.display());
    }
}

// ---------------------------------------------------------------------------------------
// The replay ledger across processes.

#[test]
fn ledger_binds_an_intent_to_one_transaction() {
    let home = TempDir::new("cli", "replay");
    let ledger = home.join("ledger.sqlite3");
    let ledger = ledger.to_str().unwrap();
    let args = ["--ledger", ledger, "--format", "json"];

    let out = run(verify_case(&home, &case("dmm/honest"), &args));
    assert_exit(&out, 0);
    // The next signer of the same transaction.
    let out = run(verify_case(&home, &case("dmm/honest"), &args));
    assert_exit(&out, 0);
    // Another transaction for the same intent.
    let out = run(verify_case(&home, &case("dmm/honest-alt"), &args));
    assert_exit(&out, 1);
    let report = json(&out);
    assert_eq!(findings(&report), [("INTENT_REPLAYED".to_owned(), None)]);
    // A rejection binds nothing: the honest transaction still verifies.
    let out = run(verify_case(&home, &case("dmm/honest"), &args));
    assert_exit(&out, 0);
}

#[test]
fn honest_alt_alone_is_approved() {
    let home = TempDir::new("cli", "honest-alt");
    let out =
        run(verify_case(&home, &case("dmm/honest-alt"), &["--no-ledger", "--format", "json"]));
    assert_exit(&out, 0);
    assert_eq!(json(&out)["txid"], expected(&case("dmm/honest-alt"))["txid"]);
}

#[test]
fn default_ledger_lives_in_the_data_directory() {
    let home = TempDir::new("cli", "default-ledger");
    let out = run(verify_case(&home, &case("dmm/honest"), &["--format", "json"]));
    assert_exit(&out, 0);
    assert!(home.join("data/intentguard/ledger.sqlite3").is_file());
    let out = run(verify_case(&home, &case("dmm/honest-alt"), &["--format", "json"]));
    assert_exit(&out, 1);
    assert_eq!(findings(&json(&out)), [("INTENT_REPLAYED".to_owned(), None)]);
    // --no-ledger ignores it.
    let out = run(verify_case(&home, &case("dmm/honest-alt"), &["--no-ledger"]));
    assert_exit(&out, 0);
}

#[test]
fn ledger_from_the_environment() {
    let home = TempDir::new("cli", "env-ledger");
    let ledger = home.join("env.sqlite3");
    let mut command = verify_case(&home, &case("dmm/honest-alt"), &["--format", "json"]);
    command.env("INTENTGUARD_LEDGER", &ledger);
    assert_exit(&run(command), 0);
    assert!(ledger.is_file());
    assert!(!home.join("data/intentguard/ledger.sqlite3").exists());
    // --ledger wins over the environment.
    let other = home.join("other.sqlite3");
    let mut command = verify_case(
        &home,
        &case("dmm/honest"),
        &["--ledger", other.to_str().unwrap(), "--format", "json"],
    );
    command.env("INTENTGUARD_LEDGER", &ledger);
    assert_exit(&run(command), 0);
}

#[test]
fn concurrent_verifications_agree_on_one_transaction() {
    let home = TempDir::new("cli", "concurrent");
    let ledger = home.join("ledger.sqlite3");
    let ledger = ledger.to_str().unwrap();
    let cases = ["dmm/honest", "dmm/honest-alt"];
    let children: Vec<_> = (0..8)
        .map(|i| {
            let name = cases[i % 2];
            let mut command =
                verify_case(&home, &case(name), &["--ledger", ledger, "--format", "json"]);
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            (name, command.spawn().unwrap())
        })
        .collect();
    let results: Vec<(&str, Output)> = children
        .into_iter()
        .map(|(name, child)| (name, child.wait_with_output().unwrap()))
        .collect();

    for (name, out) in &results {
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}\n{}", show(out));
    }
    let winners: Vec<&str> =
        results.iter().filter(|(_, out)| out.status.code() == Some(0)).map(|(n, _)| *n).collect();
    let winner = winners.first().copied().expect("one transaction must win");
    for (name, out) in &results {
        let report = json(out);
        if *name == winner {
            assert_exit(out, 0);
        } else {
            assert_exit(out, 1);
            assert_eq!(findings(&report), [("INTENT_REPLAYED".to_owned(), None)], "{name}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The descriptor rules of SPEC 1.1: `policy check` refuses what `verify` refuses.

/// `policy check FILE` exits 2 with the descriptor's problem on standard error (its text
/// output has no JSON mode), and `verify --format json` with the same file is the
/// `POLICY_INVALID` error object with the same message.
fn assert_policy_check_refuses(home: &TempDir, name: &str, policy: &str, parts: &[&str]) {
    let file = home.write(name, policy);
    let mut check = intentguard(home);
    check.args(["policy", "check"]).arg(&file);
    let out = run(check);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    let want = format!("error: {}: policy field `descriptor`: ", file.display());
    assert!(stderr.starts_with(&want), "{}", show(&out));
    let message =
        assert_json_error(&verify_honest_with(home, Some(&file), None, None), "POLICY_INVALID");
    for part in parts {
        assert!(stderr.contains(part), "{part:?} missing\n{}", show(&out));
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
}

#[test]
fn policy_check_refuses_a_duplicated_key_and_a_key_without_origin() {
    let home = TempDir::new("cli", "policy-descriptor-rules");
    let honest = std::fs::read_to_string(case("dmm/honest/policy.toml")).unwrap();
    let first = "xpub6F2hX9eizmsuXzems5RWBQsJVwDvcWFNjuCFe1qGyy1QgpKyFfJfaqn95xR1wx11Us6a5W7GFGLrzr2QwWmFezSkSwz9WmnWxDV1uSoPY9o";
    let third = "xpub6DqJ4YqWAGJKCWL92ut8dvFiEAKn49nAnn67JYCtmGADZnRcyuB4bzoBfsXZRoohwy2hJt7Qtb7jTGS4XgRSCpn6bviEQWzsa57n3ya2cho";
    let origin = "[43744e0d/48'/0'/0'/2']";
    assert!(honest.contains(first) && honest.contains(third) && honest.contains(origin));
    // The checksum is optional: without it, the edited descriptors fail only their rule.
    let unchecked = honest.replace("#tc8r3knc", "");

    // The first signer's key again in the third place, under the third signer's origin.
    assert_policy_check_refuses(
        &home,
        "duplicate.toml",
        &unchecked.replace(third, first),
        &["the 1st key ([a612bb6a/48'/0'/0'/2']xpub6F2hX9ei…1uSoPY9o) and the 3rd key \
             ([c16ae21c/48'/0'/0'/2']xpub6F2hX9ei…1uSoPY9o) are the same public key"],
    );
    // The second key without its origin.
    assert_policy_check_refuses(
        &home,
        "no-origin.toml",
        &unchecked.replace(origin, ""),
        &["the 2nd key (xpub6EfMLKT9…oCcmrdVa) has no key origin"],
    );
}

#[test]
fn threads_change_nothing_in_the_report_and_zero_is_usage() {
    let home = TempDir::new("cli", "threads");
    // A rejected vector, so that the findings are compared too.
    let dir = case("dmm/redirected");
    let report = |extra: &[&str]| {
        let args = [&["--no-ledger", "--format", "json"], extra].concat();
        let out = run(verify_case(&home, &dir, &args));
        assert_exit(&out, 1);
        json(&out)
    };
    let default = report(&[]);
    assert_eq!(report(&["--threads", "1"]), default);
    assert_eq!(report(&["--threads", "7"]), default);
    let out = run(verify_case(&home, &dir, &["--no-ledger", "--format", "json", "--threads", "0"]));
    let message = assert_json_error(&out, "USAGE");
    assert!(message.contains("--threads"), "{message}");
}
