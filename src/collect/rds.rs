//! RDS collector.
//!
//! Calls per region: `DescribeDBInstances`, `DescribeDBClusters` and `DescribeDBSubnetGroups`
//! (each paginated, 100 per page). The three lists are independent: one that fails is a gap
//! of its kind alone. A setting the response leaves out (`PubliclyAccessible`,
//! `StorageEncrypted`, …) is never taken as `false`: the attribute is recorded unknown, with a
//! gap, so no rule concludes from it.

use aws_sdk_rds::Client;

use super::ctx::{list_all, sorted, Ctx, Present};
use crate::inventory::rds::*;
use crate::inventory::Tags;

const INSTANCES: &str = "rds.db_instances";
const CLUSTERS: &str = "rds.db_clusters";
const SUBNET_GROUPS: &str = "rds.db_subnet_groups";

/// Collects DB instances, clusters and subnet groups in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Rds {
    let (db_instances, db_clusters, db_subnet_groups) = futures::join!(
        instances(ctx, client),
        clusters(ctx, client),
        subnet_groups(ctx, client)
    );
    Rds {
        db_instances,
        db_clusters,
        db_subnet_groups,
    }
}

fn tags(list: &[aws_sdk_rds::types::Tag]) -> Tags {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

async fn instances(ctx: &Ctx, client: &Client) -> Vec<DbInstance> {
    let mut out = Vec::new();
    let pages = client
        .describe_db_instances()
        .max_records(100)
        .into_paginator()
        .send();
    list_all!(ctx, "DescribeDBInstances", INSTANCES, pages, |page| {
        out.extend(page.db_instances().iter().map(|d| instance(ctx, d)));
    });
    out
}

async fn clusters(ctx: &Ctx, client: &Client) -> Vec<DbCluster> {
    let mut out = Vec::new();
    let pages = client
        .describe_db_clusters()
        .max_records(100)
        .into_paginator()
        .send();
    list_all!(ctx, "DescribeDBClusters", CLUSTERS, pages, |page| {
        out.extend(page.db_clusters().iter().map(|c| cluster(ctx, c)));
    });
    out
}

fn group_ids<'a>(ids: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    sorted(Some(&ids.flatten().collect::<Vec<_>>()))
}

fn instance(ctx: &Ctx, d: &aws_sdk_rds::types::DbInstance) -> DbInstance {
    const OP: &str = "DescribeDBInstances";
    let id = d.db_instance_identifier().unwrap_or_default().to_owned();
    let arn = d
        .db_instance_arn()
        .present()
        .map_or_else(|| ctx.arn("rds", &format!("db:{id}")), str::to_owned);
    let mut meta = ctx.meta(arn, id, tags(d.tag_list()));
    let m = &mut meta;
    DbInstance {
        engine: d.engine().unwrap_or_default().to_owned(),
        engine_version: d.engine_version().present().map(str::to_owned),
        status: d.db_instance_status().unwrap_or_default().to_owned(),
        cluster: d.db_cluster_identifier().present().map(str::to_owned),
        publicly_accessible: ctx.required(
            OP,
            INSTANCES,
            m,
            "publicly_accessible",
            d.publicly_accessible(),
        ),
        storage_encrypted: ctx.required(
            OP,
            INSTANCES,
            m,
            "storage_encrypted",
            d.storage_encrypted(),
        ),
        backup_retention_period: ctx.required(
            OP,
            INSTANCES,
            m,
            "backup_retention_period",
            d.backup_retention_period(),
        ),
        deletion_protection: ctx.required(
            OP,
            INSTANCES,
            m,
            "deletion_protection",
            d.deletion_protection(),
        ),
        multi_az: d.multi_az().unwrap_or(false),
        port: d
            .endpoint()
            .and_then(|e| e.port())
            .or_else(|| d.db_instance_port().filter(|p| *p > 0)),
        subnet_group: d
            .db_subnet_group()
            .and_then(|g| g.db_subnet_group_name())
            .present()
            .map(str::to_owned),
        security_groups: group_ids(
            d.vpc_security_groups()
                .iter()
                .map(|g| g.vpc_security_group_id()),
        ),
        master_user_secret: d
            .master_user_secret()
            .and_then(|s| s.secret_arn())
            .present()
            .map(str::to_owned),
        meta,
    }
}

