//! `archaudit diff OLD NEW`: what changed between two inventories (resources added, removed,
//! changed, with the changed attributes) or two reports (findings new, resolved, changed;
//! rules whose status changed).
//!
//! The first law holds here too: a resource absent from NEW in a kind NEW could not list (a
//! gap) is `unseen`, not removed; a finding absent from NEW whose rule NEW could not evaluate
//! is `not_rechecked`, not resolved.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::finding::{Finding, RuleStatus};
use crate::inventory::{Gap, Inventory};
use crate::report::Report;

mod render;

pub use render::{render_markdown, render_text};

/// One changed attribute.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Change {
    /// Dotted path inside the resource (`ingress`, `tags.Name`, `deployment.circuit_breaker_rollback`).
    pub path: String,
    /// Before (`null` when absent).
    pub old: Value,
    /// After (`null` when absent).
    pub new: Value,
}

/// One resource or finding that differs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Entry {
    /// `added`, `removed`, `changed`, `unseen` (inventories); `new`, `resolved`, `changed`,
    /// `not_rechecked` (reports).
    pub status: String,
    /// Inventory kind (`ec2.security_groups`) or policy id.
    pub kind: String,
    /// ARN.
    pub arn: String,
    /// Id, or the finding's message.
    pub id: String,
    /// What changed (for `changed`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// The difference.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Diff {
    /// `inventory` or `report`.
    pub of: String,
    /// OLD's file.
    pub old: String,
    /// NEW's file.
    pub new: String,
    /// Counts by status.
    pub counts: BTreeMap<String, usize>,
    /// The entries, by status, kind, ARN.
    pub entries: Vec<Entry>,
}

