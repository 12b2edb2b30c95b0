//! The signing ceremony through the binary (SPEC 3, issue 5): `keygen`, `intent new`,
//! `intent sign`, `intent show`, `policy check`, a whole ceremony ending in `verify`, and the
//! interoperability known answers of `tests/data/intent-kat/` (Python `json` + `hashlib`,
//! PyNaCl).

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{
    self, assert_exit, intentguard, json_file, repo, run_with_stdin, show, stderr, stdout, TempDir,
    BIN,
};
use intentguard::text::needs_escape;
use serde_json::Value;

/// The destination and amount that `vectors/dmm/honest/request.psbt` pays.
const DMM_ADDRESS: &str = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
const DMM_SAT: u64 = 450_290_000_000;
const TESTNET: &str = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";
const CREATED: &str = "2024-05-31T01:00:00Z";
const LATER: &str = "2024-05-31T02:00:00Z";

/// The binary, run in `dir`, with an environment of its own.
fn ig(dir: &TempDir, args: &[&str]) -> Output {
    intentguard(dir).current_dir(dir.path()).args(args).output().unwrap()
}

/// The binary with `input` on standard input.
fn ig_stdin(dir: &TempDir, args: &[&str], input: &[u8]) -> Output {
    let mut command = Command::new(BIN);
    command.current_dir(dir.path()).args(args);
    run_with_stdin(command, input)
}

/// Exit code 2, nothing on standard output, `message` in the error; returns standard error.
fn assert_refused(out: &Output, message: &str) -> String {
    assert_exit(out, 2);
    assert!(out.stdout.is_empty(), "{}", show(out));
    let err = stderr(out);
    assert!(err.starts_with("error: "), "{}", show(out));
    assert!(err.contains(message), "{message:?} missing\n{}", show(out));
    err
}

/// A screen fit for a terminal: no control, bidi or zero-width character but line breaks,
/// every line within 80 columns.
fn assert_safe_screen(text: &str) {
    assert!(!text.chars().filter(|&c| c != '\n').any(needs_escape), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
}

/// Makes a file readable by its owner only, as a key file must be.
fn private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `keygen` for `name` in `dir`; returns the public key hex.
fn keygen(dir: &TempDir, name: &str) -> String {
    let out = ig(dir, &["keygen", "--out", &format!("{name}.key")]);
    assert_exit(&out, 0);
    let public = stdout(&out);
    assert_eq!(public.len(), 65, "{}", show(&out));
    public.trim_end().to_owned()
}

/// A policy with the treasury wallet's descriptor and these approvers, quorum 2.
fn policy_toml(approvers: &[(&str, &str)], extra_limits: &str) -> String {
    let treasury = std::fs::read_to_string(repo("policies/treasury.toml")).unwrap();
    let descriptor = treasury.lines().find(|l| l.starts_with("descriptor = ")).unwrap();
    let list: Vec<String> =
        approvers.iter().map(|(n, k)| format!("  {{ name = \"{n}\", key = \"{k}\" }},")).collect();
    format!(
        "name = \"treasury\"\nnetwork = \"bitcoin\"\n{descriptor}\n\n[approvals]\nquorum = 2\napprovers = [\n{}\n]\n\n[limits]\nmax_fee_sat = 500000\nmax_fee_rate_sat_vb = 300\n{extra_limits}",
        list.join("\n")
    )
}

/// Three approvers' keys and their policy in `dir` (`alice.key`, `bob.key`, `carol.key`,
/// `policy.toml`).
fn three_approvers(dir: &TempDir) -> [String; 3] {
    let keys = ["alice", "bob", "carol"].map(|n| keygen(dir, n));
    let approvers = [("alice", keys[0].as_str()), ("bob", &keys[1]), ("carol", &keys[2])];
    dir.write("policy.toml", policy_toml(&approvers, ""));
    keys
}

/// `intent new` of the DMM payment with `policy.toml`, to `intent.json`.
fn new_intent(dir: &TempDir) {
    let pay = format!("{DMM_ADDRESS}=4502.9btc");
    let out = ig(
        dir,
        &[
            "intent",
            "new",
            "--policy",
            "policy.toml",
            "--id",
            "ceremony-0001",
            "--pay",
            &pay,
            "--expires-in",
            "12h",
            "--max-fee",
            "40000sat",
            "--now",
            CREATED,
            "--out",
            "intent.json",
        ],
    );
    assert_exit(&out, 0);
}

fn sign(dir: &TempDir, who: &str, extra: &[&str]) -> Output {
    let key = format!("{who}.key");
    let mut args = vec!["intent", "sign", "--key", &key, "--approver", who, "--now", LATER];
    args.extend_from_slice(extra);
    ig(dir, &args)
}

// ---------------------------------------------------------------------------------------
// The whole ceremony.

/// Keys for three approvers, a policy with their keys, an intent paying exactly what the
/// DMM honest request pays, two approvals, `intent show`, then `verify` approving the
/// request and, with a ledger, rejecting another transaction for the same intent.
#[test]
fn a_whole_ceremony_ends_in_an_approved_request_and_a_refused_replay() {
    let dir = TempDir::new("ceremony", "ceremony");
    let keys = three_approvers(&dir);
    assert_eq!(keys.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);

    let out = ig(&dir, &["policy", "check", "--addresses", "2", "policy.toml"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.starts_with("policy      treasury: valid\n"), "{text}");
    assert!(text.contains(&format!("  alice         {}\n", keys[0])), "{text}");

    new_intent(&dir);
    let intent = json_file(&dir.join("intent.json"));
    assert_eq!(intent["wallet"], "treasury");
    assert_eq!(intent["payments"][0]["address"], DMM_ADDRESS);
    assert_eq!(intent["payments"][0]["amount_sat"], DMM_SAT);
    assert_eq!(intent["approvals"], serde_json::json!([]));

    // alice signs in place; bob reads the intent from standard input and writes elsewhere.
    let out =
        sign(&dir, "alice", &["--policy", "policy.toml", "--out", "intent.json", "intent.json"]);
    assert_exit(&out, 0);
    assert!(out.stdout.is_empty(), "{}", show(&out));
    assert!(stderr(&out).contains("quorum: 1 of 2 needed"), "{}", show(&out));
    let alice_signed = std::fs::read(dir.join("intent.json")).unwrap();
    let out = ig_stdin(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "bob.key",
            "--approver",
            "bob",
            "--now",
            LATER,
            "--out",
            "signed.json",
            "-",
        ],
        &alice_signed,
    );
    assert_exit(&out, 0);
    assert_eq!(
        dir.names(),
        ["alice.key", "bob.key", "carol.key", "intent.json", "policy.toml", "signed.json"]
    );

    let out =
        ig(&dir, &["intent", "show", "--policy", "policy.toml", "--now", LATER, "signed.json"]);
    assert_exit(&out, 0);
    let screen = stdout(&out);
    assert!(screen.contains("  #0  alice: valid\n  #1  bob: valid\n"), "{screen}");
    assert!(screen.contains("quorum      met: 2 of 2 needed (alice, bob)\n"), "{screen}");
    assert_safe_screen(&screen);

    let verify = |psbt: &str| {
        ig(
            &dir,
            &[
                "verify",
                "--policy",
                "policy.toml",
                "--intent",
                "signed.json",
                "--now",
                LATER,
                "--ledger",
                "ledger.sqlite3",
                "--format",
                "json",
                repo(psbt).to_str().unwrap(),
            ],
        )
    };
    let out = verify("vectors/dmm/honest/request.psbt");
    assert_exit(&out, 0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "approved");
    assert_eq!(report["intent"]["approved_by"], serde_json::json!(["alice", "bob"]));
    assert_eq!(report["findings"], serde_json::json!([]));
    let digest = report["intent"]["digest"].as_str().unwrap();
    assert!(screen.contains(&format!("digest      {digest}\n")), "{screen}");

    // The same intent for another transaction: the ledger refuses the replay.
    let out = verify("vectors/dmm/honest-alt/request.psbt");
    assert_exit(&out, 1);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "rejected");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["INTENT_REPLAYED"]);
}

