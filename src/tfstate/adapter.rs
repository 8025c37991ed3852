//! Terraform resource types → inventory kinds: which kind and ids each managed `aws_*`
//! resource stands for, and the attributes it fixes, in the inventory's own normalized form
//! (built with the same normalizers the collectors use, so one value has one form whichever
//! side it came from).
//!
//! Three classes of type:
//! - **mapped**: the resource is an object of an inventory kind (`aws_vpc` → `ec2.vpcs`);
//! - **folded**: it configures a mapped object (`aws_s3_bucket_versioning`,
//!   `aws_security_group_rule`, `aws_route`) and adds to that object's expected attributes;
//! - **unsupported**: everything else, counted and listed by type, never dropped silently.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Instance, Resource, State};
use crate::inventory::ec2::{Peer, SecurityGroupRule};
use crate::inventory::elbv2::{sort_actions, Action, Redirect};
use crate::inventory::s3::{Encryption, PublicAccessBlock, Versioning};

/// One object a state declares, as the inventory would hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    /// Inventory kind (`ec2.security_groups`).
    pub kind: &'static str,
    /// Terraform address (`aws_security_group.alb`).
    pub address: String,
    /// Terraform type (`aws_security_group`).
    pub resource_type: String,
    /// The state file it came from.
    pub source: String,
    /// Ids and ARNs that identify it, best first (the first is shown).
    pub keys: Vec<String>,
    /// Region, from its ARN when it has one.
    pub region: Option<String>,
    /// Attributes whose live value must equal this one (normalized inventory form).
    pub expected: BTreeMap<&'static str, Value>,
    /// For attributes a folded sub-resource set, that sub-resource's address
    /// (`versioning` → `aws_s3_bucket_versioning.state`).
    pub set_by: BTreeMap<&'static str, String>,
}

/// What the states declare, sorted into the three classes.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// Objects of inventory kinds.
    pub objects: Vec<Declared>,
    /// Sub-resources folded into their parent object, by type.
    pub folded: BTreeMap<String, usize>,
    /// Resource types archaudit does not map, with their addresses (`file: address`).
    pub unsupported: BTreeMap<String, Vec<String>>,
}

/// Mapped types: Terraform type → (kind, attributes holding its ids, best first).
const MAPPED: &[(&str, &str, &[&str])] = &[
    ("aws_vpc", "ec2.vpcs", &["id"]),
    ("aws_default_vpc", "ec2.vpcs", &["id"]),
    ("aws_subnet", "ec2.subnets", &["id"]),
    ("aws_default_subnet", "ec2.subnets", &["id"]),
    ("aws_route_table", "ec2.route_tables", &["id"]),
    ("aws_default_route_table", "ec2.route_tables", &["id"]),
    ("aws_internet_gateway", "ec2.internet_gateways", &["id"]),
    ("aws_nat_gateway", "ec2.nat_gateways", &["id"]),
    ("aws_eip", "ec2.elastic_ips", &["allocation_id", "id"]),
    ("aws_security_group", "ec2.security_groups", &["id"]),
    ("aws_default_security_group", "ec2.security_groups", &["id"]),
    ("aws_lb", "elbv2.load_balancers", &["arn", "name"]),
    ("aws_alb", "elbv2.load_balancers", &["arn", "name"]),
    ("aws_lb_listener", "elbv2.listeners", &["arn"]),
    ("aws_alb_listener", "elbv2.listeners", &["arn"]),
    ("aws_lb_listener_rule", "elbv2.listener_rules", &["arn"]),
    ("aws_alb_listener_rule", "elbv2.listener_rules", &["arn"]),
    (
        "aws_lb_target_group",
        "elbv2.target_groups",
        &["arn", "name"],
    ),
    (
        "aws_alb_target_group",
        "elbv2.target_groups",
        &["arn", "name"],
    ),
    ("aws_ecs_cluster", "ecs.clusters", &["arn", "name"]),
    ("aws_ecs_service", "ecs.services", &["id", "name"]),
    ("aws_ecs_task_definition", "ecs.task_definitions", &["arn"]),
    ("aws_iam_role", "iam.roles", &["name", "arn"]),
    ("aws_iam_policy", "iam.policies", &["arn"]),
    ("aws_iam_user", "iam.users", &["name", "arn"]),
    (
        "aws_iam_openid_connect_provider",
        "iam.oidc_providers",
        &["arn"],
    ),
    ("aws_s3_bucket", "s3.buckets", &["bucket", "id"]),
    (
        "aws_cloudwatch_metric_alarm",
        "cloudwatch.alarms",
        &["alarm_name", "arn"],
    ),
    (
        "aws_cloudwatch_log_group",
        "logs.log_groups",
        &["name", "arn"],
    ),
    (
        "aws_secretsmanager_secret",
        "secretsmanager.secrets",
        &["arn", "name"],
    ),
    ("aws_ecr_repository", "ecr.repositories", &["name", "arn"]),
    (
        "aws_appautoscaling_target",
        "autoscaling.targets",
        &["resource_id", "id"],
    ),
    (
        "aws_appautoscaling_policy",
        "autoscaling.policies",
        &["name", "arn"],
    ),
    ("aws_acm_certificate", "acm.certificates", &["arn"]),
];

