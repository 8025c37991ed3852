//! Where an expectation is written in the config text: the line of a key under
//! `[architecture]`, for report locations (SARIF's `region.startLine`). The typed parse keeps
//! spans only for the values errors need, so this re-reads the text with `toml_edit`, which
//! keeps a span for every key and table.

use std::collections::BTreeSet;
use std::ops::Range;

use toml_edit::{ImDocument, Item, Table};

/// The byte span of `[architecture].<path>` in `text` (`load_balancer.tls_policies`). In an
/// array of tables (`subnets`, `alarms`) the entry chosen is the one with the most scalar
/// values among `hints` (a finding's expected values), else the first. `None` when the text
/// does not state the key (the value is a default) or does not parse.
pub(super) fn key_span(text: &str, path: &str, hints: &BTreeSet<String>) -> Option<Range<usize>> {
    let doc = ImDocument::parse(text.to_owned()).ok()?;
    let mut table: &Table = doc.as_table().get("architecture")?.as_table()?;
    let mut best = table.span();
    let segments: Vec<&str> = path.split('.').collect();
    for seg in &segments {
        let key_span = table.key(seg).and_then(|k| k.span());
        let Some(item) = table.get(seg) else {
            break;
        };
        best = key_span.or_else(|| item.span()).or(best);
        match item {
            Item::Table(t) => {
                best = t.span().or(best);
                table = t;
            }
            Item::ArrayOfTables(a) => {
                let chosen = a
                    .iter()
                    .enumerate()
                    .max_by_key(|(n, t)| (score(t, hints), std::cmp::Reverse(*n)))
                    .map(|(_, t)| t)?;
                best = chosen.span().or(best);
                table = chosen;
            }
            Item::Value(_) | Item::None => {
                // A scalar or an inline value: nothing deeper has a line of its own.
                break;
            }
        }
    }
    best
}

/// How many of a table's scalar values are among `hints`.
fn score(table: &Table, hints: &BTreeSet<String>) -> usize {
    table
        .iter()
        .filter_map(|(_, item)| item.as_value())
        .filter(|v| {
            let s = match v {
                toml_edit::Value::String(s) => s.value().clone(),
                toml_edit::Value::Integer(i) => i.value().to_string(),
                toml_edit::Value::Float(f) => f.value().to_string(),
                _ => return false,
            };
            hints.contains(&s)
        })
        .count()
}

impl super::Config {
    /// The file this config was read from; `None` for the built-in default.
    pub fn file(&self) -> Option<&str> {
        (self.source.0 != BUILTIN_ORIGIN).then_some(self.source.0.as_str())
    }

    /// The 1-based line of `[architecture].<path>` in this config's text (see [`key_span`]).
    /// `*` in `path` stands for the component (`services.*.ports` of `services.api` is
    /// `services.api.ports`); in a file of the singular shape the key is looked up where that
    /// shape writes it (`app_port`).
    pub fn expectation_line(
        &self,
        path: &str,
        component: Option<&str>,
        hints: &BTreeSet<String>,
    ) -> Option<usize> {
        let text = &self.source.1;
        let mut path = path.to_owned();
        if path.contains('*') {
            let name = component?.split_once('.')?.1;
            path = path.replacen('*', name, 1);
        }
        if self.singular {
            path = super::legacy::singular_path(&path).unwrap_or(path);
        }
        key_span(text, &path, hints).map(|s| text[..s.start].matches('\n').count() + 1)
    }

