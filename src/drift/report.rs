//! Drift as a [`Report`]: the same model `scan` produces, so every output format (table,
//! JSON, SARIF, Markdown, JUnit) and the exit code work unchanged. Three built-in rules:
//! `DRIFT-MISSING`, `DRIFT-CHANGED` (high) and `DRIFT-UNMANAGED` (medium).

use serde_json::Value;

use super::findings::finding;
use super::{Outcome, CHANGED, MISSING, UNMANAGED};
use crate::finding::{
    sort, Finding, LocationKind, RuleResult, RuleStatus, Severity, SourceLocation,
};
use crate::inventory::{Gap, Inventory};
use crate::report::{PolicySources, Report, Summary, REPORT_VERSION};
use crate::terraform::Terraform;

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
                    .raw()
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
    let examples = |lines: &[String]| {
        let more = lines.len().saturating_sub(3);
        let mut text = lines
            .iter()
            .take(3)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("; ");
        if more > 0 {
            text.push_str(&format!("; and {more} more"));
        }
        text
    };
    let missing_reason = (s.totals.unchecked > 0).then(|| {
        format!(
            "{} declared object(s) could not be looked for: {}",
            s.totals.unchecked,
            examples(&outcome.unchecked_objects)
        )
    });
    let changed_reason = (s.unchecked_attributes > 0).then(|| {
        format!(
            "{} attribute comparison(s) could not be made: {}",
            s.unchecked_attributes,
            examples(&outcome.unchecked_attributes)
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
        .filter(|g| !crate::inventory::is_account_setting(&g.kind))
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
        components: Vec::new(),
    }
}