/// Folded types: they configure an object of a mapped type (their content, where archaudit
/// compares it, is added to that object's expected attributes).
const FOLDED: &[&str] = &[
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway_attachment",
    "aws_eip_association",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_lb_listener_certificate",
    "aws_ecs_cluster_capacity_providers",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_s3_account_public_access_block",
    "aws_secretsmanager_secret_version",
    "aws_secretsmanager_secret_rotation",
    "aws_secretsmanager_secret_policy",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
    "aws_acm_certificate_validation",
];

/// The inventory kind a Terraform type maps to, if it is mapped.
pub fn kind_of(resource_type: &str) -> Option<&'static str> {
    MAPPED
        .iter()
        .find(|(t, _, _)| *t == resource_type)
        .map(|(_, k, _)| *k)
}

/// The Terraform type that declares objects of an inventory kind (for `import` blocks).
pub fn type_of(kind: &str) -> Option<&'static str> {
    MAPPED
        .iter()
        .find(|(_, k, _)| *k == kind)
        .map(|(t, _, _)| *t)
}

/// Whether a Terraform type is folded into a mapped object (every `aws_s3_bucket_*`
/// sub-resource is).
pub fn is_folded(resource_type: &str) -> bool {
    FOLDED.contains(&resource_type)
        || (resource_type.starts_with("aws_s3_bucket_") && kind_of(resource_type).is_none())
}

/// Sorts every managed instance of `states` into objects, folded sub-resources and
/// unsupported types, and computes each object's expected attributes.
pub fn declarations(states: &[State]) -> Declarations {
    let mut out = Declarations::default();
    let mut folds = Folds::default();
    for state in states {
        for r in states_resources(state) {
            for i in r.instances.iter().filter(|i| !i.is_deposed()) {
                let address = r.address(i);
                if let Some((_, kind, keys)) = MAPPED.iter().find(|(t, _, _)| *t == r.resource_type)
                {
                    let keys: Vec<String> = keys
                        .iter()
                        .filter_map(|k| i.str(k).map(str::to_owned))
                        .collect();
                    let region = i.str("arn").and_then(arn_region);
                    out.objects.push(Declared {
                        kind,
                        address,
                        resource_type: r.resource_type.clone(),
                        source: state.source.clone(),
                        keys,
                        region,
                        expected: own_attributes(&r.resource_type, i),
                        set_by: BTreeMap::new(),
                    });
                } else if is_folded(&r.resource_type) {
                    *out.folded.entry(r.resource_type.clone()).or_default() += 1;
                    folds.add(&r.resource_type, i, &address);
                } else {
                    out.unsupported
                        .entry(r.resource_type.clone())
                        .or_default()
                        .push(format!("{}: {address}", state.source));
                }
            }
        }
    }
    for object in &mut out.objects {
        folds.apply(object);
    }
    out
}

