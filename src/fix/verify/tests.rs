//! Verification outcomes, on synthetic plans and reports.
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
                component: None,
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

/// The fresh scan judges the whole component: a change after which another rule of the
/// component fails on a resource the change did not touch is broke too.
#[test]
fn a_change_after_which_another_rule_of_its_component_fails_is_broke() {
    let before = synthetic(2);
    let mut plan = plan_of(&before, 0);
    let done = applied(&plan, |_| StepOutcome::Applied);
    for (i, e) in plan.entries.iter_mut().enumerate() {
        e.resource.arn = format!("arn:aws:s3:::b{i}");
        e.component = Some(format!("services.s{i}"));
    }
    let mut after = synthetic(0);
    let mut other = before.findings[0].clone();
    other.fingerprint = "new-in-s1".into();
    other.policy_id = "AA-SG-002".into();
    other.resource.arn = "arn:aws:ec2:us-east-1:1:security-group/sg-1".into();
    other.resource.id = "sg-1".into();
    other.component = Some("services.s1".into());
    after.findings = vec![other];
    let r = verify(&plan, &before, &done, &after);
    assert_eq!(statuses(&r), vec![Status::Verified, Status::Broke]);
    assert!(
        r[1].detail
            .contains("AA-SG-002 fails on sg-1 (services.s1)"),
        "{}",
        r[1].detail
    );
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
