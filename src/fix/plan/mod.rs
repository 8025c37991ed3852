//! The planner: findings + inventory + architecture → a plan. Pure: no AWS call, no clock
//! beyond the timestamp it is given. Parameters come from the finding (its resource, its
//! drifted attribute, the structured `details` its policy attached) and the documented
//! architecture; anything it cannot fill with certainty becomes a `manual` entry with the
//! finding's commands and Terraform, never a half-fix.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::action::Action;

mod derive;
mod step;
pub mod trust;

pub use step::Step;

use crate::config::Architecture;
use crate::finding::{Finding, ResourceRef, Severity};
use crate::inventory::Inventory;
use derive::actions;

/// Version of the plan file.
pub const PLAN_VERSION: u32 = 1;

/// What the plan does about one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Policy id.
    pub policy_id: String,
    /// Severity.
    pub severity: Severity,
    /// The finding's message.
    pub message: String,
    /// The resource.
    pub resource: ResourceRef,
    /// The finding's documented component (`services.api`): verification re-judges it whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// `fix` (steps archaudit applies) or `manual` (what a person must do).
    pub kind: EntryKind,
    /// The changes, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Why it is manual, and the commands and Terraform to do it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<Manual>,
    /// The resource as the plan saw it: applying a saved plan refuses when it changed.
    #[serde(default)]
    pub snapshot: Value,
}

/// `fix` or `manual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// archaudit applies the steps.
    Fix,
    /// A person must act.
    Manual,
}

/// A fix left to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manual {
    /// Why archaudit does not apply it.
    pub reason: String,
    /// Commands (runnable, or with `<placeholders>` to supply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<String>,
    /// Terraform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
}

/// A plan (`fix --plan-out`), versioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// [`PLAN_VERSION`].
    pub version: u32,
    /// The archaudit that made it.
    pub tool_version: String,
    /// Account.
    pub account_id: String,
    /// Regions.
    pub regions: Vec<String>,
    /// When the inventory it was planned from was collected.
    pub collected_at: String,
    /// One entry per selected finding, worst first.
    pub entries: Vec<Entry>,
}

impl Plan {
    /// Steps to apply.
    pub fn steps(&self) -> usize {
        self.entries.iter().map(|e| e.steps.len()).sum()
    }
}

/// The region calls to global services (IAM) go to: the inventory's first region.
fn home_region(inventory: &Inventory) -> &str {
    inventory
        .meta
        .regions
        .first()
        .map_or("us-east-1", String::as_str)
}

/// Plans `findings` (already selected and unwaived).
pub fn plan(findings: &[Finding], inventory: &Inventory, spec: &Architecture) -> Plan {
    let home_region = home_region(inventory);
    let arns = findings.iter().map(|f| f.resource.arn.as_str()).collect();
    let values = inventory.resource_values_of(&arns);
    let by_arn = by_arn(&values);
    let entries = findings
        .iter()
        .map(|f| {
            let resource = by_arn.get(f.resource.arn.as_str()).copied();
            entry(f, resource, inventory, spec, home_region)
        })
        .collect();
    Plan {
        version: PLAN_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: inventory.meta.account_id.clone(),
        regions: inventory.meta.regions.clone(),
        collected_at: inventory.meta.collected_at.clone(),
        entries,
    }
}

/// Offers the fix where, and only where, the planner would apply it rather than leave it to
/// a person: the finding's command becomes the CLI of the planned actions (one source: the
/// command a report prints is the command `fix --apply` runs, [`Action::cli`]), and
/// `remediation.archaudit` the command that applies it; what a person would otherwise do
/// (`remediation.manual`) no longer applies.
pub fn offer_fixes(findings: &mut [Finding], inventory: &Inventory, spec: &Architecture) {
    if !findings.iter().any(|f| f.remediation.fix.is_some()) {
        return;
    }
    let mut present = std::collections::HashSet::new();
    inventory.aws.for_each_resource(|_, meta| {
        present.insert(meta.arn.clone());
    });
    for f in findings.iter_mut() {
        let Ok(planned) = actions(f, present.contains(&f.resource.arn), inventory, spec) else {
            f.remediation.archaudit = None;
            continue;
        };
        let commands: Vec<String> = planned.iter().map(Action::cli).collect();
        f.remediation.cli = Some(commands.join(" &&\n"));
        f.remediation.manual = None;
        f.remediation.archaudit =
            Some(format!("archaudit fix --finding {} --apply", f.fingerprint));
    }
}

