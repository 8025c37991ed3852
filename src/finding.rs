//! Findings: the one shape every reporter (and, later, the fixer) consumes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How bad a drift is. Ordered: `Low < Medium < High < Critical`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Hygiene; no direct exposure.
    Low,
    /// Weakens the architecture's guarantees.
    Medium,
    /// Breaks a documented security or availability property.
    High,
    /// Direct exposure (data or control plane reachable by anyone).
    Critical,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How to fix a finding, from the policy's METADATA.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// One or two sentences.
    pub summary: String,
    /// AWS CLI command(s), with `<placeholders>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Terraform snippet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    /// Id of the automated fix (`archaudit fix`), when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// The resource a finding is about.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct ResourceRef {
    /// ARN (the account root ARN for "missing component" findings).
    pub arn: String,
    /// Native id.
    pub id: String,
    /// Inventory kind (`ec2.subnets`) or `account`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Region (`global` for IAM).
    pub region: String,
    /// Account.
    pub account_id: String,
}

/// A waiver that accepted a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Waived {
    /// Why.
    pub reason: String,
    /// Who.
    pub owner: String,
    /// Until when.
    pub expires: String,
}

/// One drift: a resource that differs from the documented architecture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable policy id (`AA-NET-004`).
    pub policy_id: String,
    /// Severity.
    pub severity: Severity,
    /// The policy's title (the desired state).
    pub title: String,
    /// What is wrong, one sentence.
    pub message: String,
    /// The resource.
    pub resource: ResourceRef,
    /// What the architecture documents.
    pub expected: serde_json::Value,
    /// What the account has.
    pub actual: serde_json::Value,
    /// How to fix it.
    pub remediation: Remediation,
    /// Automated fix id, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Stable hash of policy id, resource ARN and drifted attribute (not the message).
    pub fingerprint: String,
    /// Present when a waiver in archaudit.toml accepts this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<Waived>,
}

/// The fingerprint of (policy, resource, attribute): 32 hex digits of SHA-256.
pub fn fingerprint(policy_id: &str, arn: &str, attribute: &str) -> String {
    let mut h = Sha256::new();
    for part in [policy_id, arn, attribute] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sorts findings for output: severity (worst first), policy id, resource ARN, message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.policy_id.cmp(&b.policy_id))
            .then_with(|| a.resource.arn.cmp(&b.resource.arn))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Outcome of one rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// Evaluated on complete data, no finding.
    Passed,
    /// At least one finding.
    Failed,
    /// Data it needs was not collected; it produced no finding, which proves nothing.
    NotEvaluated,
}

/// One rule's result, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleResult {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Outcome.
    pub status: RuleStatus,
    /// Number of findings.
    pub findings: usize,
    /// Why the rule is not (fully) evaluated: the gaps that touched what it requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Source file and line of the rule.
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(
            fingerprint("AA-X-001", "arn:a", "b"),
            fingerprint("AA-X-001", "arn:a", "b")
        );
        assert_ne!(
            fingerprint("AA-X-001", "arn:a", "b"),
            fingerprint("AA-X-001", "arn:ab", "")
        );
        assert_eq!(fingerprint("p", "a", "").len(), 32);
    }
}
