//! What each fix does for a finding: its actions, from the finding's typed parameters
//! ([`crate::finding::fix`]), the typed inventory and the documented architecture — or why it
//! is left to a person. One function per fix; the dispatch is an exhaustive `match` on
//! [`Fix`], so a fix id without a planner does not compile.

use crate::config::{Architecture, LoadBalancer, Service};
use crate::finding::fix::{
    Drifted, Fix, IngressParams, NetworkParams, RolePolicyParams, RouteParams, ScalingParams,
};
use crate::finding::Finding;
use crate::fix::action::Action;
use crate::inventory::policy_doc::PolicyDocument;
use crate::inventory::Inventory;

mod listener;

use listener::{https_redirect, tls_policy};

/// The actions that fix a finding, or why a person must act.
pub(super) type Planned = Result<Vec<Action>, String>;

/// What a fix's planner sees.
struct Ctx<'a> {
    f: &'a Finding,
    inventory: &'a Inventory,
    spec: &'a Architecture,
    drifted: Drifted<'a>,
}

impl Ctx<'_> {
    fn id(&self) -> String {
        self.f.resource.id.clone()
    }

    fn arn(&self) -> String {
        self.f.resource.arn.clone()
    }

    /// The drift is on an attribute this fix does not change.
    fn unsupported(&self) -> Planned {
        let fix = self
            .f
            .remediation
            .fix
            .map(|f| f.as_str())
            .unwrap_or_default();
        Err(format!(
            "`{fix}` does not cover drift on `{}` of {}: it needs a person",
            self.f.attribute, self.f.resource.resource_type
        ))
    }

    /// The spec of the finding's service component.
    fn service(&self) -> Result<&Service, String> {
        let c = self
            .f
            .component
            .as_deref()
            .ok_or("the finding names no component")?;
        self.spec
            .service(c)
            .ok_or_else(|| format!("{c} is not a documented service"))
    }

    /// The spec of the finding's load-balancer component.
    fn load_balancer(&self) -> Result<&LoadBalancer, String> {
        let c = self
            .f
            .component
            .as_deref()
            .ok_or("the finding names no component")?;
        self.spec
            .load_balancer(c)
            .ok_or_else(|| format!("{c} is not a documented load balancer"))
    }

    /// `(cluster, service)` of an ECS service finding (`…:service/<cluster>/<service>`).
    fn ecs(&self) -> Result<(String, String), String> {
        let mut parts = self.f.resource.arn.rsplit('/');
        parts.next();
        let cluster = parts.next().ok_or("the service ARN names no cluster")?;
        Ok((cluster.to_owned(), self.id()))
    }
}

fn one(a: Action) -> Planned {
    Ok(vec![a])
}

/// The actions that fix `f`, or why it is left to a person. `present`: whether its resource
/// is in the inventory.
pub(super) fn actions(
    f: &Finding,
    present: bool,
    inventory: &Inventory,
    spec: &Architecture,
) -> Planned {
    let Some(fix) = f.details.fix() else {
        return Err(match f.remediation.fix {
            None => "the policy names no automated fix for this drift".to_owned(),
            Some(id) => format!("the finding's details were not checked against `{id}`"),
        });
    };
    if f.carried_over.is_some() {
        return Err(
            "carried over from the baseline, not re-checked tonight: scan again before fixing"
                .to_owned(),
        );
    }
    if !present && f.resource.resource_type != "account" {
        return Err(format!("{} is not in the inventory", f.resource.arn));
    }
    let c = Ctx {
        f,
        inventory,
        spec,
        drifted: Drifted::parse(&f.attribute),
    };
    if f.resource.resource_type != fix.id().kind() {
        return c.unsupported();
    }
    let planned = dispatch(&c, fix)?;
    // What AWS or the architecture would not allow is never applied, whatever produced it.
    for a in &planned {
        a.check(spec, f.component.as_deref())
            .map_err(|why| format!("the change it would make is not allowed: {why}"))?;
    }
    Ok(planned)
}

