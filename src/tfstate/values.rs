//! Attribute values of a state, in the inventory's normalized form: nested blocks, rule
//! blocks expanded to one rule per peer, listener actions (the same normalizers the collectors
//! use, from `inventory`).

use serde_json::Value;

use super::Instance;
use crate::inventory::ec2::{Peer, SecurityGroupRule};
use crate::inventory::elbv2::{Action, Redirect};

/// The inventory's `ingress`/`egress` names as `'static` keys.
pub(super) fn direction_key(direction: &str) -> &'static str {
    if direction == "egress" {
        "egress"
    } else {
        "ingress"
    }
}

/// The elements of a nested-block list attribute (`[{…}, {…}]`).
pub(super) fn blocks(v: Option<&Value>) -> impl Iterator<Item = &serde_json::Map<String, Value>> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

pub(super) fn strings<'a>(b: &'a serde_json::Map<String, Value>, key: &str) -> Vec<&'a str> {
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

pub(super) fn port(b: &serde_json::Map<String, Value>, key: &str) -> Option<i32> {
    b.get(key)
        .and_then(Value::as_i64)
        .and_then(|p| i32::try_from(p).ok())
}

/// A referenced group as AWS reports it (`123456789012/sg-1` → `sg-1`).
pub(super) fn group_id(g: &str) -> String {
    g.rsplit('/').next().unwrap_or(g).to_owned()
}

/// The rules of one inline `ingress`/`egress` block or one `aws_security_group_rule`: one
/// rule per peer, as AWS lists them.
pub(super) fn inline_rules(
    b: &serde_json::Map<String, Value>,
    own_group: &str,
) -> Vec<SecurityGroupRule> {
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
pub(super) fn vpc_rule(i: &Instance) -> Option<SecurityGroupRule> {
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

/// A listener `default_action` block in the inventory's form.
pub(super) fn action(b: &serde_json::Map<String, Value>) -> Action {
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

pub(super) fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
