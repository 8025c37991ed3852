//! The TOML a generated spec is written in: tables, keys and, on each inferred value, a
//! comment naming the resource it was read from.

use toml_edit::{Array, Value};

/// A TOML text being written, top to bottom.
#[derive(Default)]
pub(super) struct Toml {
    out: String,
}

impl Toml {
    /// `# text`, one line per line of `text`.
    pub(super) fn comment(&mut self, text: &str) {
        for line in text.lines() {
            if line.is_empty() {
                self.out.push_str("#\n");
            } else {
                self.out.push_str(&format!("# {line}\n"));
            }
        }
    }

    /// A blank line, then `[header]`.
    pub(super) fn table(&mut self, header: &str) {
        self.out.push_str(&format!("\n[{header}]\n"));
    }

    /// A blank line, then `[[header]]`.
    pub(super) fn array_table(&mut self, header: &str) {
        self.out.push_str(&format!("\n[[{header}]]\n"));
    }

    /// `key = value`, with `# from` after it when `from` is not empty.
    pub(super) fn set(&mut self, key: &str, value: impl Into<Value>, from: &str) {
        let value: Value = value.into();
        let line = format!("{key} = {}", value.to_string().trim());
        if from.is_empty() {
            self.out.push_str(&format!("{line}\n"));
        } else {
            self.out.push_str(&format!("{line}  # {from}\n"));
        }
    }

    /// The text.
    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// An array of strings.
pub(super) fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::Array(
        items
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .collect::<Array>(),
    )
}

/// An array of integers.
pub(super) fn integers(items: impl IntoIterator<Item = i64>) -> Value {
    Value::Array(items.into_iter().collect::<Array>())
}

/// A component name: the id's letters, digits, `-` and `_` (a bare TOML key).
pub(super) fn key(id: &str) -> String {
    let k: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if k.is_empty() {
        "unnamed".to_owned()
    } else {
        k
    }
}
