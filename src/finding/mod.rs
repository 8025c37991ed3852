//! Findings: the one shape every reporter and the fixer consume, and ([`fix`]) the contract
//! between the policies and the code that changes accounts.

pub mod fix;
mod rule;
pub use rule::{ComponentResult, RuleResult, RuleStatus, COMPONENT_KINDS};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use fix::{Fix, FixId};

/// How bad a drift is. Ordered: `Low < Medium < High < Critical`.
#[rustfmt::skip]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[derive(Serialize, Deserialize, JsonSchema, clap::ValueEnum)]
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

/// How to fix a finding. In METADATA it is the policy's template; in a finding, the command
/// for that finding: every value the inventory or the spec holds filled in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// One or two sentences.
    pub summary: String,
    /// AWS CLI command(s). In a finding: runnable as is (a multi-step fix is one shell
    /// sequence joined with `&&`); absent when it needs a value only the user has (`manual`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Terraform snippet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    /// Id of the automated fix (`archaudit fix`), when one exists (docs/fix.md lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixId>,
    /// In a finding whose fix `archaudit fix` can apply: the command that applies it
    /// (`archaudit fix --finding <fingerprint> --apply`), beside `cli`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archaudit: Option<String>,
    /// What the user must supply or do by hand (a secret's value, a least-privilege policy
    /// document), when the fix cannot be given as a runnable command. `<placeholders>` appear
    /// only here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
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
    /// Its `Name` tag, when it has one (to find it in Terraform, to show it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A finding's structured `details`: the values as its policy gave them (what reports show)
/// and, when the policy names an automated fix, those values parsed into the fix's typed
/// parameters ([`Fix`]) when the finding was made. It serializes as the policy's object.
///
/// Read from a report, only the object is read: [`Finding::check_details`] (called by the
/// report reader) parses it again against the finding's fix, so a finding reaches the planner
/// typed or not at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    raw: Map<String, Value>,
    fix: Option<Fix>,
}

impl Details {
    /// Details of a finding whose policy names no fix (or of drift's own findings).
    pub fn free(raw: Map<String, Value>) -> Details {
        Details { raw, fix: None }
    }

    /// The details of a finding of a policy naming `fix`, parsed into its parameters.
    pub fn new(raw: Map<String, Value>, fix: Option<FixId>) -> Result<Details, String> {
        let fix = fix
            .map(|id| {
                id.parse(&raw)
                    .map_err(|e| format!("details do not fit fix `{id}`: {e}"))
            })
            .transpose()?;
        Ok(Details { raw, fix })
    }

    /// The object as the policy gave it.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// The fix's typed parameters (`None` when the policy names no fix).
    pub fn fix(&self) -> Option<&Fix> {
        self.fix.as_ref()
    }

    /// Whether the policy gave none.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Details, D::Error> {
        Map::deserialize(d).map(Details::free)
    }
}

impl JsonSchema for Details {
    fn schema_name() -> String {
        "Details".to_owned()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(gen: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <Map<String, Value>>::json_schema(gen)
    }
}

impl Finding {
    /// Parses the details again against the finding's fix (after reading a report, which
    /// reads them untyped).
    pub fn check_details(&mut self) -> Result<(), String> {
        let raw = std::mem::take(&mut self.details.raw);
        self.details = Details::new(raw, self.remediation.fix)?;
        Ok(())
    }
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
    /// What drifted on the resource (`ingress:sgr-…`, `versioning`); with the policy id and
    /// the ARN it makes the fingerprint.
    pub attribute: String,
    /// What the architecture documents.
    pub expected: serde_json::Value,
    /// What the account has (`null` when it is missing).
    pub actual: serde_json::Value,
    /// `expected` for people.
    pub expected_display: String,
    /// `actual` for people.
    pub actual_display: String,
    /// Structured values a fixer or a reader needs (rule id, port, peer, CIDR, listener ARN,
    /// subnet ids…), as the policy gave them; typed for the fix its policy names.
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
    /// How to fix it: the command for this finding.
    pub remediation: Remediation,
    /// Stable hash of policy id, resource ARN and drifted attribute (not the message);
    /// unique within a report.
    pub fingerprint: String,
    /// Present when a waiver in archaudit.toml accepts this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<Waived>,
    /// Where the violated expectation is written down: the Terraform block declaring the
    /// resource (`--terraform`), else the archaudit.toml line, else the policy source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
    /// Against `--baseline`: `new`, `unchanged`, or `carried_over` (not re-checked tonight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<BaselineState>,
    /// With `carried_over`: why the rule could not re-check it tonight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over: Option<String>,
    /// The documented component it is about (`services.api`); absent for account-wide rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

/// A file and line where a finding's expectation is stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceLocation {
    /// The file, relative to the working directory (the repository root in CI) when it is
    /// under it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// `terraform`, `config` or `policy`.
    pub kind: LocationKind,
}

/// What a [`SourceLocation`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    /// The Terraform block that declares the resource.
    Terraform,
    /// The archaudit.toml line of the violated expectation.
    Config,
    /// The policy's `deny` rule.
    Policy,
    /// The Terraform state file that records the resource (`archaudit drift` without
    /// `--terraform`, or a resource no configuration block declares).
    State,
}

/// A finding compared with the baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    /// Not in the baseline.
    New,
    /// In the baseline and found again tonight.
    Unchanged,
    /// In the baseline; its rule could not re-check it tonight, so it is kept as it was.
    CarriedOver,
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

/// A JSON value for people: strings as they are, `null` as `absent`, the rest as JSON.
pub fn display(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "absent".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
