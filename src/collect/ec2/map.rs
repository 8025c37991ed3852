//! Pure mappings from EC2 responses to inventory values (unit-tested in `tests.rs`).

use aws_sdk_ec2::types::Tag;

use super::super::ctx::{Ctx, Present};
use crate::inventory::ec2::{ElasticIp, Peer, RouteTarget, SecurityGroupRule};

pub(super) fn tags(tags: &[Tag]) -> crate::inventory::Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

pub(super) fn route_target(r: &aws_sdk_ec2::types::Route) -> RouteTarget {
    if let Some(id) = r.nat_gateway_id().present() {
        return RouteTarget::NatGateway(id.to_owned());
    }
    if let Some(id) = r.transit_gateway_id().present() {
        return RouteTarget::TransitGateway(id.to_owned());
    }
    if let Some(id) = r.vpc_peering_connection_id().present() {
        return RouteTarget::VpcPeeringConnection(id.to_owned());
    }
    if let Some(id) = r.egress_only_internet_gateway_id().present() {
        return RouteTarget::EgressOnlyInternetGateway(id.to_owned());
    }
    if let Some(id) = r.gateway_id().present() {
        return match id {
            "local" => RouteTarget::Local,
            id if id.starts_with("igw-") => RouteTarget::InternetGateway(id.to_owned()),
            id if id.starts_with("vgw-") => RouteTarget::VpnGateway(id.to_owned()),
            id if id.starts_with("vpce-") => RouteTarget::VpcEndpoint(id.to_owned()),
            id => RouteTarget::Other(id.to_owned()),
        };
    }
    if let Some(id) = r.instance_id().present() {
        return RouteTarget::Instance(id.to_owned());
    }
    if let Some(id) = r.network_interface_id().present() {
        return RouteTarget::NetworkInterface(id.to_owned());
    }
    if let Some(id) = r
        .carrier_gateway_id()
        .present()
        .or(r.local_gateway_id().present())
        .or(r.core_network_arn().present())
    {
        return RouteTarget::Other(id.to_owned());
    }
    RouteTarget::Other(String::new())
}

/// One Elastic IP; empty association fields (as some responses carry) mean "not associated".
pub(super) fn elastic_ip(ctx: &Ctx, a: &aws_sdk_ec2::types::Address) -> ElasticIp {
    let id = a
        .allocation_id()
        .or(a.public_ip())
        .unwrap_or_default()
        .to_owned();
    ElasticIp {
        meta: ctx.meta(
            ctx.arn("ec2", &format!("elastic-ip/{id}")),
            id,
            tags(a.tags()),
        ),
        public_ip: a.public_ip().unwrap_or_default().to_owned(),
        association_id: a.association_id().present().map(str::to_owned),
        network_interface_id: a.network_interface_id().present().map(str::to_owned),
        instance_id: a.instance_id().present().map(str::to_owned),
        associated: a.association_id().present().is_some()
            || a.network_interface_id().present().is_some()
            || a.instance_id().present().is_some(),
    }
}

pub(super) fn rule(r: &aws_sdk_ec2::types::SecurityGroupRule) -> SecurityGroupRule {
    let peer = if let Some(c) = r.cidr_ipv4().present() {
        Peer::CidrIpv4(c.to_owned())
    } else if let Some(c) = r.cidr_ipv6().present() {
        Peer::CidrIpv6(c.to_owned())
    } else if let Some(g) = r.referenced_group_info().and_then(|g| g.group_id()) {
        Peer::SecurityGroup(g.to_owned())
    } else if let Some(p) = r.prefix_list_id().present() {
        Peer::PrefixList(p.to_owned())
    } else {
        Peer::None
    };
    SecurityGroupRule::normalized(
        r.ip_protocol().unwrap_or("-1"),
        r.from_port(),
        r.to_port(),
        peer,
        r.security_group_rule_id().unwrap_or_default().to_owned(),
        r.description().map(str::to_owned),
    )
}
