//! The import rule of `src/`: which part of the library may name which other part
//! (docs/architecture.md). Every `.rs` file under `src/` except `src/bin/` (the CLI, a crate
//! of its own that uses only the front door) is read; every `crate::` path it names — in
//! `use` lines, grouped ones included (`use crate::{a::X, b::{c::Y, d::Z}};`), in paths in
//! code and in doc comments (`[x](crate::checks::Code)`) — must lead to its own part or to
//! one that [`RULE`] lets it import. Plain comments and string literals are not read.
//!
//! A file's part is the first component of its path under `src/` (`src/parse/psbt/maps.rs`
//! is `parse`), or for a file directly in `src/` its stem (`src/error.rs` is `error`,
//! `src/lib.rs` is `lib`). `crate::X` where `X` is no part (`crate::Finding`) names an item
//! the crate root re-exports, which is importing `lib`; a doc comment may link to one from
//! any part (a rustdoc link, not an import), code may not. In a doc comment `crate::verify`
//! alone is such a link too: rustdoc resolves it to the function the root re-exports, not to
//! the part `verify` (see [`root_items`]). A `super::` chain may not climb
//! out of the part: a module `m` levels below `src/` (inline `mod x { … }` blocks counted)
//! may use at most `m - 1` of them (`m` for `lib`, whose root is `src/` itself).

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// In a list of the parts one may import: every part.
const EVERY: &str = "*";

/// The rule, as data: each part of `src/` and the parts it may import besides itself.
/// docs/architecture.md says why; change both together. A folder or file under `src/` that
/// is not here, or a part here that is not in `src/`, fails
/// [`every_part_of_src_is_in_the_rule_and_every_part_of_the_rule_in_src`].
const RULE: [(&str, &[&str]); 13] = [
    ("base", &[]),
    ("parse", &["base"]),
    ("model", &["base", "parse"]),
    ("checks", &["base", "parse", "model"]),
    ("report", &["base", "parse", "checks"]),
    ("ledger", &["base"]),
    ("error", &["base", "parse", "ledger"]),
    ("verify", &["base", "parse", "model", "checks", "report", "ledger", "error"]),
    ("views", &["base", "parse", "model"]),
    ("ceremony", &["base", "parse", "checks"]),
    ("wallet_import", &["base", "parse"]),
    ("fuzzing", &[EVERY]),
    ("lib", &[EVERY]),
];

/// One import that breaks the rule.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    /// The file, as `src/…`.
    file: String,
    line: usize,
    /// The importing part.
    part: String,
    /// The part imported, or what the `super::` chain climbs out of.
    imports: String,
    /// The path as written, e.g. `crate::parse::policy::Policy`.
    path: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Violation { file, line, part, imports, path } = self;
        write!(f, "{file}:{line}: {part} may not import {imports}: {path}")
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn is_part(name: &str) -> bool {
    RULE.iter().any(|(part, _)| *part == name)
}

fn may_import(part: &str, imported: &str) -> bool {
    part == imported
        || RULE
            .iter()
            .any(|(p, allowed)| *p == part && allowed.iter().any(|a| [EVERY, imported].contains(a)))
}

/// The components of `file` (`src/…`, with `/`) under `src/`.
fn components(file: &str) -> Vec<&str> {
    let under = file.strip_prefix("src/").unwrap_or_else(|| panic!("{file} is not under src/"));
    under.split('/').collect()
}

/// The part of `file`: its first folder under `src/`, or its stem if it lies in `src/`.
fn part_of(file: &str) -> String {
    let parts = components(file);
    match parts.as_slice() {
        [one] => one.trim_end_matches(".rs").to_owned(),
        [folder, ..] => (*folder).to_owned(),
        [] => unreachable!("split yields one component at least"),
    }
}

/// How many `super::` the top level of `file` may use without leaving its part: its module
/// depth (`src/parse/mod.rs` and `src/error.rs` 1, `src/parse/psbt/maps.rs` 3) less one, the
/// part's own module; 0 for `src/lib.rs`, the crate root.
fn supers_allowed(file: &str) -> usize {
    if file == "src/lib.rs" {
        return 0;
    }
    let parts = components(file);
    let depth = parts.len() - usize::from(parts.last() == Some(&"mod.rs"));
    depth - 1
}

