//! A saved plan is a request, not a program. `fix --plan-out` writes a plan for review;
//! `fix --plan FILE --apply` applies it later, typically after it sat in a pull request or an
//! artifact store: the file crosses a trust boundary, and anyone who could edit it could
//! otherwise make archaudit send any call its role allows.
//!
//! So a plan file is:
//! 1. **read** ([`load`]) with its size capped, its version checked as a number, unknown keys
//!    refused, every step's texts (API call, CLI, permission, blast radius, warning) checked
//!    against what its typed action renders, every action checked against AWS's limits and
//!    the documented architecture ([`crate::fix::limits`]), and no finding twice;
//! 2. **digested** ([`digest`]): SHA-256 over a canonical form of the typed plan, shown at
//!    `--plan-out` and checked against `--plan-digest` at `--apply`, so a reviewer can pin
//!    exactly what they approved;
//! 3. **planned again** ([`replan`]) from the collection made before any change: each entry
//!    must equal what the planner makes now for the same finding (resource, actions,
//!    targets, parameters, regions), or nothing is applied. What is applied is the plan made
//!    now, and every text shown is rendered from the actions that are sent.
//!
//! Every refusal names the file, and the entry's line and column.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{by_arn, entry, EntryKind, Plan, PLAN_VERSION};
use crate::config::Architecture;
use crate::inventory::Inventory;
use crate::report::Report;
use crate::text::{json_position, JsonStep};

/// The largest plan file read (a plan of thousands of entries is a few MiB).
pub const MAX_PLAN_BYTES: u64 = 64 << 20;

/// A plan file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct PlanFileError {
    /// `plan.json:12:7` (the file alone where no position applies).
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// A plan read from a file, with what is needed to locate its entries.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The plan, as requested.
    pub plan: Plan,
    /// Its [`digest`].
    pub digest: String,
    path: String,
    bytes: Vec<u8>,
}

