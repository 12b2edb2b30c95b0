//! The rules every format shares, in one place: what a reader [`Found`] becomes an
//! [`Imported`] by.
//!
//! In order: each descriptor's checksum is verified and dropped; SLIP-132 keys are rewritten;
//! the descriptors become one, with `/<0;1>/*` keys (`/**` expanded, or a receive `/0/*` and
//! change `/1/*` pair that is identical elsewhere joined); the network is the file's, else
//! the keys'; every extended key must have its origin; then every rule of SPEC 1.1 through
//! [`Wallet::from_descriptor`], the canonical text, the BSMS first address, and the name.

use core::str::FromStr;

use miniscript::bitcoin::{Address, Network, NetworkKind};
use miniscript::descriptor::checksum::verify_checksum;

use super::keys::{self, Converted};
use super::{wallet_file, Found, Imported};
use crate::base::network::{network_kind, network_name};
use crate::base::redact::guard;
use crate::base::text::display_safe;
use crate::parse::policy::valid_name;
use crate::parse::wallet::{read_unchecked, Wallet, WrittenKey};
use crate::parse::PolicyError;

/// Makes what a reader found into the imported wallet; `name` overrides the file's name.
pub(super) fn finish(found: Found, name: Option<&str>) -> Result<Imported, PolicyError> {
    let Found { source, name: file_name, network: named, descriptors, first_address } = found;
    let name = match name {
        Some(given) => Some(given_name(given)?),
        None => file_name.as_deref().and_then(normalised_name),
    };
    let (body, converted) = one_descriptor(&descriptors).map_err(wallet_file)?;
    let written = read_unchecked(&body).map(|u| u.keys).unwrap_or_default();
    let network = network(named, &written).map_err(wallet_file)?;
    if let Some(key) = written.iter().find(|k| k.extended && !k.has_origin) {
        return Err(wallet_file(format!(
            "it gives no key origin (master key fingerprint and derivation path) for {}, and \
             import never guesses one: a policy needs every key's origin, because signing \
             devices find their keys by it. Export the wallet again from a coordinator that \
             writes key origins ([fingerprint/path]xpub…), or write the descriptor by hand \
             with the fingerprint and path the key's signing device shows",
            key.name()
        )));
    }
    let warnings = slip132_warnings(&written, &converted);
    let wallet = Wallet::from_descriptor(&body, network).map_err(|e| match e {
        PolicyError::Descriptor { problem } => wallet_file(format!(
            "its descriptor is not one a policy can hold (SPEC 1.1): {}",
            unquoted(&problem, &body)
        )),
        other => other,
    })?;
    let descriptor = wallet.canonical_descriptor().ok_or_else(|| {
        wallet_file("its descriptor could not be written with a checksum".to_owned())
    })?;
    if let Some(address) = first_address {
        check_first_address(&wallet, &address, network).map_err(wallet_file)?;
    }
    Ok(Imported { name, network, descriptor, source, warnings })
}

/// Most characters of a quoted word of the descriptor library's message that are shown.
const QUOTED_MAX: usize = 16;

