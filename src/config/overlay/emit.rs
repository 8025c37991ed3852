//! The merged tree written out as TOML, with the origin of every line, and the annotated
//! form `archaudit spec show` prints.

use toml_edit::Value;

use super::{ConfigError, Merged, Node, Origin};

/// Writes the tree as TOML: each table's values under its header, then its tables.
pub(super) fn emit(root: &Node) -> Merged {
    let mut out = Merged {
        text: String::new(),
        lines: Vec::new(),
    };
    if let Node::Table(entries, o) = root {
        body(&mut out, &[], entries, o, false);
    }
    out
}

fn push(out: &mut Merged, text: &str, origin: &Origin) {
    for line in text.split('\n') {
        out.text.push_str(line);
        out.text.push('\n');
        out.lines.push(origin.clone());
    }
}

fn body(
    out: &mut Merged,
    path: &[String],
    entries: &[(String, Node)],
    origin: &Origin,
    array: bool,
) {
    let leaves: Vec<&(String, Node)> = entries
        .iter()
        .filter(|(_, n)| matches!(n, Node::Leaf(..)))
        .collect();
    let has_tables = entries.len() > leaves.len();
    if !path.is_empty() && (array || !leaves.is_empty() || !has_tables) {
        let name = path.iter().map(|k| key(k)).collect::<Vec<_>>().join(".");
        if !out.text.is_empty() {
            push(out, "", origin);
        }
        let header = if array {
            format!("[[{name}]]")
        } else {
            format!("[{name}]")
        };
        push(out, &header, origin);
    }
    for (k, n) in &leaves {
        if let Node::Leaf(v, o) = n {
            push(out, &format!("{} = {v}", key(k)), o);
        }
    }
    for (k, n) in entries {
        let mut sub = path.to_vec();
        sub.push(k.clone());
        match n {
            Node::Table(e, o) => body(out, &sub, e, o, false),
            Node::Tables(items) => {
                for (e, o) in items {
                    body(out, &sub, e, o, true);
                }
            }
            Node::Leaf(..) => {}
        }
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_owned()
    } else {
        Value::from(k).to_string()
    }
}

impl Merged {
    /// The origin of 1-based `line` of the merged text.
    pub(in crate::config) fn origin(&self, line: usize) -> Option<&Origin> {
        self.lines.get(line.checked_sub(1)?)
    }

    /// `e` (about the merged text) moved to the file and line that set the value.
    pub(in crate::config) fn relocate(&self, e: ConfigError) -> ConfigError {
        match self.origin(e.line) {
            Some(o) => ConfigError {
                path: o.file.clone(),
                line: o.line,
                column: 0,
                message: e.message,
            },
            None => e,
        }
    }

    /// The merged text with each value's origin: `key = value  # file:line`.
    pub(in crate::config) fn annotated(&self) -> String {
        let width = self
            .text
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .min(72);
        let mut out = String::new();
        for (line, o) in self.text.lines().zip(&self.lines) {
            if line.is_empty() {
                out.push('\n');
                continue;
            }
            let pad = width.saturating_sub(line.chars().count());
            out.push_str(&format!(
                "{line}{}  # {}:{}\n",
                " ".repeat(pad),
                o.file,
                o.line
            ));
        }
        out
    }
}
