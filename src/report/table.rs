//! The terminal report: findings grouped by severity, one row each with the component, the
//! resource, what drifted (expected → actual) and the command that fixes it; then one line per
//! documented component, rules not evaluated, gaps, waiver problems, and a summary line. Colour only on a terminal and without `NO_COLOR`.

use crate::report::org::{self, OrgReport};
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

/// The width tables may take: `COLUMNS` when set, else the terminal's width when stdout is
/// one, else unlimited (piped output is never wrapped).
pub fn terminal_width() -> Option<u16> {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= 40)
    {
        return Some(cols);
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Table::new().width();
    }
    None
}

/// Renders the report; `color` enables ANSI colours; `width` bounds the tables (`None`:
/// unlimited). Fix commands are printed whole below each table, never wrapped or cut, so they
/// can be copied and run.
pub fn render(report: &Report, color: bool, width: Option<u16>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "archaudit {} — account {} ({}), collected {}",
        report.tool_version,
        report.account_id,
        report.regions.join(", "),
        report.collected_at
    );
    if let Some(d) = &report.drift {
        out.push_str(&super::drift::table_section(d));
    }
    let mut number = 0;
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
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        match width {
            Some(w) => {
                table
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_width(w);
            }
            None => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        if !color {
            table.force_no_tty();
        } else {
            table.enforce_styling();
        }
        table.set_header(vec![
            "#",
            "Policy",
            "Component",
            "Resource",
            "Finding",
            "Expected → actual",
        ]);
        let mut fixes = Vec::new();
        for f in rows {
            number += 1;
            let mut policy = Cell::new(&f.policy_id);
            if color {
                policy = policy.fg(colour(severity));
            }
            table.add_row(vec![
                Cell::new(number),
                policy,
                Cell::new(f.component.as_deref().unwrap_or("—")),
                Cell::new(format!("{}\n{}", f.resource.id, f.resource.resource_type)),
                Cell::new(&f.message),
                Cell::new(format!("{} → {}", compact(&f.expected), compact(&f.actual))),
            ]);
            fixes.push((number, f));
        }
        let _ = writeln!(out, "{table}");
        for (n, f) in fixes {
            let _ = writeln!(out, "  #{n} fix: {}", f.remediation.summary);
            if let Some(cli) = f.remediation.cli.as_deref() {
                for line in cli.lines() {
                    let _ = writeln!(out, "      {line}");
                }
            }
            if let Some(a) = f.remediation.archaudit.as_deref() {
                let _ = writeln!(out, "      or: {a}");
            }
            if let Some(manual) = f.remediation.manual.as_deref() {
                let _ = writeln!(out, "      by hand: {manual}");
            }
        }
    }
    let waived: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.waived.as_ref().map(|w| (f, w)))
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "\nWAIVED ({}) in archaudit.toml:", waived.len());
        for (f, w) in waived {
            let line = format!(
                "  {} {} {}: {} (waived by {} until {}: {})",
                f.severity.as_str(),
                f.policy_id,
                f.resource.id,
                f.message,
                w.owner,
                w.expires,
                w.reason
            );
            if color {
                let _ = writeln!(out, "\x1b[2m{line}\x1b[0m");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let components = super::components::by_component(report);
    if !components.is_empty() {
        let _ = writeln!(out, "\nBY COMPONENT:");
        let w = components.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &components {
            let _ = writeln!(out, "  {:<w$}  {}", c.name, c.describe());
        }
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

/// The terminal report: the accounts' table, then each account that has something to say
/// (findings, gaps, rules not evaluated) in the single-account layout.
pub fn render_org(org: &OrgReport, color: bool, width: Option<u16>) -> String {
    let mut out = org::overview(org);
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    if let Some(w) = width {
        t.set_width(w);
    }
    t.set_header(org::HEADERS);
    for row in org::account_rows(org) {
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    for a in org.accounts.iter().filter(|a| org::worth_showing(a)) {
        let _ = writeln!(out, "\n══ account {} ({}) ══", a.account_id, a.name);
        if let Some(e) = &a.error {
            let _ = writeln!(out, "could not be read: {e}");
        }
        out.push_str(&render(&a.report, color, width));
    }
    let _ = writeln!(out, "\n{}", org::totals(org));
    out
}
