//! The test-side SSHSIG generator (`examples/gen_vectors/sshsig.rs`) against the real
//! `ssh-keygen`, both ways: `ssh-keygen -Y verify` accepts what the generator signs and
//! refuses what it tampers with; and what `ssh-keygen -Y sign` writes decodes to the
//! generator's layout, byte for byte from the same seed. Needs `ssh-keygen` on PATH
//! (openssh-client; `.ci/run` installs it) and fails, never skips, without it.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use ed25519_dalek::{Signature, VerifyingKey};
use intentguard::bitcoin::base64::engine::general_purpose::STANDARD as BASE64;
use intentguard::bitcoin::base64::Engine as _;
use intentguard::bitcoin::hashes::{sha256, Hash};

use crate::common::TempDir;
use crate::vectors::generator::sshsig::{
    self, Form, HashAlg, SshKey, Sshsig, DEFAULT_APPLICATION, ED25519, FLAG_USER_PRESENT,
    FLAG_USER_VERIFIED, NAMESPACE,
};

/// What the approvals sign: SPEC 1.2's prefix, then some JSON with a non-ASCII byte.
const MESSAGE: &[u8] = b"intentguard/intent/v1\n{\"id\":\"ops-ssh-0001\",\"memo\":\"\xc3\x9c\"}";

/// A fixed seed: SHA-256 of a tag.
fn seed(tag: &str) -> [u8; 32] {
    sha256::Hash::hash(tag.as_bytes()).to_byte_array()
}

fn bob_ed25519() -> SshKey {
    SshKey::ed25519(seed("intentguard test ssh bob"))
}

fn bob_sk(application: &str) -> SshKey {
    SshKey::sk_ed25519(seed("intentguard test ssh bob sk"), application)
}

/// `ssh-keygen` from PATH, away from any agent; panics with a clear message if it is missing.
fn ssh_keygen() -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| dir.join("ssh-keygen").is_file());
    assert!(
        found,
        "ssh-keygen is not on PATH: these tests check SSHSIG against OpenSSH; \
         install openssh-client (CI: .ci/run does)"
    );
    let mut command = Command::new("ssh-keygen");
    command.env_remove("SSH_AUTH_SOCK").stdin(Stdio::null());
    command
}

/// Runs `command` to its end and returns what it printed.
fn run(mut command: Command) -> Output {
    command.output().expect("ssh-keygen runs")
}

/// `ssh-keygen -Y verify` of `armored` over `message` for principal bob, whose
/// allowed_signers line (namespace `intentguard-intent-v1`) holds `allowed`.
fn keygen_verify(allowed: &SshKey, armored: &str, message: &[u8], verbose: bool) -> Output {
    let dir = TempDir::new("sshsig", "verify");
    let line = format!("bob namespaces=\"{NAMESPACE}\" {}\n", allowed.public_line("bob@test"));
    let signers = dir.write("allowed_signers", line);
    let signature = dir.write("message.sig", armored);
    let stdin = std::fs::File::open(dir.write("message", message)).unwrap();
    let mut command = ssh_keygen();
    command.args(["-Y", "verify", "-I", "bob", "-n", NAMESPACE]);
    command.arg("-f").arg(&signers).arg("-s").arg(&signature).stdin(stdin);
    if verbose {
        command.arg("-vvv");
    }
    run(command)
}

/// What a command printed, for assertion messages.
fn show(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts that `ssh-keygen` accepted the signature as bob's.
fn assert_good(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", show(out));
    let good = format!("Good \"{NAMESPACE}\" signature for bob");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&good), "{}", show(out));
}

#[test]
fn ssh_keygen_accepts_generated_ed25519_signatures() {
    let key = bob_ed25519();
    for hash in [HashAlg::Sha512, HashAlg::Sha256] {
        let armored = Sshsig { hash, ..Sshsig::default() }.armored(&key, MESSAGE);
        assert_good(&keygen_verify(&key, &armored, MESSAGE, false));
    }
}

