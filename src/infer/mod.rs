//! `archaudit init --from-inventory`: a named-component spec written from a deployment.
//!
//! It describes what *is*: networks from VPCs (subnet tiers by their routes), application load
//! balancers with their listeners and routing rules, ECS services through their target groups
//! (workers without one), databases with who reaches them, and the account-wide sections read
//! from the account (log retention, the Terraform state bucket, GitHub OIDC, the users holding
//! keys). Every inferred value carries a comment naming the resource it came from. Guardrails
//! that no deployment shows (administrator policies, wildcard-only actions, administrative
//! ports) are the reference's, marked as such. Nothing secret is read or written: names, ids
//! and settings only. The team reviews the result against what its document says *should* be.

use std::collections::{BTreeMap, BTreeSet};

use crate::inventory::ec2::{Subnet, Vpc};
use crate::inventory::elbv2::LoadBalancer;
use crate::inventory::Inventory;

mod account;
mod balancers;
mod databases;
mod network;
mod services;
mod write;

use write::{key, Toml};

/// The spec `inventory` describes, as commented TOML.
pub fn spec(inventory: &Inventory) -> String {
    let found = Found::new(inventory);
    let mut t = Toml::default();
    t.comment(&header(inventory));
    found.write_networks(&mut t);
    found.write_load_balancers(&mut t);
    found.write_services(&mut t);
    found.write_databases(&mut t);
    account::write(inventory, &mut t);
    t.finish()
}

fn header(inv: &Inventory) -> String {
    let mut h = format!(
        "Written by `archaudit init --from-inventory` from account {} ({}), collected {}.\n\
         \n\
         This describes what IS deployed, not what your architecture document says SHOULD be:\n\
         review every value against the document before you enforce it. Each value names the\n\
         resource it was read from. Keys left out are not judged (docs/spec.md).",
        inv.meta.account_id,
        inv.meta.regions.join(", "),
        inv.meta.collected_at,
    );
    let unread: BTreeSet<String> = inv
        .gaps
        .iter()
        .map(|g| match &g.resource {
            Some(r) => format!("{} of {r}", g.attribute.as_deref().unwrap_or(&g.kind)),
            None => format!("{} in {}", g.kind, g.region),
        })
        .collect();
    if !unread.is_empty() {
        h.push_str(
            "\n\nINCOMPLETE: these could not be read, so what they hold is not described here:",
        );
        for u in &unread {
            h.push_str(&format!("\n  - {u}"));
        }
    }
    h
}

/// The subnet tier a route table gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    Public,
    Private,
}

impl Tier {
    fn as_str(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
        }
    }
}

pub(crate) struct Network<'a> {
    pub(crate) name: String,
    pub(crate) vpc: &'a Vpc,
    pub(crate) subnets: Vec<(&'a Subnet, Tier, Option<String>)>,
}

pub(crate) struct Balancer<'a> {
    pub(crate) name: String,
    pub(crate) network: String,
    pub(crate) lb: &'a LoadBalancer,
    pub(crate) pinned: bool,
}

/// What the inventory holds, grouped into components and named.
pub(crate) struct Found<'a> {
    pub(crate) inv: &'a Inventory,
    pub(crate) networks: Vec<Network<'a>>,
    pub(crate) balancers: Vec<Balancer<'a>>,
    pub(crate) services: Vec<services::Svc<'a>>,
    /// The network name and tier of each subnet of a network.
    pub(crate) subnet_tier: BTreeMap<&'a str, (String, Tier)>,
}

impl<'a> Found<'a> {
    fn new(inv: &'a Inventory) -> Found<'a> {
        let mut found = Found {
            inv,
            networks: Vec::new(),
            balancers: Vec::new(),
            services: Vec::new(),
            subnet_tier: BTreeMap::new(),
        };
        found.find_networks();
        found.find_balancers();
        found.services = services::find(&found);
        found
    }

    /// The network of a VPC id.
    pub(crate) fn network_of(&self, vpc_id: &str) -> Option<&Network<'a>> {
        self.networks.iter().find(|n| n.vpc.meta.id == vpc_id)
    }
}

/// Names for `items`: `single` when there is one, else each one's own label as a key
/// (made unique with a number).
fn names<T>(items: &[T], label: impl Fn(&T) -> &str, single: &str) -> Vec<String> {
    if items.len() == 1 {
        return vec![single.to_owned()];
    }
    let mut seen = BTreeMap::<String, usize>::new();
    items
        .iter()
        .map(|i| {
            let k = key(label(i));
            let n = seen.entry(k.clone()).or_default();
            *n += 1;
            if *n == 1 {
                k
            } else {
                format!("{k}-{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