fn dispatch(c: &Ctx<'_>, fix: &Fix) -> Planned {
    match fix {
        Fix::RevokeIngress(p) => ingress(c, p),
        Fix::SetHttpsRedirect(_) => https_redirect(c),
        Fix::SetTlsPolicy(p) => tls_policy(c, p),
        Fix::DeleteListener(_) => one(Action::DeleteListener {
            listener_arn: c.arn(),
        }),
        Fix::EnableVersioning(_) => bucket(c),
        Fix::BlockPublicAccess(_) => one(Action::BlockPublicAccess { bucket: c.id() }),
        Fix::DetachRolePolicy(_) => match c.drifted {
            Drifted::AttachedPolicy(arn) => one(Action::DetachRolePolicy {
                role: c.id(),
                policy_arn: arn.to_owned(),
            }),
            _ => c.unsupported(),
        },
        Fix::DeleteRolePolicy(p) => role_policy(c, p),
        Fix::RestoreTrustPolicy(p) => match &p.trust_policy {
            Some(doc) => one(Action::RestoreTrustPolicy {
                role: c.id(),
                document: serde_json::Value::Object(doc.clone()),
            }),
            None => Err("the finding carries no documented trust policy".to_owned()),
        },
        Fix::DeactivateAccessKey(_) => match c.drifted {
            Drifted::AccessKey(key) => one(Action::DeactivateAccessKey {
                user: c.id(),
                key_id: key.to_owned(),
            }),
            _ => c.unsupported(),
        },
        Fix::PutAlarm(p) => match &p.alarm {
            Some(alarm) if !alarm.actions.is_empty() => one(Action::PutAlarm {
                alarm: alarm.clone(),
            }),
            Some(_) => Err("no SNS topic to notify".to_owned()),
            None => Err("no SNS topic to notify: name one (see the command)".to_owned()),
        },
        Fix::PutRetention(p) => match (c.drifted, p.retention_in_days) {
            (Drifted::Field("retention_in_days"), Some(days)) => one(Action::PutRetention {
                log_group: c.id(),
                days,
            }),
            (Drifted::Field("retention_in_days"), None) => {
                Err("no retention in the finding's details".to_owned())
            }
            _ => c.unsupported(),
        },
        Fix::SetNetworkConfiguration(p) => network(c, p),
        Fix::SetDesiredCount(_) => {
            let (cluster, service) = c.ecs()?;
            one(Action::SetDesiredCount {
                cluster,
                service,
                count: i32::try_from(
                    c.service()?
                        .min_desired_count
                        .ok_or("the service's spec documents no desired count")?,
                )
                .map_err(|_| "count out of range")?,
            })
        }
        Fix::EnableCircuitBreaker(_) => circuit_breaker(c),
        Fix::RestoreScaling(p) => scaling(c, p),
        Fix::ReleaseAddress(_) => release_address(c),
        Fix::DeleteSecretPolicy(_) => one(Action::DeleteSecretPolicy {
            secret_arn: c.arn(),
        }),
        Fix::DisableSubnetPublicIp(_) => one(Action::DisableSubnetPublicIp { subnet_id: c.id() }),
        Fix::RouteToNat(p) => route(p),
    }
}

fn ingress(c: &Ctx<'_>, p: &IngressParams) -> Planned {
    match c.drifted {
        Drifted::IngressRule(rule_id) => one(Action::RevokeIngress {
            group_id: c.id(),
            rule_id: rule_id.to_owned(),
        }),
        Drifted::MissingIngress => {
            let rules = p
                .authorize
                .as_ref()
                .ok_or("no documented rule to restore")?;
            Ok(rules
                .iter()
                .map(|rule| Action::AuthorizeIngress {
                    group_id: c.id(),
                    rule: rule.clone(),
                })
                .collect())
        }
        _ => c.unsupported(),
    }
}

/// The state bucket: versioning, or default encryption where it has none.
fn bucket(c: &Ctx<'_>) -> Planned {
    match c.drifted {
        Drifted::Field("versioning") => one(Action::EnableVersioning { bucket: c.id() }),
        Drifted::Field("encryption") => {
            let bucket = c
                .inventory
                .aws
                .s3
                .buckets
                .iter()
                .find(|b| b.meta.arn == c.f.resource.arn);
            // Unknown is not "none": only an observed absence of encryption is filled in.
            let Some(encryption) = bucket.and_then(|b| b.encryption.as_ref()) else {
                return Err(format!(
                    "the encryption of {} was not read: scan again with s3:GetEncryptionConfiguration",
                    c.f.resource.id
                ));
            };
            if encryption.algorithm != "none" {
                return Err("the bucket has encryption of another kind: changing it is a decision, not a fix".to_owned());
            }
            let algorithm = c
                .spec
                .state_bucket
                .as_ref()
                .and_then(|b| b.encryption.first().cloned())
                .ok_or("no documented encryption")?;
            one(Action::PutBucketEncryption {
                bucket: c.id(),
                algorithm,
                bucket_key: true,
            })
        }
        _ => c.unsupported(),
    }
}

