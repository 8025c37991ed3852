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
                        "applied, but now {} fails on {}: {}",
                        f.policy_id, f.resource.id, f.message
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
/// and every step's target): the second law — a change after which a rule fails on what it
/// changed is reported as broken, never verified.
fn caused<'a>(e: &Entry, r: &EntryResult, new: &[&'a Finding]) -> Option<&'a Finding> {
    if !r.steps.iter().any(|(_, o)| *o == StepOutcome::Applied) {
        return None;
    }
    let mut touched: BTreeSet<String> = e.steps.iter().map(|s| s.action.target()).collect();
    touched.insert(e.resource.arn.clone());
    touched.insert(e.resource.id.clone());
    touched.remove("");
    new.iter()
        .find(|f| touched.contains(&f.resource.arn) || touched.contains(&f.resource.id))
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
mod tests {
    use super::*;
    use crate::finding::ResourceRef;
    use crate::fix::action::Action;
    use crate::fix::plan::{Entry, Manual, Step};
    use crate::report::testing::synthetic;

    /// A plan with one entry per finding of `report`: the first `manual` ones manual, the
    /// others one step each.
    fn plan_of(report: &Report, manual: usize) -> Plan {
        let entries = report
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let action = Action::EnableVersioning {
                    bucket: format!("b{i}"),
                };
                Entry {
                    fingerprint: f.fingerprint.clone(),
                    policy_id: f.policy_id.clone(),
                    severity: f.severity,
                    message: f.message.clone(),
                    resource: ResourceRef::default(),
                    kind: if i < manual {
                        EntryKind::Manual
                    } else {
                        EntryKind::Fix
                    },
                    steps: vec![Step::new(action, "us-east-1".into())],
                    manual: (i < manual).then(|| Manual {
                        reason: "needs a person".into(),
                        commands: None,
                        terraform: None,
                    }),
                    snapshot: serde_json::Value::Null,
                }
            })
            .collect();
        Plan {
            version: 1,
            tool_version: "0".into(),
            account_id: "1".into(),
            regions: vec!["us-east-1".into()],
            collected_at: "t".into(),
            entries,
        }
    }

    fn applied(plan: &Plan, outcome: impl Fn(usize) -> StepOutcome) -> Applied {
        (0..plan.entries.len())
            .filter(|i| plan.entries[*i].kind == EntryKind::Fix)
            .map(|i| (i, vec![("call".to_owned(), outcome(i))]))
            .collect()
    }

    fn statuses(results: &[EntryResult]) -> Vec<Status> {
        results.iter().map(|r| r.status).collect()
    }

    #[test]
    fn each_finding_ends_in_exactly_one_state() {
        let before = synthetic(6);
        let plan = plan_of(&before, 1);
        let outcome = |i: usize| match i {
            2 => StepOutcome::Failed {
                code: "AccessDenied".into(),
                message: "no".into(),
            },
            3 => StepOutcome::NotRun,
            _ => StepOutcome::Applied,
        };
        // After: entry 4's finding is still there; the others are gone.
        let mut after = synthetic(0);
        after.findings = vec![before.findings[4].clone()];
        let r = verify(&plan, &before, &applied(&plan, outcome), &after);
        assert_eq!(
            statuses(&r),
            vec![
                Status::Manual,
                Status::Verified,
                Status::Failed,
                Status::NotRun,
                Status::StillFailing,
                Status::Verified
            ]
        );
        assert!(r[2].detail.contains("AccessDenied: no"));
    }

    #[test]
    fn a_rule_that_could_not_recheck_never_verifies() {
        let before = synthetic(2);
        let plan = plan_of(&before, 0);
        let done = applied(&plan, |_| StepOutcome::Applied);
        for blind in [RuleStatus::NotEvaluated, RuleStatus::Passed] {
            let mut after = synthetic(0);
            after.rules[0].status = blind;
            after.rules[0].reason = Some("ec2.vpcs unknown (DescribeVpcs AccessDenied)".into());
            let r = verify(&plan, &before, &done, &after);
            assert_eq!(statuses(&r), vec![Status::Unverified; 2], "{blind:?}");
            assert!(r[0].detail.contains("DescribeVpcs AccessDenied"));
        }
        // The rule is not loaded any more: nothing re-checked it either.
        let mut after = synthetic(0);
        after.rules.clear();
        let r = verify(&plan, &before, &done, &after);
        assert_eq!(statuses(&r), vec![Status::Unverified; 2]);
    }

    #[test]
    fn a_change_after_which_a_rule_fails_on_what_it_touched_is_broke_not_verified() {
        let before = synthetic(3);
        let mut plan = plan_of(&before, 0);
        // Entry 0 changes bucket `b0`; entry 1 changes `b1`; entry 2 changes `b2`.
        let done = applied(&plan, |_| StepOutcome::Applied);
        for (i, e) in plan.entries.iter_mut().enumerate() {
            e.resource.arn = format!("arn:aws:s3:::b{i}");
        }
        // After: every planned finding is gone, but a new one is on `b1` (another policy), and
        // one on a resource nothing touched.
        let mut after = synthetic(0);
        let mut caused = before.findings[0].clone();
        caused.fingerprint = "new-on-b1".into();
        caused.policy_id = "AA-S3-002".into();
        caused.resource.arn = "arn:aws:s3:::b1".into();
        caused.resource.id = "b1".into();
        let mut elsewhere = caused.clone();
        elsewhere.fingerprint = "new-elsewhere".into();
        elsewhere.resource.arn = "arn:aws:s3:::other".into();
        elsewhere.resource.id = "other".into();
        after.findings = vec![caused, elsewhere];
        let r = verify(&plan, &before, &done, &after);
        assert_eq!(
            statuses(&r),
            vec![Status::Verified, Status::Broke, Status::Verified]
        );
        assert!(
            r[1].detail.contains("now AA-S3-002 fails on b1"),
            "{}",
            r[1].detail
        );
        assert!(!Status::Broke.is_done());
    }

    #[test]
    fn a_finding_gone_before_anything_ran_is_skipped() {
        let before = synthetic(2);
        let plan = plan_of(&before, 0);
        let mut now = synthetic(0);
        now.findings = vec![before.findings[1].clone()];
        let r = verify(&plan, &now, &Applied::new(), &synthetic(0));
        assert_eq!(r[0].status, Status::Skipped);
        assert_eq!(all_manual(&plan)[1].status, Status::Manual);
        assert!(Status::Skipped.is_done() && !Status::Unverified.is_done());
    }
}