fn entry(
    f: &Finding,
    resource: Option<&Value>,
    inventory: &Inventory,
    spec: &Architecture,
    home: &str,
) -> Entry {
    let (kind, steps, manual) = match actions(f, resource.is_some(), inventory, spec) {
        Ok(actions) => {
            let region = if f.resource.region == "global" {
                home.to_owned()
            } else {
                f.resource.region.clone()
            };
            let steps = actions
                .into_iter()
                .map(|action| Step::new(action, region.clone()))
                .collect();
            (EntryKind::Fix, steps, None)
        }
        Err(reason) => (
            EntryKind::Manual,
            Vec::new(),
            Some(Manual {
                reason,
                commands: f
                    .remediation
                    .cli
                    .clone()
                    .or_else(|| f.remediation.manual.clone()),
                terraform: f.remediation.terraform.clone(),
            }),
        ),
    };
    Entry {
        fingerprint: f.fingerprint.clone(),
        policy_id: f.policy_id.clone(),
        severity: f.severity,
        message: f.message.clone(),
        resource: f.resource.clone(),
        component: f.component.clone(),
        kind,
        steps,
        manual,
        snapshot: resource.cloned().unwrap_or(Value::Null),
    }
}

/// The resources of [`Inventory::resource_values`] by ARN.
fn by_arn(values: &BTreeMap<(String, String), Value>) -> BTreeMap<&str, &Value> {
    values.iter().map(|((_, a), v)| (a.as_str(), v)).collect()
}

/// Keys that change on their own (counts of running tasks, deployments in flight): not part
/// of what a plan depends on.
const VOLATILE: &[&str] = &[
    "running_count",
    "pending_count",
    "deployments",
    "status",
    "state",
];

fn stable(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), stable(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The entries whose resource changed since planning (compared on every attribute except
/// [`VOLATILE`] ones), as `(resource ARN, what changed)`.
pub fn stale(plan: &Plan, now: &Inventory) -> Vec<(String, String)> {
    let arns = plan
        .entries
        .iter()
        .map(|e| e.resource.arn.as_str())
        .collect();
    let values = now.resource_values_of(&arns);
    let by_arn = by_arn(&values);
    let mut out = Vec::new();
    for e in plan.entries.iter().filter(|e| e.kind == EntryKind::Fix) {
        match by_arn.get(e.resource.arn.as_str()) {
            None if !e.snapshot.is_null() => {
                out.push((e.resource.arn.clone(), "it no longer exists".to_owned()))
            }
            Some(v) if stable(v) != stable(&e.snapshot) => {
                let keys: Vec<String> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(k, x)| {
                        !VOLATILE.contains(&k.as_str()) && e.snapshot.get(k.as_str()) != Some(*x)
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                out.push((
                    e.resource.arn.clone(),
                    format!("changed: {}", keys.join(", ")),
                ));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// The shipped fixture `fixtures/<name>` scanned with the default architecture, and the plan
/// of all its findings (for tests).
#[cfg(test)]
pub(crate) fn planned_fixture(name: &str) -> (Inventory, crate::report::Report, Plan) {
    let config = crate::config::Config::default_config();
    let mut set = crate::policy::PolicySet::load(true, &[]).unwrap();
    set.set_data(&config.architecture_json(), &config.params_json())
        .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let inventory = Inventory::load(&path).unwrap();
    let today = time::macros::date!(2026 - 01 - 01);
    let report = crate::scan::scan(&inventory, &config, &set, today).unwrap();
    let plan = plan(&report.findings, &inventory, &config.architecture);
    (inventory, report, plan)
}
