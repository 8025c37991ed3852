//! EC2 networking: VPCs, subnets, route tables, gateways, addresses, security groups.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// VPC networking in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ec2 {
    /// VPCs.
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    /// Subnets.
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    /// Route tables with their routes and associations.
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    /// Internet gateways with their attachments.
    #[serde(default)]
    pub internet_gateways: Vec<InternetGateway>,
    /// NAT gateways (deleted ones are left out).
    #[serde(default)]
    pub nat_gateways: Vec<NatGateway>,
    /// Elastic IP addresses.
    #[serde(default)]
    pub elastic_ips: Vec<ElasticIp>,
    /// Security groups with their rules flattened.
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
}

super::registry::service!(
    Ec2,
    "ec2",
    regional,
    [
        vpcs => super::Terraform::declared(&["aws_vpc", "aws_default_vpc"], &["id"]),
        subnets => super::Terraform::declared(&["aws_subnet", "aws_default_subnet"], &["id"]),
        route_tables => super::Terraform::declared(&["aws_route_table", "aws_default_route_table"], &["id"]),
        internet_gateways => super::Terraform::declared(&["aws_internet_gateway"], &["id"]),
        nat_gateways => super::Terraform::declared(&["aws_nat_gateway"], &["id"]),
        elastic_ips => super::Terraform::declared(&["aws_eip"], &["allocation_id", "id"]),
        security_groups => super::Terraform::declared(&["aws_security_group", "aws_default_security_group"], &["id"]),
    ],
    [],
    Ec2::sort_nested
);

impl Ec2 {
    /// Sorts the lists nested in resources (routes, associations, rules).
    fn sort_nested(&mut self) {
        for rt in &mut self.route_tables {
            rt.routes.sort_by(|a, b| a.destination.cmp(&b.destination));
            rt.associations.sort();
        }
        for sg in &mut self.security_groups {
            sg.ingress
                .iter_mut()
                .chain(sg.egress.iter_mut())
                .for_each(|rules| rules.sort());
        }
    }
}

/// A VPC.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Vpc {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Primary IPv4 CIDR block.
    pub cidr_block: String,
    /// Every associated IPv4 CIDR block (including the primary), sorted.
    pub cidr_blocks: Vec<String>,
    /// Whether this is the region's default VPC.
    pub is_default: bool,
    /// `available` or `pending`.
    pub state: String,
    /// DNS resolution through the Amazon provided server (`enableDnsSupport`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<bool>,
    /// Public DNS hostnames for instances (`enableDnsHostnames`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<bool>,
}

/// A subnet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subnet {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The VPC it belongs to.
    pub vpc_id: String,
    /// IPv4 CIDR block.
    pub cidr_block: String,
    /// Availability zone name (`us-east-1a`).
    pub availability_zone: String,
    /// Availability zone id (`use1-az1`), when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_id: Option<String>,
    /// Instances launched here get a public IPv4 address by default.
    pub map_public_ip_on_launch: bool,
    /// Whether this is a default subnet of the default VPC.
    pub default_for_az: bool,
    /// `available` or `pending`.
    pub state: String,
}

/// A route table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RouteTable {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The VPC it belongs to.
    pub vpc_id: String,
    /// Whether it is the VPC's main route table (used by subnets with no explicit association).
    pub main: bool,
    /// Subnets explicitly associated with it, sorted.
    pub associations: Vec<String>,
    /// Routes, sorted by destination.
    pub routes: Vec<Route>,
}

/// One route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Destination: an IPv4 or IPv6 CIDR, or a prefix list id.
    pub destination: String,
    /// What the route sends traffic to.
    pub target: RouteTarget,
    /// `active` or `blackhole`.
    pub state: String,
}

/// Where a route sends traffic, typed by the kind of target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum RouteTarget {
    /// The VPC itself (`local`).
    #[default]
    Local,
    /// An internet gateway (`igw-…`).
    InternetGateway(String),
    /// A NAT gateway (`nat-…`).
    NatGateway(String),
    /// An egress-only internet gateway (`eigw-…`).
    EgressOnlyInternetGateway(String),
    /// A virtual private gateway (`vgw-…`).
    VpnGateway(String),
    /// A transit gateway (`tgw-…`).
    TransitGateway(String),
    /// A VPC peering connection (`pcx-…`).
    VpcPeeringConnection(String),
    /// A network interface (`eni-…`).
    NetworkInterface(String),
    /// An instance (`i-…`).
    Instance(String),
    /// A VPC endpoint (`vpce-…`).
    VpcEndpoint(String),
    /// Any other target, with its id.
    Other(String),
}

/// An internet gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InternetGateway {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// VPCs it is attached to (state `available`/`attached`), sorted.
    pub attached_vpcs: Vec<String>,
}