// ---------------------------------------------------------------------------------------
// keygen and key files.

#[test]
fn keygen_writes_an_owner_only_key_and_prints_its_public_key() {
    let dir = TempDir::new("ceremony", "keygen");
    let public = keygen(&dir, "alice");
    assert!(public.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{public}");
    let bytes = std::fs::read(dir.join("alice.key")).unwrap();
    let key = intentguard::keyfile::from_bytes(&bytes).unwrap();
    assert_eq!(intentguard::keyfile::public_key_hex(&key.verifying_key()), public);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("intentguard-ed25519-secret-key v1\nsecret "), "{text}");
    assert!(text.ends_with(&format!("\npublic {public}\n")), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("alice.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // Every key is new.
    assert_ne!(keygen(&dir, "bob"), public);
}

#[test]
fn keygen_never_overwrites_or_follows_a_link() {
    let dir = TempDir::new("ceremony", "keygen-exists");
    let existing = dir.write("alice.key", "precious");
    let out = ig(&dir, &["keygen", "--out", "alice.key"]);
    assert_refused(&out, "alice.key already exists; keygen never overwrites a file");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("target.key"), dir.join("link.key")).unwrap();
        let out = ig(&dir, &["keygen", "--out", "link.key"]);
        assert_refused(&out, "link.key already exists");
        assert!(!dir.join("target.key").exists());
    }

    let out = ig(&dir, &["keygen", "--out", "no/such/dir/k.key"]);
    assert_refused(&out, "cannot create the key file no/such/dir/k.key");
    let out = ig(&dir, &["keygen"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--out <FILE>"), "{}", show(&out));
}

#[cfg(unix)]
#[test]
fn signing_refuses_a_key_file_that_others_can_access() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new("ceremony", "key-permissions");
    three_approvers(&dir);
    new_intent(&dir);
    let before = std::fs::read(dir.join("intent.json")).unwrap();
    let key = dir.join("alice.key");
    for mode in [0o644, 0o640, 0o604, 0o620, 0o660] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sign(&dir, "alice", &["--out", "out.json", "intent.json"]);
        let err = assert_refused(
            &out,
            &format!(
                "alice.key: the key file can be accessed by group or others (mode {mode:04o})"
            ),
        );
        assert!(err.contains("hint: run chmod 600 alice.key"), "{err}");
        assert!(!dir.join("out.json").exists());
    }
    assert_eq!(std::fs::read(dir.join("intent.json")).unwrap(), before);
    for mode in [0o600, 0o400] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_exit(&sign(&dir, "alice", &["intent.json"]), 0);
    }
}

#[test]
fn a_damaged_key_file_is_refused_without_showing_the_secret() {
    let dir = TempDir::new("ceremony", "key-damaged");
    three_approvers(&dir);
    new_intent(&dir);
    let text = std::fs::read_to_string(dir.join("alice.key")).unwrap();
    let secret = text.lines().nth(1).unwrap().strip_prefix("secret ").unwrap().to_owned();
    let cases = [
        (text.replacen("secret ", "secret x", 1), "the key file is damaged: the second line"),
        (text.replacen(" v1", " v2", 1), "not an intentguard key"),
        (text.lines().take(2).collect::<Vec<_>>().join("\n") + "\n", "the public line is missing"),
        (
            // The secret's own first byte: its two hex digits can also occur earlier in the
            // text ("ed25519", "secret").
            text.replacen(
                &format!("secret {}", &secret[..2]),
                if &secret[..2] == "00" { "secret 01" } else { "secret 00" },
                1,
            ),
            "its public line is not the public key of its secret",
        ),
    ];
    for (damaged, message) in cases {
        private(&dir.write("alice.key", &damaged));
        let out = sign(&dir, "alice", &["intent.json"]);
        let err = assert_refused(&out, message);
        assert!(!err.contains(&secret[4..20]), "{err}");
    }
    let out = sign(&dir, "dave", &["intent.json"]);
    assert_refused(&out, "cannot read the key file dave.key");
}

// ---------------------------------------------------------------------------------------
// SPEC 2.8: no output shows the content of a key file, or of a file given as one.

