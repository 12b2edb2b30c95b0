//! SSHSIG approvals (SPEC 1.2): every condition under which an OpenSSH signature approves an
//! intent, checked in the SPEC's order, each failure said in words.
//!
//! Trusts: the policy's key. The SSHSIG's own key, namespace, hash algorithm and, for a
//! security key, its flags are read from the signature and checked, never believed.

use ed25519_dalek::Signature;
use miniscript::bitcoin::hashes::{sha256, sha512, Hash};

use crate::parse::sshsig::{shown, signed_data, SshKey, Sshsig, SK_ED25519};

/// The namespace of an intent approval.
pub(crate) const NAMESPACE: &str = "intentguard-intent-v1";

/// FIDO2 flags (`PROTOCOL.u2f`): user presence (a touch), user verification (a PIN or
/// biometric), extension data.
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const EXTENSION_DATA: u8 = 0x80;

/// How a valid approval was made (shown by `intent show` and the verify screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedWith {
    /// A hex Ed25519 signature by a `key` approver.
    Key,
    /// An SSHSIG by an `ssh-ed25519` key.
    Ssh,
    /// An SSHSIG by a security key, with the flags and counter its signature covers.
    SecurityKey {
        /// The FIDO2 flags byte.
        flags: u8,
        /// The security key's signature counter.
        counter: u32,
    },
}

/// Verifies an armored SSHSIG approval of `message` by `key`; `require_uv` is the policy's
/// `require_user_verification`. Returns how it was made, or why it does not approve.
pub(crate) fn verify(
    key: &SshKey,
    armored: &str,
    message: &[u8],
    require_uv: bool,
) -> Result<SignedWith, String> {
    let sig = Sshsig::from_armored(armored).map_err(|e| format!("its sshsig {e}"))?;
    if sig.version != 1 {
        return Err(format!("its SSHSIG version is {}; only version 1 is defined", sig.version));
    }
    if sig.key.type_name() != key.type_name() || sig.key.key() != key.key() {
        return Err(format!(
            "it is signed by another key than the policy gives this approver (the signature's is {}, the policy's {})",
            sig.key.to_line(),
            key.to_line()
        ));
    }
    if sig.key.application() != key.application() {
        return Err(format!(
            "its security key's application is {}, but the policy's key is for {}",
            shown(sig.key.application().unwrap_or_default()),
            shown(key.application().unwrap_or_default())
        ));
    }
    if sig.namespace != NAMESPACE.as_bytes() {
        return Err(format!(
            "its namespace is {}; an intent approval's is \"{NAMESPACE}\" (sign with ssh-keygen -Y sign -n {NAMESPACE})",
            shown(&String::from_utf8_lossy(&sig.namespace))
        ));
    }
    if !sig.reserved.is_empty() {
        let n = sig.reserved.len();
        let bytes = if n == 1 { "byte" } else { "bytes" };
        return Err(format!("its reserved field holds {n} {bytes}; it must be empty"));
    }
    let hash = match sig.hash_algorithm.as_slice() {
        b"sha256" => sha256::Hash::hash(message).to_byte_array().to_vec(),
        b"sha512" => sha512::Hash::hash(message).to_byte_array().to_vec(),
        other => {
            return Err(format!(
                "its hash algorithm is {}; only sha256 and sha512 are accepted",
                shown(&String::from_utf8_lossy(other))
            ))
        }
    };
    if sig.signature.kind != key.type_name().as_bytes() {
        return Err(format!(
            "its signature is of type {}, not the {} signature its key makes",
            shown(&String::from_utf8_lossy(&sig.signature.kind)),
            key.type_name()
        ));
    }
    let data = signed_data(&sig, &hash);
    let verifies =
        |signed: &[u8], signature: &Signature| key.key().verify_strict(signed, signature).is_ok();
    let Some((flags, counter)) = sig.signature.security_key else {
        return if verifies(&data, &sig.signature.signature) {
            Ok(SignedWith::Ssh)
        } else {
            Err(not_over_this_intent())
        };
    };
    // PROTOCOL.u2f: SHA256(application) || flags || uint32be counter || SHA256(signed data).
    let application = key.application().unwrap_or_default();
    let mut signed = sha256::Hash::hash(application.as_bytes()).to_byte_array().to_vec();
    signed.push(flags);
    signed.extend_from_slice(&counter.to_be_bytes());
    signed.extend_from_slice(&sha256::Hash::hash(&data).to_byte_array());
    if !verifies(&signed, &sig.signature.signature) {
        return Err(not_over_this_intent());
    }
    if flags & USER_PRESENT == 0 {
        return Err(format!(
            "the security key did not confirm user presence (flags {flags:#04x}): an approval needs a touch"
        ));
    }
    if flags & EXTENSION_DATA != 0 {
        return Err(format!(
            "the security key's signature says it carries extension data (flags {flags:#04x}), which {SK_ED25519} signatures do not hold"
        ));
    }
    if require_uv && flags & USER_VERIFIED == 0 {
        return Err(format!(
            "the policy requires user verification (a PIN or biometric) and the security key did not report it (flags {flags:#04x})"
        ));
    }
    Ok(SignedWith::SecurityKey { flags, counter })
}

