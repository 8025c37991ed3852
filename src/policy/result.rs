//! Findings from `deny` results: the resource each names (looked up in the typed inventory),
//! the fingerprint, and the remediation command with the placeholders it can fill.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Policy, PolicyError};
use crate::finding::{fingerprint, Finding, ResourceRef};
use crate::inventory::Inventory;

/// ARN → resource reference for the resources findings name (typically few), read from the
/// typed inventory without re-serializing it.
pub(super) struct ResourceIndex {
    by_arn: HashMap<String, ResourceRef>,
    account: ResourceRef,
}

impl ResourceIndex {
    pub(super) fn new(inventory: &Inventory, wanted: &BTreeSet<&str>) -> ResourceIndex {
        let mut by_arn = HashMap::new();
        inventory.aws.for_each_resource(|kind, meta| {
            if wanted.contains(meta.arn.as_str()) {
                by_arn.insert(
                    meta.arn.clone(),
                    ResourceRef {
                        arn: meta.arn.clone(),
                        id: meta.id.clone(),
                        resource_type: kind.to_owned(),
                        region: meta.region.clone(),
                        account_id: meta.account_id.clone(),
                    },
                );
            }
        });
        let account = ResourceRef {
            arn: format!(
                "arn:{}:iam::{}:root",
                inventory.meta.partition, inventory.meta.account_id
            ),
            id: inventory.meta.account_id.clone(),
            resource_type: "account".to_owned(),
            region: "global".to_owned(),
            account_id: inventory.meta.account_id.clone(),
        };
        ResourceIndex { by_arn, account }
    }

    fn get(&self, arn: &str) -> ResourceRef {
        if arn == self.account.arn {
            return self.account.clone();
        }
        self.by_arn
            .get(arn)
            .cloned()
            .unwrap_or_else(|| ResourceRef {
                arn: arn.to_owned(),
                id: arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned(),
                resource_type: "unknown".to_owned(),
                region: arn
                    .split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("global")
                    .to_owned(),
                account_id: self.account.account_id.clone(),
            })
    }
}

pub(super) fn to_finding(
    policy: &Policy,
    r: &Value,
    index: &ResourceIndex,
) -> Result<Finding, PolicyError> {
    let bad = |m: &str| PolicyError::Eval {
        path: policy.path.clone(),
        line: policy.deny_line,
        package: policy.package.clone(),
        message: format!("malformed finding {r}: {m}"),
    };
    let msg = r
        .get("msg")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`msg` must be a string"))?;
    let arn = r
        .get("arn")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`arn` must be a string"))?;
    let attribute = r
        .get("attribute")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let custom = &policy.meta.custom;
    let resource = index.get(arn);
    let mut remediation = custom.remediation.clone();
    remediation.cli = remediation
        .cli
        .map(|cli| fill_placeholders(&cli, &resource, attribute));
    Ok(Finding {
        policy_id: custom.id.clone(),
        severity: custom.severity,
        title: policy.meta.title.clone(),
        message: msg.to_owned(),
        resource,
        expected: r.get("expected").cloned().unwrap_or(Value::Null),
        actual: r.get("actual").cloned().unwrap_or(Value::Null),
        remediation,
        fix: custom.remediation.fix.clone(),
        fingerprint: fingerprint(&custom.id, arn, attribute),
        waived: None,
    })
}

/// Fills the remediation command's placeholders that name the finding's own resource, so the
/// command in the report can be run as is (`<sg-id>` on a security group finding becomes its
/// id, `<sgr-id>` the drifted rule's id). Placeholders for other resources stay.
pub fn fill_placeholders(cli: &str, resource: &ResourceRef, attribute: &str) -> String {
    let own: &[&str] = match resource.resource_type.as_str() {
        "ec2.security_groups" => &["<sg-id>"],
        "ec2.subnets" => &["<subnet-id>", "<public-subnet-id>"],
        "ec2.route_tables" => &["<rtb-id>"],
        "ec2.elastic_ips" => &["<allocation-id>"],
        "s3.buckets" => &["<bucket>"],
        "iam.roles" => &["<role>"],
        "iam.users" => &["<user>"],
        "logs.log_groups" => &["<name>"],
        "ecs.services" => &["<service>"],
        _ => &[],
    };
    let own_arn: &[&str] = match resource.resource_type.as_str() {
        "elbv2.listeners" => &["<listener-arn>"],
        "elbv2.load_balancers" => &["<alb-arn>"],
        "elbv2.target_groups" => &["<tg-arn>"],
        "secretsmanager.secrets" => &["<secret-arn>"],
        _ => &[],
    };
    let mut out = cli.to_owned();
    for p in own {
        out = out.replace(p, &resource.id);
    }
    for p in own_arn {
        out = out.replace(p, &resource.arn);
    }
    if resource.resource_type == "ecs.services" {
        if let Some(cluster) = resource.arn.split('/').rev().nth(1) {
            out = out.replace("<cluster>", cluster);
        }
    }
    if let Some(rule) = attribute
        .strip_prefix("ingress:")
        .filter(|r| r.starts_with("sgr-"))
    {
        out = out.replace("<sgr-id>", rule);
    }
    if let Some(metric) = attribute.strip_prefix("alarm:") {
        out = out.replace("<metric>", metric);
    }
    if let Some(key) = attribute.strip_prefix("access_keys:") {
        out = out.replace("<key-id>", key);
    }
    if let Some(policy) = attribute.strip_prefix("attached_policies:") {
        out = out.replace("<policy-arn>", policy);
    }
    out
}