/// Secrets people keep in files, that could be given to intentguard by mistake: a WIF
/// private key, a BIP-39 mnemonic (BIP-39's test vector), and seeds in hex.
const WIF: &str = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";
const MNEMONIC: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";
const SEED_HEX: &str = "0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d";
/// A seed whose hex is all digits, which a JSON parser reads as a number and serde quotes.
const DIGIT_SEED_HEX: &str = "9834756019283746501928374650192837465019283746501928374650192837";

/// What would give a secret away: every word of 5 or more letters of a mnemonic, every 8
/// characters in a row of anything else.
fn distinctive_pieces(secret: &str) -> Vec<String> {
    if secret.contains(' ') {
        secret.split(' ').filter(|w| w.len() >= 5).map(str::to_owned).collect()
    } else {
        let chars: Vec<char> = secret.chars().collect();
        chars.windows(8).map(|w| w.iter().collect()).collect()
    }
}

/// Asserts exit code 2 and that no distinctive piece of `secret` is on standard output or
/// standard error.
#[track_caller]
fn assert_refused_without(out: &Output, secret: &str, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}\n{}", show(out));
    let printed =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for piece in distinctive_pieces(secret) {
        assert!(!printed.contains(&piece), "{what}: {piece:?} was shown\n{}", show(out));
    }
}

#[test]
fn no_output_shows_a_secret_given_as_a_key_policy_intent_or_psbt() {
    let dir = TempDir::new("ceremony", "secrets");
    three_approvers(&dir);
    new_intent(&dir);
    // An intentguard key of nobody in the policy: a valid key file, the wrong key.
    keygen(&dir, "stranger");
    let stranger = std::fs::read_to_string(dir.join("stranger.key")).unwrap();
    let seed = stranger.lines().nth(1).unwrap().strip_prefix("secret ").unwrap().to_owned();
    let files = [
        ("wif.txt", format!("{WIF}\n"), WIF.to_owned()),
        ("mnemonic.txt", format!("{MNEMONIC}\n"), MNEMONIC.to_owned()),
        ("seed.hex", format!("{SEED_HEX}\n"), SEED_HEX.to_owned()),
        ("seed-no-newline.hex", SEED_HEX.to_owned(), SEED_HEX.to_owned()),
        ("digits.hex", format!("{DIGIT_SEED_HEX}\n"), DIGIT_SEED_HEX.to_owned()),
        ("stranger.key", stranger.clone(), seed),
    ];
    let honest = repo("vectors/dmm/honest");
    let (policy, intent, psbt) =
        (honest.join("policy.toml"), honest.join("intent.json"), honest.join("request.psbt"));
    let now = common::now_of(&honest);
    let paths = |p: &Path| p.to_str().unwrap().to_owned();
    let (policy, intent, psbt) = (paths(&policy), paths(&intent), paths(&psbt));
    for (name, text, secret) in &files {
        let file = dir.write(name, text);
        private(&file);
        let run = |args: &[&str]| ig(&dir, args);
        // As the key of `intent sign`, with and without a policy.
        for extra in [&["--policy", "policy.toml"][..], &[]] {
            let mut args = vec!["intent", "sign", "--key", name, "--approver", "alice"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&["--now", LATER, "--out", "out.json", "intent.json"]);
            if *name == "stranger.key" && extra.is_empty() {
                continue; // a valid key signs when no policy says whose it must be
            }
            assert_refused_without(&run(&args), secret, &format!("{name} as --key"));
            assert!(!dir.join("out.json").exists());
        }
        // Where keygen would write a new key: it is never read, nor overwritten.
        assert_refused_without(&run(&["keygen", "--out", name]), secret, "keygen --out");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), *text);
        for format in ["text", "json"] {
            let verify = |p: &str, i: &str, r: &str| {
                run(&[
                    "verify",
                    "--policy",
                    p,
                    "--intent",
                    i,
                    "--now",
                    &now,
                    "--no-ledger",
                    "--format",
                    format,
                    r,
                ])
            };
            assert_refused_without(&verify(name, &intent, &psbt), secret, "--policy");
            assert_refused_without(&verify(&policy, name, &psbt), secret, "--intent");
            assert_refused_without(&verify(&policy, &intent, name), secret, "the PSBT");
            let inspect = |args: &[&str]| {
                let mut all = vec!["inspect", "--format", format];
                all.extend_from_slice(args);
                run(&all)
            };
            assert_refused_without(&inspect(&[name]), secret, "inspect PSBT");
            assert_refused_without(
                &inspect(&["--policy", name, &psbt]),
                secret,
                "inspect --policy",
            );
        }
        assert_refused_without(&run(&["policy", "check", name]), secret, "policy check");
        assert_refused_without(
            &run(&["intent", "show", "--policy", "policy.toml", "--now", LATER, name]),
            secret,
            "intent show",
        );
        assert_refused_without(
            &run(&["intent", "show", "--policy", name, "--now", LATER, "intent.json"]),
            secret,
            "intent show --policy",
        );
    }
    // The files that are not intentguard keys are said to be so, by shape alone.
    let out = ig(
        &dir,
        &["intent", "sign", "--key", "mnemonic.txt", "--approver", "alice", "intent.json"],
    );
    assert_refused(
        &out,
        "mnemonic.txt: the key file does not start with the line \"intentguard-ed25519-secret-key v1\" \
         (its first line is 75 characters, in 12 words)",
    );
}

// ---------------------------------------------------------------------------------------
// intent new.

