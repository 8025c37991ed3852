//! Findings from `deny` results: the resource each names (looked up in the typed inventory),
//! the fingerprint, and the remediation command with the placeholders it can fill.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Policy, PolicyError};
use crate::finding::fix::Drifted;
use crate::finding::{display, fingerprint, Details, Finding, Remediation, ResourceRef};
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

/// One element of a policy's `deny` set, as `policies/lib/result.rego` builds it. Unknown
/// keys are errors: a misspelt key would otherwise be dropped without a word.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyResult {
    /// What is wrong, one sentence.
    msg: String,
    /// The resource.
    arn: String,
    /// What drifted (part of the fingerprint).
    #[serde(default)]
    attribute: String,
    /// Documented value.
    #[serde(default)]
    expected: Value,
    /// Observed value.
    #[serde(default)]
    actual: Value,
    /// The command that fixes it, filled in.
    #[serde(default)]
    cli: Option<String>,
    /// What a person must supply or do.
    #[serde(default)]
    manual: Option<String>,
    /// Structured values: for a policy naming a fix, that fix's parameters.
    #[serde(default)]
    details: Option<Map<String, Value>>,
    /// The documented component it is about (`services.api`).
    #[serde(default)]
    component: Option<String>,
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
    let result = PolicyResult::deserialize(r).map_err(|e| bad(&e.to_string()))?;
    let custom = &policy.meta.custom;
    let details = Details::new(result.details.unwrap_or_default(), custom.remediation.fix)
        .map_err(|e| bad(&e))?;
    let resource = index.get(&result.arn);
    let remediation = remediation(
        &custom.remediation,
        result.cli,
        result.manual,
        &resource,
        &result.attribute,
        details.raw(),
    );
    Ok(Finding {
        policy_id: custom.id.clone(),
        severity: custom.severity,
        title: policy.meta.title.clone(),
        message: result.msg,
        fingerprint: fingerprint(&custom.id, &result.arn, &result.attribute),
        resource,
        attribute: result.attribute,
        expected_display: display(&result.expected),
        actual_display: display(&result.actual),
        expected: result.expected,
        actual: result.actual,
        details,
        remediation,
        waived: None,
        location: None,
        baseline_state: None,
        carried_over: None,
        component: result.component,
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
    details: &Map<String, Value>,
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
fn fill_details(cli: &str, details: &Map<String, Value>) -> String {
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
    let (placeholder, value) = match Drifted::parse(attribute) {
        Drifted::IngressRule(rule) => ("<sgr-id>", rule),
        Drifted::Alarm(metric) => ("<metric>", metric),
        Drifted::AccessKey(key) => ("<key-id>", key),
        Drifted::AttachedPolicy(policy) => ("<policy-arn>", policy),
        _ => return out,
    };
    out.replace(placeholder, value)
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
        let mut details = Map::new();
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
