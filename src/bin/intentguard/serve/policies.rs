//! Loading `--policies DIR` (SPEC 3): every `*.toml` file in the directory, each a policy,
//! once at start. One bad file, two files with one policy name, or none at all stops the
//! start; no call can change what was loaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use intentguard::{Policy, Verifier};

use crate::commands::verify::read_policy;
use crate::outcome::Failure;

/// The loaded policies, by name.
pub type Verifiers = BTreeMap<String, Verifier>;

/// Loads every `*.toml` file of `dir` (not of its subdirectories), in file-name order.
///
/// # Errors
///
/// An `IO` [`Failure`] when the directory cannot be read, and a `POLICY_INVALID` one naming
/// the file for a policy that does not load, naming both files for two policies with one
/// name, and naming the directory when it holds no policy.
pub fn load(dir: &Path) -> Result<Verifiers, Failure> {
    let unreadable = |e: std::io::Error| {
        Failure::io(format!("cannot read the policies directory {}: {e}", dir.display()))
            .advise("give --policies a directory of policy files (*.toml) you may read")
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "toml") && !path.is_dir() {
            files.push(path);
        }
    }
    files.sort();
    let mut verifiers = Verifiers::new();
    let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in files {
        let policy: Policy = read_policy(&file)?;
        let name = policy.name().to_owned();
        if let Some(first) = sources.get(&name) {
            return Err(Failure::policy(format!(
                "{} and {} both hold a policy named {name:?}",
                first.display(),
                file.display()
            ))
            .advise("give each wallet's policy its own name, or remove the copy"));
        }
        sources.insert(name.clone(), file);
        verifiers.insert(name, Verifier::new(policy));
    }
    if verifiers.is_empty() {
        return Err(Failure::policy(format!(
            "the policies directory {} holds no policy file (*.toml)",
            dir.display()
        ))
        .advise("put the wallets' policy files in it, one per wallet"));
    }
    Ok(verifiers)
}