#[test]
fn ssh_keygen_accepts_generated_sk_signatures_and_reads_their_flags_and_counter() {
    let cases = [
        (DEFAULT_APPLICATION, FLAG_USER_PRESENT, 0x0102_0304, HashAlg::Sha512),
        ("ssh:intentguard", FLAG_USER_PRESENT | FLAG_USER_VERIFIED, 7, HashAlg::Sha256),
    ];
    for (application, flags, counter, hash) in cases {
        let key = bob_sk(application);
        let armored = Sshsig { flags, counter, hash, ..Sshsig::default() }.armored(&key, MESSAGE);
        let out = keygen_verify(&key, &armored, MESSAGE, true);
        assert_good(&out);
        let details = format!("counter = {counter}, flags = 0x{flags:02x}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(&details), "{}", show(&out));
    }
}

/// One tampered signature: what it is, why `ssh-keygen` refuses it (a line of its stderr),
/// the key bob's allowed_signers line holds, the key that signs, and how.
struct Tampered {
    what: &'static str,
    why: &'static str,
    allowed: SshKey,
    signer: SshKey,
    sshsig: Sshsig,
}

/// A signature by `signer`, checked against `signer` itself.
fn tampered(what: &'static str, why: &'static str, signer: &SshKey, sshsig: Sshsig) -> Tampered {
    Tampered { what, why, allowed: signer.clone(), signer: signer.clone(), sshsig }
}

const BAD_SIGNATURE: &str = "incorrect signature";

fn tampered_cases() -> Vec<Tampered> {
    let plain = bob_ed25519();
    let sk = bob_sk(DEFAULT_APPLICATION);
    let user_verified = Some(FLAG_USER_PRESENT | FLAG_USER_VERIFIED);
    let corrupt = Sshsig { corrupt_signature: true, ..Sshsig::default() };
    let other_app = bob_sk("ssh:other");
    vec![
        tampered(
            "sk flags changed after signing",
            BAD_SIGNATURE,
            &sk,
            Sshsig { flags_after_signing: user_verified, ..Sshsig::default() },
        ),
        tampered("sk signature corrupted", BAD_SIGNATURE, &sk, corrupt.clone()),
        tampered("ed25519 signature corrupted", BAD_SIGNATURE, &plain, corrupt),
        tampered(
            "another namespace",
            "namespace does not match",
            &plain,
            Sshsig { namespace: "file".into(), ..Sshsig::default() },
        ),
        tampered(
            "version 2",
            "version 2 is larger than supported",
            &plain,
            Sshsig { version: 2, ..Sshsig::default() },
        ),
        tampered(
            "hash sha1",
            "unsupported hash algorithm \"sha1\"",
            &plain,
            Sshsig { hash: HashAlg::Other("sha1".into()), ..Sshsig::default() },
        ),
        tampered(
            "plain signature form under an sk key",
            "invalid format",
            &sk,
            Sshsig { form: Some(Form::Ed25519), ..Sshsig::default() },
        ),
        Tampered {
            what: "sk key blob of another application",
            why: BAD_SIGNATURE,
            allowed: other_app.clone(),
            signer: sk,
            sshsig: Sshsig { public_blob: Some(other_app.public_blob()), ..Sshsig::default() },
        },
    ]
}

#[test]
fn ssh_keygen_refuses_tampered_signatures() {
    for case in tampered_cases() {
        let armored = case.sshsig.armored(&case.signer, MESSAGE);
        let out = keygen_verify(&case.allowed, &armored, MESSAGE, false);
        assert!(!out.status.success(), "{}: accepted\n{}", case.what, show(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(case.why), "{}: {}", case.what, show(&out));
        eprintln!("ssh-keygen refused {}: exit {:?}: {}", case.what, out.status.code(), case.why);
    }
}

/// A reader of SSH wire data: uint32, string, raw bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        assert!(self.0.len() >= n, "truncated SSH data");
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.bytes(4).try_into().unwrap())
    }

    fn string(&mut self) -> &'a [u8] {
        let n = self.u32();
        self.bytes(usize::try_from(n).unwrap())
    }
}

/// The bytes of an armored text: the base64 between its `-----` header and footer lines.
fn dearmor(text: &str) -> Vec<u8> {
    let base64: String = text.lines().filter(|line| !line.starts_with("-----")).collect();
    BASE64.decode(base64.trim()).unwrap()
}