impl SignedWith {
    /// How a person should read it, for an SSH approval: `ssh-ed25519 key` or `security
    /// key: touched, PIN verified, counter 7`; `None` for a hex approval.
    pub fn describe(&self) -> Option<String> {
        match *self {
            SignedWith::Key => None,
            SignedWith::Ssh => Some("ssh-ed25519 key".to_owned()),
            SignedWith::SecurityKey { flags, counter } => {
                let pin = if flags & USER_VERIFIED != 0 { ", PIN verified" } else { "" };
                Some(format!("security key: touched{pin}, counter {counter}"))
            }
        }
    }
}

fn not_over_this_intent() -> String {
    "the signature does not verify over this intent: the intent was changed after it was signed, or the signature is not theirs".to_owned()
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::{Signer as _, SigningKey};
    use miniscript::bitcoin::base64::engine::general_purpose::STANDARD;
    use miniscript::bitcoin::base64::Engine;

    use super::*;

    /// A key `ssh-keygen -t ed25519` made, and what `ssh-keygen -Y sign -n
    /// intentguard-intent-v1` (OpenSSH 9.2) wrote with it over [`MESSAGE`]: by default with
    /// sha512, and with `-O hashalg=sha256`.
    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYSvVAZ7t4k0PUujXYMOdfTPrxjwmnYRr41jBjdFarM bob@laptop";
    const MESSAGE: &[u8] = b"intentguard/intent/v1\n{\"test\":\"fixture\"}";
    const SHA512: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgNhK9UBnu3iTQ9S6Ndgw519M+vG
PCadhGvjWMGN0VqswAAAAVaW50ZW50Z3VhcmQtaW50ZW50LXYxAAAAAAAAAAZzaGE1MTIA
AABTAAAAC3NzaC1lZDI1NTE5AAAAQB8Mp29A3rvwIbhxw+qyqu59lohM3gHKfq+n2xUBu4
OQNwqr3wW1yeqyQNCL3+MhmuPglf019vB9B+Ds8eBwcgU=
-----END SSH SIGNATURE-----
";
    const SHA256: &str = "-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAgNhK9UBnu3iTQ9S6Ndgw519M+vG
PCadhGvjWMGN0VqswAAAAVaW50ZW50Z3VhcmQtaW50ZW50LXYxAAAAAAAAAAZzaGEyNTYA
AABTAAAAC3NzaC1lZDI1NTE5AAAAQCi+iscCT0tvqFm3ovsF272TMluGi78J3DAUqQRU8g
MaEgRx/NzyPI0QNV+vPVUMtfEI2/lo3q9OHYCGLn+xYQ0=
-----END SSH SIGNATURE-----
";

    #[test]
    fn signatures_ssh_keygen_made_verify() {
        let key = SshKey::from_line(KEY).unwrap();
        assert_eq!(verify(&key, SHA512, MESSAGE, false), Ok(SignedWith::Ssh));
        // Any wrapping of the base64 lines, and whitespace around the armor.
        let rewrapped = format!("\n  {}\n", SHA256.replace('\n', "\n\n"));
        assert_eq!(verify(&key, &rewrapped, MESSAGE, true), Ok(SignedWith::Ssh));
        assert_eq!(verify(&key, SHA512, b"another intent", false), Err(not_over_this_intent()));
    }

    /// An SSHSIG made here, every field chosen; for a security key, `sk` is the
    /// application, flags and counter, and `flags_after` the flags byte written after
    /// signing.
    struct Make {
        version: u32,
        namespace: &'static str,
        reserved: &'static [u8],
        hash: &'static str,
        sk: Option<(&'static str, u8, u32)>,
        flags_after: Option<u8>,
        signing: [u8; 32],
    }

    const BASE: Make = Make {
        version: 1,
        namespace: NAMESPACE,
        reserved: b"",
        hash: "sha512",
        sk: None,
        flags_after: None,
        signing: [7; 32],
    };

    fn string(out: &mut Vec<u8>, bytes: &[u8]) {
        out.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
        out.extend_from_slice(bytes);
    }

    fn public_blob(key: &SigningKey, sk: Option<&str>) -> Vec<u8> {
        let mut blob = Vec::new();
        string(&mut blob, if sk.is_some() { SK_ED25519 } else { "ssh-ed25519" }.as_bytes());
        string(&mut blob, key.verifying_key().as_bytes());
        if let Some(app) = sk {
            string(&mut blob, app.as_bytes());
        }
        blob
    }

    impl Make {
        fn key(&self) -> SshKey {
            let key = SigningKey::from_bytes(&self.signing);
            let blob = public_blob(&key, self.sk.map(|(app, _, _)| app));
            let kind = if self.sk.is_some() { SK_ED25519 } else { "ssh-ed25519" };
            SshKey::from_line(&format!("{kind} {}", STANDARD.encode(blob))).unwrap()
        }

        fn armored(&self, message: &[u8]) -> String {
            let key = SigningKey::from_bytes(&self.signing);
            let digest = match self.hash {
                "sha256" => sha256::Hash::hash(message).to_byte_array().to_vec(),
                _ => sha512::Hash::hash(message).to_byte_array().to_vec(),
            };
            let mut data = b"SSHSIG".to_vec();
            for field in [self.namespace.as_bytes(), self.reserved, self.hash.as_bytes(), &digest] {
                string(&mut data, field);
            }
            let mut sig = Vec::new();
            match self.sk {
                None => {
                    string(&mut sig, b"ssh-ed25519");
                    string(&mut sig, &key.sign(&data).to_bytes());
                }
                Some((app, flags, counter)) => {
                    let mut signed = sha256::Hash::hash(app.as_bytes()).to_byte_array().to_vec();
                    signed.push(flags);
                    signed.extend_from_slice(&counter.to_be_bytes());
                    signed.extend_from_slice(&sha256::Hash::hash(&data).to_byte_array());
                    string(&mut sig, SK_ED25519.as_bytes());
                    string(&mut sig, &key.sign(&signed).to_bytes());
                    sig.push(self.flags_after.unwrap_or(flags));
                    sig.extend_from_slice(&counter.to_be_bytes());
                }
            }
            let mut blob = b"SSHSIG".to_vec();
            blob.extend_from_slice(&self.version.to_be_bytes());
            string(&mut blob, &public_blob(&key, self.sk.map(|(app, _, _)| app)));
            for field in [self.namespace.as_bytes(), self.reserved, self.hash.as_bytes(), &sig] {
                string(&mut blob, field);
            }
            format!(
                "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
                STANDARD.encode(blob)
            )
        }

        fn verified(&self, require_uv: bool) -> Result<SignedWith, String> {
            verify(&self.key(), &self.armored(MESSAGE), MESSAGE, require_uv)
        }
    }

    const TOUCHED: Make = Make { sk: Some(("ssh:", USER_PRESENT, 42)), ..BASE };

    #[test]
    fn every_condition_of_spec_1_2_is_checked() {
        assert_eq!(BASE.verified(true), Ok(SignedWith::Ssh));
        assert_eq!(Make { hash: "sha256", ..BASE }.verified(false), Ok(SignedWith::Ssh));
        let starts = |made: Make, require_uv: bool, prefix: &str| {
            let why = made.verified(require_uv).unwrap_err();
            assert!(why.starts_with(prefix), "{why:?} does not start with {prefix:?}");
        };
        starts(Make { version: 2, ..BASE }, false, "its SSHSIG version is 2");
        starts(Make { namespace: "file", ..BASE }, false, "its namespace is \"file\"");
        starts(Make { reserved: b"x", ..BASE }, false, "its reserved field holds 1 byte;");
        starts(Make { hash: "sha1", ..BASE }, false, "its hash algorithm is \"sha1\"");
        // Another key than the policy's.
        let other = verify(
            &BASE.key(),
            &Make { signing: [8; 32], ..BASE }.armored(MESSAGE),
            MESSAGE,
            false,
        );
        assert!(other.unwrap_err().starts_with("it is signed by another key"));
        // A security key: touch always, PIN when the policy says so, no extension data.
        assert_eq!(
            TOUCHED.verified(false),
            Ok(SignedWith::SecurityKey { flags: 0x01, counter: 42 })
        );
        starts(TOUCHED, true, "the policy requires user verification");
        let pin = Make { sk: Some(("ssh:", USER_PRESENT | USER_VERIFIED, 7)), ..BASE };
        assert_eq!(pin.verified(true), Ok(SignedWith::SecurityKey { flags: 0x05, counter: 7 }));
        starts(
            Make { sk: Some(("ssh:", 0, 1)), ..BASE },
            false,
            "the security key did not confirm user presence",
        );
        starts(
            Make { sk: Some(("ssh:", 0x81, 1)), ..BASE },
            false,
            "the security key's signature says it carries extension data",
        );
        // The flags are covered by the signature: changed after signing, it fails.
        let forged = Make { flags_after: Some(USER_PRESENT | USER_VERIFIED), ..TOUCHED };
        assert_eq!(forged.verified(true), Err(not_over_this_intent()));
        // The application is part of the key.
        let elsewhere = verify(
            &Make { sk: Some(("ssh:other", 1, 1)), ..BASE }.key(),
            &TOUCHED.armored(MESSAGE),
            MESSAGE,
            false,
        );
        assert!(elsewhere.unwrap_err().starts_with("its security key's application is \"ssh:\""));
        // A plain signature under a security key's blob, and the armor.
        assert!(verify(&BASE.key(), "nonsense", MESSAGE, false)
            .unwrap_err()
            .starts_with("its sshsig is not an armored"));
    }
}
