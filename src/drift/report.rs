//! Drift as a [`Report`]: the same model `scan` produces, so every output format (table,
//! JSON, SARIF, Markdown, JUnit) and the exit code work unchanged. Three built-in rules:
//! `DRIFT-MISSING`, `DRIFT-CHANGED` (high) and `DRIFT-UNMANAGED` (medium).

use serde_json::{json, Map, Value};

use super::{Drift, LiveRef, Outcome};
use crate::finding::{
    display, fingerprint, sort, Finding, LocationKind, Remediation, ResourceRef, RuleResult,
    RuleStatus, Severity, SourceLocation,
};
use crate::inventory::{Gap, Inventory};
use crate::report::{PolicySources, Report, Summary, REPORT_VERSION};
use crate::terraform::Terraform;
use crate::tfstate::adapter::Declared;

/// Rule ids.
pub const MISSING: &str = "DRIFT-MISSING";
/// Rule ids.
pub const CHANGED: &str = "DRIFT-CHANGED";
/// Rule ids.
pub const UNMANAGED: &str = "DRIFT-UNMANAGED";

/// The attributes `DRIFT-CHANGED` compares, per kind (for its description and the docs).
pub const COMPARED: &str = "security-group rules (ec2.security_groups ingress/egress), listener port, protocol, TLS policy and default actions, bucket versioning/encryption/public access block, ECS desired count (unless auto-scaled) and assign-public-ip, alarm threshold and comparison, log retention";

/// Builds the report; `terraform` locates findings at the block that declares them.
pub fn report(
    inventory: &Inventory,
    outcome: Outcome,
    terraform: Option<&Terraform>,
    config: &str,
) -> Report {
    // Every result needs a file (SARIF consumers require one): the declaring block with
    // --terraform, else the state file that records it (or, for an unmanaged resource, the
    // first state, which does not).
    let first_state = outcome.summary.states.first().cloned().unwrap_or_default();
    let mut findings: Vec<Finding> = outcome
        .drifts
        .iter()
        .map(|d| {
            let mut f = finding(d, terraform);
            if f.location.is_none() {
                let file = f
                    .details
                    .get("state")
                    .and_then(Value::as_str)
                    .unwrap_or(&first_state);
                f.location = Some(SourceLocation {
                    file: file.to_owned(),
                    line: 1,
                    kind: LocationKind::State,
                });
            }
            f
        })
        .collect();
    sort(&mut findings);
    let gaps: Vec<Gap> = relevant_gaps(inventory);
    let count = |id: &str| findings.iter().filter(|f| f.policy_id == id).count();
    let s = &outcome.summary;
    let listing_reason = (!s.totals.complete).then(|| {
        let kinds: Vec<&str> = s
            .kinds
            .iter()
            .filter(|(_, c)| !c.complete)
            .map(|(k, _)| k.as_str())
            .collect();
        format!("not listed completely: {}", kinds.join(", "))
    });
    let missing_reason = (s.totals.unchecked > 0).then(|| {
        format!(
            "{} declared object(s) could not be looked for (their kind was not listed completely)",
            s.totals.unchecked
        )
    });
    let changed_reason = (s.unchecked_attributes > 0).then(|| {
        format!(
            "{} attribute comparison(s) could not be made (the live value is unknown)",
            s.unchecked_attributes
        )
    });
    let only_unmanaged = s.filter == "unmanaged";
    let only_managed = s.filter == "managed";
    let mut rules = Vec::new();
    if !only_unmanaged {
        rules.push(rule(
            MISSING,
            count(MISSING),
            missing_reason.or(listing_reason.clone()),
        ));
        rules.push(rule(CHANGED, count(CHANGED), changed_reason));
    }
    if !only_managed {
        rules.push(rule(UNMANAGED, count(UNMANAGED), listing_reason));
    }
    let summary = Summary::of(&rules, &findings, &gaps);
    Report {
        version: REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: inventory.meta.account_id.clone(),
        regions: inventory.meta.regions.clone(),
        collected_at: inventory.meta.collected_at.clone(),
        config: config.to_owned(),
        policies: PolicySources {
            builtin: true,
            dirs: Vec::new(),
        },
        summary,
        findings,
        rules,
        gaps,
        waivers: Vec::new(),
        baseline: None,
        drift: Some(outcome.summary),
    }
}

