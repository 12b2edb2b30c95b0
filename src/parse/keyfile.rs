//! The approver's secret key file: a small, documented text format.
//!
//! ```text
//! intentguard-ed25519-secret-key v1
//! secret <64 lowercase hex characters: the RFC 8032 Ed25519 seed>
//! public <64 lowercase hex characters: its public key, for the policy>
//! ```
//!
//! Three lines, each ending in a newline (`\r\n` is accepted too), nothing else. The
//! `public` line lets a person copy the public key into a policy without any tool, and is
//! checked against the seed on every load, so a damaged file is refused instead of signing
//! with a key nobody registered.
//!
//! Sans-IO like the rest of the library: the command line reads and writes the file,
//! creating it with mode 0600 and refusing to use it when group or others may access it
//! ([`check_mode`]). Secrets stay in [`SigningKey`] (zeroized on drop) or in [`Zeroizing`]
//! buffers, and no error message ever contains any part of the file (SPEC 2.8): a file given
//! as a key file may be another secret altogether (a WIF key, a mnemonic), so what is wrong
//! is said by line, length and shape only.

use core::fmt;

use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::base::hex::parse_lower_hex;

/// The first line of every key file.
pub const HEADER: &str = "intentguard-ed25519-secret-key v1";

/// Largest key file accepted, in bytes; a key file is about 170.
pub const MAX_KEY_FILE_BYTES: usize = 4096;

/// A key file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileError {
    /// Larger than [`MAX_KEY_FILE_BYTES`].
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Not UTF-8 text.
    NotText,
    /// The first line is not [`HEADER`]. Only its shape is kept: the file may be another
    /// secret (a WIF key, a mnemonic, a seed), and none of it is ever shown (SPEC 2.8).
    Header {
        /// How many characters the first line has.
        chars: usize,
        /// How many words (runs of characters between spaces or tabs) it has.
        words: usize,
    },
    /// Not exactly the three lines of the format.
    Shape {
        /// What is wrong, never quoting the secret.
        problem: String,
    },
    /// The `public` line does not match the seed.
    PublicKeyMismatch,
    /// Group or others may access the file (Unix permission bits).
    Permissions {
        /// The file's permission bits.
        mode: u32,
    },
}

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { limit } => {
                write!(f, "the key file is larger than {limit} bytes; it is not an intentguard key")
            }
            Self::NotText => write!(f, "the key file is not text; it is not an intentguard key"),
            Self::Header { chars, words } => write!(
                f,
                "the key file does not start with the line {HEADER:?} (its first line is {}, in {}); \
                 it is not an intentguard key, and nothing of it is shown, as it may be a secret",
                plural(*chars, "character"),
                plural(*words, "word"),
            ),
            Self::Shape { problem } => write!(f, "the key file is damaged: {problem}"),
            Self::PublicKeyMismatch => write!(
                f,
                "the key file is damaged: its public line is not the public key of its secret"
            ),
            Self::Permissions { mode } => write!(
                f,
                "the key file can be accessed by group or others (mode {:04o}); a secret key must be private to its owner",
                mode & 0o7777
            ),
        }
    }
}

impl std::error::Error for KeyFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::TooLarge { .. }
            | Self::NotText
            | Self::Header { .. }
            | Self::Shape { .. }
            | Self::PublicKeyMismatch
            | Self::Permissions { .. } => None,
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Writes a key in the key file format. The text holds the secret: it is zeroized on drop.
pub fn to_text(key: &SigningKey) -> Zeroizing<String> {
    let seed = Zeroizing::new(key.to_bytes());
    let mut text = Zeroizing::new(String::with_capacity(180));
    text.push_str(HEADER);
    text.push_str("\nsecret ");
    push_hex(&mut text, seed.as_slice());
    text.push_str("\npublic ");
    push_hex(&mut text, key.verifying_key().as_bytes());
    text.push('\n');
    text
}

/// Reads a key from the bytes of a key file.
///
/// # Errors
///
/// Returns [`KeyFileError`] when the bytes are not exactly the format above, or the public
/// line is not the seed's public key. No message contains the secret.
pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey, KeyFileError> {
    if bytes.len() > MAX_KEY_FILE_BYTES {
        return Err(KeyFileError::TooLarge { limit: MAX_KEY_FILE_BYTES });
    }
    let text = core::str::from_utf8(bytes).map_err(|_| KeyFileError::NotText)?;
    let shape = |problem: &str| KeyFileError::Shape { problem: problem.to_owned() };
    let body = text
        .strip_suffix('\n')
        .ok_or_else(|| shape("its last line does not end with a newline"))?;
    let mut lines = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let header = lines.next().unwrap_or_default();
    if header != HEADER {
        return Err(KeyFileError::Header {
            chars: header.chars().count(),
            words: header.split([' ', '\t']).filter(|w| !w.is_empty()).count(),
        });
    }
    let secret = lines.next().ok_or_else(|| shape("the secret line is missing"))?;
    let public = lines.next().ok_or_else(|| shape("the public line is missing"))?;
    if lines.next().is_some() {
        return Err(shape("it has more than three lines"));
    }
    let seed = secret
        .strip_prefix("secret ")
        .and_then(parse_lower_hex::<32>)
        .map(Zeroizing::new)
        .ok_or_else(|| {
        shape("the second line is not \"secret \" and 64 lowercase hex characters")
    })?;
    let public =
        public.strip_prefix("public ").and_then(parse_lower_hex::<32>).ok_or_else(|| {
            shape("the third line is not \"public \" and 64 lowercase hex characters")
        })?;
    let key = SigningKey::from_bytes(&seed);
    if key.verifying_key().as_bytes() != &public {
        return Err(KeyFileError::PublicKeyMismatch);
    }
    Ok(key)
}