/// A NAT gateway.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NatGateway {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The VPC.
    pub vpc_id: String,
    /// The subnet it lives in.
    pub subnet_id: String,
    /// `pending`, `available`, `failed`, `deleting`.
    pub state: String,
    /// `public` or `private`.
    pub connectivity_type: String,
    /// Allocation ids of its Elastic IPs, sorted.
    pub allocation_ids: Vec<String>,
    /// Its public IPv4 addresses, sorted.
    pub public_ips: Vec<String>,
}

/// An Elastic IP address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ElasticIp {
    /// Common resource fields (`id` is the allocation id).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The public IPv4 address.
    pub public_ip: String,
    /// Association id when associated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_id: Option<String>,
    /// Network interface it is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    /// Instance it is associated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Whether the address is associated with anything.
    pub associated: bool,
}

/// A security group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SecurityGroup {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Group name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The VPC.
    pub vpc_id: String,
    /// Inbound rules, one per (protocol, port range, source). Absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<SecurityGroupRule>>,
    /// Outbound rules, one per (protocol, port range, destination). Absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<SecurityGroupRule>>,
}

/// One security-group rule, flattened to a single peer.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupRule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all` (AWS `-1`).
    pub protocol: String,
    /// First port (ICMP type for ICMP); `0` with `to_port` `65535` when the protocol is `all`.
    pub from_port: i32,
    /// Last port (ICMP code for ICMP).
    pub to_port: i32,
    /// The peer: where traffic comes from (ingress) or goes to (egress).
    pub peer: Peer,
    /// The rule id (`sgr-…`).
    pub rule_id: String,
    /// Rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The other side of a security-group rule, typed.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Peer {
    /// An IPv4 CIDR block.
    CidrIpv4(String),
    /// An IPv6 CIDR block.
    CidrIpv6(String),
    /// Another security group (`sg-…`), possibly in another account.
    SecurityGroup(String),
    /// A managed prefix list (`pl-…`).
    PrefixList(String),
    /// The rule named no peer (not expected from AWS).
    #[default]
    None,
}

/// A protocol as a name, whichever side reported it: AWS reports names for the common ones
/// and numbers for the rest; Terraform state holds what the configuration said (`-1`, `tcp`,
/// `6`). One form for both, so a rule compares equal across them.
pub fn protocol_name(p: &str) -> String {
    match p {
        "-1" | "all" => "all".to_owned(),
        "6" => "tcp".to_owned(),
        "17" => "udp".to_owned(),
        "1" => "icmp".to_owned(),
        "58" => "icmpv6".to_owned(),
        other => other.to_ascii_lowercase(),
    }
}

impl SecurityGroupRule {
    /// A rule in its one normalized form, from the raw protocol and ports (AWS or Terraform):
    /// "all" protocols and TCP/UDP without ports cover 0–65535; other ports are kept (`-1`
    /// for an ICMP wildcard).
    pub fn normalized(
        protocol: &str,
        from_port: Option<i32>,
        to_port: Option<i32>,
        peer: Peer,
        rule_id: String,
        description: Option<String>,
    ) -> SecurityGroupRule {
        let protocol = protocol_name(protocol);
        let (from_port, to_port) = match (protocol.as_str(), from_port, to_port) {
            ("all", _, _) => (0, 65535),
            ("tcp" | "udp", None | Some(-1), _) => (0, 65535),
            (_, from, to) => (from.unwrap_or(-1), to.unwrap_or(-1)),
        };
        SecurityGroupRule {
            protocol,
            from_port,
            to_port,
            peer,
            rule_id,
            description: description.filter(|d| !d.is_empty()),
        }
    }

    /// What the rule allows (protocol, ports, peer), without its id or description: the key
    /// rules are matched by when one side has no rule ids (Terraform's inline rules).
    pub fn content(&self) -> (String, i32, i32, Peer) {
        (
            self.protocol.clone(),
            self.from_port,
            self.to_port,
            self.peer.clone(),
        )
    }
}

/// Rules as a set of contents (no ids, no descriptions), sorted: the form both sides of a
/// security-group comparison take.
pub fn rule_set(rules: impl IntoIterator<Item = SecurityGroupRule>) -> serde_json::Value {
    let mut set: Vec<SecurityGroupRule> = rules
        .into_iter()
        .map(|r| SecurityGroupRule {
            rule_id: String::new(),
            description: None,
            ..r
        })
        .collect();
    set.sort();
    set.dedup();
    serde_json::Value::Array(
        set.iter()
            .map(|r| {
                serde_json::json!({
                    "protocol": r.protocol,
                    "from_port": r.from_port,
                    "to_port": r.to_port,
                    "peer": r.peer,
                })
            })
            .collect(),
    )
}
