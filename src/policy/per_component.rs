//! A rule's status per documented component instance (first law, per component).
//!
//! A rule whose METADATA names a component kind (`custom.component: services`) is judged once
//! per instance of that kind the spec documents:
//! - findings on the instance → `failed` (with a reason when its data had gaps);
//! - no finding, and the instance was not found, or a gap touching what the rule reads names
//!   one of the instance's resources or is a kind-wide gap in a region the instance lives in →
//!   `not_evaluated`, with the reason;
//! - otherwise → `passed`.
//!
//! What the instances are and which resources belong to each comes from the policy library
//! (`data.archaudit.lib.members`), the same identification the rules use. Membership is asked
//! for only when a gap names a resource, so a clean scan pays nothing for it. A gap on a
//! resource that belongs to no instance stays a reason of the rule as a whole.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::gaps::{describe_gap, touches};
use super::{invalid, Policy, PolicyError, RuleStatus};
use crate::finding::{ComponentResult, Finding};
use crate::inventory::Gap;

const INSTANCES_RULE: &str = "data.archaudit.lib.members.instances";
const MEMBERSHIP_RULE: &str = "data.archaudit.lib.members.membership";
const SOURCE: &str = "policies/lib/members.rego";

/// One documented instance as the library describes it.
#[derive(Debug, Deserialize)]
struct Instance {
    kind: String,
    regions: Vec<String>,
    found: bool,
}

/// The documented instances and the resources that belong to each.
#[derive(Debug, Default)]
pub(super) struct Instances {
    by_name: BTreeMap<String, Instance>,
    /// Resource ARN → the instances it is part of.
    owners: BTreeMap<String, BTreeSet<String>>,
}

impl Instances {
    /// Asks the library; membership only when some gap names a resource.
    pub(super) fn load(engine: &regorus::Engine, gaps: &[Gap]) -> Result<Self, PolicyError> {
        let ask = |rule: &str| -> Result<Value, PolicyError> {
            let mut e = engine.clone();
            let value = e
                .eval_rule(rule.to_owned())
                .map_err(|err| invalid(SOURCE, 0, &format!("{rule}: {err}")))?;
            Ok(serde_json::to_value(&value).unwrap_or(Value::Null))
        };
        let by_name: BTreeMap<String, Instance> = match ask(INSTANCES_RULE)? {
            Value::Object(m) => m
                .into_iter()
                .map(|(k, v)| {
                    serde_json::from_value(v)
                        .map(|i| (k.clone(), i))
                        .map_err(|e| invalid(SOURCE, 0, &format!("instance {k}: {e}")))
                })
                .collect::<Result<_, _>>()?,
            _ => BTreeMap::new(),
        };
        let mut owners: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if !by_name.is_empty() && gaps.iter().any(|g| g.resource.is_some()) {
            let pairs = ask(MEMBERSHIP_RULE)?;
            for pair in pairs.as_array().into_iter().flatten() {
                if let (Some(c), Some(arn)) = (
                    pair.get(0).and_then(Value::as_str),
                    pair.get(1).and_then(Value::as_str),
                ) {
                    owners
                        .entry(arn.to_owned())
                        .or_default()
                        .insert(c.to_owned());
                }
            }
        }
        Ok(Self { by_name, owners })
    }

    /// The rule's outcome for each instance of its component kind, in name order.
    pub(super) fn judge(
        &self,
        policy: &Policy,
        findings: &[Finding],
        gaps: &[Gap],
    ) -> Vec<ComponentResult> {
        let Some(kind) = policy.meta.custom.component.as_deref() else {
            return Vec::new();
        };
        let relevant: Vec<&Gap> = gaps.iter().filter(|g| touches(policy, g)).collect();
        self.by_name
            .iter()
            .filter(|(_, i)| i.kind == kind)
            .map(|(name, instance)| {
                let count = findings
                    .iter()
                    .filter(|f| f.component.as_deref() == Some(name.as_str()))
                    .count();
                let reason = self.reason(name, instance, count, &relevant);
                let status = match (count, &reason) {
                    (0, None) => RuleStatus::Passed,
                    (0, Some(_)) => RuleStatus::NotEvaluated,
                    _ => RuleStatus::Failed,
                };
                ComponentResult {
                    component: name.clone(),
                    status,
                    findings: count,
                    reason,
                }
            })
            .collect()
    }

    /// Why what the rule found about `name` may not be all (None when its data is complete).
    /// An instance not found is judged by the rule that reports it missing (its finding), and
    /// by no other.
    fn reason(
        &self,
        name: &str,
        instance: &Instance,
        findings: usize,
        gaps: &[&Gap],
    ) -> Option<String> {
        let in_region = |g: &Gap| instance.regions.contains(&g.region);
        let hits: BTreeSet<String> = gaps
            .iter()
            .filter(|g| match &g.resource {
                None => in_region(g),
                // Not found: whatever it is made of may be what could not be read.
                Some(_) if !instance.found => in_region(g),
                Some(arn) => self.owners.get(arn).is_some_and(|o| o.contains(name)),
            })
            .map(|g| describe_gap(g))
            .collect();
        let mut parts = Vec::new();
        if !instance.found && findings == 0 {
            parts.push(format!("documented {name} not found"));
        }
        let n = hits.len();
        parts.extend(hits.into_iter().take(3));
        if n > 3 {
            parts.push(format!("and {} more", n - 3));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The rule-level reason a rule gains from its instances: the ones it could not judge, when
/// it has no reason of its own (so a rule is never `passed` while one instance is not
/// evaluated).
pub(super) fn rule_reason(components: &[ComponentResult]) -> Option<String> {
    let blind: Vec<String> = components
        .iter()
        .filter_map(|c| {
            c.reason
                .as_ref()
                .map(|r| format!("for {}: {r}", c.component))
        })
        .collect();
    (!blind.is_empty()).then(|| blind.join("; "))
}
