//! `# METADATA` blocks: read statically (regorus has no `rego.metadata.*`), parsed as YAML
//! into a typed struct that rejects unknown keys, validated at load time.

use serde::Deserialize;

use crate::finding::{Remediation, Severity};

/// A policy's METADATA (OPA annotation format, package scope).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMeta {
    /// The desired state, short.
    pub title: String,
    /// Why it matters.
    pub description: String,
    /// Annotation scope (`package`).
    #[serde(default)]
    pub scope: Option<String>,
    /// Documentation links.
    #[serde(default)]
    pub related_resources: Vec<String>,
    /// archaudit's fields.
    pub custom: Custom,
}

/// archaudit's METADATA fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Custom {
    /// Stable id, never reused: `AA-<AREA>-<NNN>`.
    pub id: String,
    /// Severity.
    pub severity: Severity,
    /// The kind of resource findings are about (`aws.ec2.subnet`).
    pub resource_type: String,
    /// Inventory data the policy reads: `service.kind` or `service.kind.attribute`. When a
    /// collection gap touches one of them, the rule is reported as not evaluated.
    #[serde(default)]
    pub requires: Vec<String>,
    /// How to fix.
    pub remediation: Remediation,
    /// Documented components the rule is anchored on (`vpc`, `load_balancer`, `ecs_service`,
    /// …): when one is not found, the rule is not evaluated ("blocked"), never passed. Names
    /// are the keys of `data.archaudit.lib.anchors.missing`.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// The kind of documented component the rule judges (`networks`, `load_balancers`,
    /// `services`): the rule then has a status per instance of that kind, so a gap in one
    /// instance's data leaves the others judged. Absent for account-wide rules.
    #[serde(default)]
    pub component: Option<String>,
    /// The archaudit.toml keys under `[architecture]` the rule enforces
    /// (`load_balancer.tls_policies`, `subnets`), most specific first: where a finding's
    /// violated expectation is written down (SARIF locations).
    #[serde(default)]
    pub expectation: Vec<String>,
    /// Former ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Retired, kept so its id stays taken.
    #[serde(default)]
    pub deprecated: bool,
}

/// What a policy file declares: its METADATA, package, and the line of its `deny` rule.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// METADATA.
    pub meta: PolicyMeta,
    /// 1-based line of the `package` statement.
    pub package_line: usize,
    /// 1-based line of the first `deny` rule.
    pub deny_line: usize,
}

