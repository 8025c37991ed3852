//! Present: turns a finished [`Report`] into bytes. Reporters never call AWS or the engine.
//!
//! The JSON form is the documented, versioned envelope in `docs/json-report.md`.

mod gaps;
pub mod table;

pub use gaps::gap_summary;

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
