//! OpenSSH keys and signatures for approvers (SPEC 1.1, 1.2): the public key line of an
//! `ssh` approver, and the armored SSHSIG of an `sshsig` approval (OpenSSH's
//! `PROTOCOL.sshsig`, with the security-key signature of `PROTOCOL.u2f`).
//!
//! Trusts: nothing. Every length is read against the bytes that remain, every field is read
//! in full and nothing may follow the last one. Only Ed25519 keys exist here: `ssh-ed25519`
//! and `sk-ssh-ed25519@openssh.com` (an Ed25519 key on a FIDO2 security key). Parsing says
//! nothing about validity; the checks verify (`checks::approvals`).

use ed25519_dalek::{Signature, VerifyingKey};
use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
use miniscript::bitcoin::base64::Engine;

/// `ssh-ed25519`.
pub(crate) const ED25519: &str = "ssh-ed25519";
/// `sk-ssh-ed25519@openssh.com`: an Ed25519 key held by a FIDO2 security key.
pub(crate) const SK_ED25519: &str = "sk-ssh-ed25519@openssh.com";
const MAGIC: &[u8] = b"SSHSIG";
const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";

/// An approver's OpenSSH public key: an Ed25519 key, plain or on a security key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshKey {
    key: VerifyingKey,
    /// For a security key: its FIDO application string (`ssh:` unless chosen otherwise).
    application: Option<String>,
}

impl SshKey {
    /// Reads an OpenSSH public key line: `TYPE BASE64 [COMMENT]`. The type word must be
    /// `ssh-ed25519` or `sk-ssh-ed25519@openssh.com` and equal the type inside the blob; the
    /// comment is ignored.
    pub(crate) fn from_line(line: &str) -> Result<SshKey, String> {
        let mut words = line.split_ascii_whitespace();
        let (Some(kind), Some(blob)) = (words.next(), words.next()) else {
            return Err("is not an OpenSSH public key line (TYPE BASE64 [COMMENT])".to_owned());
        };
        if kind != ED25519 && kind != SK_ED25519 {
            return Err(format!(
                "is a key of type {}; an approver's ssh key is {ED25519} or {SK_ED25519}",
                shown(kind)
            ));
        }
        let bytes = STANDARD
            .decode(blob)
            .map_err(|_| "has a key that is not base64, as OpenSSH writes it".to_owned())?;
        let key = SshKey::from_blob(&bytes)?;
        if key.type_name() != kind {
            return Err(format!(
                "says {kind}, but the key in it is {}: the type word must be the key's",
                key.type_name()
            ));
        }
        Ok(key)
    }

    /// Reads a public key blob: string type, string key (32 bytes), and for a security key
    /// string application.
    fn from_blob(bytes: &[u8]) -> Result<SshKey, String> {
        let mut r = Reader(bytes);
        let kind = r.string().ok_or("its key blob is cut short")?;
        let application = match kind {
            b"ssh-ed25519" => None,
            b"sk-ssh-ed25519@openssh.com" => Some(()),
            other => {
                return Err(format!(
                    "holds a key of type {}; only {ED25519} and {SK_ED25519} are accepted",
                    shown(&String::from_utf8_lossy(other))
                ))
            }
        };
        let key = r
            .string()
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .ok_or("does not hold a valid 32-byte Ed25519 key")?;
        if key.is_weak() {
            return Err(
                "holds a small-order (weak) Ed25519 key, which any signature matches".to_owned()
            );
        }
        let application = match application {
            None => None,
            Some(()) => {
                let app = r.string().ok_or("has no application string for its security key")?;
                Some(
                    String::from_utf8(app.to_vec())
                        .map_err(|_| "has an application string that is not UTF-8")?,
                )
            }
        };
        if !r.0.is_empty() {
            return Err("has bytes after the key".to_owned());
        }
        Ok(SshKey { key, application })
    }

    /// The Ed25519 public key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// For a security key, its FIDO application string; `None` for `ssh-ed25519`.
    pub fn application(&self) -> Option<&str> {
        self.application.as_deref()
    }

    /// `ssh-ed25519` or `sk-ssh-ed25519@openssh.com`.
    pub fn type_name(&self) -> &'static str {
        if self.application.is_some() {
            SK_ED25519
        } else {
            ED25519
        }
    }

    /// The key as an OpenSSH public key line without a comment.
    pub fn to_line(&self) -> String {
        let mut blob = Vec::new();
        put_string(&mut blob, self.type_name().as_bytes());
        put_string(&mut blob, self.key.as_bytes());
        if let Some(app) = &self.application {
            put_string(&mut blob, app.as_bytes());
        }
        format!("{} {}", self.type_name(), STANDARD.encode(blob))
    }
}

/// An SSHSIG, read but not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sshsig {
    pub(crate) version: u32,
    pub(crate) key: SshKey,
    pub(crate) namespace: Vec<u8>,
    pub(crate) reserved: Vec<u8>,
    pub(crate) hash_algorithm: Vec<u8>,
    pub(crate) signature: SshSignature,
}

/// The signature inside an SSHSIG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SshSignature {
    /// The signature's own type word.
    pub(crate) kind: Vec<u8>,
    pub(crate) signature: Signature,
    /// A security key's flags byte and counter (`PROTOCOL.u2f`); `None` for `ssh-ed25519`.
    pub(crate) security_key: Option<(u8, u32)>,
}

