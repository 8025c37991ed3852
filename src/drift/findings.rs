//! One finding per drift: its message, the resource, the Terraform location and the fix
//! (`terraform apply`, an `import` block, `terraform state rm`).

use serde_json::{json, Map, Value};

use super::{Drift, LiveRef, CHANGED, MISSING, UNMANAGED};
use crate::finding::{
    display, fingerprint, Details, Finding, Remediation, ResourceRef, Severity, SourceLocation,
};
use crate::terraform::Terraform;
use crate::tfstate::Declared;

fn resource(r: &LiveRef) -> ResourceRef {
    ResourceRef {
        arn: r.arn.clone(),
        id: r.id.clone(),
        resource_type: r.kind.to_owned(),
        region: r.region.clone(),
        account_id: r.account_id.clone(),
        name: r.name.clone(),
    }
}

fn locate(terraform: Option<&Terraform>, address: &str) -> Option<SourceLocation> {
    Some(terraform?.block_of(address)?.location())
}

pub(super) fn finding(d: &Drift, terraform: Option<&Terraform>) -> Finding {
    match d {
        Drift::Unmanaged(r) => unmanaged(r),
        Drift::Missing(m) => missing(m, terraform),
        Drift::Changed {
            live,
            address,
            source,
            resource_type,
            attribute,
            expected,
            actual,
        } => {
            let mut details = Map::new();
            details.insert("address".into(), json!(address));
            details.insert("state".into(), json!(source));
            details.insert("terraform_type".into(), json!(resource_type));
            let mut change = format!(
                "the state records {}, the account has {}",
                display(expected),
                display(actual)
            );
            if let (Some(e), Some(a)) = (expected.as_array(), actual.as_array()) {
                let added: Vec<&Value> = a.iter().filter(|v| !e.contains(v)).collect();
                let removed: Vec<&Value> = e.iter().filter(|v| !a.contains(v)).collect();
                let list =
                    |vs: &[&Value]| vs.iter().map(|v| short(v)).collect::<Vec<_>>().join("; ");
                change = match (added.is_empty(), removed.is_empty()) {
                    (false, true) => format!("added {}", list(&added)),
                    (true, false) => format!("removed {}", list(&removed)),
                    _ => format!("added {}; removed {}", list(&added), list(&removed)),
                };
                details.insert("added".into(), json!(added));
                details.insert("removed".into(), json!(removed));
            }
            Finding {
                policy_id: CHANGED.to_owned(),
                severity: Severity::High,
                title: "Managed resources hold the values their Terraform state records".into(),
                message: format!(
                    "{attribute} of {} {} was changed outside Terraform ({address}): {change}",
                    live.kind, live.id
                ),
                resource: resource(live),
                attribute: (*attribute).to_owned(),
                expected: expected.clone(),
                actual: actual.clone(),
                expected_display: display(expected),
                actual_display: display(actual),
                details: Details::free(details),
                remediation: Remediation {
                    summary: format!("Restore it with `terraform apply` ({address}), or change the configuration to keep the new value after review."),
                    terraform: Some(format!("terraform apply -target='{address}'")),
                    ..Remediation::default()
                },
                fingerprint: fingerprint(CHANGED, &live.arn, attribute),
                waived: None,
                location: locate(terraform, address),
                baseline_state: None,
                carried_over: None,
            component: None,
            }
        }
    }
}

fn unmanaged(r: &LiveRef) -> Finding {
    let tf_type = crate::tfstate::adapter::type_of(r.kind);
    let import = tf_type.map(|t| {
        format!(
            "import {{\n  to = {t}.{}\n  id = \"{}\"\n}}",
            terraform_name(r.name.as_deref().unwrap_or(&r.id)),
            import_id(r)
        )
    });
    let named = r
        .name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    Finding {
        policy_id: UNMANAGED.to_owned(),
        severity: Severity::Medium,
        title: "Every resource is declared by a Terraform state".into(),
        message: format!(
            "{} {}{named} exists but no Terraform state declares it",
            r.kind, r.id
        ),
        resource: resource(r),
        attribute: String::new(),
        expected: json!("declared in a Terraform state"),
        actual: json!("not in any state"),
        expected_display: "declared in a Terraform state".into(),
        actual_display: "not in any state".into(),
        details: Details::default(),
        remediation: Remediation {
            summary: "Import it into Terraform and review it, or delete it if nobody needs it."
                .into(),
            terraform: import,
            ..Remediation::default()
        },
        fingerprint: fingerprint(UNMANAGED, &r.arn, ""),
        waived: None,
        location: None,
        baseline_state: None,
        carried_over: None,
        component: None,
    }
}

