//! What an action may carry: identifiers of the shape AWS gives them, values within AWS's
//! limits, and values the documented architecture allows. Checked on every step a saved plan
//! holds, when it is read (before any call), and on every action the planner makes (an
//! action that fails here is left to a person, never applied).
//!
//! The limits are AWS's documented ones: CloudWatch Logs' retention values
//! (PutRetentionPolicy), CloudWatch alarm periods (10, 20, 30 or a multiple of 60 seconds,
//! at most a day over all evaluation periods), ECS's 5,000 tasks per service, 16 subnets and
//! 5 security groups in an awsvpc configuration, IAM's name lengths and character sets.

use crate::config::Architecture;

use super::action::{Action, Ingress};

/// The retention values CloudWatch Logs accepts, in days.
pub const RETENTION_DAYS: &[i32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// ECS: tasks per service.
pub const MAX_TASKS: i32 = 5000;

mod alarm;
mod scope;
mod shapes;

use alarm::alarm;

use scope::Scope;

use shapes::{
    arn, aws_id, bucket_name, cidr, cluster_and_service, fail, name, scalable_resource, shown,
    within, Check, IAM_CHARS,
};

fn ingress(group_id: &str, rule: &Ingress, scope: &Scope<'_>) -> Check {
    aws_id("security group", "sg-", group_id)?;
    if rule.protocol != "tcp" {
        return fail(format!(
            "protocol `{}`: the documented rules are TCP",
            shown(&rule.protocol)
        ));
    }
    let documented = scope.ports();
    if !documented.contains(&rule.port) {
        return fail(format!(
            "port {} is not a documented port ({})",
            rule.port,
            documented
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match (&rule.cidr, &rule.source_group) {
        (Some(c), None) => {
            cidr("source", c)?;
            if !scope.sources().any(|d| d == c) {
                return fail(format!(
                    "source {} is not a documented source of the component",
                    shown(c)
                ));
            }
            Ok(())
        }
        (None, Some(sg)) => aws_id("source group", "sg-", sg),
        _ => fail("a rule needs exactly one source: a CIDR or a security group".to_owned()),
    }
}

impl Action {
    /// Whether the action's identifiers have AWS's shapes, its values are within AWS's limits
    /// and the documented architecture allows them: the spec of `component` (the finding's),
    /// or of any documented component when it is not known. The error names the value.
    pub fn check(&self, spec: &Architecture, component: Option<&str>) -> Result<(), String> {
        use Action::*;
        let scope = &Scope::of(spec, component);
        match self {
            RevokeIngress { group_id, rule_id } => {
                aws_id("security group", "sg-", group_id)?;
                aws_id("rule", "sgr-", rule_id)
            }
            AuthorizeIngress { group_id, rule } => ingress(group_id, rule, scope),
            SetHttpsRedirect { .. } | SetTlsPolicy { .. } => listener(self, scope),
            DeleteListener { listener_arn } => {
                arn("listener", listener_arn, "elasticloadbalancing")
            }
            EnableVersioning { bucket } | BlockPublicAccess { bucket } => bucket_name(bucket),
            PutBucketEncryption {
                bucket, algorithm, ..
            } => {
                bucket_name(bucket)?;
                let Some(b) = &spec.state_bucket else {
                    return fail("no state bucket is documented".to_owned());
                };
                one_of("encryption", algorithm, &b.encryption)
            }
            DetachRolePolicy { .. }
            | DeleteRolePolicy { .. }
            | RestoreTrustPolicy { .. }
            | DeactivateAccessKey { .. } => identity(self),
            PutAlarm { alarm: a } => alarm(a, scope),
            PutRetention { log_group, days } => retention(log_group, *days, spec),
            SetNetworkConfiguration { .. }
            | SetDesiredCount { .. }
            | EnableCircuitBreaker { .. } => ecs_service(self, scope),
            RegisterScalableTarget { .. } | PutScalingPolicy { .. } => scaling(self, scope),
            ReleaseAddress { allocation_id } => aws_id("allocation", "eipalloc-", allocation_id),
            DeleteSecretPolicy { secret_arn } => arn("secret", secret_arn, "secretsmanager"),
            DisableSubnetPublicIp { subnet_id } => aws_id("subnet", "subnet-", subnet_id),
            RouteToNat {
                route_table_id,
                destination,
                nat_gateway_id,
                ..
            } => {
                aws_id("route table", "rtb-", route_table_id)?;
                cidr("destination", destination)?;
                aws_id("NAT gateway", "nat-", nat_gateway_id)
            }
        }
    }
}

/// `value` is one of the documented `allowed`.
fn one_of(what: &str, value: &str, allowed: &[String]) -> Check {
    if allowed.iter().any(|a| a == value) {
        return Ok(());
    }
    fail(format!(
        "{what} `{}` is not a documented one ({})",
        shown(value),
        allowed.join(", ")
    ))
}

/// The HTTP listener's redirect, the HTTPS listener's TLS policy and certificate.
fn listener(a: &Action, scope: &Scope<'_>) -> Check {
    let https: Vec<_> = scope
        .load_balancers
        .iter()
        .filter_map(|lb| lb.https.as_ref())
        .collect();
    let redirects: Vec<String> = scope
        .load_balancers
        .iter()
        .filter_map(|lb| lb.http.as_ref()?.redirect_status.clone())
        .collect();
    match a {
        Action::SetHttpsRedirect {
            listener_arn,
            port,
            status,
        } => {
            arn("listener", listener_arn, "elasticloadbalancing")?;
            if !https.iter().any(|h| h.port == *port) {
                return fail(format!(
                    "redirect to port {port}: no documented HTTPS listener is on it"
                ));
            }
            one_of("redirect status", status, &redirects)
        }
        Action::SetTlsPolicy {
            listener_arn,
            ssl_policy,
            certificate_arn,
        } => {
            arn("listener", listener_arn, "elasticloadbalancing")?;
            let policies: Vec<String> = https
                .iter()
                .flat_map(|h| h.tls_policies.iter().cloned())
                .collect();
            one_of("TLS policy", ssl_policy, &policies)?;
            certificate_arn
                .as_deref()
                .map_or(Ok(()), |c| arn("certificate", c, "acm"))
        }
        other => fail(format!("{} is not a listener change", other.permission())),
    }
}

/// IAM: role and user names, policy ARNs and names, trust documents, access key ids.
fn identity(a: &Action) -> Check {
    match a {
        Action::DetachRolePolicy { role, policy_arn } => {
            name("role", role, 64, IAM_CHARS)?;
            arn("policy", policy_arn, "iam")
        }
        Action::DeleteRolePolicy { role, policy_name } => {
            name("role", role, 64, IAM_CHARS)?;
            name("policy", policy_name, 128, IAM_CHARS)
        }
        Action::RestoreTrustPolicy { role, document } => {
            name("role", role, 64, IAM_CHARS)?;
            match document.get("Statement") {
                Some(serde_json::Value::Array(s)) if !s.is_empty() => Ok(()),
                _ => fail("the trust policy has no statements".to_owned()),
            }
        }
        Action::DeactivateAccessKey { user, key_id } => {
            name("user", user, 64, IAM_CHARS)?;
            let ok = (16..=128).contains(&key_id.len())
                && key_id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if ok {
                Ok(())
            } else {
                fail(format!("access key `{}` is not a key id", shown(key_id)))
            }
        }
        other => fail(format!("{} is not an IAM change", other.permission())),
    }
}

/// A retention CloudWatch Logs accepts, within the documented bounds.
fn retention(log_group: &str, days: i32, spec: &Architecture) -> Check {
    name("log group", log_group, 512, "._-/#")?;
    if !RETENTION_DAYS.contains(&days) {
        return fail(format!(
            "retention of {days} days is not a value CloudWatch Logs accepts"
        ));
    }
    let Some(logs) = &spec.logs else {
        return fail("no log retention is documented".to_owned());
    };
    let lo = i64::from(logs.min_retention_days);
    let hi = i64::from(*logs.max_retention_days.get_ref());
    within(
        "retention",
        i64::from(days),
        lo,
        hi,
        "the documented bounds, in days",
    )
}

/// The service's network configuration, desired count and deployment configuration.
fn ecs_service(a: &Action, scope: &Scope<'_>) -> Check {
    let tasks = |what: &str, n: i32| {
        let Some(min) = scope.min_tasks() else {
            return fail(format!(
                "{what}: no desired count is documented for the service"
            ));
        };
        let why = "the documented bounds and ECS's tasks per service";
        within(what, i64::from(n), min, scope.max_tasks(), why)
    };
    match a {
        Action::SetNetworkConfiguration {
            cluster,
            service,
            subnets,
            security_groups,
        } => {
            cluster_and_service(cluster, service)?;
            within("subnets", subnets.len() as i64, 1, 16, "awsvpc")?;
            within(
                "security groups",
                security_groups.len() as i64,
                1,
                5,
                "awsvpc",
            )?;
            subnets
                .iter()
                .try_for_each(|s| aws_id("subnet", "subnet-", s))?;
            security_groups
                .iter()
                .try_for_each(|g| aws_id("security group", "sg-", g))
        }
        Action::SetDesiredCount {
            cluster,
            service,
            count,
        } => {
            cluster_and_service(cluster, service)?;
            tasks("desired count", *count)
        }
        Action::EnableCircuitBreaker {
            cluster,
            service,
            maximum_percent,
            minimum_healthy_percent,
        } => {
            cluster_and_service(cluster, service)?;
            let pct = |what: &str, v: &Option<i32>, lo: i64, hi: i64| {
                v.map_or(Ok(()), |v| {
                    within(what, i64::from(v), lo, hi, "ECS deployments")
                })
            };
            pct("maximum percent", maximum_percent, 100, 2000)?;
            pct("minimum healthy percent", minimum_healthy_percent, 0, 100)
        }
        other => fail(format!(
            "{} is not an ECS service change",
            other.permission()
        )),
    }
}

/// Application Auto Scaling: capacities within the documented minimum and ECS's limit, a
/// documented metric and a target it can hold.
fn scaling(a: &Action, scope: &Scope<'_>) -> Check {
    match a {
        Action::RegisterScalableTarget {
            resource_id,
            min_capacity,
            max_capacity,
        } => {
            scalable_resource(resource_id)?;
            let (min, max) = (i64::from(*min_capacity), i64::from(*max_capacity));
            let documented = scope.min_tasks().unwrap_or(1);
            let cap = i64::from(MAX_TASKS);
            within(
                "minimum capacity",
                min,
                documented,
                cap,
                "documented minimum, ECS limit",
            )?;
            within("maximum capacity", max, min, cap, "at least the minimum")
        }
        Action::PutScalingPolicy {
            resource_id,
            metric,
            target_value,
        } => {
            scalable_resource(resource_id)?;
            let metrics: Vec<String> = scope
                .services
                .iter()
                .flat_map(|s| s.autoscaling_metrics.iter().cloned())
                .collect();
            one_of("scaling metric", metric, &metrics)?;
            let percent = metric.ends_with("Utilization");
            let t = *target_value;
            if t.is_finite() && t > 0.0 && (!percent || t <= 100.0) {
                Ok(())
            } else {
                fail(format!(
                    "target value {t} is not a valid target for {metric}"
                ))
            }
        }
        other => fail(format!("{} is not a scaling change", other.permission())),
    }
}

#[cfg(test)]
mod tests;
