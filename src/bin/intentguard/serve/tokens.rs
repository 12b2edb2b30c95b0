//! The bearer tokens of `--token-file` (SPEC 3): read once at start, kept only as SHA-256
//! digests, and compared in constant time.
//!
//! A token is never shown: messages about the file name its lines, not what they hold.

use hyper::header::HeaderValue;
use intentguard::bitcoin::hashes::{sha256, Hash};
use subtle::{Choice, ConstantTimeEq};

/// The shortest token the file may hold, in characters.
pub const MIN_TOKEN_CHARS: usize = 32;

/// The tokens a call may carry.
pub struct Tokens {
    digests: Vec<[u8; 32]>,
}

impl Tokens {
    /// Reads a token file: one token per line, `#` comments and blank lines ignored,
    /// whitespace around a token ignored.
    ///
    /// # Errors
    ///
    /// A message naming the line (never its text) for a token shorter than
    /// [`MIN_TOKEN_CHARS`] or holding a character a header cannot carry, and one for a file
    /// without any token.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let mut digests = Vec::new();
        for (number, line) in (1..).zip(text.lines()) {
            let token = line.trim();
            if token.is_empty() || token.starts_with('#') {
                continue;
            }
            if !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(format!(
                    "line {number} holds a character a bearer token cannot carry (a space, a \
                     control or a non-ASCII character)"
                ));
            }
            if token.len() < MIN_TOKEN_CHARS {
                return Err(format!(
                    "the token on line {number} is shorter than {MIN_TOKEN_CHARS} characters"
                ));
            }
            digests.push(digest(token.as_bytes()));
        }
        if digests.is_empty() {
            return Err("the file holds no token".to_owned());
        }
        Ok(Tokens { digests })
    }

    /// Returns how many tokens the file holds.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// Whether an `Authorization` header carries one of the tokens, as `Bearer <token>`
    /// (the scheme in any case). The token's digest is compared with every digest in
    /// constant time, so neither the time taken nor an early exit says how close it came.
    pub fn admit(&self, authorization: Option<&HeaderValue>) -> bool {
        let Some(token) = authorization.and_then(|v| bearer(v.as_bytes())) else {
            return false;
        };
        let presented = digest(token);
        let mut found = Choice::from(0);
        for known in &self.digests {
            found |= known.ct_eq(&presented);
        }
        found.into()
    }
}

/// The token of `Bearer <token>`, without the scheme and the spaces around the token.
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let scheme = value.get(..7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = value.get(7..)?.trim_ascii();
    (!token.is_empty()).then_some(token)
}

fn digest(token: &[u8]) -> [u8; 32] {
    sha256::Hash::hash(token).to_byte_array()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn header(value: &str) -> HeaderValue {
        HeaderValue::from_str(value).unwrap()
    }

    #[test]
    fn a_token_file_has_one_token_per_line_with_comments() {
        let text = format!("# the backend\n\n  {TOKEN}  \r\n# the batch job\n{TOKEN}-2\n");
        let tokens = Tokens::parse(&text).unwrap();
        assert_eq!(tokens.len(), 2);
        assert!(tokens.admit(Some(&header(&format!("Bearer {TOKEN}")))));
        assert!(tokens.admit(Some(&header(&format!("bearer  {TOKEN}-2")))));
        assert!(tokens.admit(Some(&header(&format!("BEARER {TOKEN} ")))));
    }

    #[test]
    fn anything_but_a_known_token_is_refused() {
        let tokens = Tokens::parse(TOKEN).unwrap();
        for value in [
            String::new(),
            "Bearer".to_owned(),
            "Bearer ".to_owned(),
            TOKEN.to_owned(),
            format!("Basic {TOKEN}"),
            format!("Bearer {TOKEN}x"),
            format!("Bearer {}", &TOKEN[1..]),
            format!("Bearer {TOKEN} {TOKEN}"),
        ] {
            assert!(!tokens.admit(Some(&header(&value))), "{value:?}");
        }
        assert!(!tokens.admit(None));
    }

    #[test]
    fn bad_files_are_refused_without_showing_a_token() {
        let short = "shorttoken-that-is-secret";
        let error = Tokens::parse(&format!("{TOKEN}\n{short}\n")).err().unwrap();
        assert_eq!(error, "the token on line 2 is shorter than 32 characters");
        let spaced = format!("{TOKEN} and more");
        let error = Tokens::parse(&spaced).err().unwrap();
        assert!(error.starts_with("line 1 holds a character"), "{error}");
        assert!(!error.contains(TOKEN));
        for empty in ["", "\n\n", "# only a comment\n"] {
            assert_eq!(Tokens::parse(empty).err().unwrap(), "the file holds no token");
        }
    }
}