/// A file `diff` cannot use.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// Unreadable or invalid.
    #[error(transparent)]
    Inventory(#[from] crate::inventory::LoadError),
    /// Unreadable or invalid.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// Not JSON, or JSON of neither kind.
    #[error("{path}: {message}")]
    Kind {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads a file once: its kind and its text (parsed again, typed, by the kind's loader).
fn kind_of(path: &Path) -> Result<(&'static str, String), DiffError> {
    let err = |message: String| DiffError::Kind {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let text = crate::text::utf8(bytes).map_err(|e| {
        err(format!(
            "line {}, column {}: {}",
            e.line, e.column, e.message
        ))
    })?;
    /// What says which kind of file it is; every other value is skipped unbuilt.
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        schema_version: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        version: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        findings: Option<serde::de::IgnoredAny>,
    }
    let v: Probe = serde_json::from_str(&text).map_err(|e| {
        err(format!(
            "not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if v.schema_version.is_some() {
        Ok(("inventory", text))
    } else if v.version.is_some() && v.findings.is_some() {
        Ok(("report", text))
    } else {
        Err(err(
            "neither an inventory (`archaudit collect`) nor a JSON report (`scan --format json`)"
                .to_owned(),
        ))
    }
}

/// Compares two files of the same kind.
pub fn diff_files(old: &Path, new: &Path) -> Result<Diff, DiffError> {
    let ((a, old_text), (b, new_text)) = (kind_of(old)?, kind_of(new)?);
    if a != b {
        return Err(DiffError::Kind {
            path: new.display().to_string(),
            message: format!(
                "is {}, but {} is {}: compare two inventories or two reports",
                article(b),
                old.display(),
                article(a)
            ),
        });
    }
    let names = (old.display().to_string(), new.display().to_string());
    Ok(if a == "inventory" {
        let (x, y) = (
            Inventory::from_json(&old_text, &names.0)?,
            Inventory::from_json(&new_text, &names.1)?,
        );
        inventories(&x, &y, names)
    } else {
        let (x, y) = (
            Report::from_json(&old_text, &names.0)?,
            Report::from_json(&new_text, &names.1)?,
        );
        reports(&x, &y, names)
    })
}

/// Kinds (`ec2.subnets`) whose listing in `gaps` is incomplete: a whole-kind gap.
fn unlisted(gaps: &[Gap]) -> BTreeSet<&str> {
    gaps.iter()
        .filter(|g| g.resource.is_none() && g.attribute.is_none())
        .map(|g| g.kind.as_str())
        .collect()
}

/// The changed leaves between two values (objects recursed, arrays compared whole).
fn changes(prefix: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                changes(&path, x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a != b => {
            // Element by element: what left (`path[-]`) and what came (`path[+]`).
            for x in a.iter().filter(|x| !b.contains(x)) {
                out.push(Change {
                    path: format!("{prefix}[-]"),
                    old: x.clone(),
                    new: Value::Null,
                });
            }
            for y in b.iter().filter(|y| !a.contains(y)) {
                out.push(Change {
                    path: format!("{prefix}[+]"),
                    old: Value::Null,
                    new: y.clone(),
                });
            }
            if a.len() == b.len() && a.iter().all(|x| b.contains(x)) {
                // Same elements, another order.
                out.push(Change {
                    path: format!("{prefix}[order]"),
                    old: Value::Array(a.clone()),
                    new: Value::Array(b.clone()),
                });
            }
        }
        (a, b) if a != b => out.push(Change {
            path: prefix.to_owned(),
            old: a.clone(),
            new: b.clone(),
        }),
        _ => {}
    }
}

fn finish(of: &str, names: (String, String), mut entries: Vec<Entry>) -> Diff {
    entries.sort_by(|a, b| (&a.status, &a.kind, &a.arn).cmp(&(&b.status, &b.kind, &b.arn)));
    let mut counts = BTreeMap::new();
    for e in &entries {
        *counts.entry(e.status.clone()).or_default() += 1;
    }
    Diff {
        of: of.to_owned(),
        old: names.0,
        new: names.1,
        counts,
        entries,
    }
}

/// Resources added, removed (or unseen) and changed between two inventories.
pub fn inventories(old: &Inventory, new: &Inventory, names: (String, String)) -> Diff {
    let (a, b) = (old.resource_values(), new.resource_values());
    let blind = unlisted(&new.gaps);
    let mut entries = Vec::new();
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
    for ((kind, arn), v) in &a {
        match b.get(&(kind.clone(), arn.clone())) {
            None => entries.push(Entry {
                status: if blind.contains(kind.as_str()) {
                    "unseen"
                } else {
                    "removed"
                }
                .to_owned(),
                kind: kind.clone(),
                arn: arn.clone(),
                id: id(v),
                changes: Vec::new(),
            }),
            Some(w) if w != v => {
                let mut c = Vec::new();
                changes("", v, w, &mut c);
                entries.push(Entry {
                    status: "changed".to_owned(),
                    kind: kind.clone(),
                    arn: arn.clone(),
                    id: id(w),
                    changes: c,
                });
            }
            Some(_) => {}
        }
    }
    for ((kind, arn), v) in &b {
        if !a.contains_key(&(kind.clone(), arn.clone())) {
            entries.push(Entry {
                status: "added".to_owned(),
                kind: kind.clone(),
                arn: arn.clone(),
                id: id(v),
                changes: Vec::new(),
            });
        }
    }
    finish("inventory", names, entries)
}

/// Findings new, resolved (or not re-checked) and changed between two reports.
pub fn reports(old: &Report, new: &Report, names: (String, String)) -> Diff {
    let by_fp = |r: &Report| -> BTreeMap<String, Finding> {
        r.findings
            .iter()
            .map(|f| (f.fingerprint.clone(), f.clone()))
            .collect()
    };
    let (a, b) = (by_fp(old), by_fp(new));
    let blind: BTreeSet<&str> = new
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::NotEvaluated || r.reason.is_some())
        .map(|r| r.id.as_str())
        .collect();
    let entry = |status: &str, f: &Finding, changes: Vec<Change>| Entry {
        status: status.to_owned(),
        kind: f.policy_id.clone(),
        arn: f.resource.arn.clone(),
        id: f.message.clone(),
        changes,
    };
    let mut entries = Vec::new();
    for (fp, f) in &a {
        match b.get(fp) {
            None if blind.contains(f.policy_id.as_str()) => {
                entries.push(entry("not_rechecked", f, Vec::new()));
            }
            None => entries.push(entry("resolved", f, Vec::new())),
            Some(g) => {
                let mut c = Vec::new();
                for (path, x, y) in [
                    ("severity", json(&f.severity), json(&g.severity)),
                    ("actual", f.actual.clone(), g.actual.clone()),
                    ("expected", f.expected.clone(), g.expected.clone()),
                    ("waived", json(&f.waived), json(&g.waived)),
                ] {
                    changes(path, &x, &y, &mut c);
                }
                if !c.is_empty() {
                    entries.push(entry("changed", g, c));
                }
            }
        }
    }
    for (fp, f) in &b {
        if !a.contains_key(fp) && f.carried_over.is_none() {
            entries.push(entry("new", f, Vec::new()));
        }
    }
    finish("report", names, entries)
}

fn json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn article(of: &str) -> &'static str {
    if of == "inventory" {
        "an inventory"
    } else {
        "a report"
    }
}

#[cfg(test)]
mod tests;
