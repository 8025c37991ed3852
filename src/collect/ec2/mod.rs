//! EC2 networking collector.
//!
//! Calls per region: one paginated list per kind (`DescribeVpcs`, `DescribeSubnets`,
//! `DescribeRouteTables`, `DescribeInternetGateways`, `DescribeNatGateways`,
//! `DescribeAddresses`, `DescribeSecurityGroups`, `DescribeSecurityGroupRules`), all at once,
//! plus two `DescribeVpcAttribute` calls per VPC (DNS support and hostnames have no batch API).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::VpcAttributeName;
use aws_sdk_ec2::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, sorted, Ctx, Failure, Present};
use crate::inventory::ec2::*;

/// Collects every EC2 networking kind in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Ec2 {
    let (
        vpcs,
        subnets,
        route_tables,
        internet_gateways,
        nat_gateways,
        elastic_ips,
        security_groups,
    ) = tokio::join!(
        vpcs(ctx, client),
        subnets(ctx, client),
        route_tables(ctx, client),
        internet_gateways(ctx, client),
        nat_gateways(ctx, client),
        elastic_ips(ctx, client),
        security_groups(ctx, client),
    );
    Ec2 {
        vpcs,
        subnets,
        route_tables,
        internet_gateways,
        nat_gateways,
        elastic_ips,
        security_groups,
    }
}

async fn vpcs(ctx: &Ctx, client: &Client) -> Vec<Vpc> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeVpcs",
        "ec2.vpcs",
        client.describe_vpcs().into_paginator().send(),
        |page| {
            for v in page.vpcs() {
                let id = v.vpc_id().unwrap_or_default().to_owned();
                let mut cidr_blocks: Vec<String> = v
                    .cidr_block_association_set()
                    .iter()
                    .filter(|a| {
                        a.cidr_block_state()
                            .and_then(|s| s.state())
                            .is_none_or(|s| s.as_str() == "associated")
                    })
                    .filter_map(|a| a.cidr_block().present().map(str::to_owned))
                    .collect();
                if cidr_blocks.is_empty() {
                    cidr_blocks.extend(v.cidr_block().present().map(str::to_owned));
                }
                cidr_blocks.sort();
                cidr_blocks.dedup();
                out.push(Vpc {
                    meta: ctx.meta(ctx.arn("ec2", &format!("vpc/{id}")), id, tags(v.tags())),
                    cidr_block: v.cidr_block().unwrap_or_default().to_owned(),
                    cidr_blocks,
                    is_default: v.is_default().unwrap_or(false),
                    state: v.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    enable_dns_support: None,
                    enable_dns_hostnames: None,
                });
            }
        }
    );
    // DNS attributes: one call per VPC and attribute; AWS has no batch form.
    stream::iter(out.iter_mut())
        .for_each_concurrent(ctx.concurrency, |vpc| async move {
            for (attr, name) in [
                (VpcAttributeName::EnableDnsSupport, "enable_dns_support"),
                (VpcAttributeName::EnableDnsHostnames, "enable_dns_hostnames"),
            ] {
                let result = ctx
                    .call(
                        "DescribeVpcAttribute",
                        client
                            .describe_vpc_attribute()
                            .vpc_id(&vpc.meta.id)
                            .attribute(attr.clone())
                            .send(),
                    )
                    .await;
                match result {
                    Ok(o) => {
                        let value = match attr {
                            VpcAttributeName::EnableDnsSupport => {
                                o.enable_dns_support().and_then(|v| v.value())
                            }
                            _ => o.enable_dns_hostnames().and_then(|v| v.value()),
                        };
                        match value {
                            Some(value) if name == "enable_dns_support" => {
                                vpc.enable_dns_support = Some(value)
                            }
                            Some(value) => vpc.enable_dns_hostnames = Some(value),
                            None => ctx.attribute_gap(
                                "DescribeVpcAttribute",
                                "ec2.vpcs",
                                &mut vpc.meta,
                                name,
                                Failure::other("MissingValue", "the response carried no value"),
                            ),
                        }
                    }
                    Err(f) => ctx.attribute_gap(
                        "DescribeVpcAttribute",
                        "ec2.vpcs",
                        &mut vpc.meta,
                        name,
                        f,
                    ),
                }
            }
        })
        .await;
    out
}

