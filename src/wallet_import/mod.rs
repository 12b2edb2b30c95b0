//! Wallet files into a policy's name, network and descriptor (SPEC 1.4, `policy import`).
//!
//! Trusts: nothing. A wallet file is another tool's export, and it may be the wrong file (a
//! backup holding private keys, say). Each format has a reader that says whether the file is
//! its format and what the file says ([`Found`]); the rules every format shares
//! (`rules.rs`) then make one canonical descriptor of it, checked by every rule of SPEC 1.1
//! through [`Wallet::from_descriptor`](crate::parse::wallet::Wallet::from_descriptor).
//! Import never invents data: a fingerprint, a path or a change branch the file lacks is an
//! error, not a guess. Messages never show the file, only what import read in it.

use miniscript::bitcoin::Network;

use crate::base::limits::MAX_FILE_BYTES;
use crate::parse::PolicyError;

mod bip388;
mod bsms;
mod caravan;
mod coldcard;
mod descriptor;
mod json;
mod json_descriptor;
mod keys;
mod listdescriptors;
mod rules;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

/// The format a wallet file was read as (SPEC 1.4's `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// One BIP-380 descriptor with `/<0;1>/*` or `/**` keys.
    Descriptor,
    /// Two descriptors, receive `/0/*` and change `/1/*`, one per line.
    DescriptorPair,
    /// Bitcoin Core's `listdescriptors` output (JSON).
    CoreListdescriptors,
    /// A BIP-129 (BSMS 1.0) descriptor record.
    Bsms,
    /// A BIP-388 wallet policy as JSON: `name`, `descriptor_template`, `keys_info`.
    Bip388,
    /// Coldcard's multisig setup text.
    Coldcard,
    /// A Caravan wallet configuration (JSON).
    Caravan,
    /// A Specter or Sparrow style JSON export holding a `descriptor`.
    JsonDescriptor,
}

impl Source {
    /// Returns the name SPEC 1.4 gives the format, as `policy import --format json` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Descriptor => "descriptor",
            Source::DescriptorPair => "descriptor-pair",
            Source::CoreListdescriptors => "core-listdescriptors",
            Source::Bsms => "bsms",
            Source::Bip388 => "bip388",
            Source::Coldcard => "coldcard",
            Source::Caravan => "caravan",
            Source::JsonDescriptor => "json-descriptor",
        }
    }
}

/// A wallet file made into what a policy needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Imported {
    /// The policy name: the one given to [`import_wallet`], else the file's, lowercased with
    /// each run of characters outside `[a-z0-9._-]` written as `-`; `None` when the file
    /// names no wallet.
    pub name: Option<String>,
    /// The network: the one the file names, else `testnet` for `tpub` keys, else `bitcoin`.
    pub network: Network,
    /// The descriptor in its canonical form, with `/<0;1>/*` keys and its `#checksum`: the
    /// same wallet gives the same string whichever format it was read from.
    pub descriptor: String,
    /// The format the file was read as.
    pub source: Source,
    /// What import changed that the owner should check, such as a SLIP-132 key converted.
    pub warnings: Vec<String>,
}

/// What one reader found in a wallet file, before the rules every format shares.
pub(super) struct Found {
    pub(super) source: Source,
    /// The wallet's name as the file gives it (not yet normalised), if it gives one.
    pub(super) name: Option<String>,
    /// The network the file names, if it names one.
    pub(super) network: Option<Network>,
    /// One descriptor (with `/<0;1>/*` or `/**` keys), or a receive `/0/*` and change `/1/*` pair.
    pub(super) descriptors: Vec<String>,
    /// BSMS: the first address the file says the wallet derives (receive branch, index 0).
    pub(super) first_address: Option<String>,
}

/// A reader returns Ok(None) when the file is not its format, Err(problem) when it is its format but unusable.
type Reader = fn(&str) -> Result<Option<Found>, String>;

/// The readers, tried in this order; the first that recognises the file reads it. JSON
/// formats are told apart by their keys, BSMS by its `BSMS 1.0` first line, Coldcard's text
/// by its `Policy:`/`Format:`/`Derivation:` lines; a bare descriptor is tried last.
const READERS: [Reader; 7] = [
    // JSON with `descriptors`.
    listdescriptors::read,
    // JSON with `descriptor_template` or `keys_info`.
    bip388::read,
    // JSON with Caravan's keys.
    caravan::read,
    // JSON with `descriptor`.
    json_descriptor::read,
    // `BSMS 1.0`, then three lines.
    bsms::read,
    // `Policy:`, `Format:`, `Derivation:` lines.
    coldcard::read,
    // One descriptor line, or a receive and a change line.
    descriptor::read,
];

