//! SSH approvals end to end through the binary, with keys and signatures the real
//! `ssh-keygen` makes (SPEC 1.2, 3): a policy whose bob approves with an OpenSSH key, an
//! intent signed by alice's key file and by bob through `intent sign --ssh-key`, or through
//! `intent message` + `ssh-keygen -Y sign` + `intent add-approval`, then verified.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{assert_exit, case, intentguard, show, stdout, TempDir};

const NOW: &str = "2024-05-31T02:00:00Z";

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

fn ig(home: &TempDir, args: &[&str]) -> Output {
    let mut command = intentguard(home);
    command.args(args);
    run(command)
}

fn ssh_keygen(args: &[&str]) -> Output {
    Command::new("ssh-keygen").args(args).output().unwrap_or_else(|e| {
        panic!("ssh-keygen is not on PATH ({e}); install openssh-client (CI: .ci/run does)")
    })
}

/// A scratch directory with alice's and carol's key files, bob's OpenSSH key, and the
/// treasury policy naming them, bob by his `ssh` key.
fn ceremony(name: &str) -> TempDir {
    let home = TempDir::new("ssh-approvals", name);
    let mut keys = Vec::new();
    for who in ["alice", "carol"] {
        let out =
            ig(&home, &["keygen", "--out", home.join(&format!("{who}.key")).to_str().unwrap()]);
        assert_exit(&out, 0);
        keys.push(stdout(&out).lines().next().unwrap().to_owned());
    }
    let bob = home.join("bob");
    let made = ssh_keygen(&[
        "-q",
        "-t",
        "ed25519",
        "-N",
        "",
        "-C",
        "bob@laptop",
        "-f",
        bob.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", show(&made));
    let bob_pub = std::fs::read_to_string(home.join("bob.pub")).unwrap();
    let treasury = std::fs::read_to_string(case("dmm/honest/policy.toml")).unwrap();
    let (head, _) = treasury.split_once("approvers = [").unwrap();
    let (_, tail) = treasury.split_once("]\n\n[limits]").unwrap();
    let policy = format!(
        "{head}approvers = [\n  {{ name = \"alice\", key = \"{}\" }},\n  {{ name = \"bob\", ssh = \"{}\" }},\n  {{ name = \"carol\", key = \"{}\" }},\n]\n\n[limits]{tail}",
        keys[0],
        bob_pub.trim(),
        keys[1]
    );
    home.write("policy.toml", policy);
    let out = ig(
        &home,
        &[
            "intent",
            "new",
            "--policy",
            home.join("policy.toml").to_str().unwrap(),
            "--id",
            "ops-2024-05-31-0001",
            "--pay",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq=450290000000sat",
            "--max-fee",
            "40000sat",
            "--expires-in",
            "12h",
            "--now",
            "2024-05-31T01:00:00Z",
            "--out",
            home.join("intent.json").to_str().unwrap(),
        ],
    );
    assert_exit(&out, 0);
    home
}

fn path(home: &TempDir, name: &str) -> String {
    home.join(name).to_str().unwrap().to_owned()
}

/// `intentguard intent <args> --policy policy.toml --now NOW intent.json` in the ceremony.
fn intent_command(home: &TempDir, args: &[&str]) -> Output {
    let (policy, intent) = (path(home, "policy.toml"), path(home, "intent.json"));
    let mut all = vec!["intent"];
    all.extend_from_slice(args);
    all.extend(["--policy", &policy, "--now", NOW, &intent]);
    ig(home, &all)
}

fn sign_with_key(home: &TempDir, who: &str) -> Output {
    intent_command(
        home,
        &[
            "sign",
            "--key",
            &path(home, &format!("{who}.key")),
            "--approver",
            who,
            "--out",
            &path(home, "intent.json"),
        ],
    )
}

fn verify(home: &TempDir) -> Output {
    ig(
        home,
        &[
            "verify",
            "--no-ledger",
            "--now",
            NOW,
            "--policy",
            &path(home, "policy.toml"),
            "--intent",
            &path(home, "intent.json"),
            case("dmm/honest/request.psbt").to_str().unwrap(),
        ],
    )
}

#[test]
fn an_ssh_key_approves_through_intent_sign() {
    let home = ceremony("sign");
    let out = intent_command(
        &home,
        &[
            "sign",
            "--ssh-key",
            &path(&home, "bob"),
            "--approver",
            "bob",
            "--out",
            &path(&home, "intent.json"),
        ],
    );
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("quorum: 1 of 2 needed"),
        "{}",
        show(&out)
    );
    let intent = std::fs::read_to_string(home.join("intent.json")).unwrap();
    assert!(intent.contains("\"sshsig\": \"-----BEGIN SSH SIGNATURE-----"), "{intent}");
    assert_exit(&verify(&home), 1);
    assert_exit(&sign_with_key(&home, "alice"), 0);
    let out = verify(&home);
    assert_exit(&out, 0);
    // A key file cannot sign for an ssh approver.
    let out =
        intent_command(&home, &["sign", "--key", &path(&home, "carol.key"), "--approver", "bob"]);
    assert_exit(&out, 2);
}

#[test]
fn an_approval_made_elsewhere_is_checked_then_added() {
    let home = ceremony("add");
    // The exact message, signed by ssh-keygen itself.
    let message = ig(&home, &["intent", "message", &path(&home, "intent.json")]);
    assert_exit(&message, 0);
    assert!(message.stdout.starts_with(b"intentguard/intent/v1\n{\""), "{}", show(&message));
    home.write("m", &message.stdout);
    // One signature in another namespace, then the right one (ssh-keygen writes m.sig).
    let other_ns = ssh_keygen(&[
        "-Y",
        "sign",
        "-n",
        "file",
        "-O",
        "hashalg=sha256",
        "-f",
        &path(&home, "bob"),
        &path(&home, "m"),
    ]);
    assert!(other_ns.status.success(), "{}", show(&other_ns));
    std::fs::rename(home.join("m.sig"), home.join("file.sig")).unwrap();
    let signed = ssh_keygen(&[
        "-Y",
        "sign",
        "-n",
        "intentguard-intent-v1",
        "-f",
        &path(&home, "bob"),
        &path(&home, "m"),
    ]);
    assert!(signed.status.success(), "{}", show(&signed));

    let before = std::fs::read(home.join("intent.json")).unwrap();
    let add = |sig: &str, approver: &str| {
        intent_command(
            &home,
            &[
                "add-approval",
                "--approver",
                approver,
                "--sshsig",
                &path(&home, sig),
                "--out",
                &path(&home, "intent.json"),
            ],
        )
    };
    // Another namespace, or an approver whose key is not an ssh key: refused, nothing written.
    let out = add("file.sig", "bob");
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("its namespace is \"file\""),
        "{}",
        show(&out)
    );
    assert_exit(&add("m.sig", "alice"), 2);
    assert_eq!(std::fs::read(home.join("intent.json")).unwrap(), before);
    // The right one is added; with alice's, the quorum is met.
    assert_exit(&add("m.sig", "bob"), 0);
    assert_exit(&sign_with_key(&home, "alice"), 0);
    let out = intent_command(&home, &["show"]);
    assert_exit(&out, 0);
    assert_exit(&verify(&home), 0);
    assert!(Path::new(&path(&home, "m.sig")).is_file());
}