/// The managed resources of a state (data sources are reads, not declarations).
fn states_resources(state: &State) -> impl Iterator<Item = &Resource> {
    state.resources.iter().filter(|r| r.mode == "managed")
}

/// `arn:aws:ec2:us-east-1:…` → `us-east-1` (none for global ARNs).
fn arn_region(arn: &str) -> Option<String> {
    let region = arn.split(':').nth(3)?;
    (!region.is_empty()).then(|| region.to_owned())
}

/// The attributes a mapped resource fixes by itself.
fn own_attributes(resource_type: &str, i: &Instance) -> BTreeMap<&'static str, Value> {
    let mut out = BTreeMap::new();
    match resource_type {
        "aws_security_group" | "aws_default_security_group" => {
            let own = i.str("id").unwrap_or_default();
            for direction in ["ingress", "egress"] {
                let rules: Vec<SecurityGroupRule> = blocks(i.attr(direction))
                    .flat_map(|b| inline_rules(b, own))
                    .collect();
                out.insert(direction_key(direction), rule_set(rules));
            }
        }
        "aws_lb_listener" | "aws_alb_listener" => {
            if let Some(port) = i.attr("port").and_then(Value::as_i64) {
                out.insert("port", Value::from(port));
            }
            if let Some(protocol) = i.str("protocol") {
                out.insert("protocol", Value::from(protocol));
                if matches!(protocol, "HTTPS" | "TLS") {
                    if let Some(p) = i.str("ssl_policy") {
                        out.insert("ssl_policy", Value::from(p));
                    }
                }
            }
            let mut actions: Vec<Action> = blocks(i.attr("default_action")).map(action).collect();
            sort_actions(&mut actions);
            out.insert("default_actions", to_value(&actions));
        }
        "aws_ecs_service" => {
            if let Some(n) = i.attr("desired_count").and_then(Value::as_i64) {
                out.insert("desired_count", Value::from(n));
            }
            if let Some(net) = blocks(i.attr("network_configuration")).next() {
                let public = net.get("assign_public_ip").and_then(Value::as_bool);
                out.insert("assign_public_ip", Value::from(public.unwrap_or(false)));
            }
        }
        "aws_cloudwatch_metric_alarm" => {
            if let Some(t) = i.attr("threshold").and_then(Value::as_f64) {
                out.insert("threshold", to_value(&t));
            }
            if let Some(op) = i.str("comparison_operator") {
                out.insert("comparison_operator", Value::from(op));
            }
        }
        "aws_cloudwatch_log_group" => {
            // 0 is Terraform's "never expire", which AWS reports as no retention.
            let days = i.attr("retention_in_days").and_then(Value::as_i64);
            out.insert(
                "retention_in_days",
                days.filter(|d| *d > 0).map_or(Value::Null, Value::from),
            );
        }
        _ => {}
    }
    out
}

/// The inventory's `ingress`/`egress` names as `'static` keys.
fn direction_key(direction: &str) -> &'static str {
    if direction == "egress" {
        "egress"
    } else {
        "ingress"
    }
}