    /// Whether `[architecture].<path>` is a key the built-in reference states, for checking
    /// the `custom.expectation` of policies (inside arrays of tables, of their entries).
    pub fn is_architecture_key(path: &str) -> bool {
        // Optional keys the reference leaves out.
        const OPTIONAL: &[&str] = &[
            "networks.*.name",
            "load_balancers.*.name",
            "services.*.name",
            "services.*.cluster",
            "services.*.max_desired_count",
            "iam.access_keys",
        ];
        if OPTIONAL.contains(&path) {
            return true;
        }
        // A component type the reference does not document: every key of its table.
        if let Some(key) = path.strip_prefix("databases.*.") {
            return every_database_key().get(key).is_some();
        }
        let reference = super::Config::default_config().architecture_json();
        let mut node = &reference;
        for seg in path.split('.') {
            while let Some(first) = node.as_array().and_then(|a| a.first()) {
                node = first;
            }
            let child = if seg == "*" {
                node.as_object().and_then(|o| o.values().next())
            } else {
                node.get(seg)
            };
            match child {
                Some(next) => node = next,
                None => return false,
            }
        }
        true
    }
}

/// A database table stating every key (the struct literal fails to compile when a key is
/// added without it), as the policies see it.
fn every_database_key() -> serde_json::Value {
    use toml::Spanned;
    let text = |v: &str| Spanned::new(0..0, v.to_owned());
    let every = super::Database {
        network: text("main"),
        engine: text("postgres"),
        identifier: Some("db".to_owned()),
        tier: Some(super::Tier::Private),
        port: Some(5432),
        publicly_accessible: Some(false),
        storage_encrypted: Some(true),
        min_backup_retention_days: Some(7),
        max_backup_retention_days: Some(Spanned::new(0..0, 35)),
        deletion_protection: Some(true),
        manage_master_user_password: Some(true),
        reachable_from_services: Some(Vec::new()),
        reachable_from_cidrs: Some(Vec::new()),
    };
    serde_json::to_value(every).unwrap_or_default()
}

/// The origin of the built-in default.
pub(super) const BUILTIN_ORIGIN: &str = "<built-in archaudit.toml>";

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, path: &str, hints: &[&str]) -> Option<usize> {
        let hints = hints.iter().map(|s| (*s).to_owned()).collect();
        key_span(text, path, &hints).map(|s| text[..s.start].matches('\n').count() + 1)
    }

    #[test]
    fn finds_keys_tables_and_array_entries() {
        let text = crate::config::DEFAULT_TOML;
        let at = |needle: &str| {
            text.lines()
                .position(|l| l.starts_with(needle))
                .map(|i| i + 1)
        };
        assert_eq!(
            line(text, "load_balancers.public.https.tls_policies", &[]),
            at("tls_policies")
        );
        assert_eq!(
            line(text, "networks.main.cidr", &[]),
            at("cidr = \"10.0.0.0/16\"")
        );
        assert_eq!(line(text, "services.app.ports", &[]), at("ports"));
        // The subnet entry whose values the finding names, not the first one.
        let private_b = text
            .lines()
            .position(|l| l.contains("10.0.102.0/24"))
            .unwrap();
        assert_eq!(
            line(
                text,
                "networks.main.subnets",
                &["10.0.102.0/24", "us-east-1b"]
            ),
            Some(private_b) // the `[[architecture.networks.main.subnets]]` header above the cidr
        );
        // A key the text leaves to its default points at the table that would hold it.
        assert_eq!(
            line(text, "networks.main.name", &[]),
            at("[architecture.networks.main]")
        );
        assert_eq!(line("not toml [", "vpc", &[]), None);
    }

    #[test]
    fn knows_the_architecture_keys() {
        use crate::config::Config;
        for good in [
            "networks.*.cidr",
            "networks.*.subnets.cidr",
            "load_balancers.*.https.tls_policies",
            "services.*.ports",
            "services.*.alarms",
            "services.*.max_desired_count",
            "databases.*.reachable_from_services",
            "databases.*.max_backup_retention_days",
        ] {
            assert!(Config::is_architecture_key(good), "{good}");
        }
        for bad in [
            "vpc.cidr",
            "networks.*.cdir",
            "app_port",
            "networks.*.subnets.cidr.x",
            "databases.*.publicly_accesible",
            "databases.*.reachable_from_services.x",
        ] {
            assert!(!Config::is_architecture_key(bad), "{bad}");
        }
    }
}
