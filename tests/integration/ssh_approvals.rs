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

fn sign_with_key(home: &TempDir, who: &str) -> Output {
    ig(
        home,
        &[
            "intent",
            "sign",
            "--key",
            &path(home, &format!("{who}.key")),
            "--approver",
            who,
            "--policy",
            &path(home, "policy.toml"),
            "--now",
            NOW,
            "--out",
            &path(home, "intent.json"),
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
    let out = ig(
        &home,
        &[
            "intent",
            "sign",
            "--ssh-key",
            &path(&home, "bob"),
            "--approver",
            "bob",
            "--policy",
            &path(&home, "policy.toml"),
            "--now",
            NOW,
            "--out",
            &path(&home, "intent.json"),
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
    let out = ig(
        &home,
        &[
            "intent",
            "sign",
            "--key",
            &path(&home, "carol.key"),
            "--approver",
            "bob",
            "--policy",
            &path(&home, "policy.toml"),
            "--now",
            NOW,
            &path(&home, "intent.json"),
        ],
    );
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
        ig(
            &home,
            &[
                "intent",
                "add-approval",
                "--approver",
                approver,
                "--sshsig",
                &path(&home, sig),
                "--policy",
                &path(&home, "policy.toml"),
                "--now",
                NOW,
                "--out",
                &path(&home, "intent.json"),
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
    let out = ig(
        &home,
        &[
            "intent",
            "show",
            "--policy",
            &path(&home, "policy.toml"),
            "--now",
            NOW,
            &path(&home, "intent.json"),
        ],
    );
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