/// A file split into its code, with comments and string and character literals blanked
/// (line breaks kept), and its doc comment lines with their line numbers.
struct Split {
    code: String,
    docs: Vec<(usize, String)>,
}

fn split(text: &str) -> Split {
    let s: Vec<char> = text.chars().collect();
    let mut code = String::with_capacity(text.len());
    let mut docs = Vec::new();
    let mut line = 1;
    let blank = |code: &mut String, line: &mut usize, chars: &[char]| {
        for &c in chars {
            if c == '\n' {
                *line += 1;
                code.push('\n');
            } else {
                code.push(' ');
            }
        }
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let at = |j: usize| s.get(j).copied();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let end = if c == '/' && at(i + 1) == Some('/') {
            let end = (i..s.len()).find(|&j| s[j] == '\n').unwrap_or(s.len());
            let body: String = s[i..end].iter().collect();
            if (body.starts_with("///") && !body.starts_with("////")) || body.starts_with("//!") {
                docs.push((line, body[3..].to_owned()));
            }
            end
        } else if c == '/' && at(i + 1) == Some('*') {
            let (mut j, mut depth) = (i, 0usize);
            while j < s.len() {
                if s[j] == '/' && at(j + 1) == Some('*') {
                    depth += 1;
                    j += 2;
                } else if s[j] == '*' && at(j + 1) == Some('/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            let body: String = s[i..j.min(s.len())].iter().collect();
            let doc = (body.starts_with("/**") && !body.starts_with("/***") && body != "/**/")
                || body.starts_with("/*!");
            if doc {
                let inner = body.get(3..body.len().saturating_sub(2)).unwrap_or("");
                docs.extend(inner.split('\n').enumerate().map(|(k, l)| (line + k, l.to_owned())));
            }
            j.min(s.len())
        } else if c == '"' {
            let mut j = i + 1;
            while j < s.len() && s[j] != '"' {
                j += if s[j] == '\\' { 2 } else { 1 };
            }
            (j + 1).min(s.len())
        } else if (c == 'r' || (c == 'b' && at(i + 1) == Some('r')))
            && !(i > 0 && is_ident(s[i - 1]))
            && {
                let j = i + if c == 'b' { 2 } else { 1 };
                let hashes = (j..s.len()).take_while(|&k| s[k] == '#').count();
                at(j + hashes) == Some('"')
            }
        {
            let j = i + if c == 'b' { 2 } else { 1 };
            let hashes = (j..s.len()).take_while(|&k| s[k] == '#').count();
            let closes = |k: usize| s[k] == '"' && (1..=hashes).all(|h| at(k + h) == Some('#'));
            let close = (j + hashes + 1..s.len()).find(|&k| closes(k)).unwrap_or(s.len());
            (close + 1 + hashes).min(s.len())
        } else if c == '\'' && at(i + 1) == Some('\\') {
            let close = (i + 3..s.len()).find(|&k| s[k] == '\'').unwrap_or(s.len());
            (close + 1).min(s.len())
        } else if c == '\'' && at(i + 2) == Some('\'') {
            i + 3
        } else {
            if c == '\n' {
                line += 1;
            }
            code.push(c);
            i += 1;
            continue;
        };
        blank(&mut code, &mut line, &s[i..end]);
        i = end;
    }
    Split { code, docs }
}

/// A token of code: an identifier (or number), `::`, or one other character.
struct Token {
    text: String,
    line: usize,
}

fn tokenize(text: &str, first_line: usize) -> Vec<Token> {
    let s: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, first_line);
    while i < s.len() {
        let c = s[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let len = s[i..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
            out.push(Token { text: s[i..i + len].iter().collect(), line });
            i += len;
        } else if c == ':' && s.get(i + 1) == Some(&':') {
            out.push(Token { text: "::".to_owned(), line });
            i += 2;
        } else {
            out.push(Token { text: c.to_string(), line });
            i += 1;
        }
    }
    out
}

fn text_at(tokens: &[Token], k: usize) -> &str {
    tokens.get(k).map_or("", |t| t.text.as_str())
}

/// The tokens of `tokens[start..]` up to the end of one path element: a `,`, `;` or
/// unmatched `}` or `)`, or anything that cannot continue a path, outside braces.
fn element_end(tokens: &[Token], start: usize) -> usize {
    let (mut k, mut depth) = (start, 0usize);
    while k < tokens.len() {
        match tokens[k].text.as_str() {
            "{" => depth += 1,
            "}" if depth == 0 => break,
            "}" => depth -= 1,
            "," | ";" | ")" if depth == 0 => break,
            t if depth > 0 || t == "::" || t == "*" || t == "as" => {}
            t if t.starts_with(|c: char| c.is_alphanumeric() || c == '_') => {
                // Two identifiers in a row outside braces end the path (`crate::X as Y` aside).
                if k > start && text_at(tokens, k - 1) != "::" && text_at(tokens, k - 1) != "as" {
                    break;
                }
            }
            _ => break,
        }
        k += 1;
    }
    k
}

fn join(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        match t.text.as_str() {
            "," => out.push_str(", "),
            "as" => out.push_str(" as "),
            text => out.push_str(text),
        }
    }
    out
}

/// What `crate::` at `tokens[start - 2]` imports: (line, the part named, the path as
/// written), one for each top-level element of a `crate::{…}` group.
fn imports_at(tokens: &[Token], start: usize) -> Vec<(usize, String, String)> {
    let named = |k: usize| {
        let first = text_at(tokens, k);
        if is_part(first) && first != "lib" {
            first.to_owned()
        } else {
            "lib".to_owned()
        }
    };
    if text_at(tokens, start) != "{" {
        let end = element_end(tokens, start);
        let path = format!("crate::{}", join(&tokens[start..end]));
        return vec![(tokens.get(start).map_or(0, |t| t.line), named(start), path)];
    }
    let mut out = Vec::new();
    let mut k = start + 1;
    while k < tokens.len() && text_at(tokens, k) != "}" {
        let end = element_end(tokens, k);
        if end > k {
            out.push((tokens[k].line, named(k), format!("crate::{}", join(&tokens[k..end]))));
        }
        k = if text_at(tokens, end) == "," { end + 1 } else { end.max(k + 1) };
    }
    out
}

/// The names of the items the crate root (`lib.rs`, `text`) re-exports with `pub use` at
/// its top level: the last name of each path in the use tree, or its alias (`self` aside).
fn root_items(text: &str) -> BTreeSet<String> {
    let tokens = tokenize(&split(text).code, 1);
    let (mut out, mut depth) = (BTreeSet::new(), 0usize);
    for k in 0..tokens.len() {
        match tokens[k].text.as_str() {
            "{" => depth += 1,
            "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 || tokens[k].text != "use" || k == 0 || tokens[k - 1].text != "pub" {
            continue;
        }
        for j in k + 1..tokens.len() {
            let (name, next) = (text_at(&tokens, j), text_at(&tokens, j + 1));
            if [",", "}", ";"].contains(&next) && !["self", "*", "}"].contains(&name) {
                out.insert(name.to_owned());
            }
            if next == ";" {
                break;
            }
        }
    }
    out
}

/// The imports of `text` (the file `file`, as `src/…`) that break the rule. `roots` are the
/// items the crate root re-exports ([`root_items`]): in a doc comment `crate::verify` is
/// the function `verify` of the front door (as rustdoc resolves it), not the part `verify`.
fn check(file: &str, text: &str, roots: &BTreeSet<String>) -> Vec<Violation> {
    let part = part_of(file);
    let Split { code, docs } = split(text);
    let mut out = Vec::new();
    let mut refuse = |line: usize, imports: &str, path: String| {
        out.push(Violation {
            file: file.to_owned(),
            line,
            part: part.clone(),
            imports: imports.to_owned(),
            path,
        });
    };

    let tokens = tokenize(&code, 1);
    let (mut depth, mut inline) = (0usize, Vec::<usize>::new());
    for k in 0..tokens.len() {
        let after_path = k > 0 && text_at(&tokens, k - 1) == "::";
        match tokens[k].text.as_str() {
            "{" => depth += 1,
            "}" => {
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "mod" if text_at(&tokens, k + 2) == "{" => inline.push(depth + 1),
            "crate" if text_at(&tokens, k + 1) == "::" && !after_path => {
                for (line, imported, path) in imports_at(&tokens, k + 2) {
                    if !may_import(&part, &imported) {
                        refuse(line, &imported, path);
                    }
                }
            }
            "super" if text_at(&tokens, k + 1) == "::" && !after_path => {
                let chain = (k..tokens.len())
                    .step_by(2)
                    .take_while(|&j| {
                        text_at(&tokens, j) == "super" && text_at(&tokens, j + 1) == "::"
                    })
                    .count();
                if chain > supers_allowed(file) + inline.len() {
                    let path =
                        format!("{}{}", "super::".repeat(chain), text_at(&tokens, k + 2 * chain));
                    refuse(tokens[k].line, &format!("outside {part}"), path);
                }
            }
            _ => {}
        }
    }

    for (line, doc) in &docs {
        let tokens = tokenize(doc, *line);
        for k in 0..tokens.len() {
            let after_path = k > 0 && text_at(&tokens, k - 1) == "::";
            if tokens[k].text == "crate" && text_at(&tokens, k + 1) == "::" && !after_path {
                for (line, imported, path) in imports_at(&tokens, k + 2) {
                    // A link to an item of the crate root is a rustdoc link, not an import.
                    let root_item = imported == "lib"
                        || (path == format!("crate::{imported}") && roots.contains(&imported));
                    if !root_item && !may_import(&part, &imported) {
                        refuse(line, &imported, path);
                    }
                }
            }
        }
    }
    out.sort_by_key(|v| v.line);
    out
}

/// Every `.rs` file under `dir`, as `src/…` with `/`, and its text; `src/bin/` skipped.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(src()).unwrap();
        let name: Vec<String> =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if path.is_dir() {
            if name != ["bin"] {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((format!("src/{}", name.join("/")), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn src_imports_only_what_its_part_may() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    assert!(files.len() >= 40, "only {} files read under src/", files.len());
    let lib = files.iter().find(|(file, _)| file == "src/lib.rs").expect("src/lib.rs");
    let roots = root_items(&lib.1);
    assert!(roots.contains("Policy") && roots.contains("verify"), "root items: {roots:?}");
    let violations: Vec<String> = files
        .iter()
        .flat_map(|(file, text)| check(file, text, &roots))
        .map(|v| v.to_string())
        .collect();
    assert!(
        violations.is_empty(),
        "{} import(s) break the rule of docs/architecture.md (RULE in {}):\n{}",
        violations.len(),
        file!(),
        violations.join("\n")
    );
}

#[test]
fn every_part_of_src_is_in_the_rule_and_every_part_of_the_rule_in_src() {
    let mut tree = BTreeSet::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "bin" {
                tree.insert(name);
            }
        } else if let Some(stem) = name.strip_suffix(".rs") {
            tree.insert(stem.to_owned());
        }
    }
    let table: BTreeSet<String> = RULE.iter().map(|(part, _)| (*part).to_owned()).collect();
    assert_eq!(table.len(), RULE.len(), "a part is twice in RULE");
    assert_eq!(
        tree,
        table,
        "src/ (left) and RULE in {} (right) name different parts; update both and \
         docs/architecture.md",
        file!()
    );
    for (part, allowed) in RULE {
        for imported in allowed {
            assert!(
                *imported == EVERY || is_part(imported),
                "{part} may import {imported}: no such part"
            );
        }
    }
}

/// What [`check`] reports on `text` as the file `file`, with the crate root re-exporting
/// `roots`, as lines.
fn found(file: &str, text: &str, roots: &[&str]) -> Vec<String> {
    let roots = roots.iter().map(|r| (*r).to_owned()).collect();
    check(file, text, &roots).iter().map(ToString::to_string).collect()
}

#[test]
fn checker_reports_a_part_that_imports_one_it_may_not() {
    let found = check("src/base/text.rs", "use crate::parse::policy::Policy;", &BTreeSet::new());
    assert_eq!(
        found,
        [Violation {
            file: "src/base/text.rs".to_owned(),
            line: 1,
            part: "base".to_owned(),
            imports: "parse".to_owned(),
            path: "crate::parse::policy::Policy".to_owned(),
        }]
    );
    assert_eq!(
        found[0].to_string(),
        "src/base/text.rs:1: base may not import parse: crate::parse::policy::Policy"
    );
}

#[test]
fn checker_allows_a_doc_link_to_a_root_item_but_not_code_naming_one() {
    let doc = "//! See [`Finding`](crate::Finding).\n/// At most [`MAX`](crate::MAX_FILE_BYTES).\n";
    assert_eq!(found("src/parse/error.rs", doc, &[]), [""; 0]);
    let code = "use crate::Finding;\n";
    assert_eq!(
        found("src/parse/error.rs", code, &[]),
        ["src/parse/error.rs:1: parse may not import lib: crate::Finding"]
    );
    assert_eq!(found("src/fuzzing.rs", code, &[]), [""; 0]);
    // `verify` is a part and the root's function: a doc link to `crate::verify` is the
    // function, one into the part is an import.
    let doc = "/// By [`verify`](crate::verify), not [`Verifier`](crate::verify::Verifier).\n";
    assert_eq!(
        found("src/checks/intent.rs", doc, &["verify"]),
        ["src/checks/intent.rs:1: checks may not import verify: crate::verify::Verifier"]
    );
    assert_eq!(found("src/checks/intent.rs", "fn f() { crate::verify() }", &["verify"]).len(), 1);
}

#[test]
fn root_items_are_the_names_lib_rs_re_exports() {
    let lib = "mod verify;\npub use verify::{verify, Verifier as V};\npub use a::b::{self, C};\n\
               use hidden::D;\npub mod wallet {\n    pub use crate::parse::wallet::Wallet;\n}\n";
    let names: Vec<String> = root_items(lib).into_iter().collect();
    assert_eq!(names, ["C", "V", "verify"]);
}

#[test]
fn checker_reads_groups_nested_groups_code_paths_and_doc_links() {
    let text = "\
use crate::{base::text, parse::{policy::Policy, intent::Intent}};
use crate::{
    model::claims::Claims,
    checks::Code,
};
// crate::views::x in a plain comment and \"crate::views::y\" in a string are not read.
/// Links [`Code`](crate::checks::Code) and [`Report`](crate::report::Report).
fn f() -> Code { crate::checks::first_few(); let c = '{'; crate::report::render() }
";
    assert_eq!(
        found("src/model/claims.rs", text, &[]),
        [
            "src/model/claims.rs:4: model may not import checks: crate::checks::Code",
            "src/model/claims.rs:7: model may not import checks: crate::checks::Code",
            "src/model/claims.rs:7: model may not import report: crate::report::Report",
            "src/model/claims.rs:8: model may not import checks: crate::checks::first_few",
            "src/model/claims.rs:8: model may not import report: crate::report::render",
        ]
    );
}

#[test]
fn checker_reports_a_super_chain_that_leaves_the_part() {
    // src/parse/psbt/maps.rs is crate::parse::psbt::maps: two `super::` reach crate::parse.
    assert_eq!(found("src/parse/psbt/maps.rs", "use super::super::base;\n", &[]), [""; 0]);
    assert_eq!(
        found("src/parse/psbt/maps.rs", "use super::super::super::base;\n", &[]),
        ["src/parse/psbt/maps.rs:1: parse may not import outside parse: super::super::super::base"]
    );
    // In mod.rs the module is the folder; an inline module adds one level.
    assert_eq!(found("src/checks/mod.rs", "mod tests {\n    use super::*;\n}\n", &[]), [""; 0]);
    assert_eq!(
        found("src/checks/mod.rs", "use super::base;\n", &[]),
        ["src/checks/mod.rs:1: checks may not import outside checks: super::base"]
    );
}