#[test]
fn intent_new_writes_what_was_asked_to_a_file_or_standard_output() {
    let dir = TempDir::new("ceremony", "new");
    three_approvers(&dir);
    let args = |out: Option<&str>| {
        let mut a = vec![
            "intent".to_owned(),
            "new".into(),
            "--policy".into(),
            "policy.toml".into(),
            "--id".into(),
            "ops:2024-05-31.a_1".into(),
            "--pay".into(),
            format!("{DMM_ADDRESS}=0.00125 BTC"),
            "--pay".into(),
            format!("{}=125000sat", DMM_ADDRESS.to_uppercase()),
            "--pay".into(),
            "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3=1BTC".into(),
            "--expires-in".into(),
            "30m".into(),
            "--now".into(),
            CREATED.into(),
        ];
        if let Some(out) = out {
            a.extend(["--out".to_owned(), out.to_owned()]);
        }
        a
    };
    let run = |a: Vec<String>| ig(&dir, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let to_stdout = run(args(None));
    assert_exit(&to_stdout, 0);
    let to_file = run(args(Some("intent.json")));
    assert_exit(&to_file, 0);
    assert!(to_file.stdout.is_empty());
    assert_eq!(std::fs::read(dir.join("intent.json")).unwrap(), to_stdout.stdout);
    let err = stderr(&to_file);
    assert!(err.starts_with("created intent ops:2024-05-31.a_1 for wallet treasury, valid until 2024-05-31T01:30:00Z, written to intent.json\ndigest "), "{err}");

    let intent = json_file(&dir.join("intent.json"));
    assert_eq!(
        intent,
        serde_json::json!({
            "version": 1, "id": "ops:2024-05-31.a_1", "wallet": "treasury", "network": "bitcoin",
            "payments": [
                { "address": DMM_ADDRESS, "amount_sat": 125000 },
                { "address": DMM_ADDRESS, "amount_sat": 125000 },
                { "address": "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "amount_sat": 100000000 }
            ],
            "created_at": CREATED, "expires_at": "2024-05-31T01:30:00Z", "approvals": []
        })
    );
    assert_eq!(dir.names(), ["alice.key", "bob.key", "carol.key", "intent.json", "policy.toml"]);
}

/// Each bad input: exit code 2, a message that says what is wrong, nothing written (the
/// `--out` file keeps its old content, standard output stays empty).
#[test]
fn intent_new_refuses_each_bad_input_and_writes_nothing() {
    let dir = TempDir::new("ceremony", "new-bad");
    three_approvers(&dir);
    dir.write("out.json", "old");
    let vault = repo("policies/vault-testnet.toml");
    let vault = vault.to_str().unwrap();
    let off_list = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7";
    let pay = |amount: &str| format!("{DMM_ADDRESS}={amount}");
    let wrong_network = format!("payment 0 goes to {TESTNET}, which is not an address on bitcoin");
    let not_allowed = format!("payment 0 goes to {off_list}, which is not on the policy's allowed destinations (INTENT_DESTINATION_NOT_ALLOWED)");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--pay".into(), pay("4502.9")], "\"4502.9\" has no unit"),
        (vec!["--pay".into(), pay("125000")], "\"125000\" has no unit"),
        (vec!["--pay".into(), pay("0sat")], "\"0sat\" is zero"),
        (vec!["--pay".into(), pay("0btc")], "\"0btc\" is zero"),
        (vec!["--pay".into(), pay("-1btc")], "\"-1btc\" is negative"),
        (vec!["--pay".into(), pay("21000000.00000001btc")], "is more than 21,000,000 BTC"),
        (vec!["--pay".into(), pay("2100000000000001sat")], "is more than 21,000,000 BTC"),
        (vec!["--pay".into(), pay("0.000000001btc")], "has more than 8 decimals"),
        (vec!["--pay".into(), pay("1.5sat")], "sat amounts are whole numbers"),
        (vec!["--pay".into(), pay("1 bitcoin")], "has an unknown unit"),
        (vec!["--pay".into(), DMM_ADDRESS.into()], "is not ADDRESS=AMOUNT"),
        (vec!["--pay".into(), "bc1qnotanaddress=1btc".into()], "is not a Bitcoin address"),
        (
            vec!["--pay".into(), format!("{TESTNET}=1btc")],
            &wrong_network,
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--max-fee".into(), "1000".into()],
            "\"1000\" has no unit",
        ),
        (vec!["--pay".into(), pay("1btc"), "--max-fee".into(), "0sat".into()], "\"0sat\" is zero"),
        (
            vec!["--pay".into(), pay("1btc"), "--expires-in".into(), "8d".into()],
            "the intent is valid for 691200 s; the policy allows at most 604800 s (INTENT_LIFETIME_TOO_LONG)",
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--expires-in".into(), "12".into()],
            "\"12\" is not a duration",
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--expires-in".into(), "0m".into()],
            "\"0m\" is zero",
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--id".into(), "two words".into()],
            "intent field `id`: \"two words\" is not 1 to 128 characters",
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--now".into(), "2024-05-31T01:00:00+00:00".into()],
            "is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ",
        ),
        (vec![], "--pay <ADDRESS=AMOUNT>"),
        (
            vec!["--pay".into(), format!("{off_list}=1btc"), "--policy".into(), vault.into()],
            &not_allowed,
        ),
        (
            vec!["--pay".into(), format!("{TESTNET}=10.00000001btc"), "--policy".into(), vault.into()],
            "the payments add up to 1000000001 sat; the policy allows at most 1000000000 sat (INTENT_TOTAL_OVER_LIMIT)",
        ),
        (
            vec!["--pay".into(), pay("1btc"), "--policy".into(), "missing.toml".into()],
            "cannot read the policy file missing.toml",
        ),
    ];
    for (extra, message) in cases {
        let mut args: Vec<String> =
            ["intent", "new", "--out", "out.json"].map(String::from).to_vec();
        let has = |flag: &str| extra.iter().any(|a| a == flag);
        if !has("--policy") {
            args.extend(["--policy".into(), "policy.toml".into()]);
        }
        if !has("--id") {
            args.extend(["--id".into(), "x".into()]);
        }
        if !has("--expires-in") {
            args.extend(["--expires-in".into(), "1h".into()]);
        }
        if !has("--now") {
            args.extend(["--now".into(), CREATED.into()]);
        }
        args.extend(extra.iter().cloned());
        let out = ig(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_refused(&out, message);
        assert_eq!(std::fs::read_to_string(dir.join("out.json")).unwrap(), "old", "{args:?}");
    }
    assert_eq!(dir.names(), ["alice.key", "bob.key", "carol.key", "out.json", "policy.toml"]);
}

// ---------------------------------------------------------------------------------------
// intent sign.

#[test]
fn signing_again_replaces_the_approval_and_never_adds_a_second() {
    let dir = TempDir::new("ceremony", "sign-replace");
    three_approvers(&dir);
    new_intent(&dir);
    for _ in 0..2 {
        assert_exit(&sign(&dir, "alice", &["--out", "intent.json", "intent.json"]), 0);
    }
    // A forged approval under bob's name is replaced by bob's own.
    let mut intent = json_file(&dir.join("intent.json"));
    intent["approvals"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"approver": "bob", "signature": "00".repeat(64)}));
    dir.write("intent.json", serde_json::to_vec(&intent).unwrap());
    let out =
        sign(&dir, "carol", &["--policy", "policy.toml", "--out", "intent.json", "intent.json"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("warning: the approval by bob does not verify"),
        "{}",
        show(&out)
    );
    assert_exit(&sign(&dir, "bob", &["--out", "intent.json", "intent.json"]), 0);
    let intent = json_file(&dir.join("intent.json"));
    let names: Vec<&str> = intent["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["approver"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    let out =
        ig(&dir, &["intent", "show", "--policy", "policy.toml", "--now", LATER, "intent.json"]);
    assert_exit(&out, 0);
    // No temporary file is left behind by the atomic writes.
    assert_eq!(dir.names(), ["alice.key", "bob.key", "carol.key", "intent.json", "policy.toml"]);
}

#[test]
fn signing_refuses_expired_malformed_and_foreign_intents_and_wrong_keys() {
    let dir = TempDir::new("ceremony", "sign-bad");
    three_approvers(&dir);
    new_intent(&dir);
    dir.write("out.json", "old");
    let before = std::fs::read(dir.join("intent.json")).unwrap();
    let expired = ig(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "alice.key",
            "--approver",
            "alice",
            "--now",
            "2024-05-31T13:00:00Z",
            "--out",
            "out.json",
            "intent.json",
        ],
    );
    assert_refused(
        &expired,
        "will not sign: the intent expired at 2024-05-31T13:00:00Z (it is now 2024-05-31T13:00:00Z)",
    );
    // alice's key offered as bob's.
    let out = ig(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "alice.key",
            "--approver",
            "bob",
            "--policy",
            "policy.toml",
            "--now",
            LATER,
            "--out",
            "out.json",
            "intent.json",
        ],
    );
    assert_refused(&out, "will not sign: the public key of the key file is ");
    assert!(
        stderr(&out).contains("but the policy gives \"bob\" the public key "),
        "{}",
        show(&out)
    );
    let out = ig(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "alice.key",
            "--approver",
            "mallory",
            "--policy",
            "policy.toml",
            "--now",
            LATER,
            "--out",
            "out.json",
            "intent.json",
        ],
    );
    assert_refused(&out, "will not sign: \"mallory\" is not an approver of the policy");
    let out = ig(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "alice.key",
            "--approver",
            "a\u{1b}[2Jb",
            "--now",
            LATER,
            "--out",
            "out.json",
            "intent.json",
        ],
    );
    let err = assert_refused(
        &out,
        "will not sign: approver name \"a\\u{1b}[2Jb\" must be 1 to 64 characters",
    );
    assert!(!err.contains('\u{1b}'), "{err}");
    // Another wallet's policy.
    let other = std::fs::read_to_string(dir.join("policy.toml")).unwrap().replacen(
        "\"treasury\"",
        "\"other\"",
        1,
    );
    dir.write("other.toml", other);
    let out = ig(
        &dir,
        &[
            "intent",
            "sign",
            "--key",
            "alice.key",
            "--approver",
            "alice",
            "--policy",
            "other.toml",
            "--now",
            LATER,
            "--out",
            "out.json",
            "intent.json",
        ],
    );
    assert_refused(
        &out,
        "will not sign: the intent is for wallet \"treasury\" but the policy is for \"other\"",
    );
    // Malformed intents.
    for (text, message) in [
        ("{\"version\": 1", "intent.bad.json: the intent is not valid JSON of the intent's shape"),
        ("", "intent.bad.json: the intent is not valid JSON"),
    ] {
        dir.write("intent.bad.json", text);
        let out = sign(&dir, "alice", &["--out", "out.json", "intent.bad.json"]);
        assert_refused(&out, message);
    }
    let mut tampered = json_file(&dir.join("intent.json"));
    tampered["payments"][0]["amount_sat"] = 0.into();
    dir.write("intent.bad.json", serde_json::to_vec(&tampered).unwrap());
    let out = sign(&dir, "alice", &["--out", "out.json", "intent.bad.json"]);
    assert_refused(&out, "intent field `payments[0].amount_sat`: must be greater than 0");
    // --out must never replace the key file.
    let key_before = std::fs::read(dir.join("alice.key")).unwrap();
    for out in ["alice.key", "./alice.key"] {
        let refused = sign(&dir, "alice", &["--out", out, "intent.json"]);
        assert_refused(&refused, "is the key file; writing the intent there would destroy the key");
    }
    assert_eq!(std::fs::read(dir.join("alice.key")).unwrap(), key_before);
    let out = sign(&dir, "alice", &["--out", "out.json", "no-such.json"]);
    assert_refused(&out, "cannot read the intent file no-such.json");

    assert_eq!(std::fs::read_to_string(dir.join("out.json")).unwrap(), "old");
    assert_eq!(std::fs::read(dir.join("intent.json")).unwrap(), before);
}

