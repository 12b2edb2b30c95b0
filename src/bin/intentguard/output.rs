//! Writing a command's result (SPEC 3): to an `--out` file atomically (a temporary file in
//! the same directory, flushed to disk, then renamed over the target), or to standard
//! output. A reader of the `--out` file sees the old content or the new, never half.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::outcome::{write_stdout, Failure};

/// Writes `text` to `out` atomically, or to standard output without `out`.
///
/// # Errors
///
/// Returns an `IO` [`Failure`] naming the file (or standard output) and the operating
/// system's error; the target is then unchanged.
pub fn emit(out: Option<&Path>, text: &str, what: &str) -> Result<(), Failure> {
    match out {
        Some(path) => write_atomic(path, text.as_bytes()).map_err(|e| {
            Failure::io(format!("cannot write the {what} to {}: {e}", path.display()))
                .advise("check the path and that you may write to its directory")
        }),
        None => write_stdout(text)
            .map_err(|e| Failure::io(format!("cannot write the {what} to standard output: {e}"))),
    }
}

/// Writes `bytes` to `path` through a new temporary file in the same directory, then
/// renames it over `path`. The temporary file is removed if anything fails.
///
/// # Errors
///
/// Returns the operating system's error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, name) = split(path)?;
    let (tmp, mut file) = create_temporary(&dir, &name)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let renamed = written.and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = renamed {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(())
}

/// Returns the directory and file name of `path`.
fn split(path: &Path) -> io::Result<(PathBuf, String)> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file")
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_string_lossy().into_owned()))
}

/// Creates `.NAME.PID.N.tmp` in `dir`, exclusively, trying a few values of N.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = io::Error::other("no temporary name was free");
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Flushes the directory entry of a rename to disk; best effort (not every system can).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("intentguard-out-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = temp_dir("replace");
        let path = dir.join("intent.json");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["intent.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_no_temporary() {
        let dir = temp_dir("fail");
        let target = dir.join("a-directory");
        fs::create_dir(&target).unwrap();
        assert!(write_atomic(&target, b"x").is_err());
        assert!(target.is_dir());
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a-directory"]);
        assert!(write_atomic(&dir.join("missing/x.json"), b"x").is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
