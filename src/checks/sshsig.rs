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

    // Every other condition of SPEC 1.2 is broken alone by a vector (121-139), whose
    // messages `tests/integration/ssh_approvals.rs` checks through `verify`.

    #[test]
    fn signatures_ssh_keygen_made_verify() {
        let key = SshKey::from_line(KEY).unwrap();
        assert_eq!(verify(&key, SHA512, MESSAGE, false), Ok(SignedWith::Ssh));
        // Any wrapping of the base64 lines, and whitespace around the armor.
        let rewrapped = format!("\n  {}\n", SHA256.replace('\n', "\n\n"));
        assert_eq!(verify(&key, &rewrapped, MESSAGE, true), Ok(SignedWith::Ssh));
        assert_eq!(verify(&key, SHA512, b"another intent", false), Err(not_over_this_intent()));
    }

    #[test]
    fn what_is_not_an_sshsig_is_said_to_be_one() {
        let key = SshKey::from_line(KEY).unwrap();
        let why = verify(&key, "nonsense", MESSAGE, false).unwrap_err();
        assert!(why.starts_with("its sshsig is not an armored SSH signature"), "{why}");
    }
}
