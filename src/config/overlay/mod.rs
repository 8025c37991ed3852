//! Environments as overlays: a file that says `extends = "base.toml"` (relative to itself;
//! chains allowed, cycles refused) is its base with the overlay's values on top. Tables merge
//! key by key — so components merge by name — while scalars and arrays (subnets, routes,
//! alarms, waivers) are replaced whole; `remove = ["services.reporting"]` drops a component
//! (or any table under `[architecture]`) of the base before the overlay's own values apply.
//!
//! The result is written out as one TOML text, which the typed parse reads as if it were one
//! file, with a map from each of its lines to the file and line the value came from: errors,
//! findings' expectations and `archaudit spec show` name the file that set the value.

use std::path::{Path, PathBuf};

use toml_edit::{ImDocument, Item, Table, Value};

mod emit;

use emit::emit;

use super::ConfigError;

/// Where one line of the merged text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (as given, or joined to its overlay's directory).
    pub file: String,
    /// Its 1-based line there.
    pub line: usize,
}

/// A spec assembled from one file or a chain of overlays.
#[derive(Debug, Clone)]
pub(super) struct Merged {
    /// The merged TOML text.
    pub text: String,
    /// The origin of each line of `text` (index 0: line 1).
    pub lines: Vec<Origin>,
}

#[derive(Debug, Clone)]
pub(super) enum Node {
    Table(Vec<(String, Node)>, Origin),
    Tables(Vec<(Vec<(String, Node)>, Origin)>),
    Leaf(String, Origin),
}

/// One file's text, parsed with spans.
struct Source {
    file: String,
    text: String,
    doc: ImDocument<String>,
}

impl Source {
    /// `text` parsed with spans; `None` when it is not TOML (the typed parse names where).
    fn parse(text: &str, file: &str) -> Option<Source> {
        Some(Source {
            file: file.to_owned(),
            text: text.to_owned(),
            doc: ImDocument::parse(text.to_owned()).ok()?,
        })
    }

    fn line(&self, span: Option<std::ops::Range<usize>>) -> usize {
        span.map_or(1, |s| super::locate(&self.text, s.start).0)
    }

    fn origin(&self, span: Option<std::ops::Range<usize>>) -> Origin {
        Origin {
            file: self.file.clone(),
            line: self.line(span),
        }
    }

    fn error(&self, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
        ConfigError {
            path: self.file.clone(),
            line: self.line(span),
            column: 0,
            message,
        }
    }
}

/// The spec `text` (read from `file`) describes with its bases; `None` when it names no base
/// (the caller parses it as one file). Text that is not TOML is left to the caller too.
pub(super) fn merged(text: &str, file: &str) -> Result<Option<Merged>, ConfigError> {
    let Some(source) = Source::parse(text, file) else {
        return Ok(None);
    };
    if source.doc.as_table().get("extends").is_none() {
        return Ok(None);
    }
    let mut chain = Vec::new();
    let root = resolve(source, &mut chain)?;
    Ok(Some(emit(&root)))
}

/// One file as a merged spec of itself (for `spec show` of a file without a base).
pub(super) fn single(text: &str, file: &str) -> Option<Merged> {
    let source = Source::parse(text, file)?;
    let origin = Origin {
        file: file.to_owned(),
        line: 1,
    };
    Some(emit(&strip(table(&source, source.doc.as_table(), origin))))
}

/// The tree of `source` with its bases applied; `chain` holds the files being resolved.
fn resolve(source: Source, chain: &mut Vec<(PathBuf, String)>) -> Result<Node, ConfigError> {
    let me = std::fs::canonicalize(&source.file).unwrap_or_else(|_| PathBuf::from(&source.file));
    chain.push((me, source.file.clone()));
    let top = source.doc.as_table();
    let own = table(
        &source,
        top,
        Origin {
            file: source.file.clone(),
            line: 1,
        },
    );
    let Some(extends) = top.get("extends") else {
        chain.pop();
        return Ok(strip(own));
    };
    let span = top
        .key("extends")
        .and_then(|k| k.span())
        .or_else(|| extends.span());
    let Some(rel) = extends.as_str() else {
        return Err(source.error(span, "`extends` must be a file name (a string)".into()));
    };
    let base_path = lexical(
        &Path::new(&source.file)
            .parent()
            .unwrap_or(Path::new(""))
            .join(rel),
    );
    let canonical = std::fs::canonicalize(&base_path).ok();
    if let Some(c) = &canonical {
        if let Some(at) = chain.iter().position(|(p, _)| p == c) {
            let cycle: Vec<&str> = chain[at..]
                .iter()
                .map(|(_, shown)| shown.as_str())
                .chain(std::iter::once(chain[at].1.as_str()))
                .collect();
            return Err(source.error(
                span,
                format!("`extends` makes a cycle: {}", cycle.join(" → ")),
            ));
        }
    }
    let shown = base_path.display().to_string();
    let text = match super::read_text(&base_path) {
        Ok(text) => text,
        // Unreadable: said at the `extends` that names it.
        Err(e) if e.line == 0 => {
            return Err(source.error(span, format!("base {shown} {}", e.message)))
        }
        // Not UTF-8: at its position in the base.
        Err(e) => return Err(e),
    };
    let Some(base) = Source::parse(&text, &shown) else {
        // Not TOML: the base's own parse names the position.
        return Err(super::Config::parse(&text, &shown)
            .err()
            .unwrap_or_else(|| source.error(span, format!("cannot read base {shown}"))));
    };
    let mut merged = resolve(base, chain)?;
    chain.pop();
    if let Some(remove) = top.get("remove") {
        removals(&source, top, remove, &mut merged)?;
    }
    merge(&mut merged, strip(own));
    Ok(merged)
}

