//! The planner's refusals and safety checks, on the reference inventory.

use serde_json::json;

use super::derive::{actions, Planned};
use super::*;
use crate::config::Config;
use crate::finding::fix::FixId;
use crate::finding::Details;
use crate::report::testing::synthetic;

/// A finding of `fix` about the reference inventory's resource `arn`.
fn finding(fix: FixId, arn: &str, attribute: &str, details: serde_json::Value) -> Finding {
    let inventory = Inventory::reference();
    let mut f = synthetic(1).findings.remove(0);
    inventory.aws.for_each_resource(|kind, meta| {
        if meta.arn == arn {
            f.resource.arn = meta.arn.clone();
            f.resource.id = meta.id.clone();
            f.resource.resource_type = kind.to_owned();
        }
    });
    assert_eq!(f.resource.arn, arn, "not in the reference inventory");
    f.attribute = attribute.to_owned();
    f.remediation.fix = Some(fix);
    let raw = details.as_object().cloned().unwrap_or_default();
    f.details = Details::new(raw, Some(fix)).unwrap();
    f
}

fn plan(f: &Finding, inventory: &Inventory) -> Planned {
    actions(f, true, inventory, &Config::default_config().architecture)
}

const TASK_ROLE: &str = "arn:aws:iam::123456789012:role/archaudit-app-task";

#[test]
fn only_an_inline_policy_that_grants_every_action_is_deleted() {
    let mut inventory = Inventory::reference();
    let f = finding(
        FixId::DeleteRolePolicy,
        TASK_ROLE,
        "app-logs:action:*",
        json!({"inline_policy": "app-logs"}),
    );
    let mixed = plan(&f, &inventory).unwrap_err();
    assert!(
        mixed.contains("also grants specific permissions"),
        "{mixed}"
    );
    let role = inventory
        .aws
        .iam
        .roles
        .iter_mut()
        .find(|r| r.meta.arn == TASK_ROLE);
    let policy = &mut role.unwrap().inline_policies[0];
    for st in &mut policy.document.statements {
        st.action = vec!["*".to_owned()];
    }
    assert_eq!(
        plan(&f, &inventory),
        Ok(vec![Action::DeleteRolePolicy {
            role: "archaudit-app-task".into(),
            policy_name: "app-logs".into()
        }])
    );
    let managed = finding(
        FixId::DeleteRolePolicy,
        TASK_ROLE,
        "x:action:*",
        json!({"managed_policy": "arn:aws:iam::123456789012:policy/x"}),
    );
    assert!(plan(&managed, &inventory)
        .unwrap_err()
        .contains("comes from a managed policy"));
}

#[test]
fn what_the_planner_cannot_fill_with_certainty_is_left_to_a_person() {
    let inventory = Inventory::reference();
    let bucket = inventory.aws.s3.buckets[0].meta.arn.clone();
    // No NAT gateway in the AZ: the policy gives no route.
    let rt = inventory.aws.ec2.route_tables[0].meta.arn.clone();
    let f = finding(FixId::RouteToNat, &rt, "routes", json!({}));
    assert!(plan(&f, &inventory).unwrap_err().contains("no NAT gateway"));
    // Carried over from the baseline: not re-checked tonight.
    let mut f = finding(FixId::EnableVersioning, &bucket, "versioning", json!({}));
    assert_eq!(
        plan(&f, &inventory),
        Ok(vec![Action::EnableVersioning {
            bucket: inventory.aws.s3.buckets[0].meta.id.clone()
        }])
    );
    f.carried_over = Some("gap".into());
    assert!(plan(&f, &inventory).unwrap_err().contains("carried over"));
    // Drift on an attribute the fix does not change.
    let f = finding(FixId::EnableVersioning, &bucket, "tags", json!({}));
    assert!(plan(&f, &inventory)
        .unwrap_err()
        .contains("does not cover drift on `tags`"));
    // Not in the inventory.
    let f = finding(FixId::EnableVersioning, &bucket, "versioning", json!({}));
    let config = Config::default_config();
    assert!(actions(&f, false, &inventory, &config.architecture)
        .unwrap_err()
        .contains("is not in the inventory"));
}

#[test]
fn unknown_encryption_is_not_missing_encryption() {
    let mut inventory = Inventory::reference();
    let arn = inventory.aws.s3.buckets[0].meta.arn.clone();
    let f = finding(FixId::EnableVersioning, &arn, "encryption", json!({}));
    // The reference bucket is encrypted: changing its kind is a decision.
    assert!(plan(&f, &inventory)
        .unwrap_err()
        .contains("encryption of another kind"));
    inventory.aws.s3.buckets[0].encryption = None;
    assert!(plan(&f, &inventory).unwrap_err().contains("was not read"));
    inventory.aws.s3.buckets[0].encryption = Some(crate::inventory::s3::Encryption {
        algorithm: "none".into(),
        kms_key_id: None,
        bucket_key_enabled: false,
    });
    assert!(matches!(
        plan(&f, &inventory).unwrap().as_slice(),
        [Action::PutBucketEncryption { .. }]
    ));
}

#[test]
fn a_change_outside_aws_limits_or_the_spec_is_left_to_a_person_never_planned() {
    // Whatever a policy (a user's, say) puts in the details, the planner applies only what the
    // documented bounds and AWS accept.
    let inventory = Inventory::reference();
    let group = inventory.aws.logs.log_groups[0].meta.arn.clone();
    let with = |days: i32| {
        let f = finding(
            FixId::PutRetention,
            &group,
            "retention_in_days",
            json!({ "retention_in_days": days }),
        );
        plan(&f, &inventory)
    };
    assert!(with(30).is_ok());
    assert!(with(99_999)
        .unwrap_err()
        .contains("not a value CloudWatch Logs accepts"));
    assert!(with(1).unwrap_err().contains("documented bounds"));
}