/// A descriptor rule's message with what the descriptor library quoted of the file hidden.
/// The library's parse errors quote what they did not understand (`unrecognized name '…'`,
/// `unexpected «…»`), which in a file given by mistake may be a secret: a quoted word longer
/// than [`QUOTED_MAX`] becomes `…`, and so does any run of letters and digits that the
/// message shares with the descriptor and that has the shape of a key or seed. The rules'
/// own messages, which name keys by their ends, are kept.
fn unquoted(problem: &str, body: &str) -> String {
    let Some(parser) = problem.strip_prefix("does not parse: ") else {
        return problem.to_owned();
    };
    let mut out = String::with_capacity(parser.len());
    let mut rest = parser;
    // A `'` opens a quote only after a space: in `BIP32's` it is English.
    let opens = |text: &str| {
        text.match_indices(['\'', '«']).map(|(at, _)| at).find(|at| {
            let before = text.get(..*at).unwrap_or_default();
            before.ends_with(' ') || text.get(*at..).is_some_and(|q| q.starts_with('«'))
        })
    };
    while let Some(open) = opens(rest) {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let (quote, close) = if from.starts_with('«') { ('«', '»') } else { ('\'', '\'') };
        let inner = from.get(quote.len_utf8()..).unwrap_or_default();
        // A `'` closes only before a space, a comma or the end: in a key it marks a
        // hardened step.
        let end = inner.match_indices(close).map(|(at, _)| at).find(|at| {
            let after = inner.get(at.saturating_add(close.len_utf8())..).unwrap_or_default();
            close == '»' || after.is_empty() || after.starts_with([' ', ','])
        });
        let Some(end) = end else {
            out.push(quote);
            out.push('…');
            rest = "";
            break;
        };
        let word = inner.get(..end).unwrap_or_default();
        out.push(quote);
        out.push_str(if word.chars().count() > QUOTED_MAX { "…" } else { word });
        out.push(close);
        rest = inner.get(end.saturating_add(close.len_utf8())..).unwrap_or_default();
    }
    out.push_str(rest);
    format!("does not parse: {}", guard(&out, body))
}

/// The name given to import, which must already be a policy name.
fn given_name(name: &str) -> Result<String, PolicyError> {
    if valid_name(name) {
        return Ok(name.to_owned());
    }
    Err(PolicyError::Field {
        field: "name".to_owned(),
        problem: format!("{:?} is not 1 to 64 characters of [a-z0-9._-]", display_safe(name)),
    })
}

/// A file's wallet name as a policy name (SPEC 1.4): lowercased, each run of characters
/// outside `[a-z0-9._-]` written as `-`, then `-` trimmed from both ends and cut to 64
/// characters; `None` when nothing is left.
pub(super) fn normalised_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.to_lowercase().chars() {
        let kept = matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '-');
        if kept {
            out.push(c);
        } else if !in_run {
            out.push('-');
        }
        in_run = !kept;
    }
    let cut: String = out.trim_matches('-').chars().take(64).collect();
    let cut = cut.trim_end_matches('-');
    Some(cut.to_owned()).filter(|n| valid_name(n))
}

/// The descriptors of the file, each as `the descriptor` or `the 2nd descriptor`.
fn which(index: usize, count: usize) -> String {
    match (count, index) {
        (1, _) => "the descriptor".to_owned(),
        (_, 0) => "the first descriptor".to_owned(),
        (_, 1) => "the second descriptor".to_owned(),
        (_, n) => format!("descriptor {}", n.saturating_add(1)),
    }
}

/// The file's one or two descriptors as one descriptor with `/<0;1>/*` keys, and the SLIP-132
/// keys rewritten on the way.
fn one_descriptor(descriptors: &[String]) -> Result<(String, Vec<Converted>), String> {
    let mut bodies = Vec::with_capacity(descriptors.len());
    let mut converted = Vec::new();
    for (index, text) in descriptors.iter().enumerate() {
        let body = verify_checksum(text.trim()).map_err(|e| {
            format!(
                "{} has a bad checksum ({e}): the file was altered or damaged. Export it \
                 again from the wallet, and do not edit a descriptor by hand",
                which(index, descriptors.len())
            )
        })?;
        let (body, keys) = keys::convert_slip132(body);
        bodies.push(body);
        converted.extend(keys);
    }
    let body = match bodies.as_slice() {
        [] => return Err("it holds no descriptor".to_owned()),
        [one] => single(one)?,
        [first, second] => pair(first, second)?,
        more => {
            return Err(format!(
                "it holds {} descriptors; import takes one wallet: one descriptor with \
                 /<0;1>/* (or /**) keys, or its receive (/0/*) and change (/1/*) descriptors",
                more.len()
            ))
        }
    };
    Ok((body, converted))
}

/// What a descriptor's keys end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Branches {
    /// `/<0;1>/*` or `/**`: receive and change.
    Both,
    /// `/0/*` only: the receive branch.
    Receive,
    /// `/1/*` only: the change branch.
    Change,
    /// None of these, or a mix.
    Other,
}

