//! JUnit XML for CI systems that read test reports: one test case per rule.
//!
//! - `passed` → a passing test case;
//! - `failed` → `<failure>` listing its unwaived findings (a rule whose findings are all
//!   waived passes, with the waivers in `system-out`);
//! - `not_evaluated` → `<error>` with the reason, never `<skipped>`, which most CI systems
//!   count as harmless: a rule that could not look did not pass;
//! - collection gaps → one more `<error>` test case, `collection`.

use crate::report::org::OrgReport;
use std::fmt::Write as _;

use super::Report;
use crate::finding::RuleStatus;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report as a JUnit `<testsuites>` document.
pub fn render(report: &Report) -> String {
    let mut cases = String::new();
    let (mut failures, mut errors) = (0, 0);
    for r in &report.rules {
        let area = r.tags.get(1).map_or("rules", String::as_str);
        let _ = writeln!(
            cases,
            "    <testcase classname=\"archaudit.{}\" name=\"{} {}\" file=\"{}\">",
            xml(area),
            xml(&r.id),
            xml(&r.title),
            xml(r.source.rsplit_once(':').map_or(&*r.source, |(f, _)| f))
        );
        let own: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.policy_id == r.id)
            .collect();
        let active: Vec<_> = own.iter().filter(|f| f.waived.is_none()).collect();
        match r.status {
            RuleStatus::NotEvaluated => {
                errors += 1;
                let _ = writeln!(
                    cases,
                    "      <error type=\"not_evaluated\" message=\"not evaluated: {}\"/>",
                    xml(r.reason.as_deref().unwrap_or("no reason recorded"))
                );
            }
            RuleStatus::Failed | RuleStatus::Passed if !active.is_empty() => {
                failures += 1;
                let mut body = String::new();
                for f in &active {
                    let _ = writeln!(
                        body,
                        "[{}] {} ({}): expected {} → actual {}",
                        f.severity.as_str(),
                        f.message,
                        f.resource.arn,
                        f.expected_display,
                        f.actual_display
                    );
                    if let Some(cli) = &f.remediation.cli {
                        let _ = writeln!(body, "  fix: {cli}");
                    }
                }
                if let Some(reason) = &r.reason {
                    let _ = writeln!(body, "incomplete: {reason}");
                }
                let _ = writeln!(
                    cases,
                    "      <failure type=\"{}\" message=\"{} finding(s)\">{}</failure>",
                    r.severity.as_str(),
                    active.len(),
                    xml(&body)
                );
            }
            _ => {}
        }
        let waived: Vec<String> = own
            .iter()
            .filter_map(|f| {
                f.waived.as_ref().map(|w| {
                    format!(
                        "waived until {}: {} ({})",
                        w.expires, f.resource.arn, w.reason
                    )
                })
            })
            .collect();
        if !waived.is_empty() {
            let _ = writeln!(
                cases,
                "      <system-out>{}</system-out>",
                xml(&waived.join("\n"))
            );
        }
        cases.push_str("    </testcase>\n");
    }
    let mut tests = report.rules.len();
    if !report.gaps.is_empty() {
        tests += 1;
        errors += 1;
        let _ = writeln!(
            cases,
            "    <testcase classname=\"archaudit.collection\" name=\"collection\">\n      <error type=\"gaps\" message=\"{} collection gap(s)\">{}</error>\n    </testcase>",
            report.gaps.len(),
            xml(&super::gap_summary(&report.gaps))
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"archaudit\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n  <testsuite name=\"archaudit {} {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" timestamp=\"{}\">\n{cases}  </testsuite>\n</testsuites>\n",
        xml(&report.account_id),
        xml(&report.regions.join(",")),
        xml(&report.collected_at)
    )
}

/// JUnit: one test suite per account.
pub fn render_org(org: &OrgReport) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"archaudit\">\n",
    );
    for a in &org.accounts {
        let one = render(&a.report);
        // Each account's suites, without their own XML declaration and <testsuites> wrapper.
        for line in one.lines() {
            let t = line.trim_start();
            if t.starts_with("<?xml")
                || t.starts_with("<testsuites")
                || t.starts_with("</testsuites")
            {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("</testsuites>\n");
    out
}
