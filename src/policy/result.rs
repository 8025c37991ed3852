//! Findings from `deny` results: the resource each names (looked up in the typed inventory),
//! the fingerprint, and the remediation command with the placeholders it can fill.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Policy, PolicyError};
use crate::finding::{display, fingerprint, Finding, Remediation, ResourceRef};
use crate::inventory::Inventory;

/// ARN → resource reference for the resources findings name (typically few), read from the
/// typed inventory without re-serializing it.
pub(super) struct ResourceIndex {
    by_arn: HashMap<String, ResourceRef>,
    account: ResourceRef,
}

impl ResourceIndex {
    pub(super) fn new(inventory: &Inventory, wanted: &BTreeSet<&str>) -> ResourceIndex {
        let mut by_arn = HashMap::new();
        inventory.aws.for_each_resource(|kind, meta| {
            if wanted.contains(meta.arn.as_str()) {
                by_arn.insert(
                    meta.arn.clone(),
                    ResourceRef {
                        arn: meta.arn.clone(),
                        id: meta.id.clone(),
                        resource_type: kind.to_owned(),
                        region: meta.region.clone(),
                        account_id: meta.account_id.clone(),
                        name: meta
                            .tags
                            .as_ref()
                            .and_then(|t| t.get("Name"))
                            .filter(|n| !n.is_empty())
                            .cloned(),
                    },
                );
            }
        });
        let account = ResourceRef {
            arn: format!(
                "arn:{}:iam::{}:root",
                inventory.meta.partition, inventory.meta.account_id
            ),
            id: inventory.meta.account_id.clone(),
            resource_type: "account".to_owned(),
            region: "global".to_owned(),
            account_id: inventory.meta.account_id.clone(),
            name: None,
        };
        ResourceIndex { by_arn, account }
    }

    fn get(&self, arn: &str) -> ResourceRef {
        if arn == self.account.arn {
            return self.account.clone();
        }
        self.by_arn
            .get(arn)
            .cloned()
            .unwrap_or_else(|| ResourceRef {
                arn: arn.to_owned(),
                id: arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned(),
                resource_type: "unknown".to_owned(),
                region: arn
                    .split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("global")
                    .to_owned(),
                account_id: self.account.account_id.clone(),
                name: None,
            })
    }
}

pub(super) fn to_finding(
    policy: &Policy,
    r: &Value,
    index: &ResourceIndex,
) -> Result<Finding, PolicyError> {
    let bad = |m: &str| PolicyError::Eval {
        path: policy.path.clone(),
        line: policy.deny_line,
        package: policy.package.clone(),
        message: format!("malformed finding {r}: {m}"),
    };
    let msg = r
        .get("msg")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`msg` must be a string"))?;
    let arn = r
        .get("arn")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`arn` must be a string"))?;
    let attribute = r
        .get("attribute")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let details = match r.get("details") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err(bad("`details` must be an object")),
    };
    let text = |key: &str| -> Result<Option<String>, PolicyError> {
        match r.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(&format!("`{key}` must be a string"))),
        }
    };
    let custom = &policy.meta.custom;
    let resource = index.get(arn);
    let remediation = remediation(
        &custom.remediation,
        text("cli")?,
        text("manual")?,
        &resource,
        attribute,
        &details,
    );
    let print = fingerprint(&custom.id, arn, attribute);
    let expected = r.get("expected").cloned().unwrap_or(Value::Null);
    let actual = r.get("actual").cloned().unwrap_or(Value::Null);
    Ok(Finding {
        policy_id: custom.id.clone(),
        severity: custom.severity,
        title: policy.meta.title.clone(),
        message: msg.to_owned(),
        resource,
        attribute: attribute.to_owned(),
        expected_display: display(&expected),
        actual_display: display(&actual),
        expected,
        actual,
        details,
        remediation,
        fingerprint: print,
        waived: None,
        location: None,
        baseline_state: None,
        carried_over: None,
    })
}

/// The remediation of one finding: the command the policy built for it (`cli` in its
/// result) or the METADATA template with every placeholder the finding's resource, attribute
/// and details can fill. A command that still holds a `<placeholder>` is not runnable: it
/// moves to `manual`, which names what the user must supply.
fn remediation(
    template: &Remediation,
    cli: Option<String>,
    manual: Option<String>,
    resource: &ResourceRef,
    attribute: &str,
    details: &serde_json::Map<String, Value>,
) -> Remediation {
    let mut out = template.clone();
    // The policy's own word for this finding wins: a command, or manual steps (then the
    // template, written for another case, is not offered).
    let own = cli.is_some() || manual.is_some();
    out.cli = if own { cli } else { out.cli }
        .map(|c| fill_details(&fill_placeholders(&c, resource, attribute), details));
    out.manual = manual;
    if let Some(cli) = &out.cli {
        let missing = placeholders(cli);
        if !missing.is_empty() {
            let note = format!(
                "supply {} in: {}",
                missing.join(", "),
                cli.replace('\n', " ")
            );
            out.manual = Some(match out.manual.take() {
                Some(m) => format!("{m}; {note}"),
                None => note,
            });
            out.cli = None;
        }
    }
    out
}

