//! The fix contract: ids, typed details, attributes, and docs/fix.md's statement of it.

use super::*;

fn map(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn every_fix_changes_a_kind_the_inventory_defines() {
    let kinds: Vec<&str> = crate::inventory::kinds().collect();
    for f in FixId::ALL {
        assert!(kinds.contains(&f.kind()), "{f}: {}", f.kind());
        let (svc, kind) = f.kind().split_once('.').unwrap_or_default();
        let singular = f
            .resource_type()
            .strip_prefix(&format!("aws.{svc}."))
            .unwrap();
        assert!(
            kind.starts_with(singular),
            "{f}: {} vs {}",
            f.kind(),
            f.resource_type()
        );
        assert_eq!(f.as_str().parse::<FixId>(), Ok(*f));
        assert_eq!(f.parse(&Map::new()).map(|p| p.id()).ok(), {
            // Every fix accepts empty details (then it plans a manual entry, not a guess).
            Some(*f)
        });
    }
    assert!("ec2.revoke_ingres"
        .parse::<FixId>()
        .unwrap_err()
        .contains("ec2.revoke_ingress"));
}

#[test]
fn details_are_typed_and_unknown_keys_refused() {
    let ok = FixId::PutRetention.parse(&map(serde_json::json!({"retention_in_days": 30})));
    assert_eq!(
        ok,
        Ok(Fix::PutRetention(RetentionParams {
            retention_in_days: Some(30)
        }))
    );
    let renamed = FixId::DeleteRolePolicy
        .parse(&map(serde_json::json!({"inline_policy_name": "admin"})))
        .unwrap_err();
    assert!(
        renamed.contains("unknown field `inline_policy_name`"),
        "{renamed}"
    );
    let wrong_type = FixId::PutRetention
        .parse(&map(serde_json::json!({"retention_in_days": "30"})))
        .unwrap_err();
    assert!(wrong_type.contains("invalid type"), "{wrong_type}");
    let none = FixId::SetDesiredCount
        .parse(&map(serde_json::json!({"count": 2})))
        .unwrap_err();
    assert!(none.contains("unknown field `count`"), "{none}");
    // A route is all four keys or none.
    let partial = FixId::RouteToNat
        .parse(&map(serde_json::json!({"route_table_id": "rtb-1"})))
        .unwrap_err();
    assert!(partial.contains("missing field"), "{partial}");
}

#[test]
fn docs_fix_md_states_every_fix_contract() {
    let doc = include_str!("../../../docs/fix.md");
    for f in FixId::ALL {
        let head = format!("| `{f}` | `{}` |", f.resource_type());
        let row = doc
            .lines()
            .find(|l| l.starts_with(&head))
            .unwrap_or_else(|| panic!("docs/fix.md has no contract row `{head}`"));
        for key in f.needed_keys() {
            assert!(row.contains(&format!("**`{key}`**")), "{f}: {key} in {row}");
        }
    }
}

#[test]
fn attributes_parse_in_one_place() {
    assert_eq!(
        Drifted::parse("ingress:sgr-1"),
        Drifted::IngressRule("sgr-1")
    );
    assert_eq!(
        Drifted::parse("ingress:missing:443:0.0.0.0/0"),
        Drifted::MissingIngress
    );
    assert_eq!(
        Drifted::parse("ingress:tcp-22"),
        Drifted::Field("ingress:tcp-22")
    );
    assert_eq!(
        Drifted::parse("attached_policies:arn:aws:iam::aws:policy/A"),
        Drifted::AttachedPolicy("arn:aws:iam::aws:policy/A")
    );
    assert_eq!(
        Drifted::parse("access_keys:AKIA1"),
        Drifted::AccessKey("AKIA1")
    );
    assert_eq!(
        Drifted::parse("alarm:CPUUtilization"),
        Drifted::Alarm("CPUUtilization")
    );
    assert_eq!(
        Drifted::parse("scaling_policy:M"),
        Drifted::ScalingPolicy("M")
    );
    assert_eq!(Drifted::parse("versioning"), Drifted::Field("versioning"));
}
