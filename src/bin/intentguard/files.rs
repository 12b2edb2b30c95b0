//! Reading input files with a size cap (STYLE R16): never more than `limit + 1` bytes are
//! held, so the library can see that a file is too large without the rest being read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::outcome::Failure;

/// Where an input comes from, as said to a person.
pub fn describe(path: &Path, stdin_allowed: bool) -> String {
    if stdin_allowed && path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads at most `limit + 1` bytes of `path` (of standard input when `stdin_allowed` and
/// `path` is `-`). `what` names the file for messages, such as `"policy"`.
///
/// # Errors
///
/// Returns an `IO` [`Failure`] naming the file and the operating system's error.
pub fn read_capped(
    path: &Path,
    stdin_allowed: bool,
    limit: usize,
    what: &str,
) -> Result<Vec<u8>, Failure> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    let result = if stdin_allowed && path == Path::new("-") {
        io::stdin().lock().take(cap).read_to_end(&mut buf)
    } else {
        File::open(path).and_then(|file| {
            // Reserve what the file says it holds, within the cap, to avoid regrowing.
            let size = file.metadata().map(|m| m.len().min(cap)).unwrap_or(0);
            buf.reserve(usize::try_from(size).unwrap_or(0));
            file.take(cap).read_to_end(&mut buf)
        })
    };
    match result {
        Ok(_) => Ok(buf),
        Err(e) if stdin_allowed && path == Path::new("-") => {
            Err(Failure::io(format!("cannot read the {what} from standard input: {e}"))
                .advise("pipe the file into intentguard again, or give its path instead of -"))
        }
        Err(e) => Err(Failure::io(format!("cannot read the {what} file {}: {e}", path.display()))
            .advise("check the path and that you may read the file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_an_io_failure_naming_it() {
        let path = Path::new("/nonexistent/intentguard/policy.toml");
        let failure = read_capped(path, false, 10, "policy").unwrap_err();
        assert_eq!(failure.code(), intentguard::ErrorCode::Io);
        assert!(failure.message().starts_with(
            "cannot read the policy file /nonexistent/intentguard/policy.toml: No such file"
        ));
    }

    #[test]
    fn at_most_one_byte_past_the_limit_is_read() {
        let dir = std::env::temp_dir().join(format!("intentguard-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big");
        std::fs::write(&path, vec![b'x'; 100]).unwrap();
        assert_eq!(read_capped(&path, false, 10, "policy").unwrap().len(), 11);
        assert_eq!(read_capped(&path, false, 100, "policy").unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
