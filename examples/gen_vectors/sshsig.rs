//! A test-only maker of OpenSSH signatures (SSHSIG) from Ed25519 seeds: SPEC 1.2's
//! "SSH approvals", written from OpenSSH's `PROTOCOL.sshsig` and `PROTOCOL.u2f` alone.
//!
//! It writes the two key forms of SPEC 1.1's `ssh` approvers, `ssh-ed25519` and the
//! security-key form `sk-ssh-ed25519@openssh.com` (whose "hardware" is just the seed here),
//! and an armored SSHSIG over any message, with every field under the caller's control so
//! that negative tests can write what no honest signer would. `tests/integration/sshsig.rs`
//! checks its output against the real `ssh-keygen`.

use ed25519_dalek::{Signer as _, SigningKey};
use intentguard::bitcoin::base64::engine::general_purpose::STANDARD as BASE64;
use intentguard::bitcoin::base64::Engine as _;
use intentguard::bitcoin::hashes::{sha256, sha512, Hash};

/// The namespace of intent approvals (SPEC 1.2).
pub const NAMESPACE: &str = "intentguard-intent-v1";
/// The application string `ssh-keygen -t ed25519-sk` enrolls by default.
pub const DEFAULT_APPLICATION: &str = "ssh:";
/// The key and signature type of a plain Ed25519 key.
pub const ED25519: &str = "ssh-ed25519";
/// The key and signature type of an Ed25519 key on a FIDO2 security key.
pub const SK_ED25519: &str = "sk-ssh-ed25519@openssh.com";
/// Security-key flag: the user was present (touched the key).
pub const FLAG_USER_PRESENT: u8 = 0x01;
/// Security-key flag: the user was verified (PIN or biometric).
pub const FLAG_USER_VERIFIED: u8 = 0x04;
/// Security-key flag: extension data follows (SPEC 1.2 refuses it).
pub const FLAG_EXTENSION: u8 = 0x80;

const MAGIC: &[u8] = b"SSHSIG";
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";
/// `ssh-keygen` wraps the armored base64 at 70 columns.
const ARMOR_COLUMNS: usize = 70;

/// The layout of a key or a signature: plain Ed25519 or the security-key form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `ssh-ed25519`.
    Ed25519,
    /// `sk-ssh-ed25519@openssh.com`.
    SkEd25519,
}

/// An Ed25519 key in one of the two OpenSSH forms.
#[derive(Clone, Debug)]
pub struct SshKey {
    signing: SigningKey,
    /// The security key's application string; `None` for a plain key.
    application: Option<String>,
}

impl SshKey {
    /// A plain `ssh-ed25519` key from its 32-byte seed.
    pub fn ed25519(seed: [u8; 32]) -> SshKey {
        SshKey { signing: SigningKey::from_bytes(&seed), application: None }
    }

    /// A `sk-ssh-ed25519@openssh.com` key from its 32-byte seed and application string
    /// (usually [`DEFAULT_APPLICATION`]).
    pub fn sk_ed25519(seed: [u8; 32], application: &str) -> SshKey {
        SshKey { signing: SigningKey::from_bytes(&seed), application: Some(application.into()) }
    }

    /// Which of the two forms the key is.
    pub fn form(&self) -> Form {
        if self.application.is_some() {
            Form::SkEd25519
        } else {
            Form::Ed25519
        }
    }

    /// The key type word: [`ED25519`] or [`SK_ED25519`].
    pub fn key_type(&self) -> &'static str {
        form_name(self.form())
    }

    /// The application string a security-key signature covers: the key's own, or
    /// [`DEFAULT_APPLICATION`] for a plain key made to sign in the security-key form.
    pub fn application(&self) -> &str {
        self.application.as_deref().unwrap_or(DEFAULT_APPLICATION)
    }

    /// The raw Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The public key blob: string type || string key(32) [|| string application].
    pub fn public_blob(&self) -> Vec<u8> {
        let mut blob = Vec::new();
        put_string(&mut blob, self.key_type().as_bytes());
        put_string(&mut blob, &self.public_key());
        if let Some(application) = &self.application {
            put_string(&mut blob, application.as_bytes());
        }
        blob
    }

    /// The OpenSSH public key line, `TYPE BASE64 COMMENT` (no comment when it is empty).
    pub fn public_line(&self, comment: &str) -> String {
        let line = format!("{} {}", self.key_type(), BASE64.encode(self.public_blob()));
        if comment.is_empty() {
            line
        } else {
            format!("{line} {comment}")
        }
    }
}

/// The `hash_algorithm` field and the hash of the message it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashAlg {
    /// `sha256`.
    Sha256,
    /// `sha512`, `ssh-keygen`'s default.
    Sha512,
    /// Any other name, for negative tests; the message is then hashed with SHA-512.
    Other(String),
}

impl HashAlg {
    /// The name written in the signature.
    pub fn name(&self) -> &str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha512 => "sha512",
            HashAlg::Other(name) => name,
        }
    }

    /// H(message).
    pub fn digest(&self, message: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => sha256::Hash::hash(message).to_byte_array().to_vec(),
            HashAlg::Sha512 | HashAlg::Other(_) => {
                sha512::Hash::hash(message).to_byte_array().to_vec()
            }
        }
    }
}