/// The `<name>` placeholders left in a command (`<` directly followed by a letter, up to `>`).
pub fn placeholders(cli: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cli;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else { break };
        let name = &rest[..end];
        if name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            let p = format!("<{name}>");
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Replaces `<key>` with the string (or number) `details[key]`.
fn fill_details(cli: &str, details: &serde_json::Map<String, Value>) -> String {
    let mut out = cli.to_owned();
    for (key, value) in details {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        out = out.replace(&format!("<{key}>"), &text);
    }
    out
}

/// Fills the remediation command's placeholders that name the finding's own resource, so the
/// command in the report can be run as is (`<sg-id>` on a security group finding becomes its
/// id, `<sgr-id>` the drifted rule's id). Placeholders for other resources stay.
pub fn fill_placeholders(cli: &str, resource: &ResourceRef, attribute: &str) -> String {
    let own: &[&str] = match resource.resource_type.as_str() {
        "ec2.security_groups" => &["<sg-id>"],
        "ec2.subnets" => &["<subnet-id>", "<public-subnet-id>"],
        "ec2.route_tables" => &["<rtb-id>"],
        "ec2.elastic_ips" => &["<allocation-id>"],
        "s3.buckets" => &["<bucket>"],
        "iam.roles" => &["<role>"],
        "iam.users" => &["<user>"],
        "logs.log_groups" => &["<name>"],
        "ecs.services" => &["<service>"],
        _ => &[],
    };
    let own_arn: &[&str] = match resource.resource_type.as_str() {
        "elbv2.listeners" => &["<listener-arn>"],
        "elbv2.load_balancers" => &["<alb-arn>"],
        "elbv2.target_groups" => &["<tg-arn>"],
        "secretsmanager.secrets" => &["<secret-arn>"],
        _ => &[],
    };
    let mut out = cli.to_owned();
    for p in own {
        out = out.replace(p, &resource.id);
    }
    for p in own_arn {
        out = out.replace(p, &resource.arn);
    }
    if resource.resource_type == "ecs.services" {
        if let Some(cluster) = resource.arn.split('/').rev().nth(1) {
            out = out.replace("<cluster>", cluster);
        }
    }
    if let Some(rule) = attribute
        .strip_prefix("ingress:")
        .filter(|r| r.starts_with("sgr-"))
    {
        out = out.replace("<sgr-id>", rule);
    }
    if let Some(metric) = attribute.strip_prefix("alarm:") {
        out = out.replace("<metric>", metric);
    }
    if let Some(key) = attribute.strip_prefix("access_keys:") {
        out = out.replace("<key-id>", key);
    }
    if let Some(policy) = attribute.strip_prefix("attached_policies:") {
        out = out.replace("<policy-arn>", policy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfillable_commands_move_to_manual() {
        let template = Remediation {
            summary: "s".into(),
            cli: Some("aws x --a <sg-id> --b <topic>".into()),
            ..Remediation::default()
        };
        let sg = ResourceRef {
            arn: "arn:aws:ec2:us-east-1:1:security-group/sg-1".into(),
            id: "sg-1".into(),
            resource_type: "ec2.security_groups".into(),
            ..ResourceRef::default()
        };
        let mut details = serde_json::Map::new();
        let r = remediation(&template, None, None, &sg, "", &details);
        assert_eq!(r.cli, None);
        assert_eq!(
            r.manual.as_deref(),
            Some("supply <topic> in: aws x --a sg-1 --b <topic>")
        );
        details.insert("topic".into(), Value::String("arn:sns".into()));
        let r = remediation(&template, None, None, &sg, "", &details);
        assert_eq!(r.cli.as_deref(), Some("aws x --a sg-1 --b arn:sns"));
        assert_eq!(r.manual, None);
        // A command built by the policy wins over the template.
        let r = remediation(&template, Some("aws y".into()), None, &sg, "", &details);
        assert_eq!(r.cli.as_deref(), Some("aws y"));
        // JSON in commands is not a placeholder.
        assert!(placeholders("--x '{\"a\":1}' a<b c>d").is_empty());
    }
}
