//! Services (through the target groups they are registered with, workers without one), the
//! load balancers' routes to them, and databases with the services that reach them.

use std::collections::BTreeSet;

use crate::inventory::ec2::{Peer, SecurityGroup};
use crate::inventory::ecs::Service;

use super::write::{integers, key, strings, Toml};
use super::{Found, Tier};

pub(crate) struct Svc<'a> {
    pub(crate) name: String,
    pub(crate) service: &'a Service,
    network: String,
    tier: Option<Tier>,
    pub(super) balancer: Option<String>,
    ports: BTreeSet<i64>,
    pinned: bool,
}

fn cluster_name(s: &Service) -> &str {
    s.cluster_arn.rsplit('/').next().unwrap_or_default()
}

/// The ECS services whose tasks run in a network's subnets, named by their name without their
/// cluster's (`archaudit-app` in cluster `archaudit` is `app`), pinned by name where an
/// unpinned service could not be told apart (no load balancer, or a shared one).
pub(super) fn find<'a>(found: &Found<'a>) -> Vec<Svc<'a>> {
    let mut out: Vec<Svc<'a>> = Vec::new();
    for s in &found.inv.aws.ecs.services {
        let Some(net) = &s.network else { continue };
        let placed: Vec<&(String, Tier)> = net
            .subnets
            .iter()
            .filter_map(|x| found.subnet_tier.get(x.as_str()))
            .collect();
        let Some((network, _)) = placed.first() else {
            continue;
        };
        let tiers: BTreeSet<Tier> = placed.iter().map(|(_, t)| *t).collect();
        let balancer = s
            .load_balancers
            .iter()
            .filter_map(|b| found.balancer_of_tg(b.target_group_arn.as_deref()?))
            .map(|b| b.name.clone())
            .next();
        let cluster = cluster_name(s);
        let short = s
            .meta
            .id
            .strip_prefix(&format!("{cluster}-"))
            .filter(|x| !x.is_empty())
            .unwrap_or(&s.meta.id);
        out.push(Svc {
            name: key(short),
            service: s,
            network: network.clone(),
            tier: (tiers.len() == 1).then(|| *tiers.iter().next().unwrap_or(&Tier::Private)),
            balancer,
            ports: s
                .load_balancers
                .iter()
                .filter_map(|b| b.container_port)
                .map(i64::from)
                .collect(),
            pinned: false,
        });
    }
    // Names stay unique; the validator's pins: a worker, or a load balancer shared.
    let names: Vec<String> = out.iter().map(|s| s.name.clone()).collect();
    for s in &mut out {
        if names.iter().filter(|n| **n == s.name).count() > 1 {
            s.name = key(&s.service.meta.id);
        }
    }
    let shared: Vec<Option<String>> = out.iter().map(|s| s.balancer.clone()).collect();
    for s in &mut out {
        s.pinned = s.balancer.is_none() || shared.iter().filter(|b| **b == s.balancer).count() > 1;
    }
    out
}

