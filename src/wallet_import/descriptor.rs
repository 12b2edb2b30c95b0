//! A descriptor as text (SPEC 1.4): one line with `/<0;1>/*` or `/**` keys, or two lines,
//! a receive `/0/*` and a change `/1/*` descriptor. Blank lines and surrounding spaces are
//! ignored; what the descriptors hold is for the shared rules.

use super::{Found, Source};

/// Whether a line starts as a descriptor does: a script function's name and `(`.
fn looks_like_descriptor(line: &str) -> bool {
    line.split_once('(').is_some_and(|(function, _)| {
        !function.is_empty() && function.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    })
}

/// Reads a file whose every non-blank line is a descriptor.
pub(super) fn read(text: &str) -> Result<Option<Found>, String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() || !lines.iter().all(|line| looks_like_descriptor(line)) {
        return Ok(None);
    }
    let source = match lines.len() {
        1 => Source::Descriptor,
        2 => Source::DescriptorPair,
        n => {
            return Err(format!(
                "it holds {n} descriptor lines; import takes one wallet: one descriptor with \
                 /<0;1>/* (or /**) keys, or its receive (/0/*) and change (/1/*) descriptors, \
                 one per line"
            ))
        }
    };
    Ok(Some(Found {
        source,
        name: None,
        network: None,
        descriptors: lines.into_iter().map(str::to_owned).collect(),
        first_address: None,
    }))
}