/// The readers by name, for the fuzz targets that drive each one alone.
const NAMED_READERS: [(&str, Reader); 7] = [
    ("listdescriptors", listdescriptors::read),
    ("bip388", bip388::read),
    ("caravan", caravan::read),
    ("json_descriptor", json_descriptor::read),
    ("bsms", bsms::read),
    ("coldcard", coldcard::read),
    ("descriptor", descriptor::read),
];

/// Runs the reader `name` alone on `text`, before any shared rule: `Ok(Some(n))` when it
/// reads the file and finds `n` descriptors, `Ok(None)` when the file is not its format
/// (also for an unknown `name`), `Err` with its refusal. For the fuzz targets that drive
/// one reader each.
pub(crate) fn read_alone(name: &str, text: &str) -> Result<Option<usize>, String> {
    match NAMED_READERS.iter().find(|(n, _)| *n == name) {
        Some((_, reader)) => Ok(reader(text)?.map(|found| found.descriptors.len())),
        None => Ok(None),
    }
}

/// What import reads, for the message about a file that is none of it.
const FORMATS: &str = "a descriptor (one line with /<0;1>/* or /** keys, or a receive /0/* \
     and a change /1/* line), a BIP-129 descriptor record (BSMS 1.0), Bitcoin Core's \
     listdescriptors output, a BIP-388 wallet policy (JSON with name, descriptor_template and \
     keys_info), Coldcard's multisig setup file, a Caravan wallet configuration, or a \
     Specter or Sparrow JSON export with a descriptor";

/// Reads a wallet file (format detected from the content); `name` overrides the file's name.
///
/// The file is at most [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES) of UTF-8 in one of the
/// formats of SPEC 1.4. What it describes must be one multisig wallet that a policy can
/// hold: every rule of SPEC 1.1 applies to the result, and a BIP-129 record's first address
/// must be the wallet's first receive address.
///
/// # Errors
///
/// Returns [`PolicyError::WalletFile`] when the file is too large, not UTF-8, in no format
/// import reads, holds a private key, or cannot be made into a policy descriptor (no key
/// origins, receive and change descriptors that differ in more than their last step, a lone
/// receive descriptor, a script type outside SPEC 1.1, a first address that does not
/// derive, ...): the message says what is missing and what to do. Returns
/// [`PolicyError::Field`] for `name` when `name` is not 1 to 64 characters of `[a-z0-9._-]`.
///
/// # Security
///
/// A private key in the file (`xprv`, `tprv`, their SLIP-132 forms, WIF) is refused and
/// never quoted. The result is what the file says, checked for consistency only: compare
/// the descriptor's addresses with each signing device before funding the wallet.
pub fn import_wallet(bytes: &[u8], name: Option<&str>) -> Result<Imported, PolicyError> {
    let text = text_of(bytes).map_err(wallet_file)?;
    keys::refuse_private_keys(text).map_err(wallet_file)?;
    let found = read(text).map_err(wallet_file)?;
    rules::finish(found, name)
}

/// Most characters of a refusal's problem: a message about a file never grows with the file.
const MAX_PROBLEM_CHARS: usize = 1000;

/// The refusal of a wallet file, its problem cut to [`MAX_PROBLEM_CHARS`].
fn wallet_file(problem: String) -> PolicyError {
    let problem = if problem.chars().count() > MAX_PROBLEM_CHARS {
        let mut cut: String = problem.chars().take(MAX_PROBLEM_CHARS).collect();
        cut.push('…');
        cut
    } else {
        problem
    };
    PolicyError::WalletFile { problem }
}

/// The file's bytes as text: at most [`MAX_FILE_BYTES`] of UTF-8, a byte order mark dropped.
fn text_of(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "it is larger than {MAX_FILE_BYTES} bytes and was not read: a wallet file is a few \
             kilobytes; check that this is the wallet's export"
        ));
    }
    let text = core::str::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not UTF-8 text ({e}): import reads the text and JSON files wallets export, \
             not binary files"
        )
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The first reader's answer that recognises the file, or why none does.
fn read(text: &str) -> Result<Found, String> {
    for reader in READERS {
        if let Some(found) = reader(text)? {
            return Ok(found);
        }
    }
    Err(unrecognised(text))
}

/// Why no reader recognises the file.
fn unrecognised(text: &str) -> String {
    if text.trim().is_empty() {
        return format!("it is empty; import reads {FORMATS}");
    }
    match json::why_unread(text) {
        Some(json::Unread::Invalid(message)) => {
            format!("it looks like JSON but does not parse ({message}); import reads {FORMATS}")
        }
        Some(json::Unread::Unknown) => "it is JSON, but not an object with the fields of a \
             format import reads (descriptors for Bitcoin Core, descriptor_template and \
             keys_info for BIP-388, Caravan's extendedPublicKeys, descriptor for Specter or \
             Sparrow)"
            .to_owned(),
        None => format!("it is in no format import reads; import reads {FORMATS}"),
    }
}