/// The gaps that touch drift: whole-kind listings of resource kinds (an account setting's
/// gap, such as S3 Control on an emulator, does not hide resources) and unknown attributes.
fn relevant_gaps(inventory: &Inventory) -> Vec<Gap> {
    inventory
        .gaps
        .iter()
        .filter(|g| g.kind != "s3.account_public_access_block")
        .filter(|g| g.attribute.is_none() || is_compared(&g.attribute))
        .cloned()
        .collect()
}

fn is_compared(attribute: &Option<String>) -> bool {
    const ATTRS: &[&str] = &[
        "ingress",
        "egress",
        "default_actions",
        "ssl_policy",
        "versioning",
        "encryption",
        "public_access_block",
        "network",
        "desired_count",
        "threshold",
        "retention_in_days",
    ];
    attribute.as_deref().is_some_and(|a| ATTRS.contains(&a))
}

fn rule(id: &str, findings: usize, reason: Option<String>) -> RuleResult {
    let (title, description, help, severity) = match id {
        MISSING => (
            "Every resource a Terraform state declares exists",
            "A resource Terraform believes it manages was deleted behind its back (console, script, another tool): the next plan re-creates it, or the service that needs it is already broken.",
            "Re-create it with `terraform apply`, or, if the deletion was intended, remove it from the configuration and `terraform state rm` it.",
            Severity::High,
        ),
        CHANGED => (
            "Managed resources hold the values their Terraform state records",
            "An attribute of a managed resource was changed outside Terraform; the next apply reverts it silently, or the change is an unreviewed opening. Compared: COMPARED.",
            "Run `terraform apply` to restore the recorded value, or change the configuration to keep the new one (reviewed).",
            Severity::High,
        ),
        _ => (
            "Every resource is declared by a Terraform state",
            "A resource no state declares was created by hand (click-ops): nobody reviews it, nothing re-creates it, and it escapes the rules written in Terraform. AWS defaults are left out unless --include-defaults.",
            "Import it into Terraform (an `import` block) and review it, or delete it.",
            Severity::Medium,
        ),
    };
    let status = match (findings, &reason) {
        (n, _) if n > 0 => RuleStatus::Failed,
        (_, Some(_)) => RuleStatus::NotEvaluated,
        _ => RuleStatus::Passed,
    };
    RuleResult {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.replace("COMPARED", COMPARED),
        help: help.to_owned(),
        severity,
        tags: vec!["drift".to_owned(), "terraform".to_owned()],
        related_resources: Vec::new(),
        fix: None,
        reads: crate::inventory::kinds().map(str::to_owned).collect(),
        anchors: Vec::new(),
        status,
        findings,
        incomplete: findings > 0 && reason.is_some(),
        reason,
        source: "archaudit drift (built in)".to_owned(),
        expectation: Vec::new(),
    }
}

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

/// The Terraform block of an address (`module.m.aws_vpc.main["a"]` → `aws_vpc` `main`).
fn locate(terraform: Option<&Terraform>, address: &str) -> Option<SourceLocation> {
    let base = address.split('[').next().unwrap_or(address);
    let mut parts = base.rsplitn(3, '.');
    let (name, resource_type) = (parts.next()?, parts.next()?);
    let block = terraform?
        .blocks()
        .iter()
        .find(|b| b.resource_type == resource_type && b.name == name)?;
    Some(SourceLocation {
        file: block.file.display().to_string(),
        line: block.line,
        kind: LocationKind::Terraform,
    })
}

fn finding(d: &Drift, terraform: Option<&Terraform>) -> Finding {
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
                details,
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
        details: Map::new(),
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
        details,
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
