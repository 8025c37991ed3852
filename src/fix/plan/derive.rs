//! What each fix id does for a finding: its parameters, from the finding and the spec.

use serde_json::Value;

use crate::config::Architecture;
use crate::finding::Finding;
use crate::fix::action::{Action, Alarm, Ingress};

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(text).collect()
}

/// The ECS cluster name of a service ARN (`…:service/<cluster>/<service>`).
fn cluster_of(arn: &str) -> Option<String> {
    let mut parts = arn.rsplit('/');
    parts.next()?;
    parts.next().map(str::to_owned)
}

/// Whether every statement of an inventory policy is `Allow` of every action (`"*"`): an
/// administrator grant no documented role holds, so deleting it removes nothing the
/// architecture gives the role.
fn grants_only_everything(policy: &Value) -> bool {
    policy["document"]["statements"]
        .as_array()
        .is_some_and(|sts| {
            !sts.is_empty()
                && sts.iter().all(|st| {
                    st["effect"] == "Allow"
                        && st["action"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == "*"))
                })
        })
}

/// The actions that fix `f`, or why it is left to a person.
pub(super) fn actions(
    f: &Finding,
    resource: Option<&Value>,
    spec: &Architecture,
) -> Result<Vec<Action>, String> {
    let Some(fix) = f.remediation.fix.as_deref() else {
        return Err("the policy names no automated fix for this drift".to_owned());
    };
    if f.carried_over.is_some() {
        return Err(
            "carried over from the baseline, not re-checked tonight: scan again before fixing"
                .to_owned(),
        );
    }
    if resource.is_none() && f.resource.resource_type != "account" {
        return Err(format!("{} is not in the inventory", f.resource.arn));
    }
    let r = &f.resource;
    let d = &f.details;
    let attr = f.attribute.as_str();
    let unsupported = || {
        Err(format!(
            "`{fix}` does not cover drift on `{attr}` of {}: it needs a person",
            r.resource_type
        ))
    };
    let ecs = || -> Result<(String, String), String> {
        Ok((
            cluster_of(&r.arn).ok_or("the service ARN names no cluster")?,
            r.id.clone(),
        ))
    };
    let one = |a: Action| Ok(vec![a]);
    match (fix, r.resource_type.as_str()) {
        ("ec2.revoke_ingress", "ec2.security_groups") => {
            if let Some(rule_id) = attr
                .strip_prefix("ingress:")
                .filter(|x| x.starts_with("sgr-"))
            {
                return one(Action::RevokeIngress {
                    group_id: r.id.clone(),
                    rule_id: rule_id.to_owned(),
                });
            }
            if attr.starts_with("ingress:missing") {
                let rules = d
                    .get("authorize")
                    .and_then(Value::as_array)
                    .ok_or("no documented rule to restore")?;
                return rules
                    .iter()
                    .map(|x| {
                        let rule: Ingress = serde_json::from_value(x.clone())
                            .map_err(|e| format!("invalid rule in the finding's details: {e}"))?;
                        Ok(Action::AuthorizeIngress {
                            group_id: r.id.clone(),
                            rule,
                        })
                    })
                    .collect();
            }
            unsupported()
        }
        ("elbv2.set_https_redirect", "elbv2.listeners") if attr == "default_actions" => {
            one(Action::SetHttpsRedirect {
                listener_arn: r.arn.clone(),
                port: spec.load_balancer.https_port,
                status: spec.load_balancer.redirect_status.clone(),
            })
        }
        ("elbv2.set_tls_policy", "elbv2.listeners")
            if matches!(attr, "ssl_policy" | "protocol" | "certificates") =>
        {
            let ssl_policy = d
                .get("ssl_policy")
                .and_then(text)
                .or_else(|| spec.load_balancer.tls_policies.first().cloned())
                .ok_or("no documented TLS policy")?;
            let certificate_arn = d.get("certificate_arn").and_then(text);
            if attr != "ssl_policy" && certificate_arn.is_none() {
                return Err("the listener needs a certificate and the account has none issued: request one in ACM".to_owned());
            }
            one(Action::SetTlsPolicy {
                listener_arn: r.arn.clone(),
                ssl_policy,
                certificate_arn,
            })
        }
        ("elbv2.delete_listener", "elbv2.listeners") => one(Action::DeleteListener {
            listener_arn: r.arn.clone(),
        }),
        ("s3.enable_versioning", "s3.buckets") => match attr {
            "versioning" => one(Action::EnableVersioning {
                bucket: r.id.clone(),
            }),
            "encryption"
                if resource.is_some_and(|b| {
                    b.get("encryption")
                        .is_none_or(|e| e.is_null() || e["algorithm"] == "none")
                }) =>
            {
                let algorithm = spec
                    .state_bucket
                    .encryption
                    .first()
                    .cloned()
                    .ok_or("no documented encryption")?;
                one(Action::PutBucketEncryption {
                    bucket: r.id.clone(),
                    algorithm,
                    bucket_key: true,
                })
            }
            "encryption" => Err(
                "the bucket has encryption of another kind: changing it is a decision, not a fix"
                    .to_owned(),
            ),
            _ => unsupported(),
        },
        ("s3.block_public_access", "s3.buckets") => one(Action::BlockPublicAccess {
            bucket: r.id.clone(),
        }),
        ("iam.detach_role_policy", "iam.roles") => match attr.strip_prefix("attached_policies:") {
            Some(arn) => one(Action::DetachRolePolicy {
                role: r.id.clone(),
                policy_arn: arn.to_owned(),
            }),
            None => unsupported(),
        },
        ("iam.delete_role_policy", "iam.roles") => {
            let name = d.get("inline_policy").and_then(Value::as_str).ok_or(
                "the grant comes from a managed policy: it needs a least-privilege version written by a person",
            )?;
            let policy = resource
                .and_then(|v| v.get("inline_policies"))
                .and_then(Value::as_array)
                .and_then(|ps| ps.iter().find(|p| p["name"] == name))
                .ok_or_else(|| format!("the role has no inline policy {name}"))?;
            if !grants_only_everything(policy) {
                return Err(format!(
                    "{name} also grants specific permissions the application may need: replace it with a least-privilege document rather than delete it"
                ));
            }
            one(Action::DeleteRolePolicy {
                role: r.id.clone(),
                policy_name: name.to_owned(),
            })
        }
        ("iam.restore_trust_policy", "iam.roles") => match d.get("trust_policy") {
            Some(doc) if doc.is_object() => one(Action::RestoreTrustPolicy {
                role: r.id.clone(),
                document: doc.clone(),
            }),
            _ => Err("the finding carries no documented trust policy".to_owned()),
        },
        ("iam.deactivate_access_key", "iam.users") => match attr.strip_prefix("access_keys:") {
            Some(key) => one(Action::DeactivateAccessKey {
                user: r.id.clone(),
                key_id: key.to_owned(),
            }),
            None => unsupported(),
        },
        ("cloudwatch.put_alarm", "ecs.services") => {
            let a = d
                .get("alarm")
                .ok_or("no SNS topic to notify: name one (see the command)")?;
            let alarm: Alarm = serde_json::from_value(a.clone())
                .map_err(|e| format!("invalid alarm in the finding's details: {e}"))?;
            if alarm.actions.is_empty() {
                return Err("no SNS topic to notify".to_owned());
            }
            one(Action::PutAlarm { alarm })
        }
        ("logs.put_retention", "logs.log_groups") if attr == "retention_in_days" => {
            let days = d
                .get("retention_in_days")
                .and_then(Value::as_i64)
                .ok_or("no retention in the finding's details")?;
            one(Action::PutRetention {
                log_group: r.id.clone(),
                days: i32::try_from(days).map_err(|_| "retention out of range")?,
            })
        }
        ("ecs.set_network_configuration", "ecs.services") => {
            let (cluster, service) = ecs()?;
            let subnets = d
                .get("subnets")
                .and_then(strings)
                .filter(|s| !s.is_empty())
                .ok_or("no documented private subnets found")?;
            let security_groups = d
                .get("security_groups")
                .and_then(strings)
                .ok_or("no security groups in the finding's details")?;
            one(Action::SetNetworkConfiguration {
                cluster,
                service,
                subnets,
                security_groups,
            })
        }
        ("ecs.set_desired_count", "ecs.services") => {
            let (cluster, service) = ecs()?;
            one(Action::SetDesiredCount {
                cluster,
                service,
                count: i32::try_from(spec.ecs.min_desired_count)
                    .map_err(|_| "count out of range")?,
            })
        }
        ("ecs.enable_circuit_breaker", "ecs.services") => {
            let (cluster, service) = ecs()?;
            let deployment = resource.map(|s| &s["deployment"]);
            let percent = |k: &str| {
                deployment
                    .and_then(|d| d[k].as_i64())
                    .and_then(|p| i32::try_from(p).ok())
            };
            one(Action::EnableCircuitBreaker {
                cluster,
                service,
                maximum_percent: percent("maximum_percent"),
                minimum_healthy_percent: percent("minimum_healthy_percent"),
            })
        }
        ("autoscaling.restore_scaling", "ecs.services") => {
            let s = d
                .get("scaling")
                .ok_or("no scaling parameters in the finding's details")?;
            let resource_id = s["resource_id"]
                .as_str()
                .ok_or("no scalable resource id")?
                .to_owned();
            let int = |k: &str| {
                s[k].as_i64()
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or(format!("no {k} in the finding's details"))
            };
            let target_value = s["target_value"].as_f64().ok_or("no target value")?;
            let mut out = Vec::new();
            if s["register"] == Value::Bool(true) {
                out.push(Action::RegisterScalableTarget {
                    resource_id: resource_id.clone(),
                    min_capacity: int("min_capacity")?,
                    max_capacity: int("max_capacity")?,
                });
            }
            for m in s["metrics"].as_array().into_iter().flatten() {
                let metric = m.as_str().ok_or("a metric must be a name")?.to_owned();
                out.push(Action::PutScalingPolicy {
                    resource_id: resource_id.clone(),
                    metric,
                    target_value,
                });
            }
            Ok(out)
        }
        ("ec2.release_address", "ec2.elastic_ips") => {
            if resource.is_some_and(|e| e["associated"] == Value::Bool(true)) {
                return Err("the address is associated".to_owned());
            }
            one(Action::ReleaseAddress {
                allocation_id: r.id.clone(),
            })
        }
        ("secretsmanager.delete_resource_policy", "secretsmanager.secrets") => {
            one(Action::DeleteSecretPolicy {
                secret_arn: r.arn.clone(),
            })
        }
        ("ec2.disable_subnet_public_ip", "ec2.subnets") => one(Action::DisableSubnetPublicIp {
            subnet_id: r.id.clone(),
        }),
        ("ec2.route_to_nat", "ec2.route_tables") => {
            let (Some(rt), Some(nat)) = (
                d.get("route_table_id").and_then(text),
                d.get("nat_gateway_id").and_then(text),
            ) else {
                return Err("no NAT gateway in the subnet's own AZ: create one first".to_owned());
            };
            one(Action::RouteToNat {
                route_table_id: rt,
                destination: d
                    .get("destination")
                    .and_then(text)
                    .unwrap_or_else(|| "0.0.0.0/0".to_owned()),
                nat_gateway_id: nat,
                replace: d
                    .get("route_exists")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            })
        }
        _ => unsupported(),
    }
}