impl Sshsig {
    /// Reads the armored text `ssh-keygen -Y sign` writes. Surrounding whitespace and any
    /// wrapping of the base64 lines are accepted.
    pub(crate) fn from_armored(text: &str) -> Result<Sshsig, String> {
        let body = text
            .trim()
            .strip_prefix(BEGIN)
            .and_then(|rest| rest.strip_suffix(END))
            .ok_or("is not an armored SSH signature (-----BEGIN SSH SIGNATURE----- … -----END SSH SIGNATURE-----)")?;
        let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let bytes = STANDARD.decode(base64).map_err(|_| "holds text that is not base64")?;
        let mut r = Reader(&bytes);
        if r.take(MAGIC.len()) != Some(MAGIC) {
            return Err("does not start with the SSHSIG magic".to_owned());
        }
        let version = r.u32().ok_or("is cut short in its version")?;
        let key = r.string().ok_or("is cut short in its public key")?;
        let key = SshKey::from_blob(key).map_err(|e| format!("has a public key that {e}"))?;
        let namespace = r.string().ok_or("is cut short in its namespace")?.to_vec();
        let reserved = r.string().ok_or("is cut short in its reserved field")?.to_vec();
        let hash_algorithm = r.string().ok_or("is cut short in its hash algorithm")?.to_vec();
        let signature = r.string().ok_or("is cut short in its signature")?;
        let signature = SshSignature::from_blob(signature)?;
        if !r.0.is_empty() {
            return Err("has bytes after its signature".to_owned());
        }
        Ok(Sshsig { version, key, namespace, reserved, hash_algorithm, signature })
    }
}

impl SshSignature {
    /// string type, string signature (64 bytes), and for a security key byte flags, uint32
    /// counter.
    fn from_blob(bytes: &[u8]) -> Result<SshSignature, String> {
        let mut r = Reader(bytes);
        let kind = r.string().ok_or("has a signature cut short")?.to_vec();
        let signature = r
            .string()
            .and_then(|s| <[u8; 64]>::try_from(s).ok())
            .map(|s| Signature::from_bytes(&s))
            .ok_or("has a signature that is not 64 bytes")?;
        let security_key = if kind == SK_ED25519.as_bytes() {
            let flags = r.take(1).and_then(|b| b.first().copied());
            let counter = r.u32();
            Some(
                flags
                    .zip(counter)
                    .ok_or("has a security-key signature without its flags and counter")?,
            )
        } else {
            None
        };
        if !r.0.is_empty() {
            return Err("has bytes after the signature".to_owned());
        }
        Ok(SshSignature { kind, signature, security_key })
    }
}

/// The data an SSHSIG signs (`PROTOCOL.sshsig`): the magic, then the namespace, the reserved
/// field, the hash algorithm and the message's hash, each as an SSH string.
pub(crate) fn signed_data(sig: &Sshsig, message_hash: &[u8]) -> Vec<u8> {
    let mut data = MAGIC.to_vec();
    put_string(&mut data, &sig.namespace);
    put_string(&mut data, &sig.reserved);
    put_string(&mut data, &sig.hash_algorithm);
    put_string(&mut data, message_hash);
    data
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Text from a file, for a message: quoted, escaped, at most 40 characters.
pub(crate) fn shown(text: &str) -> String {
    let cut: String = text.chars().take(40).collect();
    let more = if text.chars().count() > 40 { "…" } else { "" };
    format!("{:?}{more}", cut)
}

/// SSH wire format: big-endian integers and length-prefixed strings, read against what
/// remains.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_be_bytes)
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_are_read_and_written() {
        let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYSvVAZ7t4k0PUujXYMOdfTPrxjwmnYRr41jBjdFarM bob@laptop";
        let key = SshKey::from_line(line).unwrap();
        assert_eq!(key.type_name(), ED25519);
        assert_eq!(key.application(), None);
        assert_eq!(key.to_line(), line.rsplit_once(' ').unwrap().0);
        // The type word must be the blob's.
        let lying = line.replacen("ssh-ed25519", SK_ED25519, 1);
        assert!(SshKey::from_line(&lying).unwrap_err().contains("the type word must be"));
        assert!(SshKey::from_line("ssh-rsa AAAA").unwrap_err().contains("ssh-rsa"));
        assert!(SshKey::from_line("ssh-ed25519").is_err());
        assert!(SshKey::from_line("ssh-ed25519 !!!").is_err());
    }

    #[test]
    fn armor_and_lengths_are_checked() {
        assert!(Sshsig::from_armored("hello").is_err());
        let empty = format!("{BEGIN}\n{END}\n");
        assert_eq!(
            Sshsig::from_armored(&empty).unwrap_err(),
            "does not start with the SSHSIG magic"
        );
        // A length past the end is refused, never read.
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&1u32.to_be_bytes());
        blob.extend_from_slice(&u32::MAX.to_be_bytes());
        let text = format!("{BEGIN}\n{}\n{END}\n", STANDARD.encode(&blob));
        assert_eq!(Sshsig::from_armored(&text).unwrap_err(), "is cut short in its public key");
    }
}
