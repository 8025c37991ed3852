//! Application load balancers: scheme, the sources their groups admit, listeners, and the
//! routes their listener rules give to services.

use std::collections::BTreeSet;

use crate::inventory::elbv2::{Listener, LoadBalancer};

use super::write::{key, strings, Toml};
use super::{Balancer, Found};

impl<'a> Found<'a> {
    /// Application load balancers in the networks, named `public` / `internal` (their
    /// scheme) when one of a scheme, else by their own name (and pinned by it).
    pub(super) fn find_balancers(&mut self) {
        let lbs: Vec<&LoadBalancer> = self
            .inv
            .aws
            .elbv2
            .load_balancers
            .iter()
            .filter(|lb| lb.lb_type == "application" && self.network_of(&lb.vpc_id).is_some())
            .collect();
        for lb in &lbs {
            let same_scheme = lbs.iter().filter(|o| o.scheme == lb.scheme).count();
            let network = self
                .network_of(&lb.vpc_id)
                .map(|n| n.name.clone())
                .unwrap_or_default();
            let (name, pinned) = match (same_scheme, lb.scheme.as_str()) {
                (1, "internet-facing") => ("public".to_owned(), false),
                (1, "internal") => ("internal".to_owned(), false),
                _ => (key(&lb.meta.id), true),
            };
            self.balancers.push(Balancer {
                name,
                network,
                lb,
                pinned,
            });
        }
    }

    /// The load-balancer component a target group is attached to.
    pub(crate) fn balancer_of_tg(&self, tg_arn: &str) -> Option<&Balancer<'a>> {
        let tg = self
            .inv
            .aws
            .elbv2
            .target_groups
            .iter()
            .find(|t| t.meta.arn == tg_arn)?;
        self.balancers
            .iter()
            .find(|b| tg.load_balancer_arns.contains(&b.lb.meta.arn))
    }

    pub(super) fn write_load_balancers(&self, t: &mut Toml) {
        for b in &self.balancers {
            let lb = b.lb;
            let base = format!("architecture.load_balancers.{}", b.name);
            t.table(&base);
            t.set("network", b.network.as_str(), &lb.vpc_id);
            t.set("scheme", lb.scheme.as_str(), &lb.meta.id);
            if b.pinned {
                t.set(
                    "name",
                    lb.meta.id.as_str(),
                    "several load balancers of this scheme: pinned by name",
                );
            }
            let listeners: Vec<_> = self
                .inv
                .aws
                .elbv2
                .listeners
                .iter()
                .filter(|l| l.load_balancer_arn == lb.meta.arn)
                .collect();
            let ports: BTreeSet<i32> = listeners.iter().map(|l| l.port).collect();
            let (cidrs, from) = self.ingress_cidrs(lb, &ports);
            t.set("ingress_cidrs", strings(&cidrs), &from);
            let https = listeners.iter().find(|l| l.protocol == "HTTPS");
            let http = listeners.iter().find(|l| l.protocol == "HTTP");
            let routes = routes(self, b, https.or(http).copied());
            for r in &routes {
                t.array_table(&format!("{base}.routes"));
                if let Some(path) = &r.path {
                    t.set("path", path.as_str(), "");
                }
                if let Some(host) = &r.host {
                    t.set("host", host.as_str(), "");
                }
                t.set("service", r.service.as_str(), &r.from);
            }
            if let Some(l) = https {
                t.table(&format!("{base}.https"));
                t.set("port", i64::from(l.port), &l.meta.id);
                t.set(
                    "tls_policies",
                    strings(l.ssl_policy.iter()),
                    "its TLS policy: add the others your document accepts",
                );
            }
            if let Some(l) = http {
                let redirect = l.default_actions.iter().find_map(|a| a.redirect.as_ref());
                match (redirect, https) {
                    (Some(r), Some(_)) => {
                        t.table(&format!("{base}.http"));
                        t.set("port", i64::from(l.port), &l.meta.id);
                        t.set("action", "redirect", "");
                        t.set("redirect_status", r.status_code.as_str(), "");
                    }
                    (None, _) if l.default_actions.iter().any(|a| a.action_type == "forward") => {
                        t.table(&format!("{base}.http"));
                        t.set("port", i64::from(l.port), &l.meta.id);
                        t.set("action", "forward", "plain HTTP is served");
                    }
                    _ => t.comment(&format!("listener {} (HTTP {}) neither redirects to HTTPS nor forwards: not documented", l.meta.id, l.port)),
                }
            }
        }
    }

    /// The CIDRs the load balancer's groups admit on its listener ports.
    fn ingress_cidrs(&self, lb: &LoadBalancer, ports: &BTreeSet<i32>) -> (Vec<String>, String) {
        let mut cidrs = BTreeSet::new();
        let groups: Vec<_> = self
            .inv
            .aws
            .ec2
            .security_groups
            .iter()
            .filter(|g| lb.security_groups.contains(&g.meta.id))
            .collect();
        if groups.len() < lb.security_groups.len() {
            return (
                Vec::new(),
                format!(
                    "REVIEW: the groups {} could not be read",
                    lb.security_groups.join(", ")
                ),
            );
        }
        for g in groups {
            let Some(rules) = &g.ingress else {
                return (
                    Vec::new(),
                    format!("REVIEW: the rules of {} could not be read", g.meta.id),
                );
            };
            for r in rules {
                let covers = r.protocol == "all"
                    || (r.protocol == "tcp"
                        && ports.iter().any(|p| r.from_port <= *p && *p <= r.to_port));
                if let (
                    true,
                    crate::inventory::ec2::Peer::CidrIpv4(c)
                    | crate::inventory::ec2::Peer::CidrIpv6(c),
                ) = (covers, &r.peer)
                {
                    cidrs.insert(c.clone());
                }
            }
        }
        (cidrs.into_iter().collect(), lb.security_groups.join(", "))
    }
}