// ---------------------------------------------------------------------------------------
// intent show.

#[test]
fn intent_show_exit_codes() {
    let dir = TempDir::new("ceremony", "show-exit");
    three_approvers(&dir);
    new_intent(&dir);
    let show_with = |extra: &[&str], file: &str| {
        let mut args = vec!["intent", "show", "--now", LATER];
        args.extend_from_slice(extra);
        args.push(file);
        ig(&dir, &args)
    };
    let policy = ["--policy", "policy.toml"];
    // Well-formed without a policy: 0, whatever its approvals.
    assert_exit(&show_with(&[], "intent.json"), 0);
    // With the policy and no approval: 1.
    let out = show_with(&policy, "intent.json");
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("quorum      NOT MET: 0 of 2 needed (nobody)\n"),
        "{}",
        show(&out)
    );
    assert_exit(&sign(&dir, "alice", &["--out", "intent.json", "intent.json"]), 0);
    assert_exit(&show_with(&policy, "intent.json"), 1);
    assert_exit(&sign(&dir, "carol", &["--out", "intent.json", "intent.json"]), 0);
    assert_exit(&show_with(&policy, "intent.json"), 0);
    // Quorum met, but a third signature that does not verify: 1.
    let mut intent = json_file(&dir.join("intent.json"));
    intent["approvals"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"approver": "bob", "signature": "ab".repeat(64)}));
    dir.write("bad-sig.json", serde_json::to_vec(&intent).unwrap());
    let out = show_with(&policy, "bad-sig.json");
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains(
            "quorum      met: 2 of 2 needed (alice, carol); 1 signature does not verify\n"
        ),
        "{}",
        show(&out)
    );
    // An unknown approver does not count, and does not fail by itself.
    let mut intent = json_file(&dir.join("intent.json"));
    intent["approvals"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"approver": "mallory", "signature": "ab".repeat(64)}));
    dir.write("unknown.json", serde_json::to_vec(&intent).unwrap());
    let out = show_with(&policy, "unknown.json");
    assert_exit(&out, 0);
    assert!(
        stdout(&out)
            .contains("  #2  mallory: unknown: not an approver of the policy; it does not count\n"),
        "{}",
        show(&out)
    );
    // The intent changed after it was signed: every signature fails.
    let mut intent = json_file(&dir.join("intent.json"));
    intent["payments"][0]["address"] = "bc1qc0h6yezxcgarru4hu80eyv50m8z0v3p9ldhfly".into();
    dir.write("redirected.json", serde_json::to_vec(&intent).unwrap());
    let out = show_with(&policy, "redirected.json");
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("  #0  alice: BAD SIGNATURE"), "{}", show(&out));
    // Malformed intent, or unusable policy: 2.
    dir.write("malformed.json", "{\"version\": 1}");
    for (extra, file, message) in [
        (&[][..], "malformed.json", "malformed.json: the intent is not valid JSON"),
        (&policy[..], "malformed.json", "malformed.json: the intent is not valid JSON"),
        (
            &["--policy", "missing.toml"][..],
            "intent.json",
            "cannot read the policy file missing.toml",
        ),
        (&[][..], "missing.json", "cannot read the intent file missing.json"),
    ] {
        assert_refused(&show_with(extra, file), message);
    }
    let out = ig_stdin(
        &dir,
        &["intent", "show", "--now", LATER, "-"],
        &std::fs::read(dir.join("intent.json")).unwrap(),
    );
    assert_exit(&out, 0);
}