async fn subnets(ctx: &Ctx, client: &Client) -> Vec<Subnet> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeSubnets",
        "ec2.subnets",
        client.describe_subnets().into_paginator().send(),
        |page| {
            for s in page.subnets() {
                let id = s.subnet_id().unwrap_or_default().to_owned();
                let arn = s
                    .subnet_arn()
                    .map(str::to_owned)
                    .unwrap_or_else(|| ctx.arn("ec2", &format!("subnet/{id}")));
                out.push(Subnet {
                    meta: ctx.meta(arn, id, tags(s.tags())),
                    vpc_id: s.vpc_id().unwrap_or_default().to_owned(),
                    cidr_block: s.cidr_block().unwrap_or_default().to_owned(),
                    availability_zone: s.availability_zone().unwrap_or_default().to_owned(),
                    availability_zone_id: s.availability_zone_id().present().map(str::to_owned),
                    map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                    default_for_az: s.default_for_az().unwrap_or(false),
                    state: s.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                });
            }
        }
    );
    out
}

async fn route_tables(ctx: &Ctx, client: &Client) -> Vec<RouteTable> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeRouteTables",
        "ec2.route_tables",
        client.describe_route_tables().into_paginator().send(),
        |page| {
            for rt in page.route_tables() {
                let id = rt.route_table_id().unwrap_or_default().to_owned();
                let main = rt.associations().iter().any(|a| a.main().unwrap_or(false));
                let associations = sorted(Some(
                    &rt.associations()
                        .iter()
                        .filter_map(|a| a.subnet_id())
                        .collect::<Vec<_>>(),
                ));
                let routes = rt
                    .routes()
                    .iter()
                    .map(|r| Route {
                        destination: r
                            .destination_cidr_block()
                            .or(r.destination_ipv6_cidr_block())
                            .or(r.destination_prefix_list_id())
                            .unwrap_or_default()
                            .to_owned(),
                        target: route_target(r),
                        state: r.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                    })
                    .collect();
                out.push(RouteTable {
                    meta: ctx.meta(
                        ctx.arn("ec2", &format!("route-table/{id}")),
                        id,
                        tags(rt.tags()),
                    ),
                    vpc_id: rt.vpc_id().unwrap_or_default().to_owned(),
                    main,
                    associations,
                    routes,
                });
            }
        }
    );
    out
}

async fn internet_gateways(ctx: &Ctx, client: &Client) -> Vec<InternetGateway> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeInternetGateways",
        "ec2.internet_gateways",
        client.describe_internet_gateways().into_paginator().send(),
        |page| {
            for g in page.internet_gateways() {
                let id = g.internet_gateway_id().unwrap_or_default().to_owned();
                let attached: Vec<&str> = g
                    .attachments()
                    .iter()
                    .filter(|a| {
                        a.state()
                            .is_some_and(|s| matches!(s.as_str(), "available" | "attached"))
                    })
                    .filter_map(|a| a.vpc_id())
                    .collect();
                out.push(InternetGateway {
                    meta: ctx.meta(
                        ctx.arn("ec2", &format!("internet-gateway/{id}")),
                        id,
                        tags(g.tags()),
                    ),
                    attached_vpcs: sorted(Some(&attached)),
                });
            }
        }
    );
    out
}

