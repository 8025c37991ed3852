//! Present: turns a finished [`Report`] into bytes. Reporters never call AWS or the engine.
//!
//! The JSON form is the documented, versioned envelope in `docs/json-report.md`.

pub mod diagram;
pub mod drift;
mod gaps;
pub mod junit;
pub mod markdown;
pub mod org;
pub mod sarif;
pub mod table;
#[cfg(test)]
pub(crate) mod testing;

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

/// The largest report file read: an organization's report of hundreds of accounts is tens
/// of MiB; anything this large is not a report archaudit wrote.
pub const MAX_REPORT_BYTES: u64 = 1 << 30;

/// What the first pass over a report file keeps: the keys that say what the file is. Every
/// other value is skipped without being built, so a huge file that is not a report is refused
/// in one streaming pass, in bounded memory.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    schema_version: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    runs: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    kind: Option<serde_json::Value>,
    #[serde(default)]
    version: Option<serde_json::Value>,
    #[serde(default)]
    tool_version: Option<serde_json::Value>,
}

/// Reads a report file of one account (`organization` false) or of a run over many: its size
/// checked, its first byte a JSON object's, then streamed twice (what it is, then the typed
/// report), never held as a JSON tree. Invalid UTF-8 and syntax errors are located.
pub(crate) fn load_checked<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    organization: bool,
) -> Result<T, ReportError> {
    use std::io::{BufRead, BufReader};
    let origin = path.display().to_string();
    let io = |e: std::io::Error| ReportError::Io {
        path: origin.clone(),
        message: e.to_string(),
    };
    let open = || std::fs::File::open(path).map(|f| BufReader::with_capacity(1 << 16, f));
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_REPORT_BYTES {
        return Err(ReportError::NotAReport {
            path: origin.clone(),
            what: format!("{size} bytes is larger than any report archaudit reads ({MAX_REPORT_BYTES} at most)"),
        });
    }
    let mut reader = open().map_err(io)?;
    let head = reader.fill_buf().map_err(io)?;
    if let Some(why) = crate::text::byte_order_mark(head) {
        return Err(ReportError::NotAReport {
            path: origin.clone(),
            what: why.to_owned(),
        });
    }
    let start = head
        .iter()
        .position(|b| !b" \t\r\n".contains(b))
        .unwrap_or(head.len());
    if head.get(start) != Some(&b'{') {
        let (line, column) = crate::text::position(head, start);
        return Err(ReportError::Parse {
            path: origin.clone(),
            line,
            column,
            message: "expected a JSON object (`{`): not a report".to_owned(),
        });
    }
    let parse_err = |e: serde_json::Error| ReportError::Parse {
        path: origin.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let probe: Probe = serde_json::from_reader(reader).map_err(parse_err)?;
    identify(&probe, &origin, organization)?;
    serde_json::from_reader(open().map_err(io)?).map_err(parse_err)
}

/// Refuses what a probed file is if it is not the report expected: an inventory, a SARIF
/// log, the other kind of report, another version.
fn identify(probe: &Probe, origin: &str, organization: bool) -> Result<(), ReportError> {
    let not = |what: &str| ReportError::NotAReport {
        path: origin.to_owned(),
        what: what.to_owned(),
    };
    if probe.schema_version.is_some() {
        return Err(not("it is an inventory (`archaudit collect`)"));
    }
    if probe.runs.is_some() {
        return Err(not("it is a SARIF log"));
    }
    let is_org = probe.kind.as_ref().and_then(serde_json::Value::as_str) == Some(org::ORG_KIND);
    if is_org != organization {
        return Err(not(if organization {
            "it is not an organization report (`scan --org --format json`, a shard's or `merge`'s)"
        } else {
            "it is an organization report (`scan --org`): `merge` and organization scans read it"
        }));
    }
    let Some(version) = &probe.version else {
        return Err(not("it has no `version`"));
    };
    let Some(found) = version.as_u64() else {
        return Err(not("its `version` is not a whole number"));
    };
    if found != u64::from(REPORT_VERSION) {
        return Err(ReportError::Version {
            path: origin.to_owned(),
            found,
            tool: probe
                .tool_version
                .as_ref()
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?")
                .to_owned(),
        });
    }
    Ok(())
}

/// Parses a report of one account (`organization` false) or of a run over many from text
/// already in memory, after checking what the JSON is.
pub(crate) fn parse_checked<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    organization: bool,
) -> Result<T, ReportError> {
    let parse_err = |e: serde_json::Error| ReportError::Parse {
        path: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let probe: Probe = serde_json::from_str(text).map_err(parse_err)?;
    identify(&probe, origin, organization)?;
    serde_json::from_str(text).map_err(parse_err)
}

/// Parses every finding's details again against its fix (a report reads them untyped).
pub(crate) fn check_findings(findings: &mut [Finding], origin: &str) -> Result<(), ReportError> {
    for f in findings {
        f.check_details().map_err(|message| ReportError::Finding {
            path: origin.to_owned(),
            fingerprint: f.fingerprint.clone(),
            policy: f.policy_id.clone(),
            message,
        })?;
    }
    Ok(())
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