/// Every field of one SSHSIG. [`Sshsig::default`] is what `ssh-keygen -Y sign -n
/// intentguard-intent-v1` writes (with a touch, counter 0); change fields to go wrong.
#[derive(Clone, Debug)]
pub struct Sshsig {
    /// `SIG_VERSION`; 1.
    pub version: u32,
    /// The public key blob written; `None` writes the signing key's own
    /// ([`SshKey::public_blob`]). The signature is made by the signing key either way.
    pub public_blob: Option<Vec<u8>>,
    /// The namespace, written and signed.
    pub namespace: String,
    /// The reserved field, written and signed; empty.
    pub reserved: Vec<u8>,
    /// The hash algorithm, written and signed.
    pub hash: HashAlg,
    /// The signature's layout; `None` is the signing key's own form.
    pub form: Option<Form>,
    /// Security-key form: the flags byte signed and written.
    pub flags: u8,
    /// Security-key form: the signature counter, signed and written.
    pub counter: u32,
    /// Flip a bit of the 64-byte Ed25519 signature after signing.
    pub corrupt_signature: bool,
    /// Security-key form: write this flags byte instead of the one signed.
    pub flags_after_signing: Option<u8>,
}

impl Default for Sshsig {
    fn default() -> Sshsig {
        Sshsig {
            version: 1,
            public_blob: None,
            namespace: NAMESPACE.into(),
            reserved: Vec::new(),
            hash: HashAlg::Sha512,
            form: None,
            flags: FLAG_USER_PRESENT,
            counter: 0,
            corrupt_signature: false,
            flags_after_signing: None,
        }
    }
}

impl Sshsig {
    /// The armored signature by `key` over `message`, as `ssh-keygen` writes it.
    pub fn armored(&self, key: &SshKey, message: &[u8]) -> String {
        armor(&self.blob(key, message))
    }

    /// The binary SSHSIG blob: "SSHSIG" || uint32 version || string publickey ||
    /// string namespace || string reserved || string hash_algorithm || string signature.
    pub fn blob(&self, key: &SshKey, message: &[u8]) -> Vec<u8> {
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&self.version.to_be_bytes());
        put_string(&mut blob, self.public_blob.as_deref().unwrap_or(&key.public_blob()));
        put_string(&mut blob, self.namespace.as_bytes());
        put_string(&mut blob, &self.reserved);
        put_string(&mut blob, self.hash.name().as_bytes());
        put_string(&mut blob, &self.signature(key, message));
        blob
    }

    /// The signed data of PROTOCOL.sshsig for these fields.
    pub fn signed_data(&self, message: &[u8]) -> Vec<u8> {
        signed_data(&self.namespace, &self.reserved, &self.hash, message)
    }

    /// The `signature` field: string type || string sig(64) [|| byte flags || uint32 counter].
    pub fn signature(&self, key: &SshKey, message: &[u8]) -> Vec<u8> {
        let form = self.form.unwrap_or(key.form());
        let data = self.signed_data(message);
        let signed = match form {
            Form::Ed25519 => data,
            Form::SkEd25519 => {
                sk_signed_payload(key.application(), self.flags, self.counter, &data)
            }
        };
        let mut sig = key.signing.sign(&signed).to_bytes();
        if self.corrupt_signature {
            sig[0] ^= 0x01;
        }
        let mut out = Vec::new();
        put_string(&mut out, form_name(form).as_bytes());
        put_string(&mut out, &sig);
        if form == Form::SkEd25519 {
            out.push(self.flags_after_signing.unwrap_or(self.flags));
            out.extend_from_slice(&self.counter.to_be_bytes());
        }
        out
    }
}

/// A default SSHSIG (SPEC 1.2's namespace, sha512, a touch) by `key` over `message`.
pub fn sign(key: &SshKey, message: &[u8]) -> String {
    Sshsig::default().armored(key, message)
}

/// PROTOCOL.sshsig's signed data: "SSHSIG" || string namespace || string reserved ||
/// string hash_algorithm || string H(message).
pub fn signed_data(namespace: &str, reserved: &[u8], hash: &HashAlg, message: &[u8]) -> Vec<u8> {
    let mut data = MAGIC.to_vec();
    put_string(&mut data, namespace.as_bytes());
    put_string(&mut data, reserved);
    put_string(&mut data, hash.name().as_bytes());
    put_string(&mut data, &hash.digest(message));
    data
}

/// What a security key signs (PROTOCOL.u2f): SHA256(application) || flags ||
/// uint32be counter || SHA256(signed data).
pub fn sk_signed_payload(application: &str, flags: u8, counter: u32, data: &[u8]) -> Vec<u8> {
    let mut payload = sha256::Hash::hash(application.as_bytes()).to_byte_array().to_vec();
    payload.push(flags);
    payload.extend_from_slice(&counter.to_be_bytes());
    payload.extend_from_slice(&sha256::Hash::hash(data).to_byte_array());
    payload
}

/// The armored form of a blob: header, base64 in lines of 70, footer, newline.
pub fn armor(blob: &[u8]) -> String {
    let base64 = BASE64.encode(blob);
    let mut out = format!("{BEGIN}\n");
    for line in base64.as_bytes().chunks(ARMOR_COLUMNS) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// The type word of a form.
fn form_name(form: Form) -> &'static str {
    match form {
        Form::Ed25519 => ED25519,
        Form::SkEd25519 => SK_ED25519,
    }
}

/// An SSH `string`: uint32 big-endian length, then the bytes.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("an SSH string is under 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}