impl Branches {
    fn of(body: &str) -> Branches {
        let both = key_ends(body, "/<0;1>/*").saturating_add(key_ends(body, "/**"));
        match (both, key_ends(body, "/0/*"), key_ends(body, "/1/*")) {
            (1.., 0, 0) => Branches::Both,
            (0, 1.., 0) => Branches::Receive,
            (0, 0, 1..) => Branches::Change,
            _ => Branches::Other,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Branches::Both => "a descriptor of both branches (/<0;1>/* or /**)",
            Branches::Receive => "a receive descriptor (/0/*)",
            Branches::Change => "a change descriptor (/1/*)",
            Branches::Other => "neither a receive (/0/*) nor a change (/1/*) descriptor",
        }
    }
}

/// The byte offsets of each `step` in `body` that ends a key (followed by `,` or `)`).
fn key_end_offsets<'a>(body: &'a str, step: &'a str) -> impl Iterator<Item = usize> + 'a {
    body.match_indices(step).map(|(at, _)| at).filter(move |at| {
        let after = body.get(at.saturating_add(step.len())..).unwrap_or_default();
        after.starts_with([',', ')'])
    })
}

fn key_ends(body: &str, step: &str) -> usize {
    key_end_offsets(body, step).count()
}

/// `body` with each `step` that ends a key written as `/<0;1>/*`.
fn with_both_branches(body: &str, step: &str) -> String {
    let mut out = String::with_capacity(body.len().saturating_add(16));
    let mut copied = 0usize;
    for at in key_end_offsets(body, step).collect::<Vec<_>>() {
        out.push_str(body.get(copied..at).unwrap_or_default());
        out.push_str("/<0;1>/*");
        copied = at.saturating_add(step.len());
    }
    out.push_str(body.get(copied..).unwrap_or_default());
    out
}

/// The one descriptor of a file: it must have both branches itself.
fn single(body: &str) -> Result<String, String> {
    match Branches::of(body) {
        Branches::Receive => Err("it holds only a receive descriptor (keys ending in /0/*): the \
             change branch is not in the file, and import does not make it up. Export the \
             wallet with its change descriptor (/1/*) too, or as one descriptor with /<0;1>/*"
            .to_owned()),
        Branches::Change => Err("it holds only a change descriptor (keys ending in /1/*): the \
             receive branch is not in the file, and import does not make it up. Export the \
             wallet with its receive descriptor (/0/*) too, or as one descriptor with /<0;1>/*"
            .to_owned()),
        // `/**` means exactly `/<0;1>/*` and is expanded by the descriptor rules, which
        // judge anything else.
        Branches::Both | Branches::Other => Ok(body.to_owned()),
    }
}

/// A receive and a change descriptor, in either order, joined into one with `/<0;1>/*`.
fn pair(first: &str, second: &str) -> Result<String, String> {
    let (receive, change) = match (Branches::of(first), Branches::of(second)) {
        (Branches::Receive, Branches::Change) => (first, second),
        (Branches::Change, Branches::Receive) => (second, first),
        (a, b) => {
            return Err(format!(
                "its two descriptors are not a receive (/0/*) and a change (/1/*) descriptor \
                 of one wallet: the first is {}, the second {}. Export one wallet, as one \
                 descriptor with /<0;1>/* or as its receive and change descriptors",
                a.describe(),
                b.describe()
            ))
        }
    };
    let joined = with_both_branches(receive, "/0/*");
    let from_change = with_both_branches(change, "/1/*");
    if joined == from_change {
        return Ok(joined);
    }
    let (Some(r), Some(c)) = (read_unchecked(&joined), read_unchecked(&from_change)) else {
        return Err(differ_elsewhere());
    };
    if r.printed == c.printed {
        // Written differently (`h` for `'`, say), but the same descriptor.
        return Ok(joined);
    }
    let differing = r.keys.iter().zip(&c.keys).find(|(a, b)| a.text != b.text);
    match differing {
        Some((a, b)) if r.keys.len() == c.keys.len() => Err(format!(
            "its receive and change descriptors have different keys at {}: {} in the receive \
             descriptor, {} in the change descriptor. They are not the two branches of one \
             wallet; export the wallet again (one descriptor with /<0;1>/* keys, or its \
             receive and change descriptors)",
            a.position, a.shown, b.shown
        )),
        _ => Err(differ_elsewhere()),
    }
}