/// `a/b/../c` as `a/c` (without touching the file system), so a base is named as a person
/// would write it; a leading `..` stays.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Applies `remove = ["services.reporting", …]` (paths under `[architecture]`) to the base.
fn removals(
    source: &Source,
    top: &Table,
    remove: &Item,
    base: &mut Node,
) -> Result<(), ConfigError> {
    let span = top.key("remove").and_then(|k| k.span());
    let Some(list) = remove.as_array() else {
        return Err(source.error(
            span,
            "`remove` must be a list of component paths (\"services.reporting\")".into(),
        ));
    };
    for v in list {
        let Some(path) = v.as_str() else {
            return Err(source.error(
                v.span(),
                "`remove` entries are strings (\"services.reporting\")".into(),
            ));
        };
        let segments: Vec<&str> = std::iter::once("architecture")
            .chain(path.split('.'))
            .collect();
        if !remove_path(base, &segments) {
            return Err(source.error(
                v.span(),
                format!("nothing to remove: the base has no `{path}`"),
            ));
        }
    }
    Ok(())
}

/// Removes the table at `path` under `node`; whether there was one.
fn remove_path(node: &mut Node, path: &[&str]) -> bool {
    let Node::Table(entries, _) = node else {
        return false;
    };
    match path {
        [] => false,
        [last] => {
            let before = entries.len();
            entries.retain(|(k, _)| k != last);
            entries.len() < before
        }
        [first, rest @ ..] => entries
            .iter_mut()
            .find(|(k, _)| k == first)
            .is_some_and(|(_, child)| remove_path(child, rest)),
    }
}

/// The overlay's own keys, without `extends` and `remove`.
fn strip(node: Node) -> Node {
    match node {
        Node::Table(entries, o) => Node::Table(
            entries
                .into_iter()
                .filter(|(k, _)| k != "extends" && k != "remove")
                .collect(),
            o,
        ),
        other => other,
    }
}

/// Puts `overlay` on `base`: tables merge key by key; anything else replaces.
fn merge(base: &mut Node, overlay: Node) {
    match (base, overlay) {
        (Node::Table(entries, _), Node::Table(over, _)) => {
            for (k, v) in over {
                match entries.iter_mut().find(|(key, _)| *key == k) {
                    Some((_, existing)) => {
                        if matches!((&*existing, &v), (Node::Table(..), Node::Table(..))) {
                            merge(existing, v);
                        } else {
                            *existing = v;
                        }
                    }
                    None => entries.push((k, v)),
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

fn table(source: &Source, t: &Table, origin: Origin) -> Node {
    let mut entries = Vec::new();
    for (k, item) in t.iter() {
        let key_span = t.key(k).and_then(|key| key.span());
        let o = source.origin(key_span.clone().or_else(|| item.span()));
        let node = match item {
            Item::Table(sub) => {
                let header = sub.span().or(key_span);
                table(source, sub, source.origin(header))
            }
            Item::ArrayOfTables(a) => Node::Tables(
                a.iter()
                    .map(|sub| {
                        let Node::Table(e, o) = table(source, sub, source.origin(sub.span()))
                        else {
                            unreachable!("a table converts to a table")
                        };
                        (e, o)
                    })
                    .collect(),
            ),
            Item::Value(Value::InlineTable(inline)) => {
                let sub = inline.clone().into_table();
                let Node::Table(e, _) = table(source, &sub, o.clone()) else {
                    unreachable!("a table converts to a table")
                };
                // The inline table's values carry no spans of their own once converted.
                Node::Table(
                    e.into_iter()
                        .map(|(k, n)| (k, with_origin(n, &o)))
                        .collect(),
                    o,
                )
            }
            Item::Value(v) => {
                let mut v = v.clone();
                v.decor_mut().clear();
                Node::Leaf(v.to_string(), o)
            }
            Item::None => continue,
        };
        entries.push((k.to_owned(), node));
    }
    Node::Table(entries, origin)
}

fn with_origin(node: Node, o: &Origin) -> Node {
    match node {
        Node::Leaf(v, _) => Node::Leaf(v, o.clone()),
        Node::Table(e, _) => Node::Table(
            e.into_iter().map(|(k, n)| (k, with_origin(n, o))).collect(),
            o.clone(),
        ),
        Node::Tables(t) => Node::Tables(t),
    }
}
