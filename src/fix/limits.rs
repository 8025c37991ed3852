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

type Check = Result<(), String>;

fn fail(what: String) -> Check {
    Err(what)
}

/// `value` is `prefix` followed by 1–32 lowercase letters or digits (`sg-0a1b…`; AWS's are
/// hexadecimal, the check only needs to keep anything but an id out).
fn aws_id(what: &str, prefix: &str, value: &str) -> Check {
    let ok = value.strip_prefix(prefix).is_some_and(|rest| {
        (1..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    });
    if ok {
        Ok(())
    } else {
        fail(format!("{what} `{}` is not a {prefix}… id", shown(value)))
    }
}

/// A value for an error message: control characters escaped, long values cut.
fn shown(value: &str) -> String {
    let mut s: String = value
        .chars()
        .take(80)
        .collect::<String>()
        .escape_debug()
        .to_string();
    if value.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// `value` has 1..=`max` characters, each ASCII alphanumeric or in `extra`.
fn name(what: &str, value: &str, max: usize, extra: &str) -> Check {
    let ok = (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.as_bytes().contains(&b));
    if ok {
        Ok(())
    } else {
        fail(format!(
            "{what} `{}` is not a valid name (1–{max} characters: letters, digits and `{extra}`)",
            shown(value)
        ))
    }
}

/// An ARN of `service` (any service when empty) in a known partition, without whitespace,
/// quotes or control characters.
fn arn(what: &str, value: &str, service: &str) -> Check {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let partitions = [
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    ];
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && partitions.contains(&parts[1])
        && (service.is_empty() || parts[2] == service)
        && !parts[5].is_empty()
        && value.len() <= 2048
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"\"'`\\$;|&<>".contains(&b));
    if ok {
        Ok(())
    } else {
        let of = if service.is_empty() {
            String::new()
        } else {
            format!(" of {service}")
        };
        fail(format!("{what} `{}` is not an ARN{of}", shown(value)))
    }
}

fn cidr(what: &str, value: &str) -> Check {
    match value.parse::<ipnet::IpNet>() {
        Ok(n) if n.trunc() == n => Ok(()),
        _ => fail(format!("{what} `{}` is not a network CIDR", shown(value))),
    }
}

fn within(what: &str, value: i64, lo: i64, hi: i64, why: &str) -> Check {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        fail(format!("{what} {value} is outside {lo}..={hi} ({why})"))
    }
}

fn cluster_and_service(cluster: &str, service: &str) -> Check {
    name("cluster", cluster, 255, "-_")?;
    name("service", service, 255, "-_")
}

/// `service/<cluster>/<service>`.
fn scalable_resource(value: &str) -> Check {
    match value
        .strip_prefix("service/")
        .and_then(|r| r.split_once('/'))
    {
        Some((c, s)) => cluster_and_service(c, s),
        None => fail(format!(
            "resource id `{}` is not service/<cluster>/<service>",
            shown(value)
        )),
    }
}

const IAM_CHARS: &str = "+=,.@_-";

fn ingress(group_id: &str, rule: &Ingress, spec: &Architecture) -> Check {
    aws_id("security group", "sg-", group_id)?;
    if rule.protocol != "tcp" {
        return fail(format!(
            "protocol `{}`: the documented rules are TCP",
            shown(&rule.protocol)
        ));
    }
    let lb = &spec.load_balancer;
    let documented = [spec.app_port, lb.https_port, lb.http_port];
    if !documented.contains(&rule.port) {
        return fail(format!(
            "port {} is not a documented port ({})",
            rule.port,
            documented.map(|p| p.to_string()).join(", ")
        ));
    }
    match (&rule.cidr, &rule.source_group) {
        (Some(c), None) => {
            cidr("source", c)?;
            if !lb.ingress_cidrs.iter().any(|d| d.get_ref() == c) {
                return fail(format!(
                    "source {} is not a documented source of the load balancer",
                    shown(c)
                ));
            }
            Ok(())
        }
        (None, Some(sg)) => aws_id("source group", "sg-", sg),
        _ => fail("a rule needs exactly one source: a CIDR or a security group".to_owned()),
    }
}

