//! The catalogue of fix actions: one example of every [`Action`], with `<placeholders>` for
//! what a finding fills in, and the fix id that plans it. It is the one place the commands
//! are shown from: `docs/fix.md`'s table is rendered from it ([`markdown_table`], a test
//! compares), and a test checks every command the policies spell for the same operation and
//! flags against it. The commands themselves come from [`Action::cli`], which is also what a
//! report prints for a fixable finding.

use serde_json::json;

use super::action::{Action, Alarm, Ingress};
use crate::finding::fix::FixId;

impl Action {
    /// The fix that plans this action.
    pub fn fix_id(&self) -> FixId {
        use Action::*;
        match self {
            RevokeIngress { .. } | AuthorizeIngress { .. } => FixId::RevokeIngress,
            SetHttpsRedirect { .. } => FixId::SetHttpsRedirect,
            SetTlsPolicy { .. } => FixId::SetTlsPolicy,
            DeleteListener { .. } => FixId::DeleteListener,
            EnableVersioning { .. } | PutBucketEncryption { .. } => FixId::EnableVersioning,
            BlockPublicAccess { .. } => FixId::BlockPublicAccess,
            DetachRolePolicy { .. } => FixId::DetachRolePolicy,
            DeleteRolePolicy { .. } => FixId::DeleteRolePolicy,
            RestoreTrustPolicy { .. } => FixId::RestoreTrustPolicy,
            DeactivateAccessKey { .. } => FixId::DeactivateAccessKey,
            PutAlarm { .. } => FixId::PutAlarm,
            PutRetention { .. } => FixId::PutRetention,
            SetNetworkConfiguration { .. } => FixId::SetNetworkConfiguration,
            SetDesiredCount { .. } => FixId::SetDesiredCount,
            EnableCircuitBreaker { .. } => FixId::EnableCircuitBreaker,
            RegisterScalableTarget { .. } | PutScalingPolicy { .. } => FixId::RestoreScaling,
            ReleaseAddress { .. } => FixId::ReleaseAddress,
            DeleteSecretPolicy { .. } => FixId::DeleteSecretPolicy,
            DisableSubnetPublicIp { .. } => FixId::DisableSubnetPublicIp,
            RouteToNat { .. } => FixId::RouteToNat,
        }
    }

