//! What serde cannot check in `[architecture]`: CIDRs inside their network, zones covered,
//! finite thresholds, valid globs, and references between components (a service naming an
//! unknown load balancer) and the pins that tell two components of one kind apart. Every
//! error carries the span of the value at fault.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use super::spec::*;

type Invalid = (Range<usize>, String);

fn err<T>(span: Range<usize>, message: String) -> Result<T, Invalid> {
    Err((span, message))
}

/// Checks the architecture.
pub(super) fn architecture(a: &Architecture) -> Result<(), Invalid> {
    for (name, n) in &a.networks {
        network(name, n)?;
    }
    let mut unpinned_lbs = BTreeMap::new();
    for (name, lb) in &a.load_balancers {
        known(
            &a.networks,
            &lb.network,
            "network",
            &format!("load_balancers.{name}"),
        )?;
        for c in &lb.ingress_cidrs {
            cidr(c)?;
        }
        if let Some(http) = &lb.http {
            match (*http.action.get_ref(), &http.redirect_status, &lb.https) {
                (HttpAction::Redirect, None, _) => {
                    return err(http.action.span(), "a redirect needs `redirect_status` (HTTP_301)".into())
                }
                (HttpAction::Redirect, _, None) => {
                    return err(http.action.span(), format!("load_balancers.{name}: the HTTP listener redirects to HTTPS, but no `https` listener is documented"))
                }
                (HttpAction::Forward, Some(_), _) => {
                    return err(http.action.span(), "`redirect_status` only goes with `action = \"redirect\"`".into())
                }
                _ => {}
            }
        }
        for r in &lb.routes {
            known(
                &a.services,
                &r.service,
                "service",
                &format!("load_balancers.{name}.routes"),
            )?;
            let served = a.services[r.service.get_ref()].load_balancer.as_ref();
            if served.map(|s| s.get_ref()) != Some(name) {
                return err(r.service.span(), format!("load_balancers.{name} routes to service {}, whose `load_balancer` is not {name}", r.service.get_ref()));
            }
        }
        if lb.name.is_none() {
            if let Some(other) =
                unpinned_lbs.insert((lb.network.get_ref().clone(), lb.scheme), name)
            {
                return err(lb.network.span(), format!("load_balancers.{other} and load_balancers.{name} are both {} in network {} without a `name`: pin them by name", match lb.scheme { Scheme::InternetFacing => "internet-facing", Scheme::Internal => "internal" }, lb.network.get_ref()));
            }
        }
    }
    let mut unpinned_services = BTreeMap::new();
    for (name, s) in &a.services {
        let at = format!("services.{name}");
        known(&a.networks, &s.network, "network", &at)?;
        if let Some(lb) = &s.load_balancer {
            known(&a.load_balancers, lb, "load balancer", &at)?;
            if a.load_balancers[lb.get_ref()].network.get_ref() != s.network.get_ref() {
                return err(
                    lb.span(),
                    format!(
                        "{at}: load balancer {} is in another network than the service",
                        lb.get_ref()
                    ),
                );
            }
        }
        for other in &s.reachable_from_services {
            known(&a.services, other, "service", &at)?;
        }
        for c in &s.reachable_from_cidrs {
            cidr(c)?;
        }
        if s.name.is_none() {
            let Some(lb) = &s.load_balancer else {
                return err(s.network.span(), format!("{at} has no load balancer to be found by: pin it with `name` (and `cluster`)"));
            };
            if let Some(other) = unpinned_services.insert(lb.get_ref().clone(), name) {
                return err(lb.span(), format!("services.{other} and {at} are both behind load balancer {} without a `name`: pin them by name", lb.get_ref()));
            }
        }
        if let (Some(min), Some(max)) = (s.min_desired_count, &s.max_desired_count) {
            if min > *max.get_ref() {
                return err(
                    max.span(),
                    "max_desired_count is below min_desired_count".into(),
                );
            }
        }
        for alarm in &s.alarms {
            thresholds(alarm)?;
        }
    }
    databases(a)?;
    if let Some(logs) = &a.logs {
        if logs.min_retention_days > *logs.max_retention_days.get_ref() {
            return err(
                logs.max_retention_days.span(),
                "max_retention_days is below min_retention_days".into(),
            );
        }
    }
    if let Some(b) = &a.state_bucket {
        glob(&b.name_pattern)?;
    }
    for s in a.github_oidc.iter().flat_map(|g| &g.allowed_subjects) {
        glob(s)?;
    }
    Ok(())
}

