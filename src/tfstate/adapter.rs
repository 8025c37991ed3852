//! Terraform resource types → inventory kinds: which kind and ids each managed `aws_*`
//! resource stands for, and the attributes it fixes, in the inventory's own normalized form
//! (built with the same normalizers the collectors use, so one value has one form whichever
//! side it came from).
//!
//! Three classes of type:
//! - **mapped**: the resource is an object of an inventory kind (`aws_vpc` → `ec2.vpcs`);
//! - **folded**: it configures a mapped object (`aws_s3_bucket_versioning`,
//!   `aws_security_group_rule`, `aws_route`) and adds to that object's expected attributes;
//! - **unsupported**: everything else, counted and listed by type, never dropped silently.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fold::Folds;
use super::values::{action, blocks, direction_key, inline_rules, to_value};
use super::{Declarations, Declared, Instance, Resource, State};
use crate::inventory::ec2::{rule_set, SecurityGroupRule};
use crate::inventory::elbv2::{sort_actions, Action};
use crate::inventory::Terraform;

/// Mapped types: Terraform type → (kind, attributes holding its ids, best first), as each
/// kind's registration declares them (`inventory::registry::Terraform`), in inventory order.
fn mapped() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    crate::inventory::terraform_kinds()
        .flat_map(|(kind, how)| match how {
            Terraform::Declared { types, ids } => {
                types.iter().map(|t| (*t, kind, ids)).collect::<Vec<_>>()
            }
            Terraform::Setting { .. } => Vec::new(),
        })
        .collect()
}

/// Types that configure an account-level setting (a singleton kind).
fn settings() -> impl Iterator<Item = &'static str> {
    crate::inventory::terraform_kinds().filter_map(|(_, how)| match how {
        Terraform::Setting { resource_type } => Some(resource_type),
        Terraform::Declared { .. } => None,
    })
}

/// Folded types: they configure an object of a mapped type (their content, where archaudit
/// compares it, is added to that object's expected attributes).
const FOLDED: &[&str] = &[
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway_attachment",
    "aws_eip_association",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_lb_listener_certificate",
    "aws_ecs_cluster_capacity_providers",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_secretsmanager_secret_version",
    "aws_secretsmanager_secret_rotation",
    "aws_secretsmanager_secret_policy",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
    "aws_acm_certificate_validation",
];

/// The inventory kind a Terraform type maps to, if it is mapped.
pub fn kind_of(resource_type: &str) -> Option<&'static str> {
    mapped()
        .into_iter()
        .find(|(t, _, _)| *t == resource_type)
        .map(|(_, k, _)| k)
}

/// The Terraform type that declares objects of an inventory kind (for `import` blocks).
pub fn type_of(kind: &str) -> Option<&'static str> {
    mapped()
        .into_iter()
        .find(|(_, k, _)| *k == kind)
        .map(|(t, _, _)| t)
}

/// Whether a Terraform type is folded into a mapped object (every `aws_s3_bucket_*`
/// sub-resource is) or configures an account-level setting.
pub fn is_folded(resource_type: &str) -> bool {
    FOLDED.contains(&resource_type)
        || settings().any(|t| t == resource_type)
        || (resource_type.starts_with("aws_s3_bucket_") && kind_of(resource_type).is_none())
}

/// Sorts every managed instance of `states` into objects, folded sub-resources and
/// unsupported types, and computes each object's expected attributes.
pub fn declarations(states: &[State]) -> Declarations {
    let mut out = Declarations::default();
    let mut folds = Folds::default();
    let mapped = mapped();
    for state in states {
        for r in states_resources(state) {
            for i in r.instances.iter().filter(|i| !i.is_deposed()) {
                let address = r.address(i);
                let found = mapped
                    .iter()
                    .find(|(t, _, _)| *t == r.resource_type)
                    .filter(|_| collected(&r.resource_type, i));
                if let Some((_, kind, keys)) = found {
                    let keys: Vec<String> = keys
                        .iter()
                        .filter_map(|k| i.str(k).map(str::to_owned))
                        .collect();
                    let region = i.str("arn").and_then(arn_region);
                    out.objects.push(Declared {
                        kind,
                        address,
                        resource_type: r.resource_type.clone(),
                        source: state.source.clone(),
                        keys,
                        region,
                        expected: own_attributes(&r.resource_type, i),
                        set_by: BTreeMap::new(),
                    });
                } else if is_folded(&r.resource_type) {
                    *out.folded.entry(r.resource_type.clone()).or_default() += 1;
                    folds.add(&r.resource_type, i, &address);
                } else {
                    out.unsupported
                        .entry(r.resource_type.clone())
                        .or_default()
                        .push(format!("{}: {address}", state.source));
                }
            }
        }
    }
    for object in &mut out.objects {
        folds.apply(object);
    }
    out
}

