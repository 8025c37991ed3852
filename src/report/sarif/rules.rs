//! The `reportingDescriptor` of a rule, and severities as SARIF levels.

use std::collections::BTreeMap;

use serde_json::json;
use serde_sarif::sarif::{
    MultiformatMessageString, ReportingConfiguration, ReportingDescriptor, ResultLevel,
};

use super::bag;
use crate::finding::{RuleResult, Severity};

/// `security-severity` as GitHub reads it (a number in a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

pub(super) fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// A rule name GitHub shows: the policy file's stem in PascalCase (`vpc_cidr` → `VpcCidr`).
fn rule_name(rule: &RuleResult) -> String {
    let file = rule
        .source
        .rsplit_once(':')
        .map_or(&*rule.source, |(f, _)| f);
    let stem = std::path::Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| rule.id.clone());
    stem.split(['_', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

pub(super) fn descriptor(rule: &RuleResult) -> ReportingDescriptor {
    // help.text is plain text: the Markdown without its code fences.
    let help_text = rule
        .help
        .lines()
        .filter(|l| !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_owned(),
        json!(security_severity(rule.severity)),
    );
    props.insert("precision".to_owned(), json!("very-high"));
    props.insert("problem.severity".to_owned(), json!(rule.severity.as_str()));
    let mut d = ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule_name(rule))
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.title.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(rule.description.clone())
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(rule.help.clone())
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(rule.severity).to_string().to_lowercase()))
                .build(),
        )
        .properties(bag(Some(rule.tags.clone()), props))
        .build();
    if let Some(uri) = rule.related_resources.first() {
        d.help_uri = Some(uri.clone());
    }
    d
}