/// Whether every statement of a policy document is `Allow` of every action (`"*"`): an
/// administrator grant no documented role holds, so deleting it removes nothing the
/// architecture gives the role.
fn grants_only_everything(doc: &PolicyDocument) -> bool {
    !doc.statements.is_empty()
        && doc
            .statements
            .iter()
            .all(|st| st.effect == "Allow" && st.action.iter().any(|a| a == "*"))
}

fn role_policy(c: &Ctx<'_>, p: &RolePolicyParams) -> Planned {
    let name = p.inline_policy.as_deref().ok_or(
        "the grant comes from a managed policy: it needs a least-privilege version written by a person",
    )?;
    let policy = c
        .inventory
        .aws
        .iam
        .roles
        .iter()
        .find(|r| r.meta.arn == c.f.resource.arn)
        .and_then(|r| r.inline_policies.iter().find(|p| p.name == name))
        .ok_or_else(|| format!("the role has no inline policy {name}"))?;
    if !grants_only_everything(&policy.document) {
        return Err(format!(
            "{name} also grants specific permissions the application may need: replace it with a least-privilege document rather than delete it"
        ));
    }
    one(Action::DeleteRolePolicy {
        role: c.id(),
        policy_name: name.to_owned(),
    })
}

fn network(c: &Ctx<'_>, p: &NetworkParams) -> Planned {
    let (cluster, service) = c.ecs()?;
    if p.assign_public_ip == Some(true) {
        return Err("the documented configuration gives tasks public IPs: `archaudit fix` only turns them off".to_owned());
    }
    let subnets = p
        .subnets
        .clone()
        .filter(|s| !s.is_empty())
        .ok_or("no documented private subnets found")?;
    let security_groups = p
        .security_groups
        .clone()
        .ok_or("no security groups in the finding's details")?;
    one(Action::SetNetworkConfiguration {
        cluster,
        service,
        subnets,
        security_groups,
    })
}

fn circuit_breaker(c: &Ctx<'_>) -> Planned {
    let (cluster, service) = c.ecs()?;
    let deployment = c
        .inventory
        .aws
        .ecs
        .services
        .iter()
        .find(|s| s.meta.arn == c.f.resource.arn)
        .map(|s| &s.deployment);
    one(Action::EnableCircuitBreaker {
        cluster,
        service,
        maximum_percent: deployment.and_then(|d| d.maximum_percent),
        minimum_healthy_percent: deployment.and_then(|d| d.minimum_healthy_percent),
    })
}

fn scaling(c: &Ctx<'_>, p: &ScalingParams) -> Planned {
    let _ = c;
    let s = p
        .scaling
        .as_ref()
        .ok_or("no scaling parameters in the finding's details")?;
    let mut out = Vec::new();
    if s.register {
        out.push(Action::RegisterScalableTarget {
            resource_id: s.resource_id.clone(),
            min_capacity: s.min_capacity,
            max_capacity: s.max_capacity,
        });
    }
    out.extend(s.metrics.iter().map(|metric| Action::PutScalingPolicy {
        resource_id: s.resource_id.clone(),
        metric: metric.clone(),
        target_value: s.target_value,
    }));
    Ok(out)
}

fn release_address(c: &Ctx<'_>) -> Planned {
    let associated = c
        .inventory
        .aws
        .ec2
        .elastic_ips
        .iter()
        .find(|e| e.meta.arn == c.f.resource.arn)
        .is_some_and(|e| e.associated);
    if associated {
        return Err("the address is associated".to_owned());
    }
    one(Action::ReleaseAddress {
        allocation_id: c.id(),
    })
}

fn route(p: &RouteParams) -> Planned {
    let r = p
        .route
        .as_ref()
        .ok_or("no NAT gateway in the subnet's own AZ: create one first")?;
    one(Action::RouteToNat {
        route_table_id: r.route_table_id.clone(),
        destination: r.destination.clone(),
        nat_gateway_id: r.nat_gateway_id.clone(),
        replace: r.route_exists,
    })
}
