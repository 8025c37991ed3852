//! The live side of the comparison: every inventory resource with the attributes drift
//! compares, in the same normalized form the state adapter builds, and whether it is an AWS
//! default.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::LiveRef;
use crate::inventory::ec2::rule_set;
use crate::inventory::{Aws, ResourceMeta};

/// A live resource and what drift compares on it. An attribute mapped to `None` is unknown
/// (not collected): its comparison cannot be made.
#[derive(Debug, Clone)]
pub(super) struct Live {
    pub r: LiveRef,
    pub attrs: BTreeMap<&'static str, Option<Value>>,
    pub is_default: bool,
}

fn reference(kind: &'static str, meta: &ResourceMeta) -> LiveRef {
    LiveRef {
        kind,
        arn: meta.arn.clone(),
        id: meta.id.clone(),
        region: meta.region.clone(),
        account_id: meta.account_id.clone(),
        name: meta.tags.as_ref().and_then(|t| t.get("Name").cloned()),
    }
}

/// A value the inventory holds (`None` when it was not observed, or the resource lists the
/// attribute as unknown).
fn known<T: serde::Serialize>(meta: &ResourceMeta, name: &str, v: Option<&T>) -> Option<Value> {
    if meta.unknown.contains(name) {
        return None;
    }
    v.and_then(|v| serde_json::to_value(v).ok())
}

/// Every live resource, in inventory order.
pub(super) fn resources(aws: &Aws) -> Vec<Live> {
    let mut attrs: BTreeMap<(&str, &str), BTreeMap<&'static str, Option<Value>>> = BTreeMap::new();
    let mut defaults: BTreeSet<(&str, &str)> = BTreeSet::new();
    let ec2 = &aws.ec2;
    let default_vpcs: BTreeSet<&str> = ec2
        .vpcs
        .iter()
        .filter(|v| v.is_default)
        .map(|v| v.meta.id.as_str())
        .collect();
    for v in ec2.vpcs.iter().filter(|v| v.is_default) {
        defaults.insert(("ec2.vpcs", &v.meta.arn));
    }
    for s in ec2.subnets.iter().filter(|s| s.default_for_az) {
        defaults.insert(("ec2.subnets", &s.meta.arn));
    }
    for rt in ec2.route_tables.iter().filter(|r| r.main) {
        defaults.insert(("ec2.route_tables", &rt.meta.arn));
    }
    for g in &ec2.internet_gateways {
        if g.attached_vpcs
            .iter()
            .any(|v| default_vpcs.contains(v.as_str()))
        {
            defaults.insert(("ec2.internet_gateways", &g.meta.arn));
        }
    }
    for sg in &ec2.security_groups {
        if sg.name == "default" {
            defaults.insert(("ec2.security_groups", &sg.meta.arn));
        }
        let set = |rules: &Option<Vec<_>>| rules.as_ref().map(|r: &Vec<_>| rule_set(r.clone()));
        let mut a = BTreeMap::new();
        a.insert(
            "ingress",
            set(&sg.ingress).filter(|_| !sg.meta.unknown.contains("ingress")),
        );
        a.insert(
            "egress",
            set(&sg.egress).filter(|_| !sg.meta.unknown.contains("egress")),
        );
        attrs.insert(("ec2.security_groups", &sg.meta.arn), a);
    }
    for l in &aws.elbv2.listeners {
        let mut a = BTreeMap::new();
        a.insert("port", known(&l.meta, "port", Some(&l.port)));
        a.insert("protocol", known(&l.meta, "protocol", Some(&l.protocol)));
        a.insert(
            "ssl_policy",
            known(&l.meta, "ssl_policy", l.ssl_policy.as_ref()),
        );
        a.insert(
            "default_actions",
            known(&l.meta, "default_actions", Some(&l.default_actions)),
        );
        attrs.insert(("elbv2.listeners", &l.meta.arn), a);
    }
    for s in &aws.ecs.services {
        let mut a = BTreeMap::new();
        a.insert(
            "desired_count",
            known(&s.meta, "desired_count", Some(&s.desired_count)),
        );
        a.insert(
            "assign_public_ip",
            known(
                &s.meta,
                "network",
                s.network.as_ref().map(|n| &n.assign_public_ip),
            ),
        );
        attrs.insert(("ecs.services", &s.meta.arn), a);
    }
    for b in &aws.s3.buckets {
        let mut a = BTreeMap::new();
        a.insert(
            "versioning",
            known(&b.meta, "versioning", b.versioning.as_ref()),
        );
        a.insert(
            "encryption",
            known(&b.meta, "encryption", b.encryption.as_ref()),
        );
        a.insert(
            "public_access_block",
            known(
                &b.meta,
                "public_access_block",
                b.public_access_block.as_ref(),
            ),
        );
        attrs.insert(("s3.buckets", &b.meta.arn), a);
    }
    for alarm in &aws.cloudwatch.alarms {
        if alarm.meta.id.starts_with("TargetTracking-") {
            defaults.insert(("cloudwatch.alarms", &alarm.meta.arn));
        }
        let mut a = BTreeMap::new();
        a.insert(
            "threshold",
            known(&alarm.meta, "threshold", alarm.threshold.as_ref()),
        );
        a.insert(
            "comparison_operator",
            known(
                &alarm.meta,
                "comparison_operator",
                Some(&alarm.comparison_operator),
            ),
        );
        attrs.insert(("cloudwatch.alarms", &alarm.meta.arn), a);
    }
    for g in &aws.logs.log_groups {
        let retention = if g.meta.unknown.contains("retention_in_days") {
            None
        } else {
            Some(g.retention_in_days.map_or(Value::Null, Value::from))
        };
        let mut a = BTreeMap::new();
        a.insert("retention_in_days", retention);
        attrs.insert(("logs.log_groups", &g.meta.arn), a);
    }
    for r in &aws.iam.roles {
        if r.path.starts_with("/aws-service-role/") || r.path.starts_with("/aws-reserved/") {
            defaults.insert(("iam.roles", &r.meta.arn));
        }
    }
    for p in aws.iam.policies.iter().filter(|p| p.aws_managed) {
        defaults.insert(("iam.policies", &p.meta.arn));
    }
    // Deleted NAT gateways stay visible for about an hour: they are not live.
    let gone: BTreeSet<&str> = ec2
        .nat_gateways
        .iter()
        .filter(|n| matches!(n.state.as_str(), "deleted" | "deleting" | "failed"))
        .map(|n| n.meta.arn.as_str())
        .collect();
    let mut out = Vec::new();
    aws.for_each_resource(|kind, meta| {
        if gone.contains(meta.arn.as_str()) {
            return;
        }
        let key = (kind, meta.arn.as_str());
        out.push(Live {
            r: reference(kind, meta),
            attrs: attrs.get(&key).cloned().unwrap_or_default(),
            is_default: defaults.contains(&key),
        });
    });
    out
}
