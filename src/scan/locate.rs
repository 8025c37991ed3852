//! Where each finding's expectation is written down, for SARIF's physical location and the
//! Markdown report: the Terraform block that declares the resource (`--terraform DIR`), else
//! the archaudit.toml line of the violated expectation, else the policy's `deny` rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::finding::{Finding, LocationKind, RuleResult, SourceLocation};
use crate::terraform::Terraform;
use crate::text::relative_path;

/// The file name a committed `archaudit init` output has: where the built-in configuration's
/// lines are when the repository holds it.
const DEFAULT_CONFIG_FILE: &str = "archaudit.toml";

/// Sets `location` on every finding.
pub fn locate(
    findings: &mut [Finding],
    rules: &[RuleResult],
    config: &Config,
    terraform: Option<&Terraform>,
) {
    let rules: BTreeMap<&str, &RuleResult> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    for f in findings.iter_mut() {
        let rule = rules.get(f.policy_id.as_str()).copied();
        f.location = by_terraform(f, terraform)
            .or_else(|| rule.and_then(|r| by_config(f, r, config)))
            .or_else(|| rule.and_then(by_policy));
    }
}

fn by_terraform(f: &Finding, terraform: Option<&Terraform>) -> Option<SourceLocation> {
    let r = &f.resource;
    Some(
        terraform?
            .find(&r.arn, &r.id, r.name.as_deref())?
            .location(),
    )
}

fn by_config(f: &Finding, rule: &RuleResult, config: &Config) -> Option<SourceLocation> {
    // The expectation the finding's attribute names (`desired_count` → `ecs.min_desired_count`),
    // else the rule's first.
    let attr = f.attribute.split(':').next().unwrap_or_default();
    let path = rule
        .expectation
        .iter()
        .find(|p| {
            let last = p.rsplit('.').next().unwrap_or_default();
            !attr.is_empty() && (last.contains(attr) || attr.contains(last))
        })
        .or_else(|| rule.expectation.first())?;
    let mut hints = BTreeSet::new();
    scalars(&f.expected, &mut hints);
    for v in f.details.raw().values() {
        scalars(v, &mut hints);
    }
    // The message names the subnet, zone or metric an entry of a list is about.
    hints.extend(f.message.split_whitespace().map(|w| {
        w.trim_matches(|c: char| ",.;:()[]'\"".contains(c))
            .to_owned()
    }));
    let line = config.expectation_line(path, f.component.as_deref(), &hints)?;
    // An overlay's line is in the file that set the value (the base, or the overlay).
    let (file, line) = config.line_origin(line);
    let file = file.map_or_else(
        || DEFAULT_CONFIG_FILE.to_owned(),
        |p| relative_path(Path::new(&p)),
    );
    Some(SourceLocation {
        file,
        line,
        kind: LocationKind::Config,
    })
}

fn by_policy(rule: &RuleResult) -> Option<SourceLocation> {
    let (file, line) = rule.source.rsplit_once(':')?;
    Some(SourceLocation {
        file: relative_path(Path::new(file)),
        line: line.parse().ok()?,
        kind: LocationKind::Policy,
    })
}

fn scalars(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Number(n) => {
            out.insert(n.to_string());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| scalars(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| scalars(x, out)),
        _ => {}
    }
}