fn databases(a: &Architecture) -> Result<(), Invalid> {
    let mut unpinned = BTreeMap::new();
    for (name, d) in &a.databases {
        let at = format!("databases.{name}");
        known(&a.networks, &d.network, "network", &at)?;
        for s in d.reachable_from_services.iter().flatten() {
            known(&a.services, s, "service", &at)?;
            if a.services[s.get_ref()].network.get_ref() != d.network.get_ref() {
                return err(
                    s.span(),
                    format!(
                        "{at}: service {} runs in another network than the database",
                        s.get_ref()
                    ),
                );
            }
        }
        for c in d.reachable_from_cidrs.iter().flatten() {
            cidr(c)?;
        }
        if let (Some(min), Some(max)) = (d.min_backup_retention_days, &d.max_backup_retention_days)
        {
            if min > *max.get_ref() {
                return err(
                    max.span(),
                    "max_backup_retention_days is below min_backup_retention_days".into(),
                );
            }
        }
        if let Some(max) = &d.max_backup_retention_days {
            if *max.get_ref() > 35 {
                return err(
                    max.span(),
                    "RDS keeps automated backups for at most 35 days".into(),
                );
            }
        }
        if d.identifier.is_none() {
            let key = (d.network.get_ref().clone(), d.engine.get_ref().clone());
            if let Some(other) = unpinned.insert(key, name) {
                return err(d.engine.span(), format!("databases.{other} and {at} are both {} in network {} without an `identifier`: pin them", d.engine.get_ref(), d.network.get_ref()));
            }
        }
    }
    Ok(())
}

fn network(name: &str, n: &Network) -> Result<(), Invalid> {
    let vpc = &n.cidr;
    if !matches!(crate::cidr::parse(vpc.get_ref()), Some(ipnet::IpNet::V4(_))) {
        return err(
            vpc.span(),
            format!("`{}` is not an IPv4 CIDR", vpc.get_ref()),
        );
    }
    if !crate::names::is_region(n.region.get_ref()) {
        return err(
            n.region.span(),
            format!("`{}` is not a region name", n.region.get_ref()),
        );
    }
    let azs: BTreeSet<&str> = n
        .availability_zones
        .iter()
        .map(|z| z.get_ref().as_str())
        .collect();
    let mut seen = BTreeSet::new();
    for s in &n.subnets {
        let c = s.cidr.get_ref();
        if crate::cidr::parse(c).is_none() {
            return err(s.cidr.span(), format!("`{c}` is not a CIDR"));
        }
        if !crate::cidr::contains(vpc.get_ref(), c) {
            return err(
                s.cidr.span(),
                format!("subnet {c} is not inside the VPC {}", vpc.get_ref()),
            );
        }
        if !seen.insert(c.clone()) {
            return err(s.cidr.span(), format!("subnet {c} is listed twice"));
        }
        if !azs.contains(s.az.get_ref().as_str()) {
            return err(
                s.az.span(),
                format!(
                    "`{}` is not one of availability_zones {azs:?}",
                    s.az.get_ref()
                ),
            );
        }
    }
    let has = |az: &str, tier: Tier| {
        n.subnets
            .iter()
            .any(|s| s.tier == tier && s.az.get_ref() == az)
    };
    for az in &n.availability_zones {
        let az_name = az.get_ref();
        if !has(az_name, Tier::Public) && !has(az_name, Tier::Private) {
            return err(
                az.span(),
                format!("networks.{name}: availability zone {az_name} has no subnet"),
            );
        }
        // A NAT gateway per zone lives in that zone's public subnet.
        if n.nat == Some(Nat::PerAz) && has(az_name, Tier::Private) && !has(az_name, Tier::Public) {
            return err(az.span(), format!("networks.{name}: availability zone {az_name} has no public subnet for its NAT gateway (nat = \"per_az\")"));
        }
    }
    Ok(())
}

fn known<T>(
    map: &BTreeMap<String, T>,
    name: &Spanned<String>,
    what: &str,
    at: &str,
) -> Result<(), Invalid> {
    if map.contains_key(name.get_ref()) {
        return Ok(());
    }
    let names: Vec<&str> = map.keys().map(String::as_str).collect();
    err(
        name.span(),
        format!(
            "{at} names {what} `{}`, which is not documented (known: {})",
            name.get_ref(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ),
    )
}

fn cidr(c: &Spanned<String>) -> Result<(), Invalid> {
    match crate::cidr::parse(c.get_ref()) {
        Some(_) => Ok(()),
        None => err(c.span(), format!("`{}` is not a CIDR", c.get_ref())),
    }
}

fn glob(p: &Spanned<String>) -> Result<(), Invalid> {
    match glob::Pattern::new(p.get_ref()) {
        Ok(_) => Ok(()),
        Err(_) => err(p.span(), "not a valid glob pattern".into()),
    }
}

fn thresholds(alarm: &AlarmSpec) -> Result<(), Invalid> {
    let max = &alarm.threshold_max;
    if !alarm.threshold_min.is_finite() || !max.get_ref().is_finite() {
        return err(
            max.span(),
            "thresholds must be finite numbers (not nan or inf)".into(),
        );
    }
    if alarm.threshold_min > *max.get_ref() {
        return err(max.span(), "threshold_max is below threshold_min".into());
    }
    Ok(())
}