impl Saved {
    /// The file, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `file:line:col` of the value at `path` in the file (the file alone if not found).
    fn at(&self, path: &[JsonStep<'_>]) -> String {
        match json_position(&self.bytes, path) {
            Some((line, column)) => format!("{}:{line}:{column}", self.path),
            None => self.path.clone(),
        }
    }

    /// `file:line:col` of entry `i`.
    fn entry_at(&self, i: usize) -> String {
        self.at(&[JsonStep::Key("entries"), JsonStep::Index(i)])
    }

    /// `entry 2 (AA-MON-002, finding 0a1b2c3d4e5f): <what>`.
    fn describe(&self, i: usize, what: &str) -> String {
        let e = &self.plan.entries[i];
        let short: String = e.fingerprint.chars().take(12).collect();
        format!("entry {} ({}, finding {short}): {what}", i + 1, e.policy_id)
    }

    /// [`Saved::describe`], located.
    fn refusal(&self, i: usize, what: String) -> String {
        format!("{}: {}", self.entry_at(i), self.describe(i, &what))
    }
}

/// Reads and checks a plan file against the documented architecture `spec`.
pub fn load(path: &Path, spec: &Architecture) -> Result<Saved, PlanFileError> {
    let name = path.display().to_string();
    let whole = |message: String| PlanFileError {
        location: name.clone(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| whole(format!("cannot read plan: {e}")))?
        .len();
    if size > MAX_PLAN_BYTES {
        return Err(whole(format!(
            "{size} bytes is larger than any plan archaudit writes ({MAX_PLAN_BYTES} at most): not a plan"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| whole(format!("cannot read plan: {e}")))?;
    parse(name, bytes, spec)
}

/// Parses and checks a plan file's `bytes`; `name` names it in errors.
pub fn parse(name: String, bytes: Vec<u8>, spec: &Architecture) -> Result<Saved, PlanFileError> {
    let whole = |message: String| PlanFileError {
        location: name.clone(),
        message,
    };
    if let Some(why) = crate::text::byte_order_mark(&bytes) {
        return Err(whole(why.to_owned()));
    }
    let at_json = |e: serde_json::Error| PlanFileError {
        location: format!("{name}:{}:{}", e.line(), e.column()),
        message: format!("invalid plan: {e}"),
    };
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        version: Option<Value>,
    }
    let probe: Probe = serde_json::from_slice(&bytes).map_err(at_json)?;
    let version_at = || match json_position(&bytes, &[JsonStep::Key("version")]) {
        Some((l, c)) => format!("{name}:{l}:{c}"),
        None => name.clone(),
    };
    match probe.version {
        None => {
            return Err(whole(
                "not an archaudit plan (`fix --plan-out`): it has no `version`".to_owned(),
            ))
        }
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(PLAN_VERSION)) => {}
        Some(Value::Number(n)) => {
            return Err(PlanFileError {
                location: version_at(),
                message: format!(
                "the plan is version {n}; this archaudit reads version {PLAN_VERSION}: plan again"
            ),
            })
        }
        Some(other) => {
            return Err(PlanFileError {
                location: version_at(),
                message: format!(
                    "`version` is {}, not the number {PLAN_VERSION}: not a plan archaudit wrote",
                    json_type(&other)
                ),
            })
        }
    }
    let plan: Plan = serde_json::from_slice(&bytes).map_err(at_json)?;
    let saved = Saved {
        digest: digest(&plan),
        plan,
        path: name,
        bytes,
    };
    check(&saved, spec)?;
    Ok(saved)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What the planner would never write: a malformed account or region, a finding twice, a
/// fix entry without steps or a manual one with steps, a step whose texts are not its
/// action's, an action outside AWS's limits or the architecture.
fn check(saved: &Saved, spec: &Architecture) -> Result<(), PlanFileError> {
    let plan = &saved.plan;
    let header = |key: &str, message: String| PlanFileError {
        location: saved.at(&[JsonStep::Key(key)]),
        message,
    };
    if !crate::names::is_account_id(&plan.account_id) {
        return Err(header(
            "account_id",
            "`account_id` is not a twelve-digit account id".to_owned(),
        ));
    }
    if let Some(r) = plan.regions.iter().find(|r| !crate::names::is_region(r)) {
        return Err(header(
            "regions",
            format!("`{}` is not a region name", r.escape_debug()),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, e) in plan.entries.iter().enumerate() {
        let refuse = |what: String| PlanFileError {
            location: saved.entry_at(i),
            message: saved.describe(i, &what),
        };
        if let Some(first) = seen.insert(e.fingerprint.as_str(), i) {
            return Err(refuse(format!(
                "the same finding as entry {}: a plan holds each finding once",
                first + 1
            )));
        }
        match (e.kind, e.steps.is_empty(), e.manual.is_some()) {
            (EntryKind::Fix, false, false) | (EntryKind::Manual, true, true) => {}
            (EntryKind::Fix, ..) => {
                return Err(refuse(
                    "a `fix` entry has steps and no `manual` part".to_owned(),
                ))
            }
            (EntryKind::Manual, ..) => {
                return Err(refuse(
                    "a `manual` entry has a `manual` part and no steps".to_owned(),
                ))
            }
        }
        for (j, s) in e.steps.iter().enumerate() {
            let step_at = saved.at(&[
                JsonStep::Key("entries"),
                JsonStep::Index(i),
                JsonStep::Key("steps"),
                JsonStep::Index(j),
            ]);
            let step_refusal = |what: String| PlanFileError {
                location: step_at.clone(),
                message: saved.describe(i, &format!("step {}: {what}", j + 1)),
            };
            if let Some((field, written, rendered)) = s.text_mismatch() {
                return Err(step_refusal(format!(
                    "its `{field}` is not what its action sends: the file says `{written}`, the action is `{rendered}`"
                )));
            }
            if s.region != "global" && !crate::names::is_region(&s.region) {
                return Err(step_refusal(format!(
                    "`{}` is not a region name",
                    s.region.escape_debug()
                )));
            }
            s.action.check(spec, None).map_err(step_refusal)?;
        }
    }
    Ok(())
}

/// Plans `saved`'s findings again from `report` and `inventory` (the collection made before
/// any change) and returns the plan made now, or, when any entry differs from what the
/// planner makes now, every such entry with its difference. An entry whose finding is gone
/// is kept as it is (it is `skipped`, nothing is sent for it).
pub fn replan(
    saved: &Saved,
    report: &Report,
    inventory: &Inventory,
    spec: &Architecture,
) -> Result<Plan, Vec<String>> {
    let home = super::home_region(inventory);
    let findings: HashMap<&str, &crate::finding::Finding> = report
        .findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    // Only the resources of the findings planned again are read (as `plan` reads them).
    let arns = saved
        .plan
        .entries
        .iter()
        .filter_map(|e| findings.get(e.fingerprint.as_str()))
        .map(|f| f.resource.arn.as_str())
        .collect();
    let values = inventory.resource_values_of(&arns);
    let by_arn = by_arn(&values);
    let mut refused = Vec::new();
    let mut entries = Vec::new();
    for (i, stored) in saved.plan.entries.iter().enumerate() {
        let Some(f) = findings.get(stored.fingerprint.as_str()) else {
            entries.push(stored.clone());
            continue;
        };
        if f.waived.is_some() {
            refused.push(saved.refusal(
                i,
                "its finding is waived now: plan again to leave it out".to_owned(),
            ));
            continue;
        }
        let resource = by_arn.get(f.resource.arn.as_str()).copied();
        let now = entry(f, resource, inventory, spec, home);
        match difference(stored, &now) {
            Some(what) => refused.push(saved.refusal(i, what)),
            None => entries.push(now),
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    Ok(Plan {
        entries,
        ..saved.plan.clone()
    })
}

/// The first way `stored` differs from `now` (the entry the planner makes now for the same
/// finding), for people. The snapshot is not compared here: a changed resource is the stale
/// check's.
fn difference(stored: &super::Entry, now: &super::Entry) -> Option<String> {
    if stored.resource != now.resource {
        return Some(format!(
            "it names {} ({}), but that finding is about {} ({})",
            stored.resource.arn,
            stored.resource.resource_type,
            now.resource.arn,
            now.resource.resource_type
        ));
    }
    if stored.component.is_some() && stored.component != now.component {
        return Some(format!(
            "it names component {}, but that finding is of {}",
            stored.component.as_deref().unwrap_or_default(),
            now.component.as_deref().unwrap_or("no component")
        ));
    }
    if stored.policy_id != now.policy_id {
        return Some(format!(
            "it names policy {}, but that finding is of {}",
            stored.policy_id, now.policy_id
        ));
    }
    if stored.kind != now.kind {
        return Some(
            format!(
                "it is a `{:?}` entry; archaudit plans `{:?}` for that finding now",
                stored.kind, now.kind
            )
            .to_lowercase(),
        );
    }
    if stored.steps.len() != now.steps.len() {
        return Some(format!(
            "it has {} step(s); archaudit plans {} now",
            stored.steps.len(),
            now.steps.len()
        ));
    }
    for (j, (a, b)) in stored.steps.iter().zip(&now.steps).enumerate() {
        if a != b {
            return Some(format!(
                "step {} is `{}` in {}; archaudit plans `{}` in {} now",
                j + 1,
                a.api_call(),
                a.region,
                b.api_call(),
                b.region
            ));
        }
    }
    if stored.severity != now.severity || stored.message != now.message {
        return Some(format!(
            "its severity or message is not the finding's (`{}` {}; now `{}` {})",
            stored.severity.as_str(),
            stored.message,
            now.severity.as_str(),
            now.message
        ));
    }
    if stored.manual != now.manual {
        return Some(
            "its manual instructions are not what archaudit writes for that finding".to_owned(),
        );
    }
    None
}

mod digest;

pub use digest::{check_digest, digest};

#[cfg(test)]
mod tests;