/// Checks a key file's Unix permission bits: like ssh with a private key, a file that group
/// or others may read, write or execute is refused.
///
/// # Errors
///
/// Returns [`KeyFileError::Permissions`] when any of the bits `0o077` is set.
pub fn check_mode(mode: u32) -> Result<(), KeyFileError> {
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Permissions { mode });
    }
    Ok(())
}

/// Returns a public key as the 64 lowercase hex characters a policy holds.
pub fn public_key_hex(key: &VerifyingKey) -> String {
    let mut hex = String::with_capacity(64);
    push_hex(&mut hex, key.as_bytes());
    hex
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            out.push(char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC 1.2's test vector: alice's seed and public key.
    const SEED: &str = "862709f542de0d6310fbc032cb6ba0f4d30bd90793a2549360e06855495ebb9f";
    const PUBLIC: &str = "76682d3d61423dd81cb7bd635c2110f4d3fd000f7cecd15f9fe1a778fe608d70";

    fn alice() -> SigningKey {
        SigningKey::from_bytes(&parse_lower_hex::<32>(SEED).unwrap())
    }

    fn file() -> String {
        format!("{HEADER}\nsecret {SEED}\npublic {PUBLIC}\n")
    }

    #[test]
    fn writes_the_documented_format() {
        assert_eq!(to_text(&alice()).as_str(), file());
        assert_eq!(public_key_hex(&alice().verifying_key()), PUBLIC);
    }

    #[test]
    fn reads_what_it_writes_and_crlf() {
        assert_eq!(from_bytes(file().as_bytes()).unwrap().to_bytes(), alice().to_bytes());
        let crlf = file().replace('\n', "\r\n");
        assert_eq!(from_bytes(crlf.as_bytes()).unwrap().to_bytes(), alice().to_bytes());
    }

    #[test]
    fn damaged_files_are_refused_without_quoting_the_secret() {
        let upper_public = file().replace(PUBLIC, &PUBLIC.to_uppercase());
        let other_public = file().replace(PUBLIC, &PUBLIC.replace("7668", "7669"));
        let cases = [
            (file().replace("v1", "v2"), "Header"),
            (String::new(), "Shape"),
            (file().trim_end().to_owned(), "Shape"),
            (format!("{HEADER}\nsecret {SEED}\n"), "Shape"),
            (format!("{}\n", file()), "Shape"),
            (file().replace(SEED, &SEED.to_uppercase()), "Shape"),
            (file().replace(SEED, &SEED[..62]), "Shape"),
            (file().replace("secret ", "secret  "), "Shape"),
            (file().replace("secret ", "seed "), "Shape"),
            (upper_public, "Shape"),
            (other_public, "PublicKeyMismatch"),
        ];
        for (text, want) in cases {
            let err = from_bytes(text.as_bytes()).unwrap_err();
            assert!(format!("{err:?}").starts_with(want), "{text:?}: {err:?}");
            assert!(!err.to_string().contains(&SEED[..16]), "{err}");
        }
        assert_eq!(from_bytes(&[0xff, 0xfe]), Err(KeyFileError::NotText));
        // Other secrets given as a key file: refused by shape, never quoted.
        let wif = "L1aW4aubDFB7yfras2S1mN3bqg9nwySY8nkoLmJebSLD5BWv3ENZ";
        let mnemonic =
            "legal winner thank year wave sausage worth useful legal winner thank yellow";
        for (text, chars, words) in [(wif, 52, 1), (mnemonic, 75, 12), (SEED, 64, 1)] {
            let err = from_bytes(format!("{text}\n").as_bytes()).unwrap_err();
            assert_eq!(err, KeyFileError::Header { chars, words });
            let message = err.to_string();
            for word in text.split(' ') {
                assert!(!message.contains(word), "{word} in {message}");
            }
        }
        assert_eq!(
            from_bytes(format!("{wif}\n").as_bytes()).unwrap_err().to_string(),
            "the key file does not start with the line \"intentguard-ed25519-secret-key v1\" (its \
             first line is 52 characters, in 1 word); it is not an intentguard key, and nothing of \
             it is shown, as it may be a secret"
        );
        assert_eq!(
            from_bytes(&vec![b'a'; MAX_KEY_FILE_BYTES + 1]),
            Err(KeyFileError::TooLarge { limit: MAX_KEY_FILE_BYTES })
        );
    }

    #[test]
    fn only_owner_permissions_are_accepted() {
        for ok in [0o100600, 0o600, 0o400, 0o700] {
            assert_eq!(check_mode(ok), Ok(()), "{ok:o}");
        }
        for bad in [0o100644, 0o640, 0o604, 0o660, 0o602, 0o610, 0o601] {
            assert_eq!(check_mode(bad), Err(KeyFileError::Permissions { mode: bad }), "{bad:o}");
        }
        assert_eq!(
            check_mode(0o100644).unwrap_err().to_string(),
            "the key file can be accessed by group or others (mode 0644); a secret key must be private to its owner"
        );
    }
}