/// The verify screen and `intent show` say which approvals came from SSH keys and, for a
/// security key, what it reported; a bad SSH approval says which condition failed.
#[test]
fn screens_say_how_each_approval_was_made() {
    let home = TempDir::new("ssh-approvals", "screens");
    let dir = case("123-ssh-user-verification-given");
    let mut command = intentguard(&home);
    command.args(["verify", "--no-ledger", "--now", NOW]);
    command.arg("--policy").arg(dir.join("policy.toml"));
    command.arg("--intent").arg(dir.join("intent.json"));
    command.arg(dir.join("request.psbt"));
    let out = run(command);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("approved by 2 of 2 needed: alice, bob (security key: touched, PIN verified,\n            counter 17)\n"),
        "{text}"
    );
    let dir = case("134-ssh-flags-changed-after-signing");
    let mut command = intentguard(&home);
    command.args(["intent", "show", "--now", NOW]);
    command.arg("--policy").arg(dir.join("policy.toml"));
    command.arg(dir.join("intent.json"));
    let out = run(command);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("  #0  alice: valid\n"), "{text}");
    assert!(
        text.contains("  #1  bob: BAD SIGNATURE: the signature does not verify over this intent"),
        "{text}"
    );
    assert!(text.contains("  #2  carol: valid (ssh-ed25519 key)\n"), "{text}");
}

