//! What a rule's run came to: its status overall and per documented component, with
//! everything a report needs to describe the rule.

use serde::{Deserialize, Serialize};

use super::{FixId, Severity};

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

impl RuleStatus {
    /// The name written (`not_evaluated`).
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Passed => "passed",
            RuleStatus::Failed => "failed",
            RuleStatus::NotEvaluated => "not_evaluated",
        }
    }
}

/// The kinds of named component instances in the spec (`[architecture.<kind>.<name>]`), the
/// first part of a component's qualified name (`services.api`).
pub const COMPONENT_KINDS: &[&str] = &["networks", "load_balancers", "services", "databases"];

/// A rule's outcome for one documented component instance (rules that judge components have
/// one per instance of their kind): a gap in one instance's data leaves the others judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComponentResult {
    /// The component (`services.api`).
    pub component: String,
    /// Outcome for this component alone.
    pub status: RuleStatus,
    /// Findings on this component.
    pub findings: usize,
    /// Why the rule is not (fully) evaluated for this component: it was not found, or a gap
    /// touched its resources or the region it lives in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One rule's result, with everything a report needs to describe the rule (SARIF's
/// `reportingDescriptor`, a Markdown summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleResult {
    /// Policy id.
    pub id: String,
    /// Title: the documented (desired) state.
    pub title: String,
    /// Why it matters.
    pub description: String,
    /// How to fix a violation in general: the remediation summary, command template and
    /// Terraform (Markdown).
    pub help: String,
    /// Severity.
    pub severity: Severity,
    /// `security`, the area (`network`, `iam`, …) and the resource type.
    pub tags: Vec<String>,
    /// Documentation links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_resources: Vec<String>,
    /// Automated fix id, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixId>,
    /// Inventory kinds the rule reads (derived from its Rego).
    pub reads: Vec<String>,
    /// Documented components it is anchored on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<String>,
    /// Outcome.
    pub status: RuleStatus,
    /// Number of findings.
    pub findings: usize,
    /// Why the rule is not (fully) evaluated: missing anchors and the gaps that touched what
    /// it reads. With `failed`, the findings are real but there may be more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `failed` with a `reason`: the findings are real, the rule could not see everything.
    pub incomplete: bool,
    /// Source file and line of the rule.
    pub source: String,
    /// The archaudit.toml keys the rule enforces (`load_balancer.tls_policies`), under
    /// `[architecture]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expectation: Vec<String>,
    /// The outcome per documented component, for a rule that judges components (METADATA
    /// `custom.component`), in component order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentResult>,
}