/// The fields of an SSHSIG blob, decoded independently of the generator.
struct Decoded {
    version: u32,
    public_blob: Vec<u8>,
    namespace: Vec<u8>,
    reserved: Vec<u8>,
    hash: Vec<u8>,
    sig_type: Vec<u8>,
    sig: Vec<u8>,
}

fn decode_sshsig(blob: &[u8]) -> Decoded {
    let mut r = Reader(blob);
    assert_eq!(r.bytes(6), b"SSHSIG");
    let version = r.u32();
    let public_blob = r.string().to_vec();
    let namespace = r.string().to_vec();
    let reserved = r.string().to_vec();
    let hash = r.string().to_vec();
    let mut signature = Reader(r.string());
    assert!(r.0.is_empty(), "trailing bytes after the signature");
    let sig_type = signature.string().to_vec();
    let sig = signature.string().to_vec();
    assert!(signature.0.is_empty(), "trailing bytes in an ed25519 signature");
    Decoded { version, public_blob, namespace, reserved, hash, sig_type, sig }
}

/// The seed of an unencrypted OpenSSH ed25519 private key file (`openssh-key-v1`).
fn private_key_seed(text: &str) -> [u8; 32] {
    let blob = dearmor(text);
    let mut r = Reader(&blob);
    assert_eq!(r.bytes(15), b"openssh-key-v1\0");
    assert_eq!(r.string(), b"none", "cipher");
    assert_eq!(r.string(), b"none", "kdf");
    r.string();
    assert_eq!(r.u32(), 1, "one key");
    r.string();
    let mut private = Reader(r.string());
    let check = private.u32();
    assert_eq!(private.u32(), check, "check words");
    assert_eq!(private.string(), ED25519.as_bytes());
    private.string();
    private.string()[..32].try_into().unwrap()
}

/// A fresh ed25519 key by `ssh-keygen -t ed25519` in `dir`, and `MESSAGE` signed with it by
/// `ssh-keygen -Y sign`: (private key text, public key line, armored signature).
fn keygen_sign(dir: &TempDir) -> (String, String, String) {
    let key = dir.join("id_ed25519");
    let mut keygen = ssh_keygen();
    keygen.args(["-q", "-t", "ed25519", "-N", "", "-C", "bob@test", "-f"]).arg(&key);
    let out = run(keygen);
    assert!(out.status.success(), "{}", show(&out));
    let message = dir.write("message", MESSAGE);
    let mut sign = ssh_keygen();
    sign.args(["-Y", "sign", "-n", NAMESPACE, "-f"]).arg(&key).arg(&message);
    let out = run(sign);
    assert!(out.status.success(), "{}", show(&out));
    let read = |path: &Path| std::fs::read_to_string(path).unwrap();
    (read(&key), read(&dir.join("id_ed25519.pub")), read(&dir.join("message.sig")))
}

#[test]
fn ssh_keygen_signatures_have_the_generators_layout() {
    let dir = TempDir::new("sshsig", "sign");
    let (private, public, armored) = keygen_sign(&dir);
    let decoded = decode_sshsig(&dearmor(&armored));
    assert_eq!(decoded.version, 1);
    assert_eq!(decoded.namespace, NAMESPACE.as_bytes());
    assert!(decoded.reserved.is_empty());
    assert_eq!(decoded.hash, b"sha512", "ssh-keygen's default hash");
    assert_eq!(decoded.sig_type, ED25519.as_bytes());
    let line_blob = BASE64.decode(public.split_whitespace().nth(1).unwrap()).unwrap();
    assert_eq!(decoded.public_blob, line_blob, "the key of id_ed25519.pub");

    let mut key_blob = Reader(&decoded.public_blob);
    assert_eq!(key_blob.string(), ED25519.as_bytes());
    let public_key = VerifyingKey::from_bytes(key_blob.string().try_into().unwrap()).unwrap();
    let signature = Signature::from_slice(&decoded.sig).unwrap();
    let data = sshsig::signed_data(NAMESPACE, b"", &HashAlg::Sha512, MESSAGE);
    public_key.verify_strict(&data, &signature).expect("the signed data is the generator's");

    let key = SshKey::ed25519(private_key_seed(&private));
    assert_eq!(key.public_line("bob@test"), public.trim_end());
    assert_eq!(sshsig::sign(&key, MESSAGE), armored, "the generator writes what ssh-keygen does");
}
