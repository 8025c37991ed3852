//! Present: turns a finished [`Report`] into bytes. Reporters never call AWS or the engine.
//!
//! The JSON form is the documented, versioned envelope in `docs/json-report.md`.

pub mod components;
pub mod diagram;
pub mod drift;
mod gaps;
pub mod junit;
mod load;
pub mod markdown;
pub mod org;
pub mod sarif;
pub mod table;
#[cfg(test)]
pub(crate) mod testing;

pub use gaps::gap_summary;
pub use load::MAX_REPORT_BYTES;
pub(crate) use load::{check_findings, load_checked, parse_checked};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, Severity};
use crate::finding::{RuleResult, RuleStatus};
use crate::inventory::Gap;

/// Version of the JSON report envelope.
pub const REPORT_VERSION: u32 = 2;

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable table grouped by severity.
    Table,
    /// The versioned JSON envelope (docs/json-report.md).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning (docs/ci.md).
    Sarif,
    /// Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments, with the live
    /// architecture drawn (Mermaid).
    Markdown,
    /// JUnit XML: one test case per rule, for CI systems that read test reports.
    Junit,
}

/// Counts for the summary line and the exit code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Rules evaluated on complete data without findings.
    pub passed: usize,
    /// Rules with findings.
    pub failed: usize,
    /// Rules whose data was not (fully) collected.
    pub not_evaluated: usize,
    /// Findings not waived, by severity.
    pub findings: std::collections::BTreeMap<Severity, usize>,
    /// Findings accepted by a waiver.
    pub waived: usize,
    /// Collection gaps.
    pub gaps: usize,
    /// Whether the result can be trusted as complete (no gaps, every rule evaluated).
    pub complete: bool,
}

/// A waiver that did not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WaiverNote {
    /// Policy id.
    pub policy: String,
    /// Resource glob.
    pub resource: String,
    /// `expired` or `unused`.
    pub problem: String,
    /// Expiry date.
    pub expires: String,
}

/// Which policies a report used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PolicySources {
    /// Whether the built-in library was loaded.
    pub builtin: bool,
    /// `--policies` directories, as given.
    pub dirs: Vec<String>,
}

/// Everything a reporter needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The archaudit that produced it.
    pub tool_version: String,
    /// Account scanned.
    pub account_id: String,
    /// Regions scanned.
    pub regions: Vec<String>,
    /// When the inventory was collected.
    pub collected_at: String,
    /// The archaudit.toml the report used (`<built-in archaudit.toml>` for the default).
    pub config: String,
    /// The policies it used.
    pub policies: PolicySources,
    /// Counts.
    pub summary: Summary,
    /// Findings, worst first; waived ones are marked.
    pub findings: Vec<Finding>,
    /// One entry per rule.
    pub rules: Vec<RuleResult>,
    /// Collection gaps.
    pub gaps: Vec<Gap>,
    /// Waivers that expired or matched nothing.
    pub waivers: Vec<WaiverNote>,
    /// The comparison with `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
    /// `archaudit drift` only: coverage and what the Terraform states hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<drift::DriftSummary>,
}

/// Tonight against the baseline report (`scan --baseline LAST_REPORT.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BaselineSummary {
    /// The baseline file, as given.
    pub file: String,
    /// When the baseline's inventory was collected.
    pub collected_at: String,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings in both.
    pub unchanged: usize,
    /// Baseline findings of rules that could not re-check them tonight, kept in `findings`.
    pub carried_over: usize,
    /// Baseline findings that tonight's complete evaluation of their rule no longer finds
    /// (or whose rule no longer exists).
    pub resolved: Vec<Finding>,
}

/// A report file that cannot be used (as a baseline or by `diff`).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Unreadable.
    #[error("cannot read report {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// Not JSON, or not a report.
    #[error("invalid report {path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Another report version.
    #[error("report {path} is version {found} (archaudit {tool}); this archaudit reads version {REPORT_VERSION}; reports of another version cannot be compared (scan once more to start from a current report)")]
    Version {
        /// The file.
        path: String,
        /// Its version.
        found: u64,
        /// The archaudit that wrote it.
        tool: String,
    },
    /// A finding whose `details` do not fit the fix its policy names.
    #[error("invalid report {path}: finding {fingerprint} ({policy}): {message}")]
    Finding {
        /// The file.
        path: String,
        /// The finding.
        fingerprint: String,
        /// Its policy.
        policy: String,
        /// What is wrong.
        message: String,
    },
    /// JSON of another kind (an inventory, a SARIF log).
    #[error("{path} is not an archaudit JSON report (`scan --format json`): {what}")]
    NotAReport {
        /// The file.
        path: String,
        /// What it looks like.
        what: String,
    },
}

impl Report {
    /// Reads a JSON report written by `scan --format json`, checking its version first.
    pub fn load(path: &std::path::Path) -> Result<Report, ReportError> {
        let mut report: Report = load_checked(path, false)?;
        check_findings(&mut report.findings, &path.display().to_string())?;
        Ok(report)
    }

    /// Parses a JSON report; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Report, ReportError> {
        let mut report: Report = parse_checked(text, origin, false)?;
        check_findings(&mut report.findings, origin)?;
        Ok(report)
    }
}

impl Summary {
    /// Computes the summary of rules, findings and gaps.
    pub fn of(rules: &[RuleResult], findings: &[Finding], gaps: &[Gap]) -> Summary {
        let mut s = Summary {
            gaps: gaps.len(),
            ..Summary::default()
        };
        for r in rules {
            match r.status {
                RuleStatus::Passed => s.passed += 1,
                RuleStatus::Failed => s.failed += 1,
                RuleStatus::NotEvaluated => s.not_evaluated += 1,
            }
        }
        for f in findings {
            if f.waived.is_some() {
                s.waived += 1;
            } else {
                *s.findings.entry(f.severity).or_default() += 1;
            }
        }
        s.complete = gaps.is_empty() && rules.iter().all(|r| r.reason.is_none());
        s
    }

    /// Unwaived findings at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        self.findings
            .iter()
            .filter(|(s, _)| **s >= threshold)
            .map(|(_, n)| n)
            .sum()
    }
}

/// The JSON Schema of [`Report`], as committed at `schema/report.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the JSON envelope.
pub fn write_json(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
