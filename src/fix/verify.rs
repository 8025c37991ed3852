//! Verification: how each planned finding ended, decided from the plan, the report of the
//! account before any change, what each step did, and the report of the account after.
//! Pure: no AWS call, no clock.
//!
//! How it keeps the first law: a finding is `verified` only when the fresh scan evaluated
//! its rule on complete data and the finding is gone. A rule that could not re-check it (a
//! gap, a missing anchor, a rule that is no longer loaded) makes it `unverified`, never fixed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::apply::StepOutcome;
use super::plan::{Entry, EntryKind, Plan};
use crate::finding::{Finding, RuleStatus};
use crate::report::Report;

/// How one selected finding ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Applied, and a fresh scan no longer finds it on complete data.
    Verified,
    /// Applied, but the drift is still found.
    StillFailing,
    /// Applied, and the fresh scan finds new drift on what the change touched: the fix left
    /// it worse than it found it.
    Broke,
    /// Applied, but the rule could not re-check it.
    Unverified,
    /// A call failed.
    Failed,
    /// Interrupted before its steps ran.
    NotRun,
    /// Already compliant before anything was applied.
    Skipped,
    /// Left to a person.
    Manual,
}

impl Status {
    /// The name shown and written (`still_failing`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::StillFailing => "still_failing",
            Status::Broke => "broke",
            Status::Unverified => "unverified",
            Status::Failed => "failed",
            Status::NotRun => "not_run",
            Status::Skipped => "skipped",
            Status::Manual => "manual",
        }
    }

    /// Whether the finding needs nothing more (fixed, or already compliant).
    pub fn is_done(self) -> bool {
        matches!(self, Status::Verified | Status::Skipped)
    }
}

/// How one selected finding ended, with its steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryResult {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Its policy.
    pub policy_id: String,
    /// Its resource's ARN.
    pub resource: String,
    /// The outcome.
    pub status: Status,
    /// Why, for people.
    pub detail: String,
    /// Each step's API call and outcome.
    pub steps: Vec<(String, StepOutcome)>,
}

/// What the applier did to each entry's steps, by entry index: `None` for an entry that was
/// not attempted (manual, or already compliant).
pub type Applied = BTreeMap<usize, Vec<(String, StepOutcome)>>;

/// The fingerprints of a report's findings.
fn fingerprints(report: &Report) -> BTreeSet<&str> {
    report
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect()
}

/// How each entry of `plan` ended: `before` is the account's report before any change (an
/// entry whose finding it no longer holds was already compliant), `applied` what each step
/// did, `after` the report of the fresh collection.
pub fn verify(plan: &Plan, before: &Report, applied: &Applied, after: &Report) -> Vec<EntryResult> {
    let present = fingerprints(before);
    let remaining = fingerprints(after);
    // Drift the fresh scan finds that the scan before did not: what a change may have caused.
    let new: Vec<&Finding> = after
        .findings
        .iter()
        .filter(|f| f.waived.is_none() && !present.contains(f.fingerprint.as_str()))
        .collect();
    plan.entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut r = EntryResult {
                fingerprint: e.fingerprint.clone(),
                policy_id: e.policy_id.clone(),
                resource: e.resource.arn.clone(),
                status: Status::Manual,
                detail: String::new(),
                steps: applied.get(&i).cloned().unwrap_or_default(),
            };
            (r.status, r.detail) = if e.kind == EntryKind::Manual {
                let why = e.manual.as_ref().map(|m| m.reason.clone());
                (Status::Manual, why.unwrap_or_default())
            } else if !present.contains(e.fingerprint.as_str()) {
                (
                    Status::Skipped,
                    "already compliant: the finding is gone".to_owned(),
                )
            } else if let Some(f) = caused(e, &r, &new) {
                (
                    Status::Broke,
                    format!(
                        "applied, but now {} fails on {}{}: {}",
                        f.policy_id,
                        f.resource.id,
                        f.component
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default(),
                        f.message
                    ),
                )
            } else {
                judged(&r, after, remaining.contains(e.fingerprint.as_str()))
            };
            r
        })
        .collect()
}

/// The first new finding on a resource `e`'s applied steps touched (its finding's resource
/// and every step's target) or of `e`'s component, which the fresh scan judged whole: the
/// second law — a change after which a rule of the component fails is reported as broken,
/// never verified.
fn caused<'a>(e: &Entry, r: &EntryResult, new: &[&'a Finding]) -> Option<&'a Finding> {
    if !r.steps.iter().any(|(_, o)| *o == StepOutcome::Applied) {
        return None;
    }
    let mut touched: BTreeSet<String> = e.steps.iter().map(|s| s.action.target()).collect();
    touched.insert(e.resource.arn.clone());
    touched.insert(e.resource.id.clone());
    touched.remove("");
    let of_component = |f: &Finding| e.component.is_some() && f.component == e.component;
    new.iter()
        .find(|f| {
            touched.contains(&f.resource.arn) || touched.contains(&f.resource.id) || of_component(f)
        })
        .copied()
}

/// The outcome of an entry whose steps were attempted.
fn judged(r: &EntryResult, after: &Report, still_found: bool) -> (Status, String) {
    let failed = r.steps.iter().find_map(|(_, o)| match o {
        StepOutcome::Failed { code, message } => Some(format!("{code}: {message}")),
        _ => None,
    });
    let rule = after.rules.iter().find(|x| x.id == r.policy_id);
    if r.steps.is_empty() {
        (Status::Manual, "the plan holds no step for it".to_owned())
    } else if let Some(f) = failed {
        (Status::Failed, f)
    } else if r.steps.iter().any(|(_, o)| *o == StepOutcome::NotRun) {
        (Status::NotRun, "interrupted before this step".to_owned())
    } else if still_found {
        (
            Status::StillFailing,
            "applied, but the drift is still found".to_owned(),
        )
    } else if rule.is_none_or(|x| x.status == RuleStatus::NotEvaluated || x.reason.is_some()) {
        (
            Status::Unverified,
            format!(
                "applied, but the rule could not re-check it: {}",
                rule.and_then(|x| x.reason.clone()).unwrap_or_default()
            ),
        )
    } else {
        (
            Status::Verified,
            "applied and verified by a fresh scan".to_owned(),
        )
    }
}

/// Every finding of the plan left to a person (a plan with no steps).
pub fn all_manual(plan: &Plan) -> Vec<EntryResult> {
    plan.entries
        .iter()
        .map(|e| EntryResult {
            fingerprint: e.fingerprint.clone(),
            policy_id: e.policy_id.clone(),
            resource: e.resource.arn.clone(),
            status: Status::Manual,
            detail: e
                .manual
                .as_ref()
                .map(|m| m.reason.clone())
                .unwrap_or_default(),
            steps: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
