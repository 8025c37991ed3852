//! SARIF 2.1.0 for GitHub code scanning, from the same [`Report`] as the JSON.
//!
//! How it keeps the first law: code scanning closes every open alert whose result is absent
//! from the next upload of the same category, so a rule that could not look tonight must not
//! simply be silent.
//! - Every rule that ran is a `reportingDescriptor`, fired or not.
//! - A rule that is `not_evaluated` (or `failed` on incomplete data) is a
//!   `toolExecutionNotifications` entry naming the rule and the reason, and the invocation is
//!   marked `executionSuccessful: false`; collection gaps are notifications too.
//! - With `--baseline`, the baseline's findings of such rules are in the report as
//!   `carried_over` and become results (`baselineState: unchanged`, property `carriedOver`),
//!   so their alerts stay open.
//! - Results are cut to GitHub's limits worst first, with a notification saying how many were
//!   left out, and the run is then marked unsuccessful as well.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingDescriptorReference, Result as SarifResult,
    Run, RunAutomationDetails, Sarif, Suppression, Tool, ToolComponent,
};

use super::Report;

pub mod org;
mod rules;

use crate::finding::{BaselineState, Finding, RuleStatus};
use rules::{descriptor, level};

/// GitHub's limit of results per run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub's limit of an upload, gzipped (10 MB); kept with a margin for the multipart envelope.
pub const MAX_GZIPPED_BYTES: usize = 9_500_000;

/// SARIF options.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// `runAutomationDetails.id`; default `archaudit/<account>/<regions>/`.
    pub category: Option<String>,
}

/// The category: the user's (with the trailing `/` that makes it a category without a run id)
/// or `archaudit/<account>/<regions joined by +>/`.
pub fn category(report: &Report, options: &SarifOptions) -> String {
    match &options.category {
        Some(c) if c.ends_with('/') => c.clone(),
        Some(c) => format!("{c}/"),
        None => format!(
            "archaudit/{}/{}/",
            report.account_id,
            report.regions.join("+")
        ),
    }
}

fn bag(tags: Option<Vec<String>>, props: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag {
        tags,
        additional_properties: props,
    }
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s.into()).build()
}

/// The one-paragraph message of a result: what is wrong, expected → actual, the fix.
pub fn result_message(f: &Finding) -> String {
    let mut m = format!(
        "{} Resource: {} ({}). Expected: {} → actual: {}.",
        f.message.trim_end(),
        f.resource.id,
        f.resource.arn,
        f.expected_display,
        f.actual_display
    );
    if let Some(cli) = &f.remediation.cli {
        m.push_str(&format!(" Fix: {cli}"));
    } else if let Some(manual) = &f.remediation.manual {
        m.push_str(&format!(" Fix by hand: {manual}"));
    }
    if let Some(reason) = &f.carried_over {
        m.push_str(&format!(
            " Carried over from the baseline: not re-checked tonight ({reason})."
        ));
    }
    m
}