async fn nat_gateways(ctx: &Ctx, client: &Client) -> Vec<NatGateway> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeNatGateways",
        "ec2.nat_gateways",
        client.describe_nat_gateways().into_paginator().send(),
        |page| {
            for n in page.nat_gateways() {
                let state = n.state().map(|s| s.as_str().to_owned()).unwrap_or_default();
                if state == "deleted" {
                    continue;
                }
                let id = n.nat_gateway_id().unwrap_or_default().to_owned();
                let addresses = n.nat_gateway_addresses();
                out.push(NatGateway {
                    meta: ctx.meta(
                        ctx.arn("ec2", &format!("natgateway/{id}")),
                        id,
                        tags(n.tags()),
                    ),
                    vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
                    subnet_id: n.subnet_id().unwrap_or_default().to_owned(),
                    state,
                    connectivity_type: n
                        .connectivity_type()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_else(|| "public".to_owned()),
                    allocation_ids: sorted(Some(
                        &addresses
                            .iter()
                            .filter_map(|a| a.allocation_id())
                            .collect::<Vec<_>>(),
                    )),
                    public_ips: sorted(Some(
                        &addresses
                            .iter()
                            .filter_map(|a| a.public_ip())
                            .collect::<Vec<_>>(),
                    )),
                });
            }
        }
    );
    out
}

async fn elastic_ips(ctx: &Ctx, client: &Client) -> Vec<ElasticIp> {
    // DescribeAddresses is not paginated: one call returns every address of the region.
    match ctx
        .call("DescribeAddresses", client.describe_addresses().send())
        .await
    {
        Ok(page) => page
            .addresses()
            .iter()
            .map(|a| elastic_ip(ctx, a))
            .collect(),
        Err(f) => {
            ctx.kind_gap("DescribeAddresses", "ec2.elastic_ips", f);
            Vec::new()
        }
    }
}

async fn security_groups(ctx: &Ctx, client: &Client) -> Vec<SecurityGroup> {
    let groups = async {
        let mut out = Vec::new();
        list_all!(
            ctx,
            "DescribeSecurityGroups",
            "ec2.security_groups",
            client.describe_security_groups().into_paginator().send(),
            |page| {
                for g in page.security_groups() {
                    let id = g.group_id().unwrap_or_default().to_owned();
                    let arn = g
                        .security_group_arn()
                        .map(str::to_owned)
                        .unwrap_or_else(|| ctx.arn("ec2", &format!("security-group/{id}")));
                    out.push(SecurityGroup {
                        meta: ctx.meta(arn, id, tags(g.tags())),
                        name: g.group_name().unwrap_or_default().to_owned(),
                        description: g.description().unwrap_or_default().to_owned(),
                        vpc_id: g.vpc_id().unwrap_or_default().to_owned(),
                        ingress: Some(Vec::new()),
                        egress: Some(Vec::new()),
                    });
                }
            }
        );
        out
    };
    let rules = async {
        let mut out: BTreeMap<String, Vec<(bool, SecurityGroupRule)>> = BTreeMap::new();
        let mut pages = client
            .describe_security_group_rules()
            .into_paginator()
            .send();
        while let Some(result) = ctx
            .next_page("DescribeSecurityGroupRules", &mut pages)
            .await
        {
            match result {
                Ok(page) => {
                    for r in page.security_group_rules() {
                        let group = r.group_id().unwrap_or_default().to_owned();
                        out.entry(group)
                            .or_default()
                            .push((r.is_egress().unwrap_or(false), rule(r)));
                    }
                }
                Err(f) => return Err(f),
            }
        }
        Ok(out)
    };
    let (mut groups, rules) = tokio::join!(groups, rules);
    match rules {
        Ok(mut rules) => {
            for g in &mut groups {
                for (egress, r) in rules.remove(&g.meta.id).unwrap_or_default() {
                    let list = if egress {
                        &mut g.egress
                    } else {
                        &mut g.ingress
                    };
                    list.get_or_insert_with(Vec::new).push(r);
                }
            }
        }
        Err(f) => {
            for g in &mut groups {
                g.ingress = None;
                g.egress = None;
            }
            ctx.attributes_gap(
                "DescribeSecurityGroupRules",
                "ec2.security_groups",
                groups.iter_mut().map(|g| &mut g.meta),
                &["ingress", "egress"],
                &f,
            );
        }
    }
    groups
}

mod map;
#[cfg(test)]
mod tests;

use map::{elastic_ip, route_target, rule, tags};