/// Whether the inventory collects objects like this one: Application Auto Scaling is read
/// for the ECS namespace only, so another namespace's target or policy is not compared
/// (listed as unsupported) rather than reported missing.
fn collected(resource_type: &str, i: &Instance) -> bool {
    match resource_type {
        "aws_appautoscaling_target" | "aws_appautoscaling_policy" => {
            i.str("service_namespace").is_none_or(|n| n == "ecs")
        }
        _ => true,
    }
}

/// The managed resources of a state (data sources are reads, not declarations).
fn states_resources(state: &State) -> impl Iterator<Item = &Resource> {
    state.resources.iter().filter(|r| r.mode == "managed")
}

/// `arn:aws:ec2:us-east-1:…` → `us-east-1` (none for global ARNs).
fn arn_region(arn: &str) -> Option<String> {
    let region = arn.split(':').nth(3)?;
    (!region.is_empty()).then(|| region.to_owned())
}

/// The attributes a mapped resource fixes by itself.
fn own_attributes(resource_type: &str, i: &Instance) -> BTreeMap<&'static str, Value> {
    let mut out = BTreeMap::new();
    match resource_type {
        "aws_security_group" | "aws_default_security_group" => {
            let own = i.str("id").unwrap_or_default();
            for direction in ["ingress", "egress"] {
                let rules: Vec<SecurityGroupRule> = blocks(i.attr(direction))
                    .flat_map(|b| inline_rules(b, own))
                    .collect();
                out.insert(direction_key(direction), rule_set(rules));
            }
        }
        "aws_lb_listener" | "aws_alb_listener" => {
            if let Some(port) = i.attr("port").and_then(Value::as_i64) {
                out.insert("port", Value::from(port));
            }
            if let Some(protocol) = i.str("protocol") {
                out.insert("protocol", Value::from(protocol));
                if matches!(protocol, "HTTPS" | "TLS") {
                    if let Some(p) = i.str("ssl_policy") {
                        out.insert("ssl_policy", Value::from(p));
                    }
                }
            }
            let mut actions: Vec<Action> = blocks(i.attr("default_action")).map(action).collect();
            sort_actions(&mut actions);
            out.insert("default_actions", to_value(&actions));
        }
        "aws_ecs_service" => {
            if let Some(n) = i.attr("desired_count").and_then(Value::as_i64) {
                out.insert("desired_count", Value::from(n));
            }
            if let Some(net) = blocks(i.attr("network_configuration")).next() {
                let public = net.get("assign_public_ip").and_then(Value::as_bool);
                out.insert("assign_public_ip", Value::from(public.unwrap_or(false)));
            }
        }
        "aws_cloudwatch_metric_alarm" => {
            if let Some(t) = i.attr("threshold").and_then(Value::as_f64) {
                out.insert("threshold", to_value(&t));
            }
            if let Some(op) = i.str("comparison_operator") {
                out.insert("comparison_operator", Value::from(op));
            }
        }
        "aws_cloudwatch_log_group" => {
            // 0 is Terraform's "never expire", which AWS reports as no retention.
            let days = i.attr("retention_in_days").and_then(Value::as_i64);
            out.insert(
                "retention_in_days",
                days.filter(|d| *d > 0).map_or(Value::Null, Value::from),
            );
        }
        _ => {}
    }
    out
}
