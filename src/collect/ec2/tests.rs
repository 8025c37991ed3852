//! The response → inventory mappings, pinned with the SDK's own types (no emulator).
use std::sync::Arc;

use aws_sdk_ec2::types::{Address, ReferencedSecurityGroup, Route, SecurityGroupRule as Sdk};

use super::map::*;
use super::*;
use crate::aws::RateLimiter;

fn ctx() -> Ctx {
    Ctx::new(
        "ec2",
        "us-east-1",
        "123456789012",
        "aws",
        1,
        Arc::new(RateLimiter::new(0.0)),
    )
}

#[test]
fn route_targets() {
    let t = |r: Route| route_target(&r);
    assert_eq!(
        t(Route::builder().gateway_id("local").build()),
        RouteTarget::Local
    );
    assert_eq!(
        t(Route::builder().gateway_id("igw-1").build()),
        RouteTarget::InternetGateway("igw-1".into())
    );
    // An empty NAT id (as the emulator sends) does not hide the real target.
    assert_eq!(
        t(Route::builder()
            .nat_gateway_id("")
            .gateway_id("igw-1")
            .build()),
        RouteTarget::InternetGateway("igw-1".into())
    );
    assert_eq!(
        t(Route::builder().nat_gateway_id("nat-1").build()),
        RouteTarget::NatGateway("nat-1".into())
    );
    assert_eq!(
        t(Route::builder().vpc_peering_connection_id("pcx-1").build()),
        RouteTarget::VpcPeeringConnection("pcx-1".into())
    );
    assert_eq!(
        t(Route::builder().gateway_id("vpce-1").build()),
        RouteTarget::VpcEndpoint("vpce-1".into())
    );
}

#[test]
fn security_group_rules() {
    let all = rule(
        &Sdk::builder()
            .ip_protocol("-1")
            .cidr_ipv4("0.0.0.0/0")
            .security_group_rule_id("sgr-1")
            .build(),
    );
    assert_eq!(
        (all.protocol.as_str(), all.from_port, all.to_port),
        ("all", 0, 65535)
    );
    assert_eq!(all.peer, Peer::CidrIpv4("0.0.0.0/0".into()));
    let tcp = rule(
        &Sdk::builder()
            .ip_protocol("6")
            .from_port(-1)
            .to_port(-1)
            .cidr_ipv6("::/0")
            .build(),
    );
    assert_eq!(
        (tcp.protocol.as_str(), tcp.from_port, tcp.to_port),
        ("tcp", 0, 65535)
    );
    assert_eq!(tcp.peer, Peer::CidrIpv6("::/0".into()));
    let sg = rule(
        &Sdk::builder()
            .ip_protocol("tcp")
            .from_port(3000)
            .to_port(3000)
            .cidr_ipv4("")
            .referenced_group_info(
                ReferencedSecurityGroup::builder()
                    .group_id("sg-alb")
                    .build(),
            )
            .description("")
            .build(),
    );
    assert_eq!(sg.peer, Peer::SecurityGroup("sg-alb".into()));
    assert_eq!(sg.description, None);
    assert_eq!(protocol_name("58"), "icmpv6");
    assert_eq!(protocol_name("ICMP"), "icmp");
}

#[test]
fn elastic_ips_with_empty_association_fields_are_unassociated() {
    let idle = elastic_ip(
        &ctx(),
        &Address::builder()
            .allocation_id("eipalloc-1")
            .public_ip("203.0.113.5")
            .association_id("")
            .network_interface_id("")
            .instance_id("")
            .build(),
    );
    assert!(!idle.associated);
    assert_eq!(
        (idle.association_id, idle.network_interface_id),
        (None, None)
    );
    assert_eq!(
        idle.meta.arn,
        "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1"
    );
    let used = elastic_ip(
        &ctx(),
        &Address::builder()
            .allocation_id("eipalloc-2")
            .network_interface_id("eni-1")
            .build(),
    );
    assert!(used.associated);
}
