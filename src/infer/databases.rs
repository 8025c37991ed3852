//! Databases: RDS instances outside clusters and clusters, in a network, with the services
//! whose task groups their groups admit.

use std::collections::BTreeSet;

use crate::inventory::rds::Rds;
use crate::inventory::ResourceMeta;

use super::write::{key, strings, Toml};
use super::{Found, Tier};

/// A database in one shape, whether a DB instance or a cluster.
struct Db<'a> {
    meta: &'a ResourceMeta,
    engine: &'a str,
    port: Option<i32>,
    subnet_group: Option<&'a str>,
    groups: &'a [String],
    public: bool,
    encrypted: bool,
    retention: i32,
    protection: bool,
    secret: bool,
}

fn databases(rds: &Rds) -> impl Iterator<Item = Db<'_>> {
    let instances = rds
        .db_instances
        .iter()
        .filter(|i| i.cluster.is_none())
        .map(|i| Db {
            meta: &i.meta,
            engine: &i.engine,
            port: i.port,
            subnet_group: i.subnet_group.as_deref(),
            groups: &i.security_groups,
            public: i.publicly_accessible,
            encrypted: i.storage_encrypted,
            retention: i.backup_retention_period,
            protection: i.deletion_protection,
            secret: i.master_user_secret.is_some(),
        });
    let clusters = rds.db_clusters.iter().map(|c| Db {
        meta: &c.meta,
        engine: &c.engine,
        port: c.port,
        subnet_group: c.subnet_group.as_deref(),
        groups: &c.security_groups,
        // Aurora says it per member instance.
        public: c.publicly_accessible.unwrap_or_else(|| {
            rds.db_instances
                .iter()
                .any(|i| c.members.contains(&i.meta.id) && i.publicly_accessible)
        }),
        encrypted: c.storage_encrypted,
        retention: c.backup_retention_period,
        protection: c.deletion_protection,
        secret: c.master_user_secret.is_some(),
    });
    instances.chain(clusters)
}

impl Found<'_> {
    pub(super) fn write_databases(&self, t: &mut Toml) {
        let rds = &self.inv.aws.rds;
        for Db {
            meta,
            engine,
            port,
            subnet_group: group,
            groups,
            public,
            encrypted,
            retention,
            protection,
            secret,
        } in databases(rds)
        {
            let Some(g) = group
                .as_ref()
                .and_then(|n| rds.db_subnet_groups.iter().find(|g| &g.meta.id == n))
            else {
                continue;
            };
            let Some(network) = self.network_of(&g.vpc_id) else {
                continue;
            };
            t.table(&format!("architecture.databases.{}", key(&meta.id)));
            t.set("network", network.name.as_str(), &g.meta.id);
            t.set("engine", engine, &meta.id);
            t.set("identifier", meta.id.as_str(), "");
            let tiers: BTreeSet<Tier> = g
                .subnets
                .iter()
                .filter_map(|s| self.subnet_tier.get(s.as_str()))
                .map(|(_, t)| *t)
                .collect();
            if tiers.len() == 1 {
                t.set(
                    "tier",
                    tiers.iter().next().unwrap_or(&Tier::Private).as_str(),
                    &format!("its subnet group {}", g.meta.id),
                );
            }
            if let Some(p) = port {
                t.set("port", i64::from(p), "");
            }
            let unknown = |a: &str| meta.unknown.contains(a);
            for (k, v) in [
                ("publicly_accessible", public),
                ("storage_encrypted", encrypted),
                ("deletion_protection", protection),
            ] {
                if unknown(k) {
                    t.comment(&format!("{k}: could not be read"));
                } else {
                    t.set(k, v, "");
                }
            }
            if !unknown("backup_retention_period") && retention > 0 {
                t.set(
                    "min_backup_retention_days",
                    i64::from(retention),
                    "its backup retention",
                );
            }
            t.set(
                "manage_master_user_password",
                secret,
                "whether RDS keeps the password in Secrets Manager",
            );
            let ports: BTreeSet<i64> = port.map(i64::from).into_iter().collect();
            let (services, cidrs) = self.callers(groups, &ports, None);
            t.set(
                "reachable_from_services",
                strings(&services),
                &format!("sources of {}", groups.join(", ")),
            );
            if !cidrs.is_empty() {
                t.set("reachable_from_cidrs", strings(&cidrs), "");
            }
        }
    }
}