/// Extracts and validates the METADATA of a policy file. Errors are `(line, message)`.
pub fn parse(source: &str) -> Result<Parsed, (usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let package_idx = lines
        .iter()
        .position(|l| l.starts_with("package "))
        .ok_or((1, "no `package` statement".to_owned()))?;
    let mut start = package_idx;
    while start > 0 && lines[start - 1].starts_with('#') {
        start -= 1;
    }
    let block = &lines[start..package_idx];
    let Some(header) = block.iter().position(|l| l.trim_end() == "# METADATA") else {
        return Err((
            package_idx + 1,
            "a policy needs a `# METADATA` block directly above `package`".to_owned(),
        ));
    };
    let yaml: String = block[header + 1..]
        .iter()
        .map(|l| {
            l.strip_prefix("# ")
                .or_else(|| l.strip_prefix('#'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let first_yaml_line = start + header + 2;
    let meta: PolicyMeta = serde_yaml_ng::from_str(&yaml).map_err(|e| {
        let text = e.to_string();
        // serde names the mapping an unknown value sits in; point at the value itself when
        // the message quotes it (an unknown fix id).
        let quoted = text
            .split_once("unknown fix `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(id, _)| id);
        let line = quoted
            .and_then(|id| block[header + 1..].iter().position(|l| l.contains(id)))
            .map(|i| first_yaml_line + i)
            .or_else(|| e.location().map(|l| first_yaml_line + l.line() - 1))
            .unwrap_or(first_yaml_line);
        (line, format!("invalid METADATA: {text}"))
    })?;
    validate(&meta).map_err(|(needle, m)| {
        // Point at the offending line of the block when the message names a value in it.
        let line = needle
            .and_then(|n| {
                block[header + 1..]
                    .iter()
                    .position(|l| l.contains(n.as_str()))
            })
            .map_or(first_yaml_line, |i| first_yaml_line + i);
        (line, m)
    })?;
    let deny_line = lines
        .iter()
        .position(|l| l.starts_with("deny contains") || l.starts_with("deny["))
        .ok_or((
            package_idx + 1,
            "a policy needs a `deny contains … if { … }` rule".to_owned(),
        ))?
        + 1;
    Ok(Parsed {
        meta,
        package_line: package_idx + 1,
        deny_line,
    })
}

/// Checks what serde cannot; errors carry a text to find the offending line by.
fn validate(meta: &PolicyMeta) -> Result<(), (Option<String>, String)> {
    let id = &meta.custom.id;
    let mut parts = id.split('-');
    let ok = parts.next() == Some("AA")
        && parts.next().is_some_and(|a| {
            !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        && parts
            .next()
            .is_some_and(|n| n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none();
    if !ok {
        return Err((
            Some(id.clone()),
            format!("custom.id `{id}` must look like AA-<AREA>-<NNN>"),
        ));
    }
    if !meta.custom.resource_type.starts_with("aws.") {
        return Err((
            Some(meta.custom.resource_type.clone()),
            format!(
                "custom.resource_type `{}` must start with `aws.`",
                meta.custom.resource_type
            ),
        ));
    }
    if meta.title.trim().is_empty() || meta.custom.remediation.summary.trim().is_empty() {
        return Err((
            None,
            "title and custom.remediation.summary must not be empty".to_owned(),
        ));
    }
    for r in &meta.custom.requires {
        let kind: String = r.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
        if crate::inventory::Service::of_kind(&kind).is_none() {
            return Err((
                Some(r.clone()),
                format!(
                    "custom.requires entry `{r}` names no inventory kind; it must be `<service>.<kind>[.<attribute>]` with a kind from: {}",
                    crate::inventory::kinds().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    for e in &meta.custom.expectation {
        let ok = e.split('.').all(|k| {
            k == "*"
                || !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        if !ok {
            return Err((
                Some(e.clone()),
                format!("custom.expectation entry `{e}` must be a dotted key under [architecture], `*` standing for the finding's component (`load_balancers.*.https.tls_policies`)"),
            ));
        }
    }
    if let Some(kind) = &meta.custom.component {
        if !crate::finding::COMPONENT_KINDS.contains(&kind.as_str()) {
            return Err((
                Some(kind.clone()),
                format!(
                    "custom.component `{kind}` is no component kind; it must be one of: {}",
                    crate::finding::COMPONENT_KINDS.join(", ")
                ),
            ));
        }
    }
    for a in &meta.custom.anchors {
        if a.trim().is_empty() {
            return Err((None, "custom.anchors entries must not be empty".to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: AA-NET-001\n#   severity: high\n#   resource_type: aws.ec2.vpc\n#   remediation:\n#     summary: S\npackage archaudit.x\n\ndeny contains f if {\n\tf := 1\n}\n";

    #[test]
    fn parses_metadata_and_deny_line() {
        let p = parse(GOOD).unwrap();
        assert_eq!(p.meta.custom.id, "AA-NET-001");
        assert_eq!(p.meta.custom.severity, Severity::High);
        assert_eq!((p.package_line, p.deny_line), (10, 12));
    }

    #[test]
    fn rejects_bad_metadata_with_line() {
        let (line, msg) =
            parse(&GOOD.replace("#   severity: high", "#   severity: urgent")).unwrap_err();
        assert_eq!(line, 6, "{msg}");
        let (_, msg) = parse(&GOOD.replace("AA-NET-001", "NET1")).unwrap_err();
        assert!(msg.contains("AA-<AREA>-<NNN>"));
        let (line, msg) = parse(&GOOD.replace("# METADATA\n", "")).unwrap_err();
        assert!(msg.contains("METADATA") && line == 9, "{line} {msg}");
        let (_, msg) =
            parse(&GOOD.replace("#   severity: high", "#   severity: high\n#   colour: red"))
                .unwrap_err();
        assert!(msg.contains("unknown field"), "{msg}");
    }

    #[test]
    fn requires_must_name_real_kinds() {
        let with = |r: &str| {
            GOOD.replace(
                "#   remediation:",
                &format!("#   requires: [{r}]\n#   remediation:"),
            )
        };
        assert!(parse(&with("ec2.vpcs")).is_ok());
        assert!(parse(&with("s3.buckets.versioning")).is_ok());
        let (line, msg) = parse(&with("ec2.vpcz")).unwrap_err();
        assert_eq!(line, 8, "{msg}");
        assert!(msg.contains("`ec2.vpcz` names no inventory kind"), "{msg}");
        assert!(parse(&with("ec2")).is_err());
    }

    #[test]
    fn component_must_be_a_component_kind() {
        let with = |c: &str| {
            GOOD.replace(
                "#   remediation:",
                &format!("#   component: {c}\n#   remediation:"),
            )
        };
        assert_eq!(
            parse(&with("services"))
                .unwrap()
                .meta
                .custom
                .component
                .as_deref(),
            Some("services")
        );
        let (line, msg) = parse(&with("service")).unwrap_err();
        assert_eq!(line, 8, "{msg}");
        assert!(msg.contains("`service` is no component kind"), "{msg}");
    }
}