    /// The action's name in a plan (`revoke_ingress`).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v["action"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

fn s(placeholder: &str) -> String {
    format!("<{placeholder}>")
}

fn alarm(ok_actions: Vec<String>) -> Alarm {
    Alarm {
        name: s("alarm-name"),
        namespace: s("namespace"),
        metric: s("metric"),
        cluster: s("cluster"),
        service: s("service"),
        statistic: s("statistic"),
        period: 300,
        evaluation_periods: 2,
        threshold: 80.0,
        comparison: s("comparison-operator"),
        actions: vec![s("sns-topic-arn")],
        ok_actions,
    }
}

/// One example of every action (of some, one per form of its command), by area.
pub fn examples() -> Vec<Action> {
    [network(), edge(), identity(), service()].concat()
}

/// EC2: security groups, addresses, subnets, routes.
fn network() -> Vec<Action> {
    use Action::*;
    let rule = |cidr: Option<&str>, group: Option<&str>| Ingress {
        protocol: "tcp".into(),
        port: 443,
        cidr: cidr.map(s),
        source_group: group.map(s),
    };
    vec![
        RevokeIngress {
            group_id: s("sg-id"),
            rule_id: s("sgr-id"),
        },
        AuthorizeIngress {
            group_id: s("sg-id"),
            rule: rule(Some("cidr"), None),
        },
        AuthorizeIngress {
            group_id: s("sg-id"),
            rule: rule(Some("ipv6:cidr"), None),
        },
        AuthorizeIngress {
            group_id: s("sg-id"),
            rule: rule(None, Some("source-sg-id")),
        },
        ReleaseAddress {
            allocation_id: s("allocation-id"),
        },
        DisableSubnetPublicIp {
            subnet_id: s("subnet-id"),
        },
        RouteToNat {
            route_table_id: s("rtb-id"),
            destination: "0.0.0.0/0".into(),
            nat_gateway_id: s("nat-id"),
            replace: true,
        },
        RouteToNat {
            route_table_id: s("rtb-id"),
            destination: "0.0.0.0/0".into(),
            nat_gateway_id: s("nat-id"),
            replace: false,
        },
    ]
}

/// The load balancer's listeners and the state bucket.
fn edge() -> Vec<Action> {
    use Action::*;
    vec![
        SetHttpsRedirect {
            listener_arn: s("listener-arn"),
            port: 443,
            status: "HTTP_301".into(),
        },
        SetTlsPolicy {
            listener_arn: s("listener-arn"),
            ssl_policy: s("ssl-policy"),
            certificate_arn: None,
        },
        SetTlsPolicy {
            listener_arn: s("listener-arn"),
            ssl_policy: s("ssl-policy"),
            certificate_arn: Some(s("cert-arn")),
        },
        DeleteListener {
            listener_arn: s("listener-arn"),
        },
        EnableVersioning {
            bucket: s("bucket"),
        },
        PutBucketEncryption {
            bucket: s("bucket"),
            algorithm: s("algorithm"),
            bucket_key: true,
        },
        BlockPublicAccess {
            bucket: s("bucket"),
        },
    ]
}

/// IAM roles and users, and secrets' policies.
fn identity() -> Vec<Action> {
    use Action::*;
    vec![
        DetachRolePolicy {
            role: s("role"),
            policy_arn: s("policy-arn"),
        },
        DeleteRolePolicy {
            role: s("role"),
            policy_name: s("policy-name"),
        },
        RestoreTrustPolicy {
            role: s("role"),
            document: json!(s("trust-policy-json")),
        },
        DeactivateAccessKey {
            user: s("user"),
            key_id: s("key-id"),
        },
        DeleteSecretPolicy {
            secret_arn: s("secret-arn"),
        },
    ]
}

/// The ECS service: alarms, logs, network, count, deployments, scaling.
fn service() -> Vec<Action> {
    use Action::*;
    vec![
        PutAlarm {
            alarm: alarm(Vec::new()),
        },
        PutAlarm {
            alarm: alarm(vec![s("sns-topic-arn")]),
        },
        PutRetention {
            log_group: s("log-group"),
            days: 30,
        },
        SetNetworkConfiguration {
            cluster: s("cluster"),
            service: s("service"),
            subnets: vec![s("private-subnets")],
            security_groups: vec![s("security-groups")],
        },
        SetDesiredCount {
            cluster: s("cluster"),
            service: s("service"),
            count: 2,
        },
        EnableCircuitBreaker {
            cluster: s("cluster"),
            service: s("service"),
            maximum_percent: None,
            minimum_healthy_percent: None,
        },
        RegisterScalableTarget {
            resource_id: s("resource-id"),
            min_capacity: 2,
            max_capacity: 6,
        },
        PutScalingPolicy {
            resource_id: s("resource-id"),
            metric: s("metric"),
            target_value: 70.0,
        },
    ]
}

/// The table of `docs/fix.md`: per action its fix id, IAM permission, command and blast
/// radius (one row per action; its first example's command).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| action | planned by fix | IAM permission | AWS CLI equivalent | blast radius |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut seen = std::collections::BTreeSet::new();
    for a in examples() {
        if !seen.insert(a.name()) {
            continue;
        }
        let permission = match &a {
            Action::RouteToNat { .. } => "ec2:ReplaceRoute (ec2:CreateRoute when absent)",
            other => other.permission(),
        };
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | `{}` | {}{} |\n",
            a.name(),
            a.fix_id(),
            permission,
            a.cli().replace('|', "\\|"),
            a.blast_radius(),
            a.warning()
                .map(|w| format!(" (warning: {w})"))
                .unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_action_has_an_example() {
        let schema = serde_json::to_value(schemars::schema_for!(Action)).unwrap();
        let mut variants = BTreeSet::new();
        for v in schema["oneOf"].as_array().unwrap() {
            let tag = &v["properties"]["action"]["enum"][0];
            variants.insert(tag.as_str().unwrap().to_owned());
        }
        let named: BTreeSet<String> = examples().iter().map(Action::name).collect();
        assert_eq!(variants, named);
        // And every fix id plans at least one of them.
        let planned: BTreeSet<FixId> = examples().iter().map(Action::fix_id).collect();
        assert_eq!(planned.len(), FixId::ALL.len());
    }

    #[test]
    fn docs_fix_md_holds_the_table_of_actions() {
        let doc = include_str!("../../docs/fix.md");
        let table = markdown_table();
        assert!(
            doc.contains(&table),
            "docs/fix.md does not hold the current table of actions; replace it with:\n\n{table}"
        );
    }
}
