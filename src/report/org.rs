//! The report of a run over many accounts (`scan --org`, `--accounts`, `merge`): one ordinary
//! [`Report`] per account — judged exactly as a single-account scan of it — with the run it
//! belongs to and totals that are sums of the accounts' own.
//!
//! How it keeps the first law: an account that could not be read is an entry of its own
//! (`unreadable`, with the reason) whose every rule is `not_evaluated`; totals count it as
//! incomplete, SARIF gives it a run of its own marked unsuccessful (so code scanning keeps its
//! alerts), and the table and Markdown name it first.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Report, ReportError, Summary, REPORT_VERSION};
use crate::finding::Severity;

/// A shard: the `index`-th (1-based) of `count`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    /// How many shards the run has.
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// An account the listing returned that is not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Skipped {
    /// Account id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Why (`SUSPENDED`, `PENDING_CLOSURE`).
    pub status: String,
}

/// `kind` of an organization report.
pub const ORG_KIND: &str = "organization";

/// A run over many accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrgReport {
    /// [`REPORT_VERSION`], as the accounts' reports.
    pub version: u32,
    /// `organization`.
    pub kind: String,
    /// The archaudit that produced it.
    pub tool_version: String,
    /// The run: its identity, every account of it, the shards this report holds.
    pub run: RunInfo,
    /// Totals: sums of the accounts' summaries.
    pub summary: OrgSummary,
    /// One entry per account scanned, by account id.
    pub accounts: Vec<AccountReport>,
}

/// The run a report belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunInfo {
    /// Digest of the run's accounts, regions, shard count and `--run-id`: equal across the
    /// shards of one run.
    pub id: String,
    /// Where the accounts came from (`organizations:ListAccounts`, an accounts file, a
    /// directory of inventories).
    pub source: String,
    /// Every account of the run, all shards together, sorted.
    pub accounts: Vec<String>,
    /// Listed but not scanned (suspended accounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// How many shards the run has (1: not sharded).
    pub shard_count: u32,
    /// The shards this report holds: one for a shard's report, all of them once merged.
    pub shards: Vec<Shard>,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrgSummary {
    /// Accounts scanned.
    pub accounts: usize,
    /// Accounts that could not be read at all.
    pub unreadable: usize,
    /// Accounts whose result is not complete (gaps, rules not evaluated; unreadable ones too).
    pub incomplete: usize,
    /// The accounts' summaries summed (rules counted once per account).
    #[serde(flatten)]
    pub total: Summary,
}

/// How an account's scan went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Collected (perhaps with gaps) and judged.
    Scanned,
    /// Nothing could be read (its role could not be assumed): every rule is not evaluated.
    Unreadable,
}

/// One account of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccountReport {
    /// Account id.
    pub account_id: String,
    /// Its name.
    pub name: String,
    /// Its tags (from the accounts file).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// How its scan went.
    pub status: AccountStatus,
    /// Why it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The shard that scanned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// API calls its collection made (besides assuming its role).
    #[serde(default)]
    pub api_calls: u64,
    /// Its report: summary, findings, rules, gaps, as a single-account scan writes it.
    pub report: Report,
}

impl OrgSummary {
    /// The totals of `accounts`.
    pub fn of(accounts: &[AccountReport]) -> OrgSummary {
        let mut total = Summary {
            complete: true,
            ..Summary::default()
        };
        let mut out = OrgSummary::default();
        for a in accounts {
            let s = &a.report.summary;
            out.accounts += 1;
            out.unreadable += usize::from(a.status == AccountStatus::Unreadable);
            out.incomplete += usize::from(!s.complete);
            total.passed += s.passed;
            total.failed += s.failed;
            total.not_evaluated += s.not_evaluated;
            total.waived += s.waived;
            total.gaps += s.gaps;
            total.complete &= s.complete;
            for (sev, n) in &s.findings {
                *total.findings.entry(*sev).or_default() += n;
            }
        }
        out.total = total;
        out
    }
}

impl OrgReport {
    /// A report of `accounts` (sorted here) in `run`.
    pub fn new(run: RunInfo, mut accounts: Vec<AccountReport>) -> OrgReport {
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        OrgReport {
            version: REPORT_VERSION,
            kind: ORG_KIND.to_owned(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            summary: OrgSummary::of(&accounts),
            run,
            accounts,
        }
    }

    /// Reads an organization report (`scan --org --format json`, a shard's, `merge`'s).
    pub fn load(path: &std::path::Path) -> Result<OrgReport, ReportError> {
        let mut report: OrgReport = super::load_checked(path, true)?;
        let origin = path.display().to_string();
        for a in &mut report.accounts {
            super::check_findings(&mut a.report.findings, &origin)?;
        }
        Ok(report)
    }

    /// Parses an organization report; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<OrgReport, ReportError> {
        let mut report: OrgReport = super::parse_checked(text, origin, true)?;
        for a in &mut report.accounts {
            super::check_findings(&mut a.report.findings, origin)?;
        }
        Ok(report)
    }

    /// The JSON document.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }
}

/// The JSON Schema of [`OrgReport`], as committed at `schema/org-report.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(OrgReport);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The run's headline and the per-account table, for people.
pub(super) fn overview(org: &OrgReport) -> String {
    let mut out = String::new();
    let shards: Vec<String> = org.run.shards.iter().map(Shard::to_string).collect();
    let _ = writeln!(
        out,
        "archaudit {} — {} account(s) of run {} ({}{})",
        org.tool_version,
        org.summary.accounts,
        org.run.id,
        org.run.source,
        if org.run.shard_count > 1 {
            format!(
                ", shard(s) {} of {}",
                shards.join(", "),
                org.run.shard_count
            )
        } else {
            String::new()
        }
    );
    for s in &org.run.skipped {
        let _ = writeln!(out, "  skipped {} ({}): {}", s.id, s.name, s.status);
    }
    out
}

/// One row per account: status, findings by severity, rules not evaluated, gaps.
pub(super) fn account_rows(org: &OrgReport) -> Vec<[String; 9]> {
    org.accounts
        .iter()
        .map(|a| {
            let s = &a.report.summary;
            let n = |sev| s.findings.get(&sev).copied().unwrap_or(0).to_string();
            let status = match (a.status, s.complete) {
                (AccountStatus::Unreadable, _) => "UNREADABLE",
                (_, false) => "incomplete",
                (_, true) => "complete",
            };
            [
                a.account_id.clone(),
                a.name.clone(),
                status.to_owned(),
                n(Severity::Critical),
                n(Severity::High),
                n(Severity::Medium),
                n(Severity::Low),
                s.not_evaluated.to_string(),
                s.gaps.to_string(),
            ]
        })
        .collect()
}

pub(super) const HEADERS: [&str; 9] = [
    "account",
    "name",
    "status",
    "critical",
    "high",
    "medium",
    "low",
    "not evaluated",
    "gaps",
];

pub(super) fn worth_showing(a: &AccountReport) -> bool {
    !a.report.findings.is_empty() || !a.report.summary.complete || a.error.is_some()
}

pub(super) fn totals(org: &OrgReport) -> String {
    let s = &org.summary;
    let findings: usize = s.total.findings.values().sum();
    format!(
        "{} account(s): {} finding(s), {} waived; {} rule result(s) not evaluated; {} gap(s); {} account(s) incomplete, {} unreadable.",
        s.accounts, findings, s.total.waived, s.total.not_evaluated, s.total.gaps, s.incomplete, s.unreadable
    )
}