/// Each SSHSIG condition of SPEC 1.2 broken alone (vectors 124-139) rejects exactly that
/// approval, and the message names the condition.
#[test]
fn each_broken_condition_is_named() {
    use intentguard::{verify, Code, Intent, Place, Policy, Request};
    let cases: [(&str, usize, &str); 16] = [
        ("124-ssh-version-2", 1, "its SSHSIG version is 2; only version 1 is defined"),
        ("125-ssh-other-key", 1, "it is signed by another key than the policy gives this approver"),
        ("126-ssh-other-application", 1, "its security key's application is \"ssh:other\", but the policy's key is for \"ssh:\""),
        ("127-ssh-plain-type-for-security-key", 1, "it is signed by another key than the policy gives this approver"),
        ("128-ssh-wrong-namespace", 1, "its namespace is \"file\"; an intent approval's is \"intentguard-intent-v1\""),
        ("129-ssh-reserved-not-empty", 1, "its reserved field holds 1 byte; it must be empty"),
        ("130-ssh-hash-sha1", 1, "its hash algorithm is \"sha1\"; only sha256 and sha512 are accepted"),
        ("131-ssh-signature-corrupted", 1, "the signature does not verify over this intent"),
        ("132-ssh-no-user-presence", 1, "the security key did not confirm user presence (flags 0x00)"),
        ("133-ssh-extension-flag", 1, "carries extension data (flags 0x81)"),
        ("134-ssh-flags-changed-after-signing", 1, "the signature does not verify over this intent"),
        ("135-ssh-user-verification-missing", 1, "the policy requires user verification (a PIN or biometric) and the security key did not report it (flags 0x01)"),
        ("136-ssh-plain-form-under-security-key", 1, "its signature is of type \"ssh-ed25519\", not the sk-ssh-ed25519@openssh.com signature its key makes"),
        ("137-ssh-other-intent", 1, "the signature does not verify over this intent"),
        ("138-ssh-approver-with-hex-signature", 1, "it is a hex signature, but the policy gives this approver an ssh key"),
        ("139-key-approver-with-sshsig", 0, "it is an sshsig, but the policy gives this approver a hex Ed25519 key"),
    ];
    for (name, approval, condition) in cases {
        let dir = case(name);
        let read = |file: &str| std::fs::read(dir.join(file)).unwrap();
        let policy = Policy::from_toml_bytes(&read("policy.toml")).unwrap();
        let intent = Intent::from_json_bytes(&read("intent.json")).unwrap();
        let request = Request::from_bytes(&read("request.psbt")).unwrap();
        let report = verify(&policy, &intent, &request, NOW.parse().unwrap(), None).unwrap();
        let [finding] = report.findings.as_slice() else { panic!("{name}: {:?}", report.findings) };
        assert_eq!(
            (finding.code, finding.place),
            (Code::IntentBadSignature, Place::Approval(approval)),
            "{name}"
        );
        assert!(finding.message.contains(condition), "{name}: {}", finding.message);
    }
}