fn differ_elsewhere() -> String {
    "its receive and change descriptors differ in more than their /0/* and /1/* steps (in \
     their script, threshold or keys): they are not the two branches of one wallet. Export \
     the wallet again (one descriptor with /<0;1>/* keys, or its receive and change \
     descriptors)"
        .to_owned()
}

/// How a key's version bytes name its network, for a message.
fn kind_words(kind: NetworkKind) -> &'static str {
    match kind {
        NetworkKind::Main => "an xpub, a key for bitcoin",
        NetworkKind::Test => "a tpub, a key for test networks",
    }
}

/// The wallet's network: the one the file names, whose keys must all be for it; else
/// `testnet` for `tpub` keys and `bitcoin` for `xpub` keys, which must all agree.
fn network(named: Option<Network>, keys: &[WrittenKey]) -> Result<Network, String> {
    let mut kinds = keys.iter().filter_map(|k| k.network.map(|kind| (k, kind)));
    if let Some(network) = named {
        let want = network_kind(network);
        return match kinds.find(|(_, kind)| *kind != want) {
            None => Ok(network),
            Some((key, kind)) => Err(format!(
                "it names the network {}, but {} is {}: a wallet's keys are all for its \
                 network. Check that the file is this wallet's export",
                network_name(network),
                key.name(),
                kind_words(kind)
            )),
        };
    }
    let Some((first, kind)) = kinds.next() else { return Ok(Network::Bitcoin) };
    if let Some((other, other_kind)) = kinds.find(|(_, k)| *k != kind) {
        return Err(format!(
            "its keys are for different networks: {} is {} and {} is {}. A wallet's keys are \
             all for one network; check that the file is one wallet's export",
            first.name(),
            kind_words(kind),
            other.name(),
            kind_words(other_kind)
        ));
    }
    Ok(match kind {
        NetworkKind::Main => Network::Bitcoin,
        NetworkKind::Test => Network::Testnet,
    })
}

/// One warning per key that was a SLIP-132 key in the file, naming the key's position.
fn slip132_warnings(keys: &[WrittenKey], converted: &[Converted]) -> Vec<String> {
    keys.iter()
        .filter_map(|key| {
            let was = converted.iter().find(|c| c.to == key.material)?;
            let plain = if key.network == Some(NetworkKind::Test) { "tpub" } else { "xpub" };
            Some(format!(
                "{} was a SLIP-132 {} in the file and is written as the {plain} of the same key; \
                 check it against the key its signing device shows",
                key.name(),
                was.from
            ))
        })
        .collect()
}

/// A BSMS record's first address must be the wallet's receive address at index 0.
fn check_first_address(wallet: &Wallet, text: &str, network: Network) -> Result<(), String> {
    let derived = wallet
        .derive(0, 0)
        .ok_or_else(|| "its descriptor cannot be derived at index 0".to_owned())?;
    let ours = Address::from_script(&derived.script_pubkey, network)
        .map(|a| a.to_string())
        .map_err(|_| "its descriptor's first address cannot be written as an address".to_owned())?;
    let theirs = Address::from_str(text.trim()).ok().and_then(|a| a.require_network(network).ok());
    match theirs {
        Some(address) if address.script_pubkey() == derived.script_pubkey => Ok(()),
        Some(address) => Err(format!(
            "the record's first address is {address}, but its descriptor's first receive \
             address (branch 0, index 0) is {ours}: the record does not describe the wallet \
             it claims to. Do not use it; get the record from the coordinator again and \
             compare the first address on every signing device"
        )),
        None => Err(format!(
            "the record's last line, its first address, is not an address on {}; the \
             descriptor's first receive address (branch 0, index 0) is {ours}. Get the record \
             from the coordinator again",
            network_name(network)
        )),
    }
}
