//! The terminal report: findings grouped by severity, one row each with the resource, what
//! drifted (expected → actual) and the command that fixes it; then rules not evaluated, gaps,
//! waiver problems, and a summary line. Colour only on a terminal and without `NO_COLOR`.

use std::fmt::Write as _;

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

use super::Report;
use crate::finding::RuleStatus;
use crate::finding::Severity;

/// A value in at most 80 characters (the JSON report has it whole).
fn compact(v: &serde_json::Value) -> String {
    let text = match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(79).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn colour(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
    }
}

/// Renders the report; `color` enables ANSI colours, `width` the table width.
pub fn render(report: &Report, color: bool, width: u16) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "archaudit {} — account {} ({}), collected {}",
        report.tool_version,
        report.account_id,
        report.regions.join(", "),
        report.collected_at
    );
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let rows: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity && f.waived.is_none())
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({})",
            severity.as_str().to_uppercase(),
            rows.len()
        );
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
        if !color {
            table.force_no_tty();
        } else {
            table.enforce_styling();
        }
        table.set_header(vec![
            "Policy",
            "Resource",
            "Finding",
            "Expected → actual",
            "Fix",
        ]);
        for f in rows {
            // The first line of the CLI remediation (placeholders in <angle brackets>).
            let fix = f
                .remediation
                .cli
                .as_deref()
                .and_then(|c| c.lines().next())
                .unwrap_or(&f.remediation.summary)
                .to_owned();
            let mut policy = Cell::new(&f.policy_id);
            if color {
                policy = policy.fg(colour(severity));
            }
            table.add_row(vec![
                policy,
                Cell::new(format!("{}\n{}", f.resource.id, f.resource.resource_type)),
                Cell::new(&f.message),
                Cell::new(format!("{} → {}", compact(&f.expected), compact(&f.actual))),
                Cell::new(fix),
            ]);
        }
        let _ = writeln!(out, "{table}");
    }
    let waived = report
        .findings
        .iter()
        .filter(|f| f.waived.is_some())
        .count();
    if waived > 0 {
        let _ = writeln!(
            out,
            "\n{waived} finding(s) waived in archaudit.toml (listed in the JSON report)."
        );
    }
    let not_evaluated: Vec<_> = report.rules.iter().filter(|r| r.reason.is_some()).collect();
    if !not_evaluated.is_empty() {
        let _ = writeln!(
            out,
            "\nNOT EVALUATED (data missing; these rules prove nothing):"
        );
        for r in not_evaluated {
            let partial = if r.status == RuleStatus::Failed {
                " (partly: findings above are real)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} {}{}: {}",
                r.id,
                r.title,
                partial,
                r.reason.as_deref().unwrap_or_default()
            );
        }
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(out, "\n{}", super::gap_summary(&report.gaps));
    }
    for w in &report.waivers {
        let _ = writeln!(
            out,
            "\nwarning: waiver for {} on {} is {} (expires {}).",
            w.policy, w.resource, w.problem, w.expires
        );
    }
    let s = &report.summary;
    let counts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .iter()
    .map(|sev| {
        format!(
            "{} {}",
            s.findings.get(sev).copied().unwrap_or(0),
            sev.as_str()
        )
    })
    .collect();
    let _ = writeln!(
        out,
        "\n{} rules: {} passed, {} failed, {} not evaluated. Findings: {}{}.",
        report.rules.len(),
        s.passed,
        s.failed,
        s.not_evaluated,
        counts.join(", "),
        if s.waived > 0 {
            format!(" ({} waived)", s.waived)
        } else {
            String::new()
        }
    );
    if !s.complete {
        let why = if report.gaps.is_empty() {
            "documented components were not found, so the rules anchored on them prove nothing"
        } else {
            "some data could not be collected"
        };
        let _ = writeln!(
            out,
            "INCOMPLETE: {why}; a clean result would not mean a clean account."
        );
    }
    out
}