impl Found<'_> {
    pub(super) fn write_services(&self, t: &mut Toml) {
        let aws = &self.inv.aws;
        for s in &self.services {
            let svc = s.service;
            let cluster = cluster_name(svc);
            t.table(&format!("architecture.services.{}", s.name));
            if s.pinned {
                let why = if s.balancer.is_some() {
                    "pinned: it shares its load balancer"
                } else {
                    "pinned: no load balancer finds it"
                };
                t.set("name", svc.meta.id.as_str(), why);
                t.set("cluster", cluster, "");
            }
            t.set("network", s.network.as_str(), "where its tasks run");
            match s.tier {
                Some(tier) => t.set("tier", tier.as_str(), "its tasks' subnets"),
                None => {
                    t.comment("tier: its tasks run in public and private subnets: not documented")
                }
            }
            if let Some(b) = &s.balancer {
                t.set(
                    "load_balancer",
                    b.as_str(),
                    "registered with its target group",
                );
                t.set(
                    "ports",
                    integers(s.ports.iter().copied()),
                    "its container ports on the load balancer",
                );
            }
            if let Some(lt) = &svc.launch_type {
                t.set("launch_type", lt.as_str(), &svc.meta.id);
            }
            t.set(
                "min_desired_count",
                i64::from(svc.desired_count),
                "its desired count",
            );
            let resource = format!("service/{cluster}/{}", svc.meta.id);
            let target = aws
                .autoscaling
                .targets
                .iter()
                .find(|x| x.resource_id == resource);
            match target {
                Some(x) => t.set(
                    "max_desired_count",
                    i64::from(x.max_capacity.max(svc.desired_count)),
                    &x.meta.id,
                ),
                None => t.set(
                    "max_desired_count",
                    i64::from(svc.desired_count),
                    "no autoscaling: the count is fixed",
                ),
            }
            if let Some(n) = &svc.network {
                t.set("assign_public_ip", n.assign_public_ip, "");
            }
            let d = &svc.deployment;
            t.set(
                "circuit_breaker_rollback",
                d.circuit_breaker_enabled && d.circuit_breaker_rollback,
                "its deployment configuration",
            );
            let metrics: BTreeSet<&str> = aws
                .autoscaling
                .policies
                .iter()
                .filter(|p| p.resource_id == resource && p.policy_type == "TargetTrackingScaling")
                .filter_map(|p| p.predefined_metric.as_deref())
                .collect();
            if !metrics.is_empty() {
                t.set(
                    "autoscaling_metrics",
                    strings(&metrics),
                    "its target-tracking policies",
                );
            }
            let (services, cidrs) = self.callers(
                &svc.network
                    .as_ref()
                    .map(|n| n.security_groups.clone())
                    .unwrap_or_default(),
                &s.ports,
                Some(&s.name),
            );
            if !services.is_empty() {
                t.set(
                    "reachable_from_services",
                    strings(&services),
                    "their task groups are sources of its own",
                );
            }
            if !cidrs.is_empty() {
                t.set(
                    "reachable_from_cidrs",
                    strings(&cidrs),
                    "sources of its task groups",
                );
            }
            self.write_alarms(t, s, cluster);
        }
    }

    /// Alarms on the service's metrics that people made (not those target tracking manages).
    fn write_alarms(&self, t: &mut Toml, s: &Svc, cluster: &str) {
        for a in &self.inv.aws.cloudwatch.alarms {
            let on = a
                .dimensions
                .get("ClusterName")
                .is_some_and(|c| c == cluster)
                && a.dimensions
                    .get("ServiceName")
                    .is_some_and(|n| *n == s.service.meta.id);
            let (Some(ns), Some(metric), Some(threshold)) =
                (&a.namespace, &a.metric_name, a.threshold)
            else {
                continue;
            };
            if !on || a.meta.id.starts_with("TargetTracking-") {
                continue;
            }
            t.array_table(&format!("architecture.services.{}.alarms", s.name));
            t.set("namespace", ns.as_str(), &a.meta.id);
            t.set("metric", metric.as_str(), "");
            t.set("comparison", strings([&a.comparison_operator]), "");
            t.set(
                "threshold_min",
                threshold,
                "its threshold: widen to the range your document allows",
            );
            t.set("threshold_max", threshold, "");
        }
    }

    /// The services (other than `own`) whose task groups, and the CIDRs, that `groups` admit
    /// on `ports` (any port when empty).
    pub(super) fn callers(
        &self,
        groups: &[String],
        ports: &BTreeSet<i64>,
        own: Option<&str>,
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut services = BTreeSet::new();
        let mut cidrs = BTreeSet::new();
        let rules = self
            .inv
            .aws
            .ec2
            .security_groups
            .iter()
            .filter(|g| groups.contains(&g.meta.id))
            .flat_map(|g: &SecurityGroup| g.ingress.iter().flatten());
        for r in rules {
            let covers = ports.is_empty()
                || ports.iter().any(|p| {
                    r.protocol == "all"
                        || (i64::from(r.from_port) <= *p && *p <= i64::from(r.to_port))
                });
            if !covers {
                continue;
            }
            match &r.peer {
                Peer::SecurityGroup(g) => services.extend(
                    self.services
                        .iter()
                        .filter(|s| Some(s.name.as_str()) != own)
                        .filter(|s| {
                            s.service
                                .network
                                .as_ref()
                                .is_some_and(|n| n.security_groups.contains(g))
                        })
                        .map(|s| s.name.clone()),
                ),
                Peer::CidrIpv4(c) | Peer::CidrIpv6(c) => {
                    cidrs.insert(c.clone());
                }
                _ => {}
            }
        }
        (services, cidrs)
    }
}