pub(super) struct Route {
    pub(super) path: Option<String>,
    pub(super) host: Option<String>,
    pub(super) service: String,
    pub(super) from: String,
}

/// The balancer's routes, from `listener` (its HTTPS one, else HTTP): written only when it has
/// listener rules (a default action alone says no more than the service's `load_balancer`).
pub(super) fn routes(found: &Found, b: &Balancer, listener: Option<&Listener>) -> Vec<Route> {
    let Some(l) = listener else { return Vec::new() };
    let rules: Vec<_> = found
        .inv
        .aws
        .elbv2
        .listener_rules
        .iter()
        .filter(|r| r.listener_arn == l.meta.arn)
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let service_of = |actions: &[crate::inventory::elbv2::Action]| -> Option<String> {
        let tgs: BTreeSet<&str> = actions
            .iter()
            .filter(|a| a.action_type == "forward")
            .flat_map(|a| a.target_groups.iter().map(String::as_str))
            .collect();
        found
            .services
            .iter()
            .find(|s| {
                s.balancer.as_deref() == Some(b.name.as_str())
                    && s.service.load_balancers.iter().any(|x| {
                        x.target_group_arn
                            .as_deref()
                            .is_some_and(|t| tgs.contains(t))
                    })
            })
            .map(|s| s.name.clone())
    };
    let mut out = Vec::new();
    if let Some(service) = service_of(&l.default_actions) {
        out.push(Route {
            path: None,
            host: None,
            service,
            from: format!("the default action of {}", l.meta.id),
        });
    }
    let mut rules = rules;
    rules.sort_by_key(|r| r.priority.parse::<u32>().unwrap_or(u32::MAX));
    for r in rules {
        let field = |name: &str| {
            r.conditions
                .iter()
                .find_map(|c| c.strip_prefix(&format!("{name}: ")).map(str::to_owned))
        };
        let (path, host) = (field("path-pattern"), field("host-header"));
        let one = |v: &Option<String>| v.as_ref().is_none_or(|v| !v.contains(','));
        match service_of(&r.actions) {
            Some(service) if (path.is_some() || host.is_some()) && one(&path) && one(&host) => {
                out.push(Route {
                    path,
                    host,
                    service,
                    from: format!("rule {} (priority {})", r.meta.id, r.priority),
                });
            }
            _ => {}
        }
    }
    out
}
