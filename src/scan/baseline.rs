//! Tonight against last night: marks findings new or unchanged, keeps the baseline findings
//! of rules that could not re-check them (the first law: a rule that could not read is never
//! a fix), and lists the rest as resolved.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::{BaselineState, Finding, RuleResult, RuleStatus};
use crate::report::{BaselineSummary, Report};

/// Why `--baseline` cannot be compared with tonight.
#[derive(Debug, thiserror::Error)]
#[error("baseline {file} is a report of {what}, tonight's scan is of {tonight}; give the report of the same account and regions")]
pub struct BaselineMismatch {
    file: String,
    what: String,
    tonight: String,
}

/// Compares `findings` (tonight's, before waivers) with `baseline`.
///
/// - A finding in both is `unchanged`, one only tonight is `new`.
/// - A baseline finding absent tonight whose rule is `not_evaluated`, or `failed` but
///   incomplete (it could not see everything, so absence proves nothing), is carried over:
///   appended to `findings` as `carried_over`, with the rule's reason.
/// - Any other absent baseline finding is resolved: its rule ran on complete data (or no
///   longer exists) and did not find it.
pub fn compare(
    findings: &mut Vec<Finding>,
    rules: &[RuleResult],
    baseline: &Report,
    file: &str,
    account: (&str, &[String]),
) -> Result<BaselineSummary, BaselineMismatch> {
    let (account_id, regions) = account;
    let sorted = |r: &[String]| r.iter().cloned().collect::<BTreeSet<_>>();
    if baseline.account_id != account_id || sorted(&baseline.regions) != sorted(regions) {
        return Err(BaselineMismatch {
            file: file.to_owned(),
            what: format!("{} {}", baseline.account_id, baseline.regions.join(",")),
            tonight: format!("{} {}", account_id, regions.join(",")),
        });
    }
    let old: BTreeSet<&str> = baseline
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let tonight: BTreeSet<String> = findings.iter().map(|f| f.fingerprint.clone()).collect();
    let mut summary = BaselineSummary {
        file: file.to_owned(),
        collected_at: baseline.collected_at.clone(),
        new: 0,
        unchanged: 0,
        carried_over: 0,
        resolved: Vec::new(),
    };
    for f in findings.iter_mut() {
        if old.contains(f.fingerprint.as_str()) {
            f.baseline_state = Some(BaselineState::Unchanged);
            summary.unchanged += 1;
        } else {
            f.baseline_state = Some(BaselineState::New);
            summary.new += 1;
        }
    }
    let rules: BTreeMap<&str, &RuleResult> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    for f in &baseline.findings {
        if tonight.contains(&f.fingerprint) {
            continue;
        }
        let unseen = rules.get(f.policy_id.as_str()).and_then(|r| {
            let blind = r.status == RuleStatus::NotEvaluated || r.reason.is_some();
            blind.then(|| {
                r.reason
                    .clone()
                    .unwrap_or_else(|| "the rule was not evaluated".to_owned())
            })
        });
        match unseen {
            Some(reason) => {
                let mut kept = f.clone();
                kept.baseline_state = Some(BaselineState::CarriedOver);
                kept.carried_over = Some(reason);
                // Tonight's waivers and locations apply afresh.
                kept.waived = None;
                kept.location = None;
                findings.push(kept);
                summary.carried_over += 1;
            }
            None => summary.resolved.push(f.clone()),
        }
    }
    crate::finding::sort(&mut summary.resolved);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::synthetic;

    fn regions() -> Vec<String> {
        vec!["us-east-1".to_owned()]
    }

    #[test]
    fn marks_new_and_unchanged_and_resolves_what_a_complete_rule_no_longer_finds() {
        let last = synthetic(3);
        let tonight_report = synthetic(4);
        // Tonight: the last three but the first, plus a fourth.
        let mut tonight: Vec<Finding> = tonight_report.findings[1..].to_vec();
        let gone = tonight_report.findings[0].fingerprint.clone();
        let rules = tonight_report.rules.clone();
        let s = compare(&mut tonight, &rules, &last, "last.json", ("1", &regions())).unwrap();
        assert_eq!((s.new, s.unchanged, s.carried_over), (1, 2, 0));
        assert_eq!(s.resolved.len(), 1);
        assert_eq!(s.resolved[0].fingerprint, gone);
        assert!(tonight.iter().all(|f| f.carried_over.is_none()));
    }

    #[test]
    fn a_rule_that_could_not_look_keeps_its_findings_open() {
        for (status, reason) in [
            (
                RuleStatus::NotEvaluated,
                Some("ec2.vpcs unknown".to_owned()),
            ),
            // Failed on incomplete data: absence proves nothing either.
            (RuleStatus::Failed, Some("ec2.vpcs unknown".to_owned())),
        ] {
            let last = synthetic(2);
            let mut rules = synthetic(0).rules;
            rules[0].status = status;
            rules[0].reason = reason;
            let mut tonight = Vec::new();
            let s = compare(&mut tonight, &rules, &last, "last.json", ("1", &regions())).unwrap();
            assert_eq!((s.carried_over, s.resolved.len()), (2, 0), "{status:?}");
            assert!(tonight.iter().all(|f| {
                f.baseline_state == Some(BaselineState::CarriedOver)
                    && f.carried_over.as_deref() == Some("ec2.vpcs unknown")
            }));
        }
    }

    #[test]
    fn a_removed_rule_resolves_and_another_account_is_refused() {
        let last = synthetic(1);
        let mut tonight = Vec::new();
        let s = compare(&mut tonight, &[], &last, "last.json", ("1", &regions())).unwrap();
        assert_eq!(s.resolved.len(), 1);
        let err = compare(&mut tonight, &[], &last, "last.json", ("2", &regions())).unwrap_err();
        assert!(
            err.to_string()
                .contains("give the report of the same account"),
            "{err}"
        );
        let other = vec!["eu-west-1".to_owned()];
        assert!(compare(&mut tonight, &[], &last, "last.json", ("1", &other)).is_err());
    }
}