#[test]
fn intent_show_gives_the_digest_in_groups_and_the_window_in_utc_and_relative() {
    let dir = TempDir::new("ceremony", "show-screen");
    three_approvers(&dir);
    new_intent(&dir);
    let out = ig(&dir, &["intent", "show", "--now", "2024-05-31T02:30:00Z", "intent.json"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let intent =
        intentguard::Intent::from_json_bytes(&std::fs::read(dir.join("intent.json")).unwrap())
            .unwrap();
    let digest = intent.digest_hex();
    let groups: Vec<&str> = (0..16).map(|i| &digest[i * 4..i * 4 + 4]).collect();
    let head = format!(
        "\
intent      ceremony-0001
wallet      treasury on bitcoin
digest      {digest}
read aloud  {}
            {}
valid from  2024-05-31T01:00:00Z (UTC), 1 h 30 min ago
valid until 2024-05-31T13:00:00Z (UTC), in 10 h 30 min
fee cap     40000 sat (0.00040000 BTC)

payments (1), total 4502.90000000 BTC (450290000000 sat)
  #0  4502.90000000 BTC (450290000000 sat)
      {DMM_ADDRESS}

approvals (0)

quorum      not checked: pass --policy FILE to verify the approvals
",
        groups[..8].join(" "),
        groups[8..].join(" ")
    );
    assert_eq!(text, head);
    let out = ig(&dir, &["intent", "show", "--now", "2024-06-02T13:00:01Z", "intent.json"]);
    assert!(
        stdout(&out).contains("valid until 2024-05-31T13:00:00Z (UTC), EXPIRED 2 d ago\n"),
        "{}",
        show(&out)
    );
}

/// A memo and an approver name full of terminal escapes, bidi overrides and zero-width
/// characters are shown escaped by `intent show`, `intent sign` and `policy check`.
#[test]
fn escapes_in_a_memo_and_an_approver_name_are_neutralised_on_screen() {
    let dir = TempDir::new("ceremony", "hostile");
    three_approvers(&dir);
    new_intent(&dir);
    let mut intent = json_file(&dir.join("intent.json"));
    let memo =
        "OTC \u{1b}[2J\u{1b}[1;32mAPPROVED\u{1b}[0m\u{202e}gninrael\u{200b}\u{9b}31m\r\nquorum met";
    intent["payments"][0]["memo"] = memo.into();
    intent["approvals"] = serde_json::json!([{ "approver": "\u{1b}]0;pwned\u{7}alice\u{2066}", "signature": "00".repeat(64) }]);
    dir.write("hostile.json", serde_json::to_vec(&intent).unwrap());

    for extra in [&[][..], &["--policy", "policy.toml"][..]] {
        let mut args = vec!["intent", "show", "--now", LATER];
        args.extend_from_slice(extra);
        args.push("hostile.json");
        let out = ig(&dir, &args);
        let text = stdout(&out);
        assert_safe_screen(&text);
        let memo_lines: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("      memo: "))
            .take_while(|l| l.starts_with("      "))
            .map(str::trim)
            .collect();
        // A word longer than a line is broken where it must be: compare without spaces.
        assert_eq!(
            memo_lines.concat().replace(' ', ""),
            "memo:OTC\\u{1b}[2J\\u{1b}[1;32mAPPROVED\\u{1b}[0m\\u{202e}gninrael\\u{200b}\\u{9b}31m\\u{d}\\u{a}quorummet",
            "{text}"
        );
        assert!(text.contains("  #0  \\u{1b}]0;pwned\\u{7}alice\\u{2066}: "), "{text}");
    }
    // Signing it prints the names back, escaped too.
    let out = sign(&dir, "alice", &["hostile.json"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("approvals now: \\u{1b}]0;pwned\\u{7}alice\\u{2066}, alice\n"), "{err}");
    assert!(!err.chars().filter(|&c| c != '\n').any(needs_escape), "{err}");

    // An approver name in a policy may hold no control character, but bidi and zero-width
    // characters are not control characters: they are escaped on screen.
    let policy = std::fs::read_to_string(dir.join("policy.toml")).unwrap();
    dir.write(
        "policy2.toml",
        policy.replacen("name = \"bob\"", "name = \"bob\u{202e}\u{200d}evil\"", 1),
    );
    let out = ig(&dir, &["policy", "check", "--addresses", "0", "policy2.toml"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert_safe_screen(&text);
    assert!(text.contains("  bob\\u{202e}\\u{200d}evil\n"), "{text}");
}

// ---------------------------------------------------------------------------------------
// policy check.

fn known_addresses() -> Vec<Value> {
    let data = json_file(&repo("tests/data/known-addresses.json"));
    data["addresses"].as_array().unwrap().clone()
}

/// `policy check` shows the addresses embit derives (tests/data/known_addresses.py) for
/// each descriptor shape, taproot included, at the right index of the right branch.
#[test]
fn policy_check_shows_addresses_other_tools_derive() {
    let dir = TempDir::new("ceremony", "policy-check");
    let known = known_addresses();
    let files = [
        "policies/vault-testnet.toml",
        "vectors/601-tr-nums-sortedmulti-a/policy.toml",
        "vectors/602-tr-key-multi-a-script-path/policy.toml",
        "vectors/604-tr-tree-three-leaves/policy.toml",
        "vectors/001-wsh-sortedmulti/policy.toml",
        "vectors/005-sh-sortedmulti/policy.toml",
    ];
    let mut checked = 0;
    for file in files {
        let path = repo(file);
        let toml = std::fs::read_to_string(&path).unwrap();
        let descriptor =
            toml.split('"').skip_while(|s| !s.ends_with("descriptor = ")).nth(1).unwrap();
        let out = ig(&dir, &["policy", "check", "--addresses", "5", path.to_str().unwrap()]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert_safe_screen(&text);
        let (receive, change) =
            text.split_once("change addresses (branch 1, from index 0)\n").unwrap();
        let receive = receive.split_once("receive addresses (branch 0, from index 0)\n").unwrap().1;
        for e in known
            .iter()
            .filter(|e| e["descriptor"] == descriptor && e["index"].as_u64().unwrap() < 5)
        {
            let line = format!(
                "  {:<4} {}\n",
                e["index"].as_u64().unwrap(),
                e["address"].as_str().unwrap()
            );
            let section = if e["branch"] == 0 { receive } else { change };
            assert!(section.contains(&line), "{file}: {line:?} missing\n{text}");
            checked += 1;
        }
        assert_eq!(receive.lines().count(), 6, "{text}");
    }
    assert!(checked >= 8, "only {checked} known addresses compared");
}

#[test]
fn policy_check_describes_the_wallet() {
    let dir = TempDir::new("ceremony", "policy-describe");
    let out = ig(&dir, &["policy", "check", repo("policies/treasury.toml").to_str().unwrap()]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    for needle in [
        "policy      treasury: valid\nnetwork     bitcoin\ndescriptor  wsh(sortedmulti), checksum tc8r3knc\ndigest      26cfe7b58efacab3f8fb6e3e5951200dd82a86d129b13cd4e9b624b624863dc9\nthreshold   2 of 3 keys\n",
        "  #0  a612bb6a  m/48'/0'/0'/2'/<0;1>/*  xpub6F2hX9ei…1uSoPY9o\n",
        "approvers: any 2 of 3 must sign an intent\n",
        "  max_fee_sat            500000 sat (0.00500000 BTC)\n",
        "  max_change_outputs     1 (default)\n",
        "  max_intent_lifetime_s  604800 s (7 d) (default)\n",
        "  allowed_destinations   not set: any address\n",
    ] {
        assert!(text.contains(needle), "{needle:?} missing\n{text}");
    }
    // The default is three addresses of each branch.
    assert_eq!(text.matches("\n  2    bc1q").count(), 2, "{text}");
    assert!(!text.contains("\n  3    bc1q"), "{text}");

    let taproot = ig(
        &dir,
        &[
            "policy",
            "check",
            repo("vectors/602-tr-key-multi-a-script-path/policy.toml").to_str().unwrap(),
        ],
    );
    assert_exit(&taproot, 0);
    let text = stdout(&taproot);
    assert!(text.contains("descriptor  tr, checksum 64ptq674\ndigest      99ecc8353da354d96345ef75269c7e4e4e6d0d0a30579ddab56161ba704fd764\nkey path    key #0 can spend alone, without the script tree\nthreshold   none: key #0 alone, or any leaf of the script tree\n"), "{text}");
    assert!(
        text.contains("script tree (1 leaf)\n  leaf 0, depth 0: 2 of 2 keys: #1, #2\n"),
        "{text}"
    );
}

#[test]
fn policy_check_refuses_invalid_policies_and_arguments() {
    let dir = TempDir::new("ceremony", "policy-bad");
    let treasury = std::fs::read_to_string(repo("policies/treasury.toml")).unwrap();
    dir.write("typo.toml", treasury.replace("max_fee_rate_sat_vb", "max_fee_rate_sat_vbb"));
    assert_refused(
        &ig(&dir, &["policy", "check", "typo.toml"]),
        "unknown field `max_fee_rate_sat_vbb`",
    );
    dir.write("quorum.toml", treasury.replace("quorum = 2", "quorum = 4"));
    assert_refused(
        &ig(&dir, &["policy", "check", "quorum.toml"]),
        "quorum.toml: policy field `approvals.quorum`: is 4",
    );
    assert_refused(
        &ig(&dir, &["policy", "check", "missing.toml"]),
        "cannot read the policy file missing.toml",
    );
    let out = ig(&dir, &["policy", "check", "--addresses", "1001", "quorum.toml"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("1001 is not in 0..=1000"), "{}", show(&out));
}

#[test]
fn every_new_command_has_help() {
    let dir = TempDir::new("ceremony", "help");
    for (args, needle) in [
        (&["keygen", "--help"][..], "Usage: intentguard keygen --out <FILE>"),
        (
            &["intent", "new", "--help"][..],
            "AMOUNT needs its unit: 125000sat, 0.00125btc or '0.00125 BTC'",
        ),
        (&["intent", "sign", "--help"][..], "chmod 600 FILE"),
        (&["intent", "show", "--help"][..], "Exit codes: 0 well-formed"),
        (&["policy", "check", "--help"][..], "--addresses <N>"),
        (&["--help"][..], "keygen"),
    ] {
        let out = ig(&dir, args);
        assert_exit(&out, 0);
        assert!(stdout(&out).contains(needle), "{needle:?}\n{}", show(&out));
    }
}

// ---------------------------------------------------------------------------------------
// Interoperability: known answers from an independent implementation.

struct KatCase {
    files: Vec<String>,
    message: Vec<u8>,
    digest: String,
    approvers: Vec<(String, String, String, String)>,
}

fn kat_cases() -> Vec<KatCase> {
    let expected = json_file(&repo("tests/data/intent-kat/expected.json"));
    let cases: Vec<KatCase> = expected["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let hex = c["message_hex"].as_str().unwrap();
            let message = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            KatCase {
                files: c["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
                message,
                digest: c["digest"].as_str().unwrap().to_owned(),
                approvers: c["approvers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| {
                        let s = |k: &str| a[k].as_str().unwrap().to_owned();
                        (s("name"), s("seed"), s("public_key"), s("signature"))
                    })
                    .collect(),
            }
        })
        .collect();
    assert_eq!(cases.len(), 2, "a case is missing from tests/data/intent-kat/expected.json");
    cases
}

fn seed_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap();
    }
    out
}

/// A policy for a known-answer case: the wallet and network of its intent, its approvers.
fn kat_policy(
    intent: &intentguard::Intent,
    approvers: &[(String, String, String, String)],
) -> String {
    let source = match intent.wallet() {
        "treasury" => "policies/treasury.toml",
        _ => "policies/vault-testnet.toml",
    };
    let text = std::fs::read_to_string(repo(source)).unwrap();
    let descriptor = text.lines().find(|l| l.starts_with("descriptor = ")).unwrap();
    let network = intentguard::network_name(intent.network());
    let list: Vec<String> = approvers
        .iter()
        .map(|(n, _, k, _)| format!("  {{ name = \"{n}\", key = \"{k}\" }},"))
        .collect();
    format!(
        "name = \"{}\"\nnetwork = \"{network}\"\n{descriptor}\n[approvals]\nquorum = {}\napprovers = [\n{}\n]\n[limits]\nmax_fee_sat = 100000\n",
        intent.wallet(),
        approvers.len(),
        list.join("\n")
    )
}

/// The message bytes, digest and signatures that Python's `json` + `hashlib` and PyNaCl
/// computed (tests/data/intent-kat/make_kat.py) are intentguard's, for intents with
/// non-ASCII memos and every JSON escape, written with literal UTF-8 or with `\u` escapes.
#[test]
fn intents_match_the_independent_known_answers() {
    use intentguard::ceremony::intent_status;
    use intentguard::{ApprovalStatus, Intent, Policy, Timestamp};

    for case in kat_cases() {
        for file in &case.files {
            let bytes = std::fs::read(repo(&format!("tests/data/intent-kat/{file}"))).unwrap();
            let intent = Intent::from_json_bytes(&bytes).unwrap();
            assert_eq!(intent.message(), case.message.as_slice(), "{file}");
            assert_eq!(intent.digest_hex(), case.digest, "{file}");
            for (name, seed, public, signature) in &case.approvers {
                let key = ed25519_dalek::SigningKey::from_bytes(&seed_bytes(seed));
                assert_eq!(&intentguard::keyfile::public_key_hex(&key.verifying_key()), public);
                // intentguard signs exactly as PyNaCl does (Ed25519 is deterministic).
                assert_eq!(&intent.sign_hex(&key), signature, "{file} {name}");
            }
            // PyNaCl's approvals verify under a policy naming its keys.
            let policy = Policy::from_toml(&kat_policy(&intent, &case.approvers)).unwrap();
            let now = Timestamp::from_unix(intent.created_at().unix() + 60);
            let status = intent_status(&policy, &intent, now);
            assert!(
                status.approvals.iter().all(|s| *s == ApprovalStatus::Valid),
                "{file}: {status:?}"
            );
            assert!(status.approved(), "{file}");
        }
    }
}

/// Through the binary: `intent show --policy` accepts PyNaCl's approvals and reads the
/// digest Python computed; `intent sign` with a key file holding the same seed writes the
/// signature PyNaCl wrote.
#[test]
fn the_command_line_accepts_and_reproduces_independent_approvals() {
    let dir = TempDir::new("ceremony", "kat-cli");
    for case in kat_cases() {
        let file = repo(&format!("tests/data/intent-kat/{}", case.files[0]));
        let intent = intentguard::Intent::from_json_bytes(&std::fs::read(&file).unwrap()).unwrap();
        dir.write("policy.toml", kat_policy(&intent, &case.approvers));
        let now = intentguard::Timestamp::from_unix(intent.created_at().unix() + 60).to_string();
        let out = ig(
            &dir,
            &["intent", "show", "--policy", "policy.toml", "--now", &now, file.to_str().unwrap()],
        );
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert_safe_screen(&text);
        assert!(text.contains(&format!("digest      {}\n", case.digest)), "{text}");
        for (i, (name, ..)) in case.approvers.iter().enumerate() {
            assert!(text.contains(&format!("  #{i:<2} {name}: valid\n")), "{text}");
        }

        // Strip the approvals, then sign with key files holding the same seeds.
        let mut unsigned = json_file(&file);
        unsigned["approvals"] = serde_json::json!([]);
        dir.write("unsigned.json", serde_json::to_vec(&unsigned).unwrap());
        for (name, seed, public, signature) in &case.approvers {
            private(&dir.write(
                &format!("{name}.key"),
                format!("intentguard-ed25519-secret-key v1\nsecret {seed}\npublic {public}\n"),
            ));
            let out = ig(
                &dir,
                &[
                    "intent",
                    "sign",
                    "--key",
                    &format!("{name}.key"),
                    "--approver",
                    name,
                    "--policy",
                    "policy.toml",
                    "--now",
                    &now,
                    "unsigned.json",
                ],
            );
            assert_exit(&out, 0);
            let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(signed["approvals"][0]["signature"].as_str().unwrap(), signature);
        }
    }
}