fn alarm(a: &super::action::Alarm, spec: &Architecture) -> Check {
    if a.name.is_empty() || a.name.len() > 255 || a.name.chars().any(char::is_control) {
        return fail(format!("alarm name `{}` is not valid", shown(&a.name)));
    }
    cluster_and_service(&a.cluster, &a.service)?;
    let Some(doc) = spec
        .alarms
        .iter()
        .find(|d| d.namespace == a.namespace && d.metric == a.metric)
    else {
        return fail(format!(
            "{} {} is not a documented alarm",
            shown(&a.namespace),
            shown(&a.metric)
        ));
    };
    if !doc.comparison.contains(&a.comparison) {
        return fail(format!(
            "comparison `{}` is not documented for {} (documented: {})",
            shown(&a.comparison),
            a.metric,
            doc.comparison.join(", ")
        ));
    }
    let max = *doc.threshold_max.get_ref();
    if !a.threshold.is_finite() || a.threshold < doc.threshold_min || a.threshold > max {
        return fail(format!(
            "threshold {} is outside the documented {}..={max}",
            a.threshold, doc.threshold_min
        ));
    }
    let stats = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
    if !stats.contains(&a.statistic.as_str()) {
        return fail(format!(
            "statistic `{}` is not a CloudWatch statistic",
            shown(&a.statistic)
        ));
    }
    if !([10, 20, 30].contains(&a.period) || (a.period >= 60 && a.period % 60 == 0)) {
        return fail(format!(
            "period {} s: CloudWatch takes 10, 20, 30 or a multiple of 60",
            a.period
        ));
    }
    within(
        "evaluation periods",
        i64::from(a.evaluation_periods),
        1,
        86_400,
        "at least one",
    )?;
    let total = i64::from(a.period) * i64::from(a.evaluation_periods);
    within(
        "period × evaluation periods",
        total,
        1,
        86_400,
        "at most a day",
    )?;
    if a.actions.is_empty() {
        return fail("the alarm notifies no one".to_owned());
    }
    for t in a.actions.iter().chain(&a.ok_actions) {
        arn("alarm action", t, "")?;
    }
    Ok(())
}

