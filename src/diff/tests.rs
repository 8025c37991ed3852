//! Inventory and report comparison: leaves, listing gaps, rules that could not re-check.

use serde_json::json;

use super::*;
use crate::report::testing::synthetic;

fn names() -> (String, String) {
    ("old".to_owned(), "new".to_owned())
}

fn paths(old: Value, new: Value) -> Vec<(String, Value, Value)> {
    let mut out = Vec::new();
    changes("", &old, &new, &mut out);
    out.into_iter().map(|c| (c.path, c.old, c.new)).collect()
}

#[test]
fn changes_name_each_leaf_and_each_list_element() {
    assert_eq!(
        paths(
            json!({"a": {"b": 1, "c": "x"}, "l": [1, 2]}),
            json!({"a": {"b": 2, "c": "x"}, "l": [2, 3]})
        ),
        vec![
            ("a.b".to_owned(), json!(1), json!(2)),
            ("l[-]".to_owned(), json!(1), Value::Null),
            ("l[+]".to_owned(), Value::Null, json!(3)),
        ]
    );
    assert_eq!(
        paths(json!({"l": [1, 2]}), json!({"l": [2, 1]})),
        vec![("l[order]".to_owned(), json!([1, 2]), json!([2, 1]))]
    );
    assert!(paths(json!({"a": 1}), json!({"a": 1})).is_empty());
}

#[test]
fn a_resource_missing_under_a_listing_gap_is_unseen_not_removed() {
    let old = Inventory::reference();
    let mut new = old.clone();
    let vpc = new.aws.ec2.vpcs.remove(0);
    let subnet = new.aws.ec2.subnets.remove(0);
    // VPCs could not be listed tonight; subnets were listed, and one is gone.
    new.gaps.push(Gap {
        service: "ec2".into(),
        region: "us-east-1".into(),
        operation: "DescribeVpcs".into(),
        kind: "ec2.vpcs".into(),
        resource: None,
        attribute: None,
        code: "AccessDenied".into(),
        message: "denied".into(),
        account_id: "123456789012".into(),
    });
    let d = inventories(&old, &new, names());
    let status = |arn: &str| {
        d.entries
            .iter()
            .find(|e| e.arn == arn)
            .map(|e| e.status.as_str())
    };
    assert_eq!(status(&vpc.meta.arn), Some("unseen"));
    assert_eq!(status(&subnet.meta.arn), Some("removed"));
    assert_eq!(d.counts.get("unseen"), Some(&1));
}

#[test]
fn a_finding_its_rule_could_not_recheck_is_not_resolved() {
    let old = synthetic(2);
    let mut new = synthetic(0);
    let d = reports(&old, &new, names());
    assert_eq!(d.counts.get("resolved"), Some(&2));
    new.rules[0].status = RuleStatus::NotEvaluated;
    new.rules[0].reason = Some("gap".into());
    let d = reports(&old, &new, names());
    assert_eq!(d.counts.get("not_rechecked"), Some(&2));
    assert_eq!(d.counts.get("resolved"), None);
    // A changed severity on the same finding is a change, a new one is new.
    let mut newer = synthetic(3);
    newer.findings[0].actual = json!("other");
    let d = reports(&old, &newer, names());
    assert_eq!(d.counts.get("new"), Some(&1));
    assert!(d
        .entries
        .iter()
        .any(|e| e.status == "changed" && e.changes[0].path == "actual"));
}