/// The elements of a nested-block list attribute (`[{…}, {…}]`).
fn blocks(v: Option<&Value>) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn strings<'a>(b: &'a serde_json::Map<String, Value>, key: &str) -> Vec<&'a str> {
    match b.get(key) {
        Some(Value::String(s)) if !s.is_empty() => vec![s.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn port(b: &serde_json::Map<String, Value>, key: &str) -> Option<i32> {
    b.get(key)
        .and_then(Value::as_i64)
        .and_then(|p| i32::try_from(p).ok())
}

/// A referenced group as AWS reports it (`123456789012/sg-1` → `sg-1`).
fn group_id(g: &str) -> String {
    g.rsplit('/').next().unwrap_or(g).to_owned()
}

/// The rules of one inline `ingress`/`egress` block or one `aws_security_group_rule`: one
/// rule per peer, as AWS lists them.
fn inline_rules(b: &serde_json::Map<String, Value>, own_group: &str) -> Vec<SecurityGroupRule> {
    let mut peers: Vec<Peer> = Vec::new();
    peers.extend(
        strings(b, "cidr_blocks")
            .into_iter()
            .map(|c| Peer::CidrIpv4(c.to_owned())),
    );
    peers.extend(
        strings(b, "ipv6_cidr_blocks")
            .into_iter()
            .map(|c| Peer::CidrIpv6(c.to_owned())),
    );
    peers.extend(
        strings(b, "prefix_list_ids")
            .into_iter()
            .map(|p| Peer::PrefixList(p.to_owned())),
    );
    for key in ["security_groups", "source_security_group_id"] {
        peers.extend(
            strings(b, key)
                .into_iter()
                .map(|g| Peer::SecurityGroup(group_id(g))),
        );
    }
    if b.get("self").and_then(Value::as_bool) == Some(true) {
        peers.push(Peer::SecurityGroup(own_group.to_owned()));
    }
    let protocol = b
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("-1")
        .to_owned();
    peers
        .into_iter()
        .map(|peer| {
            SecurityGroupRule::normalized(
                &protocol,
                port(b, "from_port"),
                port(b, "to_port"),
                peer,
                String::new(),
                None,
            )
        })
        .collect()
}

/// A `aws_vpc_security_group_{ingress,egress}_rule`: exactly one peer.
fn vpc_rule(i: &Instance) -> Option<SecurityGroupRule> {
    let peer = if let Some(c) = i.str("cidr_ipv4") {
        Peer::CidrIpv4(c.to_owned())
    } else if let Some(c) = i.str("cidr_ipv6") {
        Peer::CidrIpv6(c.to_owned())
    } else if let Some(g) = i.str("referenced_security_group_id") {
        Peer::SecurityGroup(group_id(g))
    } else {
        Peer::PrefixList(i.str("prefix_list_id")?.to_owned())
    };
    let port = |k: &str| {
        i.attr(k)
            .and_then(Value::as_i64)
            .and_then(|p| i32::try_from(p).ok())
    };
    Some(SecurityGroupRule::normalized(
        i.str("ip_protocol").unwrap_or("-1"),
        port("from_port"),
        port("to_port"),
        peer,
        String::new(),
        None,
    ))
}

/// Rules as a set of contents (no ids, no descriptions), sorted: the form both sides of a
/// security-group comparison take.
pub fn rule_set(rules: impl IntoIterator<Item = SecurityGroupRule>) -> Value {
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
    Value::Array(
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

/// A listener `default_action` block in the inventory's form.
fn action(b: &serde_json::Map<String, Value>) -> Action {
    let mut groups: Vec<String> = strings(b, "target_group_arn")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for forward in blocks(b.get("forward")) {
        for tg in blocks(forward.get("target_group")) {
            groups.extend(strings(tg, "arn").into_iter().map(str::to_owned));
        }
    }
    let redirect = blocks(b.get("redirect")).next().map(|r| {
        let s = |k: &str| r.get(k).and_then(Value::as_str);
        Redirect::normalized(
            s("protocol"),
            s("port"),
            s("host"),
            s("path"),
            s("query"),
            s("status_code").unwrap_or_default(),
        )
    });
    let fixed = blocks(b.get("fixed_response"))
        .next()
        .and_then(|f| f.get("status_code").and_then(Value::as_str))
        .map(str::to_owned);
    let order = port(b, "order").filter(|o| *o > 0);
    Action::normalized(
        b.get("type").and_then(Value::as_str).unwrap_or_default(),
        order,
        groups,
        redirect,
        fixed,
    )
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Folded sub-resources' contributions, keyed by their parent's id.
#[derive(Default)]
struct Folds {
    /// Security group id → (direction, rules).
    rules: BTreeMap<String, Vec<(&'static str, SecurityGroupRule)>>,
    /// Bucket name → attribute → (value, address of the sub-resource).
    buckets: BTreeMap<String, BTreeMap<&'static str, (Value, String)>>,
}

impl Folds {
    fn add(&mut self, resource_type: &str, i: &Instance, address: &str) {
        match resource_type {
            "aws_security_group_rule" => {
                let (Some(group), Some(attrs)) = (i.str("security_group_id"), i.attributes())
                else {
                    return;
                };
                let direction = direction_key(i.str("type").unwrap_or("ingress"));
                let rules = inline_rules(attrs, group);
                self.rules
                    .entry(group.to_owned())
                    .or_default()
                    .extend(rules.into_iter().map(|r| (direction, r)));
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let (Some(group), Some(rule)) = (i.str("security_group_id"), vpc_rule(i)) else {
                    return;
                };
                let direction = if resource_type.ends_with("egress_rule") {
                    "egress"
                } else {
                    "ingress"
                };
                self.rules
                    .entry(group.to_owned())
                    .or_default()
                    .push((direction, rule));
            }
            "aws_s3_bucket_versioning" => {
                let status = blocks(i.attr("versioning_configuration"))
                    .next()
                    .and_then(|c| c.get("status").and_then(Value::as_str));
                self.bucket(
                    i,
                    "versioning",
                    to_value(&Versioning::from_status(status)),
                    address,
                );
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                let Some(rule) = blocks(i.attr("rule")).next() else {
                    return;
                };
                let default = blocks(rule.get("apply_server_side_encryption_by_default")).next();
                let s = |k: &str| {
                    default
                        .and_then(|d| d.get(k))
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                };
                let encryption = Encryption {
                    algorithm: s("sse_algorithm").unwrap_or_default().to_owned(),
                    kms_key_id: s("kms_master_key_id").map(str::to_owned),
                    bucket_key_enabled: rule
                        .get("bucket_key_enabled")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                };
                self.bucket(i, "encryption", to_value(&encryption), address);
            }
            "aws_s3_bucket_public_access_block" => {
                let flag = |k: &str| i.attr(k).and_then(Value::as_bool).unwrap_or(false);
                let block = PublicAccessBlock {
                    block_public_acls: flag("block_public_acls"),
                    ignore_public_acls: flag("ignore_public_acls"),
                    block_public_policy: flag("block_public_policy"),
                    restrict_public_buckets: flag("restrict_public_buckets"),
                };
                self.bucket(i, "public_access_block", to_value(&block), address);
            }
            _ => {}
        }
    }

    fn bucket(&mut self, i: &Instance, attribute: &'static str, value: Value, address: &str) {
        if let Some(bucket) = i.str("bucket") {
            self.buckets
                .entry(bucket.to_owned())
                .or_default()
                .insert(attribute, (value, address.to_owned()));
        }
    }

    fn apply(&self, object: &mut Declared) {
        let Some(id) = object.keys.first() else {
            return;
        };
        match object.kind {
            "ec2.security_groups" => {
                let Some(extra) = self.rules.get(id) else {
                    return;
                };
                for direction in ["ingress", "egress"] {
                    let mut rules: Vec<SecurityGroupRule> =
                        match object.expected.get(direction).and_then(Value::as_array) {
                            Some(existing) => existing
                                .iter()
                                .filter_map(|v| serde_json::from_value(rule_json(v)).ok())
                                .collect(),
                            None => Vec::new(),
                        };
                    rules.extend(
                        extra
                            .iter()
                            .filter(|(d, _)| *d == direction)
                            .map(|(_, r)| r.clone()),
                    );
                    object
                        .expected
                        .insert(direction_key(direction), rule_set(rules));
                }
            }
            "s3.buckets" => {
                for (attribute, (value, address)) in self.buckets.get(id).into_iter().flatten() {
                    object.expected.insert(attribute, value.clone());
                    object.set_by.insert(attribute, address.clone());
                }
            }
            _ => {}
        }
    }
}

/// A [`rule_set`] element back as a full rule (empty id) for merging.
fn rule_json(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("rule_id".to_owned(), Value::from(""));
    }
    v
}

impl Instance {
    /// All attributes, for folding a rule block (the caller reads only non-secret rule fields).
    fn attributes(&self) -> Option<&serde_json::Map<String, Value>> {
        self.attributes.as_ref()
    }
}
