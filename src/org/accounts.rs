//! `--accounts FILE`: the accounts to scan, for estates without Organizations access (or to
//! give accounts their own regions, tags and `archaudit.toml`). TOML or YAML, by extension:
//!
//! ```toml
//! [[account]]
//! id = "111111111111"
//! name = "prod"
//! role_arn = "arn:aws:iam::111111111111:role/archaudit-readonly"  # default: --role-name
//! regions = ["us-east-1", "eu-west-1"]                              # default: --region
//! tags = { env = "prod" }
//! config = "prod.archaudit.toml"                                    # relative to this file
//! ```
//!
//! ```yaml
//! accounts:
//!   - id: "111111111111"
//!     name: prod
//! ```
//!
//! Every error names the file, line and column.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::names::PARTITIONS;
pub use crate::names::{is_account_id, is_region};

use super::Account;

/// An accounts file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid accounts file {path}:{line}:{column}: {message}")]
pub struct AccountsError {
    /// The file.
    pub path: String,
    /// 1-based line (1 when the whole file is at fault).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(alias = "accounts", default)]
    account: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    regions: Option<Vec<String>>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    config: Option<PathBuf>,
}

/// Whether `arn` is an IAM role of `account`: `arn:<partition>:iam::<account>:role/[path/]name`,
/// a known partition, no region, a role name of IAM's characters (1–64), a path of printable
/// characters, nothing else. The error says what is wrong.
pub fn check_role_arn(arn: &str, account: &str) -> Result<(), String> {
    if arn.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("holds whitespace or a control character".to_owned());
    }
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, owner, resource] = parts[..] else {
        return Err("is not an ARN (arn:partition:iam::account:role/name)".to_owned());
    };
    if prefix != "arn" {
        return Err("is not an ARN (arn:partition:iam::account:role/name)".to_owned());
    }
    if !PARTITIONS.contains(&partition) {
        return Err(format!(
            "names partition `{partition}`, which does not exist ({})",
            PARTITIONS.join(", ")
        ));
    }
    if service != "iam" {
        return Err(format!("is of service `{service}`, not an IAM role"));
    }
    if !region.is_empty() {
        return Err(
            "names a region: IAM roles are global (arn:aws:iam::account:role/name)".to_owned(),
        );
    }
    if owner != account {
        return Err(format!("is not a role of account {account}"));
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(format!(
            "is not a role of account {account} (its resource is not role/…)"
        ));
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    let name_ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !name_ok {
        return Err("has no valid role name (1–64 letters, digits or +=,.@_-)".to_owned());
    }
    if !path_and_name.bytes().all(|b| b.is_ascii_graphic()) || path_and_name.contains("//") {
        return Err("has an invalid role path".to_owned());
    }
    Ok(())
}

/// The line where account `id` is listed for the `nth` time (1-based), as an `id` key.
fn id_line(text: &str, id: &str, nth: usize) -> Option<usize> {
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let t = t.strip_prefix('-').unwrap_or(t).trim_start();
        let Some(rest) = t.strip_prefix("id") else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(value) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else {
            continue;
        };
        let value = value.split('#').next().unwrap_or_default().trim();
        if value.trim_matches(|c| c == '"' || c == '\'') == id {
            count += 1;
            if count == nth {
                return Some(i + 1);
            }
        }
    }
    None
}

/// Reads an accounts file.
pub fn load(path: &Path) -> Result<Vec<Account>, AccountsError> {
    let name = path.display().to_string();
    let at = |line: usize, column: usize, message: String| AccountsError {
        path: name.clone(),
        line,
        column,
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| at(1, 1, format!("cannot read: {e}")))?;
    let text = crate::text::utf8(bytes).map_err(|e| at(e.line, e.column, e.message))?;
    if let Some((line, column)) = crate::text::too_deep(&text, 32) {
        return Err(at(
            line,
            column,
            "nested more than 32 levels deep: not an accounts file".to_owned(),
        ));
    }
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let file: File = if yaml {
        serde_yaml_ng::from_str(&text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            at(line, column, e.to_string())
        })?
    } else {
        toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((1, 1), |s| crate::text::position(text.as_bytes(), s.start));
            at(line, column, e.message().to_owned())
        })?
    };
    // Where a value is written, for errors the parser cannot locate.
    let line_of = |needle: &str| {
        // A value with a control character (decoded from an escape) is found by its start.
        let needle = needle.split(char::is_control).next().unwrap_or(needle);
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1)
    };
    let base = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<Account> = Vec::with_capacity(file.account.len());
    // Account id → how many entries so far list it: duplicates are found in linear time.
    let mut listed: HashMap<String, usize> = HashMap::with_capacity(file.account.len());
    for e in file.account {
        let here = |message: String| at(line_of(&e.id), 1, message);
        if !is_account_id(&e.id) {
            return Err(here(format!(
                "account id `{}` is not twelve digits",
                e.id.escape_debug()
            )));
        }
        let seen = listed.entry(e.id.clone()).or_default();
        *seen += 1;
        if *seen > 1 {
            let line = id_line(&text, &e.id, *seen).unwrap_or_else(|| line_of(&e.id));
            return Err(at(
                line,
                1,
                format!(
                    "account {} is listed twice (first at line {})",
                    e.id,
                    line_of(&e.id)
                ),
            ));
        }
        if let Some(arn) = &e.role_arn {
            if let Err(why) = check_role_arn(arn, &e.id) {
                return Err(at(
                    line_of(arn),
                    1,
                    format!("role_arn `{}` {why}", arn.escape_debug()),
                ));
            }
        }
        let name = e.name.iter().chain(e.tags.keys()).chain(e.tags.values());
        if let Some(bad) = name.into_iter().find(|v| v.chars().any(char::is_control)) {
            return Err(here(format!(
                "account {}: `{}` holds a control character (a newline?): names and tags are one line of text",
                e.id,
                bad.escape_debug()
            )));
        }
        for r in e.regions.iter().flatten() {
            if !is_region(r) && r != "all" {
                return Err(at(line_of(r), 1, format!("`{r}` is not a region name")));
            }
        }
        let config = e.config.map(|c| base.join(c));
        if let Some(c) = &config {
            if !c.is_file() {
                let shown = c.display().to_string();
                return Err(here(format!(
                    "account {}: config {shown} does not exist",
                    e.id
                )));
            }
        }
        out.push(Account {
            name: e.name.unwrap_or_else(|| e.id.clone()),
            id: e.id,
            role_arn: e.role_arn,
            regions: e.regions.unwrap_or_default(),
            tags: e.tags,
            config,
        });
    }
    if out.is_empty() {
        return Err(at(
            1,
            1,
            "no account listed ([[account]] in TOML, `accounts:` in YAML)".to_owned(),
        ));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

#[cfg(test)]
mod tests;
