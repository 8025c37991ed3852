//! Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: the verdict, counts, the
//! architecture as found (Mermaid), findings by severity with expected → actual and the fix
//! (details collapsed), the state of each documented component, rules not evaluated, gaps, and what changed since the baseline.
//!
//! An incomplete run says so in its first line; it never reads as clean. The whole stays
//! under GitHub's 1 MiB step-summary limit: when findings would not fit, the rest are counted
//! and the JSON report named.

use crate::report::org::{self, OrgReport};
use std::fmt::Write as _;

use super::{gap_summary, Report};
use crate::finding::{BaselineState, Finding, RuleStatus, Severity};

/// GitHub's step-summary limit is 1 MiB; keep a margin for what the workflow adds.
pub const MAX_BYTES: usize = 1_000_000;

const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

/// Text for a table cell: pipes escaped, on one line.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Inline code that survives backticks in the value.
fn code(s: &str) -> String {
    let fence = if s.contains('`') { "``" } else { "`" };
    format!("{fence}{}{fence}", s.replace('\n', " "))
}

/// Renders the report; `diagram` is the Mermaid flowchart of the architecture as found.
pub fn render(report: &Report, diagram: Option<&str>) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## archaudit — account {} ({})\n",
        report.account_id,
        report.regions.join(", ")
    );
    let unwaived: usize = s.findings.values().sum();
    let against = if report.drift.is_some() {
        "its Terraform state"
    } else {
        "the documented architecture"
    };
    let verdict = match (unwaived, s.complete) {
        (0, true) => format!("✅ **The account matches {against}.**"),
        (0, false) => "⚠️ **INCOMPLETE: no finding, but not everything could be checked** — see *Not evaluated* and *Collection gaps*; this is not a pass.".to_owned(),
        (n, true) => format!("❌ **{n} finding(s)** against {against}."),
        (n, false) => format!("❌ **{n} finding(s)**, and ⚠️ **INCOMPLETE**: some rules could not check everything, so there may be more."),
    };
    let _ = writeln!(out, "{verdict}\n");
    let _ = writeln!(
        out,
        "| rules passed | rules failed | rules not evaluated | critical | high | medium | low | waived | gaps |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let n = |sev: Severity| s.findings.get(&sev).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.passed,
        s.failed,
        s.not_evaluated,
        n(Severity::Critical),
        n(Severity::High),
        n(Severity::Medium),
        n(Severity::Low),
        s.waived,
        s.gaps
    );
    let _ = writeln!(
        out,
        "<sub>Collected {} · archaudit {} · config {}</sub>\n",
        report.collected_at,
        report.tool_version,
        cell(&report.config)
    );
    if let Some(d) = &report.drift {
        out.push_str(&super::drift::markdown_section(d));
    }
    if let Some(b) = &report.baseline {
        let _ = writeln!(
            out,
            "### Since the baseline ({})\n\n{} new · {} unchanged · {} resolved · {} carried over (not re-checked tonight)\n",
            b.collected_at,
            b.new,
            b.unchanged,
            b.resolved.len(),
            b.carried_over
        );
        if !b.resolved.is_empty() {
            out.push_str("<details><summary>Resolved</summary>\n\n");
            for f in &b.resolved {
                let _ = writeln!(
                    out,
                    "- ~~{} {}~~ {}",
                    code(&f.policy_id),
                    code(&f.resource.id),
                    cell(&f.message)
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    if let Some(d) = diagram {
        out.push_str("### The architecture as found\n\n");
        out.push_str("Drifted components and connections in red; documented components that were not found dashed; components that could not be looked for (collection gaps) dotted and labelled *unknown*.\n\n");
        let _ = writeln!(out, "```mermaid\n{}```\n", d);
    }
    let tail = tail(report);
    findings(report, &mut out, MAX_BYTES.saturating_sub(tail.len()));
    out.push_str(&tail);
    out
}

fn findings(report: &Report, out: &mut String, budget: usize) {
    // Room for the line that says how many were left out.
    let budget = budget.saturating_sub(200);
    let active: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_none())
        .collect();
    if active.is_empty() {
        return;
    }
    out.push_str("### Findings\n\n");
    let mut left_out = 0;
    for sev in SEVERITIES {
        let these: Vec<&&Finding> = active.iter().filter(|f| f.severity == sev).collect();
        if these.is_empty() {
            continue;
        }
        let header = format!("#### {} ({})\n\n", sev.as_str(), these.len());
        if out.len() + header.len() > budget {
            left_out += these.len();
            continue;
        }
        out.push_str(&header);
        for f in these {
            let item = finding(f);
            if out.len() + item.len() > budget {
                left_out += 1;
                continue;
            }
            out.push_str(&item);
        }
        out.push('\n');
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "**{left_out} more finding(s) left out to stay under GitHub's 1 MiB summary limit: see the JSON report.**\n"
        );
    }
}

fn finding(f: &Finding) -> String {
    let mark = match f.baseline_state {
        Some(BaselineState::New) => " 🆕",
        Some(BaselineState::CarriedOver) => " ⏸ carried over",
        _ => "",
    };
    let within = f
        .component
        .as_deref()
        .map(|c| format!(" in {}", code(c)))
        .unwrap_or_default();
    let mut item = format!(
        "- **{}**{mark} {}{within} — {}\n  expected {} → actual {}\n",
        f.policy_id,
        code(&f.resource.id),
        cell(&f.message),
        code(&f.expected_display),
        code(&f.actual_display)
    );
    if let Some(reason) = &f.carried_over {
        let _ = writeln!(item, "  _not re-checked tonight: {}_", cell(reason));
    }
    item.push_str("  <details><summary>Fix</summary>\n\n");
    let _ = writeln!(item, "  {}\n", cell(&f.remediation.summary));
    if let Some(cli) = &f.remediation.cli {
        let _ = writeln!(item, "  ```sh\n{}\n  ```\n", indent(cli));
    } else if let Some(manual) = &f.remediation.manual {
        let _ = writeln!(item, "  By hand: {}\n", cell(manual));
    }
    let _ = writeln!(
        item,
        "  Resource: {}{}\n  </details>",
        code(&f.resource.arn),
        f.location
            .as_ref()
            .map(|l| format!(" · declared at {}", code(&format!("{}:{}", l.file, l.line))))
            .unwrap_or_default()
    );
    item
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rules not evaluated, gaps and waiver problems: always printed whole (they are what makes a
/// run incomplete).
fn tail(report: &Report) -> String {
    let mut out = String::new();
    let components = super::components::by_component(report);
    if !components.is_empty() {
        out.push_str("### By component\n\n| component | state |\n|---|---|\n");
        for c in &components {
            let mark = if c.clean() {
                "✅"
            } else if c.findings.is_empty() {
                "⚠️"
            } else {
                "❌"
            };
            let _ = writeln!(out, "| {} | {mark} {} |", code(c.name), cell(&c.describe()));
        }
        out.push('\n');
    }
    let blind: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::NotEvaluated || r.incomplete)
        .collect();
    if !blind.is_empty() {
        out.push_str("### Not evaluated\n\nThese rules could not check everything they read; their silence proves nothing.\n\n| rule | status | why |\n|---|---|---|\n");
        for r in blind {
            let status = if r.status == RuleStatus::NotEvaluated {
                "not evaluated"
            } else {
                "failed, incomplete"
            };
            let _ = writeln!(
                out,
                "| {} {} | {status} | {} |",
                r.id,
                cell(&r.title),
                cell(r.reason.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    if !report.gaps.is_empty() {
        let _ = writeln!(
            out,
            "### Collection gaps\n\n{}\n",
            cell(&gap_summary(&report.gaps))
        );
        out.push_str("<details><summary>Every gap</summary>\n\n| kind | attribute | region | operation | code | resource |\n|---|---|---|---|---|---|\n");
        for g in &report.gaps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                g.kind,
                g.attribute.as_deref().unwrap_or("(all)"),
                g.region,
                g.operation,
                g.code,
                cell(g.resource.as_deref().unwrap_or("(all)"))
            );
        }
        out.push_str("\n</details>\n\n");
    }
    let waived: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.waived.is_some())
        .collect();
    if !waived.is_empty() || !report.waivers.is_empty() {
        out.push_str("### Waivers\n\n");
        for f in waived {
            if let Some(w) = &f.waived {
                let _ = writeln!(
                    out,
                    "- {} {} waived until {} ({}, {})",
                    f.policy_id,
                    code(&f.resource.id),
                    w.expires,
                    cell(&w.reason),
                    cell(&w.owner)
                );
            }
        }
        for w in &report.waivers {
            let _ = writeln!(
                out,
                "- ⚠️ waiver for {} on {} is {} (expires {})",
                w.policy,
                code(&w.resource),
                w.problem,
                w.expires
            );
        }
        out.push('\n');
    }
    out
}

/// Markdown: the accounts' table, then each account with something to say, collapsed.
pub fn render_org(org: &OrgReport) -> String {
    let overview = org::overview(org);
    let mut lines = overview.lines();
    let mut out = format!("## archaudit — {} account(s)\n\n", org.summary.accounts);
    let _ = writeln!(out, "<sub>{}</sub>\n", lines.next().unwrap_or_default());
    for line in lines {
        let _ = writeln!(out, "- {}", line.trim());
    }
    out.push('\n');
    let _ = writeln!(out, "| {} |", org::HEADERS.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(org::HEADERS.len()));
    for row in org::account_rows(org) {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    let _ = writeln!(out, "\n{}\n", org::totals(org));
    for a in org.accounts.iter().filter(|a| org::worth_showing(a)) {
        let _ = writeln!(
            out,
            "<details><summary>Account {} ({})</summary>\n",
            a.account_id, a.name
        );
        if let Some(e) = &a.error {
            let _ = writeln!(out, "**Could not be read:** {e}\n");
        }
        out.push_str(&render(&a.report, None));
        out.push_str("\n</details>\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_under_githubs_summary_limit_and_says_what_it_left_out() {
        let report = crate::report::testing::synthetic(20_000);
        let md = render(&report, Some("flowchart LR\n  a --> b\n"));
        assert!(md.len() <= MAX_BYTES, "{}", md.len());
        assert!(md.contains("more finding(s) left out to stay under GitHub's 1 MiB summary limit"));
        // The worst come first: every high finding that fits precedes any low one.
        let high = md.find("#### high").unwrap();
        assert!(md.find("#### low").is_none_or(|low| low > high));
        let small = render(&crate::report::testing::synthetic(10), None);
        assert!(!small.contains("left out"));
        assert_eq!(small.matches("<details><summary>Fix</summary>").count(), 10);
    }
}