fn cluster(ctx: &Ctx, c: &aws_sdk_rds::types::DbCluster) -> DbCluster {
    const OP: &str = "DescribeDBClusters";
    let id = c.db_cluster_identifier().unwrap_or_default().to_owned();
    let arn = c
        .db_cluster_arn()
        .present()
        .map_or_else(|| ctx.arn("rds", &format!("cluster:{id}")), str::to_owned);
    let mut meta = ctx.meta(arn, id, tags(c.tag_list()));
    let m = &mut meta;
    DbCluster {
        engine: c.engine().unwrap_or_default().to_owned(),
        engine_version: c.engine_version().present().map(str::to_owned),
        status: c.status().unwrap_or_default().to_owned(),
        members: group_ids(
            c.db_cluster_members()
                .iter()
                .map(|x| x.db_instance_identifier()),
        ),
        publicly_accessible: c.publicly_accessible(),
        storage_encrypted: ctx.required(
            OP,
            CLUSTERS,
            m,
            "storage_encrypted",
            c.storage_encrypted(),
        ),
        backup_retention_period: ctx.required(
            OP,
            CLUSTERS,
            m,
            "backup_retention_period",
            c.backup_retention_period(),
        ),
        deletion_protection: ctx.required(
            OP,
            CLUSTERS,
            m,
            "deletion_protection",
            c.deletion_protection(),
        ),
        port: c.port(),
        subnet_group: c.db_subnet_group().present().map(str::to_owned),
        security_groups: group_ids(
            c.vpc_security_groups()
                .iter()
                .map(|g| g.vpc_security_group_id()),
        ),
        master_user_secret: c
            .master_user_secret()
            .and_then(|s| s.secret_arn())
            .present()
            .map(str::to_owned),
        meta,
    }
}

async fn subnet_groups(ctx: &Ctx, client: &Client) -> Vec<DbSubnetGroup> {
    let mut out = Vec::new();
    let pages = client
        .describe_db_subnet_groups()
        .max_records(100)
        .into_paginator()
        .send();
    list_all!(
        ctx,
        "DescribeDBSubnetGroups",
        SUBNET_GROUPS,
        pages,
        |page| {
            for g in page.db_subnet_groups() {
                let name = g.db_subnet_group_name().unwrap_or_default().to_owned();
                let arn = g
                    .db_subnet_group_arn()
                    .present()
                    .map_or_else(|| ctx.arn("rds", &format!("subgrp:{name}")), str::to_owned);
                out.push(DbSubnetGroup {
                    meta: ctx.meta_untagged(arn, name),
                    vpc_id: g.vpc_id().unwrap_or_default().to_owned(),
                    subnets: group_ids(g.subnets().iter().map(|s| s.subnet_identifier())),
                });
            }
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use aws_sdk_rds::types::{
        DbInstance as Sdk, DbSubnetGroup as SdkGroup, Endpoint, MasterUserSecret,
        VpcSecurityGroupMembership,
    };

    use super::*;
    use crate::aws::RateLimiter;

    fn ctx() -> Ctx {
        Ctx::new(
            "rds",
            "eu-west-1",
            "123456789012",
            "aws",
            1,
            Arc::new(RateLimiter::new(0.0)),
        )
    }

    #[test]
    fn an_instance_is_mapped_with_its_placement_groups_and_secret_arn() {
        let ctx = ctx();
        let sg = |id: &str| {
            VpcSecurityGroupMembership::builder()
                .vpc_security_group_id(id)
                .build()
        };
        let d = Sdk::builder()
            .db_instance_identifier("shop-db")
            .db_instance_arn("arn:aws:rds:eu-west-1:123456789012:db:shop-db")
            .engine("postgres")
            .db_instance_status("available")
            .publicly_accessible(false)
            .storage_encrypted(true)
            .backup_retention_period(7)
            .deletion_protection(true)
            .endpoint(Endpoint::builder().port(5432).build())
            .db_subnet_group(SdkGroup::builder().db_subnet_group_name("shop-db").build())
            .vpc_security_groups(sg("sg-2"))
            .vpc_security_groups(sg("sg-1"))
            .master_user_secret(
                MasterUserSecret::builder()
                    .secret_arn("arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1")
                    .build(),
            )
            .build();
        let i = instance(&ctx, &d);
        assert_eq!(i.meta.id, "shop-db");
        assert_eq!(
            (i.port, i.subnet_group.as_deref()),
            (Some(5432), Some("shop-db"))
        );
        assert_eq!(i.security_groups, ["sg-1", "sg-2"]);
        assert!(i.storage_encrypted && i.deletion_protection && !i.publicly_accessible);
        assert_eq!(i.backup_retention_period, 7);
        assert!(i.master_user_secret.unwrap().ends_with("secret:rds!db-1"));
        assert!(i.meta.unknown.is_empty());
        assert!(ctx.finish().2.is_empty());
    }

    #[test]
    fn an_omitted_setting_is_unknown_with_a_gap_never_false() {
        let ctx = ctx();
        let d = Sdk::builder()
            .db_instance_identifier("db")
            .storage_encrypted(true)
            .backup_retention_period(1)
            .deletion_protection(false)
            .build();
        let i = instance(&ctx, &d);
        assert_eq!(
            i.meta.unknown.iter().collect::<Vec<_>>(),
            ["publicly_accessible"]
        );
        // The ARN is built when the response leaves it out.
        assert_eq!(i.meta.arn, "arn:aws:rds:eu-west-1:123456789012:db:db");
        let gaps = ctx.finish().2;
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].attribute.as_deref(), Some("publicly_accessible"));
        assert_eq!(gaps[0].resource.as_deref(), Some(i.meta.arn.as_str()));
        assert_eq!(gaps[0].code, "NotReturned");
    }
}
