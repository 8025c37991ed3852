//! A synthetic report for unit tests of the reporters: `n` findings of one rule, alternating
//! high and low, each with its own resource and fingerprint.

use serde_json::Value;

use super::{PolicySources, Report, Summary};
use crate::finding::{Finding, Remediation, ResourceRef, RuleResult, RuleStatus, Severity};

/// The report.
pub(crate) fn synthetic(findings: usize) -> Report {
    let rule = RuleResult {
        id: "AA-NET-001".into(),
        title: "T".into(),
        description: "D".into(),
        help: "H".into(),
        severity: Severity::High,
        tags: vec!["security".into()],
        related_resources: vec![],
        fix: None,
        reads: vec![],
        anchors: vec![],
        status: RuleStatus::Failed,
        findings,
        reason: None,
        incomplete: false,
        source: "policies/network/vpc_cidr.rego:20".into(),
        expectation: vec![],
        components: Vec::new(),
    };
    let findings: Vec<Finding> = (0..findings)
        .map(|i| Finding {
            policy_id: "AA-NET-001".into(),
            severity: if i % 2 == 0 {
                Severity::High
            } else {
                Severity::Low
            },
            title: "T".into(),
            // Incompressible enough that the gzipped size grows with the count.
            message: format!("m {:x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            resource: ResourceRef {
                arn: format!("arn:aws:ec2:us-east-1:1:vpc/vpc-{i}"),
                id: format!("vpc-{i}"),
                ..ResourceRef::default()
            },
            attribute: "a".into(),
            expected: Value::Null,
            actual: Value::Null,
            expected_display: "e".into(),
            actual_display: "a".into(),
            details: Default::default(),
            remediation: Remediation::default(),
            fingerprint: format!("{i:032x}"),
            waived: None,
            location: None,
            baseline_state: None,
            carried_over: None,
            component: None,
        })
        .collect();
    let mut sorted = findings;
    crate::finding::sort(&mut sorted);
    Report {
        version: 2,
        tool_version: "0".into(),
        account_id: "1".into(),
        regions: vec!["us-east-1".into()],
        collected_at: "t".into(),
        config: "c".into(),
        policies: PolicySources {
            builtin: true,
            dirs: vec![],
        },
        summary: Summary::of(std::slice::from_ref(&rule), &sorted, &[]),
        findings: sorted,
        rules: vec![rule],
        gaps: vec![],
        waivers: vec![],
        baseline: None,
        drift: None,
    }
}