fn missing(m: &Declared, terraform: Option<&Terraform>) -> Finding {
    let id = m.keys.first().cloned().unwrap_or_else(|| m.address.clone());
    let arn = m
        .keys
        .iter()
        .find(|k| k.starts_with("arn:"))
        .cloned()
        .unwrap_or_else(|| id.clone());
    let mut details = Map::new();
    details.insert("address".into(), json!(m.address));
    details.insert("state".into(), json!(m.source));
    details.insert("terraform_type".into(), json!(m.resource_type));
    Finding {
        policy_id: MISSING.to_owned(),
        severity: Severity::High,
        title: "Every resource a Terraform state declares exists".into(),
        message: format!(
            "{} {id} is declared by {} ({}) but does not exist in the account",
            m.kind, m.address, m.source
        ),
        resource: ResourceRef {
            arn: arn.clone(),
            id,
            resource_type: m.kind.to_owned(),
            region: m.region.clone().unwrap_or_default(),
            account_id: String::new(),
            name: None,
        },
        attribute: String::new(),
        expected: json!("exists"),
        actual: Value::Null,
        expected_display: "exists".into(),
        actual_display: "missing".into(),
        details: Details::free(details),
        remediation: Remediation {
            summary: format!("Re-create it with `terraform apply`, or remove `{}` from the configuration and `terraform state rm` it if the deletion was intended.", m.address),
            terraform: Some(format!("terraform apply -target='{}'", m.address)),
            ..Remediation::default()
        },
        fingerprint: fingerprint(MISSING, &arn, ""),
        waived: None,
        location: locate(terraform, &m.address),
        baseline_state: None,
        carried_over: None,
            component: None,
    }
}

/// One element of a changed list, for people: a security-group rule as `tcp 22 from
/// 0.0.0.0/0`, a listener action as `forward → arn…`; anything else as compact JSON.
fn short(v: &Value) -> String {
    if let (Some(p), Some(from), Some(to)) = (
        v["protocol"].as_str(),
        v["from_port"].as_i64(),
        v["to_port"].as_i64(),
    ) {
        let ports = if from == to {
            from.to_string()
        } else {
            format!("{from}-{to}")
        };
        let peer = v["peer"]["value"].as_str().unwrap_or("nothing");
        return format!("{p} {ports} with {peer}");
    }
    if let Some(t) = v["type"].as_str() {
        let target = match (&v["target_groups"], &v["redirect"]) {
            (Value::Array(groups), _) if !groups.is_empty() => format!(
                " to {}",
                groups
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (_, Value::Object(r)) => format!(
                " to {}:{} ({})",
                r.get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                r.get("port").and_then(Value::as_str).unwrap_or_default(),
                r.get("status_code")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            _ => String::new(),
        };
        return format!("{t}{target}");
    }
    v.to_string()
}

/// A Terraform resource name from a resource's name (`archaudit-ci` → `archaudit_ci`).
fn terraform_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'r');
    }
    out
}

/// The id `terraform import` takes for a kind (an ARN for ELB, ECS cluster-qualified names…).
fn import_id(r: &LiveRef) -> String {
    match r.kind {
        "elbv2.load_balancers"
        | "elbv2.listeners"
        | "elbv2.listener_rules"
        | "elbv2.target_groups"
        | "iam.policies"
        | "iam.oidc_providers"
        | "secretsmanager.secrets"
        | "acm.certificates"
        | "ecs.task_definitions" => r.arn.clone(),
        "ecs.services" => r
            .arn
            .split_once(":service/")
            .map_or_else(|| r.id.clone(), |(_, rest)| rest.to_owned()),
        _ => r.id.clone(),
    }
}