impl Action {
    /// Whether the action's identifiers have AWS's shapes, its values are within AWS's limits
    /// and the documented architecture allows them. The error names the value.
    pub fn check(&self, spec: &Architecture) -> Result<(), String> {
        use Action::*;
        match self {
            RevokeIngress { group_id, rule_id } => {
                aws_id("security group", "sg-", group_id)?;
                aws_id("rule", "sgr-", rule_id)
            }
            AuthorizeIngress { group_id, rule } => ingress(group_id, rule, spec),
            SetHttpsRedirect {
                listener_arn,
                port,
                status,
            } => {
                arn("listener", listener_arn, "elasticloadbalancing")?;
                let lb = &spec.load_balancer;
                if *port != lb.https_port {
                    return fail(format!(
                        "redirect to port {port}: the documented HTTPS port is {}",
                        lb.https_port
                    ));
                }
                if *status != lb.redirect_status {
                    return fail(format!(
                        "redirect status `{}`: the documented one is {}",
                        shown(status),
                        lb.redirect_status
                    ));
                }
                Ok(())
            }
            SetTlsPolicy {
                listener_arn,
                ssl_policy,
                certificate_arn,
            } => {
                arn("listener", listener_arn, "elasticloadbalancing")?;
                if !spec.load_balancer.tls_policies.contains(ssl_policy) {
                    return fail(format!(
                        "TLS policy `{}` is not a documented one ({})",
                        shown(ssl_policy),
                        spec.load_balancer.tls_policies.join(", ")
                    ));
                }
                match certificate_arn {
                    Some(c) => arn("certificate", c, "acm"),
                    None => Ok(()),
                }
            }
            DeleteListener { listener_arn } => {
                arn("listener", listener_arn, "elasticloadbalancing")
            }
            EnableVersioning { bucket } | BlockPublicAccess { bucket } => bucket_name(bucket),
            PutBucketEncryption {
                bucket, algorithm, ..
            } => {
                bucket_name(bucket)?;
                if !spec.state_bucket.encryption.contains(algorithm) {
                    return fail(format!(
                        "encryption `{}` is not a documented one ({})",
                        shown(algorithm),
                        spec.state_bucket.encryption.join(", ")
                    ));
                }
                Ok(())
            }
            DetachRolePolicy { role, policy_arn } => {
                name("role", role, 64, IAM_CHARS)?;
                arn("policy", policy_arn, "iam")
            }
            DeleteRolePolicy { role, policy_name } => {
                name("role", role, 64, IAM_CHARS)?;
                name("policy", policy_name, 128, IAM_CHARS)
            }
            RestoreTrustPolicy { role, document } => {
                name("role", role, 64, IAM_CHARS)?;
                match document.get("Statement") {
                    Some(serde_json::Value::Array(s)) if !s.is_empty() => Ok(()),
                    _ => fail("the trust policy has no statements".to_owned()),
                }
            }
            DeactivateAccessKey { user, key_id } => {
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
            PutAlarm { alarm: a } => alarm(a, spec),
            PutRetention { log_group, days } => {
                name("log group", log_group, 512, "._-/#")?;
                if !RETENTION_DAYS.contains(days) {
                    return fail(format!(
                        "retention of {days} days is not a value CloudWatch Logs accepts"
                    ));
                }
                let (lo, hi) = (
                    i64::from(spec.logs.min_retention_days),
                    i64::from(*spec.logs.max_retention_days.get_ref()),
                );
                within(
                    "retention",
                    i64::from(*days),
                    lo,
                    hi,
                    "the documented bounds, in days",
                )
            }
            SetNetworkConfiguration {
                cluster,
                service,
                subnets,
                security_groups,
            } => {
                cluster_and_service(cluster, service)?;
                within(
                    "subnets",
                    subnets.len() as i64,
                    1,
                    16,
                    "awsvpc configuration",
                )?;
                within(
                    "security groups",
                    security_groups.len() as i64,
                    1,
                    5,
                    "awsvpc configuration",
                )?;
                for s in subnets {
                    aws_id("subnet", "subnet-", s)?;
                }
                for g in security_groups {
                    aws_id("security group", "sg-", g)?;
                }
                Ok(())
            }
            SetDesiredCount {
                cluster,
                service,
                count,
            } => {
                cluster_and_service(cluster, service)?;
                let min = i64::from(spec.ecs.min_desired_count);
                within(
                    "desired count",
                    i64::from(*count),
                    min,
                    i64::from(MAX_TASKS),
                    "the documented minimum and ECS's tasks per service",
                )
            }
            EnableCircuitBreaker {
                cluster,
                service,
                maximum_percent,
                minimum_healthy_percent,
            } => {
                cluster_and_service(cluster, service)?;
                if let Some(m) = maximum_percent {
                    within(
                        "maximum percent",
                        i64::from(*m),
                        100,
                        2000,
                        "ECS deployment configuration",
                    )?;
                }
                if let Some(m) = minimum_healthy_percent {
                    within(
                        "minimum healthy percent",
                        i64::from(*m),
                        0,
                        100,
                        "ECS deployment configuration",
                    )?;
                }
                Ok(())
            }
            RegisterScalableTarget {
                resource_id,
                min_capacity,
                max_capacity,
            } => {
                scalable_resource(resource_id)?;
                let min = i64::from(spec.ecs.min_desired_count);
                within(
                    "minimum capacity",
                    i64::from(*min_capacity),
                    min,
                    i64::from(MAX_TASKS),
                    "the documented minimum and ECS's tasks per service",
                )?;
                within(
                    "maximum capacity",
                    i64::from(*max_capacity),
                    i64::from(*min_capacity),
                    i64::from(MAX_TASKS),
                    "at least the minimum",
                )
            }
            PutScalingPolicy {
                resource_id,
                metric,
                target_value,
            } => {
                scalable_resource(resource_id)?;
                if !spec.ecs.autoscaling_metrics.contains(metric) {
                    return fail(format!(
                        "metric `{}` is not a documented scaling metric",
                        shown(metric)
                    ));
                }
                let percent = metric.ends_with("Utilization");
                let ok = target_value.is_finite()
                    && *target_value > 0.0
                    && (!percent || *target_value <= 100.0);
                if ok {
                    Ok(())
                } else {
                    fail(format!(
                        "target value {target_value} is not a valid target for {metric}"
                    ))
                }
            }
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

fn bucket_name(b: &str) -> Check {
    let ok = (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && b.as_bytes()[0].is_ascii_alphanumeric()
        && b.as_bytes()[b.len() - 1].is_ascii_alphanumeric();
    if ok {
        Ok(())
    } else {
        fail(format!("bucket `{}` is not a bucket name", shown(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn spec() -> Architecture {
        Config::default_config().architecture
    }

    /// Every action the planner makes for the shipped drift fixtures.
    fn planned() -> Vec<Action> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/drift");
        let mut out = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let name = format!("drift/{}", f.unwrap().file_name().to_string_lossy());
            let (_, _, plan) = crate::fix::plan::planned_fixture(&name);
            out.extend(
                plan.entries
                    .into_iter()
                    .flat_map(|e| e.steps)
                    .map(|s| s.action),
            );
        }
        out
    }

    #[test]
    fn every_action_planned_for_the_drift_fixtures_passes() {
        let spec = spec();
        let actions = planned();
        assert!(actions.len() >= 15, "{}", actions.len());
        for a in actions {
            assert_eq!(a.check(&spec), Ok(()), "{a:?}");
        }
    }

    #[test]
    fn values_outside_aws_limits_or_the_spec_are_refused() {
        let spec = spec();
        let svc = |count| Action::SetDesiredCount {
            cluster: "c".into(),
            service: "s".into(),
            count,
        };
        assert!(svc(100_000).check(&spec).unwrap_err().contains("outside"));
        assert!(svc(-1).check(&spec).unwrap_err().contains("outside"));
        let ret = |days| Action::PutRetention {
            log_group: "/ecs/app".into(),
            days,
        };
        assert!(ret(99_999)
            .check(&spec)
            .unwrap_err()
            .contains("not a value"));
        assert!(ret(1)
            .check(&spec)
            .unwrap_err()
            .contains("documented bounds"));
        let bad_ids = [
            Action::RevokeIngress {
                group_id: "sg-1; rm -rf /".into(),
                rule_id: "sgr-1".into(),
            },
            Action::EnableVersioning {
                bucket: "Bad Bucket".into(),
            },
            Action::DeleteListener {
                listener_arn: "arn:aws:s3:::not-a-listener".into(),
            },
            Action::DeleteRolePolicy {
                role: "r\nx".into(),
                policy_name: "p".into(),
            },
        ];
        for a in bad_ids {
            assert!(a.check(&spec).is_err(), "{a:?}");
        }
        let redirect = Action::SetHttpsRedirect {
            listener_arn: "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/b/c".into(),
            port: 8443,
            status: "HTTP_301".into(),
        };
        assert!(redirect
            .check(&spec)
            .unwrap_err()
            .contains("documented HTTPS port"));
    }
}