/// A location's file as a SARIF URI: relative paths stay relative (to the repository root,
/// where code scanning resolves them), absolute ones become `file://` URIs, URLs
/// (`s3://bucket/key`) are kept; characters a URI cannot hold are percent-encoded.
fn artifact_uri(file: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    if file.contains("://") {
        return file.to_owned();
    }
    let encoded = utf8_percent_encode(&file.replace('\\', "/"), PATH).to_string();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult {
    let mut physical = PhysicalLocation::builder().build();
    if let Some(loc) = &f.location {
        physical.artifact_location = Some(
            ArtifactLocation::builder()
                .uri(artifact_uri(&loc.file))
                .build(),
        );
        physical.region = Some(Region::builder().start_line(loc.line as i64).build());
    }
    let mut logical = vec![LogicalLocation::builder()
        .fully_qualified_name(f.resource.arn.clone())
        .name(f.resource.id.clone())
        .kind("resource")
        .build()];
    // The documented component the finding is about: code scanning shows it beside the
    // resource, and filters by it.
    if let Some(c) = &f.component {
        logical.push(
            LogicalLocation::builder()
                .fully_qualified_name(format!("architecture.{c}"))
                .name(c.clone())
                .kind("module")
                .build(),
        );
    }
    let location = Location::builder()
        .physical_location(physical)
        .logical_locations(logical)
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_owned(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert("resource".to_owned(), json!(f.resource));
    props.insert("attribute".to_owned(), json!(f.attribute));
    if let Some(c) = &f.component {
        props.insert("component".to_owned(), json!(c));
    }
    props.insert("expected".to_owned(), f.expected.clone());
    props.insert("actual".to_owned(), f.actual.clone());
    if let Some(cli) = &f.remediation.cli {
        props.insert("fixCommand".to_owned(), json!(cli));
    }
    if let Some(reason) = &f.carried_over {
        props.insert("carriedOver".to_owned(), json!(reason));
    }
    let mut r = SarifResult::builder()
        .rule_id(f.policy_id.clone())
        .level(level(f.severity))
        .message(text(result_message(f)))
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(None, props))
        .build();
    r.rule_index = rule_index.map(|i| i as i64);
    r.baseline_state = f.baseline_state.map(|b| {
        json!(match b {
            BaselineState::New => "new",
            BaselineState::Unchanged | BaselineState::CarriedOver => "unchanged",
        })
    });
    if let Some(w) = &f.waived {
        r.suppressions = Some(vec![Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(format!(
                "{} (owner {}, until {})",
                w.reason, w.owner, w.expires
            ))
            .build()]);
    }
    r
}

fn notification(level: &str, message: String, rule: Option<(&str, usize)>) -> Notification {
    let mut n = Notification::builder()
        .message(text(message))
        .level(json!(level))
        .build();
    if let Some((id, index)) = rule {
        n.associated_rule = Some(
            ReportingDescriptorReference::builder()
                .id(id.to_owned())
                .index(index as i64)
                .build(),
        );
    }
    n
}

/// Builds the SARIF log.
pub fn build(report: &Report, options: &SarifOptions) -> Sarif {
    let index: BTreeMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut notes = Vec::new();
    for r in &report.rules {
        let why = r.reason.as_deref().unwrap_or("no reason recorded");
        // The documented components it could not judge, when it judges components.
        let blind: Vec<&str> = r
            .components
            .iter()
            .filter(|c| c.reason.is_some())
            .map(|c| c.component.as_str())
            .collect();
        let scope = if blind.is_empty() {
            String::new()
        } else {
            format!(" for {}", blind.join(", "))
        };
        match (r.status, r.reason.is_some()) {
            (RuleStatus::NotEvaluated, _) => notes.push(notification(
                "error",
                format!("{} was not evaluated{scope}: {why}. Its alerts were not re-checked{}.", r.id, carried(report, &r.id)),
                Some((&r.id, index[r.id.as_str()])),
            )),
            (RuleStatus::Failed, true) => notes.push(notification(
                "warning",
                format!("{} evaluated on incomplete data{scope}: {why}. Its results are real, but there may be more{}.", r.id, carried(report, &r.id)),
                Some((&r.id, index[r.id.as_str()])),
            )),
            _ => {}
        }
    }
    for g in &report.gaps {
        notes.push(notification(
            "warning",
            format!(
                "Not collected: {}{} in {} ({}{}): {}",
                g.kind,
                g.attribute
                    .as_deref()
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default(),
                g.region,
                g.operation,
                g.resource
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default(),
                g.message
            ),
            None,
        ));
    }
    let mut results: Vec<SarifResult> = report
        .findings
        .iter()
        .map(|f| result(f, index.get(f.policy_id.as_str()).copied()))
        .collect();
    let mut cut = 0;
    if results.len() > MAX_RESULTS {
        // Findings are worst first: what is cut is the least severe.
        cut = results.len() - MAX_RESULTS;
        results.truncate(MAX_RESULTS);
    }
    let successful = report.summary.complete && cut == 0;
    let driver = ToolComponent::builder()
        .name("archaudit")
        .semantic_version(report.tool_version.clone())
        .version(report.tool_version.clone())
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(report.rules.iter().map(descriptor).collect::<Vec<_>>())
        .build();
    let mut run_props = BTreeMap::new();
    run_props.insert("summary".to_owned(), json!(report.summary));
    run_props.insert("config".to_owned(), json!(report.config));
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .automation_details(
            RunAutomationDetails::builder()
                .id(category(report, options))
                .build(),
        )
        .properties(bag(None, run_props))
        .build();
    let mut invocation = Invocation::builder()
        .execution_successful(successful)
        .build();
    if cut > 0 {
        notes.push(truncation_note(cut));
    }
    if !notes.is_empty() {
        invocation.tool_execution_notifications = Some(notes);
    }
    run.invocations = Some(vec![invocation]);
    Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn carried(report: &Report, id: &str) -> String {
    let n = report
        .findings
        .iter()
        .filter(|f| f.policy_id == id && f.carried_over.is_some())
        .count();
    if n > 0 {
        format!("; {n} finding(s) carried over from the baseline keep their alerts open")
    } else if report.baseline.is_none() {
        "; without --baseline their absence here closes them in code scanning".to_owned()
    } else {
        String::new()
    }
}

fn truncation_note(cut: usize) -> Notification {
    notification(
        "error",
        format!("{cut} least severe result(s) left out to stay within GitHub's upload limits ({MAX_RESULTS} results, 10 MB gzipped); see the JSON report for all findings."),
        None,
    )
}

/// Writes the SARIF log, cutting the least severe results until it fits GitHub's gzipped
/// size limit.
pub fn write(report: &Report, options: &SarifOptions, out: &mut dyn Write) -> std::io::Result<()> {
    write_within(report, options, MAX_GZIPPED_BYTES, out)
}

/// [`write`] with the gzipped size limit given.
fn write_within(
    report: &Report,
    options: &SarifOptions,
    max_gzipped: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut sarif = build(report, options);
    let mut bytes = serde_json::to_vec_pretty(&sarif)?;
    while gzipped_len(&bytes)? > max_gzipped {
        let run = &mut sarif.runs[0];
        let results = run.results.get_or_insert_with(Vec::new);
        let cut = (results.len() / 10).max(1);
        results.truncate(results.len().saturating_sub(cut));
        if let Some(inv) = run.invocations.as_mut().and_then(|i| i.first_mut()) {
            inv.execution_successful = false;
            let notes = inv
                .tool_execution_notifications
                .get_or_insert_with(Vec::new);
            notes.retain(|n| n.associated_rule.is_some() || !is_truncation(n));
            notes.push(truncation_note(report.findings.len() - results.len()));
        }
        bytes = serde_json::to_vec_pretty(&sarif)?;
    }
    out.write_all(&bytes)?;
    out.write_all(b"\n")
}

fn is_truncation(n: &Notification) -> bool {
    n.message
        .text
        .as_deref()
        .is_some_and(|t| t.contains("left out to stay within GitHub's upload limits"))
}

fn gzipped_len(bytes: &[u8]) -> std::io::Result<usize> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes)?;
    Ok(enc.finish()?.len())
}

#[cfg(test)]
mod tests;
