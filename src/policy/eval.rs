//! Evaluation: runs the batches, turns `deny` results into findings, and decides each rule's
//! status.
//!
//! A rule's status keeps the first law — what could not be read is never reported as passed:
//! - findings → `failed` (with a reason when some of its inputs had gaps: the findings are
//!   real, but there may be more);
//! - no finding, and a gap touches a kind it reads (derived from its Rego, see `deps`) or a
//!   documented component it is anchored on was not found → `not_evaluated`, with the reason;
//! - otherwise → `passed`.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::gaps::{describe_gap, touches, with_child_gaps};
use super::load::{ANCHORS_ALONE, ANCHORS_KEY, COMPONENTS_RULE};
use super::per_component::{self, Instances};
use super::{invalid, result, Evaluation, Policy, PolicyError, PolicySet, RuleResult, RuleStatus};
use crate::inventory::{Gap, Inventory, ScanMeta};

/// The inventory as the policies see it (`input`), with the derived gaps; `aws` is added by
/// [`super::input::to_input`].
#[derive(Serialize)]
struct InputView<'a> {
    schema_version: u32,
    meta: &'a ScanMeta,
    gaps: &'a [Gap],
}

/// An evaluation error as the user reads it: a time-limit stop names the option.
fn eval_message(text: &str) -> String {
    if text.contains("exceeded time limit") {
        format!("stopped: it ran longer than the policy time limit (--policy-time-limit; a runaway loop or an unbounded comprehension?): {text}")
    } else {
        text.to_owned()
    }
}

impl PolicySet {
    /// Evaluates every batch in parallel; returns each policy's `deny` as JSON (policy order).
    /// When a batch fails, its policies are evaluated one by one so the error names the policy.
    /// Also returns the documented components not found (anchor → message).
    fn eval_batches(
        &self,
        engine: &regorus::Engine,
    ) -> Result<(Vec<Value>, BTreeMap<String, String>), PolicyError> {
        let n = self.batches.len();
        let results: Vec<Result<(usize, Value), PolicyError>> = self
            .batches
            .par_iter()
            .enumerate()
            .map(|(b, package)| {
                let mut e = engine.clone();
                match e.eval_rule(package.clone()) {
                    Ok(value) if value != regorus::Value::Undefined => {
                        Ok((b, serde_json::to_value(&value).unwrap_or(Value::Null)))
                    }
                    // An error, or a policy whose `deny` is undefined: evaluate one by one.
                    // (Policies first, so a failing one is named rather than the library.)
                    _ => {
                        let mut values = serde_json::Map::new();
                        for (i, p) in self
                            .policies
                            .iter()
                            .enumerate()
                            .filter(|(i, p)| i % n == b && !p.meta.custom.deprecated)
                        {
                            let mut e = engine.clone();
                            let value =
                                e.eval_rule(format!("{}.deny", p.package)).map_err(|err| {
                                    PolicyError::Eval {
                                        path: p.path.clone(),
                                        line: p.deny_line,
                                        package: p.package.clone(),
                                        message: eval_message(&err.to_string()),
                                    }
                                })?;
                            if value != regorus::Value::Undefined {
                                values.insert(
                                    format!("p{i}"),
                                    serde_json::to_value(&value).unwrap_or(Value::Null),
                                );
                            }
                        }
                        if b == 0 && self.anchors {
                            let mut e = engine.clone();
                            let value = e.eval_rule(ANCHORS_ALONE.to_owned()).map_err(|err| {
                                invalid("policies/lib/anchors.rego", 0, &err.to_string())
                            })?;
                            values.insert(
                                ANCHORS_KEY.to_owned(),
                                serde_json::to_value(&value).unwrap_or(Value::Null),
                            );
                        }
                        Ok((b, Value::Object(values)))
                    }
                }
            })
            .collect();
        let mut out = vec![Value::Array(Vec::new()); self.policies.len()];
        let mut missing = BTreeMap::new();
        for r in results {
            let (b, value) = r?;
            if let Some(Value::Object(m)) = value.get(ANCHORS_KEY) {
                for (k, v) in m {
                    let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    missing.insert(k.clone(), text);
                }
            }
            for (i, slot) in out.iter_mut().enumerate().filter(|(i, _)| i % n == b) {
                match value.get(format!("p{i}")) {
                    Some(v) => *slot = v.clone(),
                    None if self.policies[i].meta.custom.deprecated => {}
                    // `deny` undefined: a policy whose rule bodies never produce a set.
                    None => *slot = Value::Array(Vec::new()),
                }
            }
        }
        Ok((out, missing))
    }

    /// The engine with `inventory` as `input` (only the kinds some rule reads).
    fn with_input(
        &self,
        inventory: &Inventory,
        gaps: &[Gap],
    ) -> Result<regorus::Engine, PolicyError> {
        let view = InputView {
            schema_version: inventory.schema_version,
            meta: &inventory.meta,
            gaps,
        };
        let input = super::input::to_input(&view, &inventory.aws, &self.input_kinds)
            .map_err(|e| invalid("<inventory>", 0, &e.to_string()))?;
        let mut engine = self.engine.clone();
        engine.set_input(input);
        Ok(engine)
    }

    /// The architecture as found (`data.archaudit.lib.components.graph`): nodes and edges for
    /// the diagram. `Null` when the loaded library has no component rules (`--no-builtin`).
    pub fn components(&self, inventory: &Inventory) -> Result<Value, PolicyError> {
        let gaps = with_child_gaps(&inventory.gaps);
        let mut engine = self.with_input(inventory, &gaps)?;
        let value = engine
            .eval_rule(COMPONENTS_RULE.to_owned())
            .map_err(|e| invalid("policies/lib/components.rego", 0, &e.to_string()))?;
        Ok(serde_json::to_value(&value).unwrap_or(Value::Null))
    }

    /// Evaluates every non-deprecated policy against `inventory`.
    pub fn evaluate(&self, inventory: &Inventory) -> Result<Evaluation, PolicyError> {
        // The policies see the gaps a failed parent listing implies for its child kinds too.
        let gaps = with_child_gaps(&inventory.gaps);
        let engine = self.with_input(inventory, &gaps)?;

        let (outputs, missing) = self.eval_batches(&engine)?;

        let wanted: BTreeSet<&str> = outputs
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|r| r.get("arn").and_then(Value::as_str))
            .collect();
        let index = result::ResourceIndex::new(inventory, &wanted);
        let instances = if self
            .policies
            .iter()
            .any(|p| p.meta.custom.component.is_some())
        {
            Instances::load(&engine, &gaps)?
        } else {
            Instances::default()
        };
        let mut evaluation = Evaluation::default();
        for (policy, output) in self.policies.iter().zip(outputs) {
            let results = match output {
                Value::Array(items) => items,
                other => {
                    return Err(PolicyError::Eval {
                        path: policy.path.clone(),
                        line: policy.deny_line,
                        package: policy.package.clone(),
                        message: format!("`deny` must be a set of objects, got {other}"),
                    })
                }
            };
            // One finding per fingerprint (policy, resource, attribute): a rule that yields the
            // same drift twice with different wording (one per subnet sharing a route table)
            // keeps the first in message order, so fingerprints stay unique in a report.
            let mut own: Vec<crate::finding::Finding> = results
                .iter()
                .map(|r| result::to_finding(policy, r, &index))
                .collect::<Result<_, _>>()?;
            own.sort_by(|a, b| a.message.cmp(&b.message));
            let mut seen = std::collections::HashSet::new();
            own.retain(|f| seen.insert(f.fingerprint.clone()));
            let count = own.len();
            let components = instances.judge(policy, &own, &gaps);
            evaluation.findings.extend(own);
            let reason = not_evaluated_reason(policy, &gaps, &missing)
                .or_else(|| per_component::rule_reason(&components));
            let status = match (count, &reason) {
                (0, None) => RuleStatus::Passed,
                (0, Some(_)) => RuleStatus::NotEvaluated,
                _ => RuleStatus::Failed,
            };
            let mut rule = rule_result(policy, status, count, reason);
            rule.components = components;
            evaluation.rules.push(rule);
        }
        crate::finding::sort(&mut evaluation.findings);
        Ok(evaluation)
    }
}

/// A rule's result, described for reports.
fn rule_result(
    policy: &Policy,
    status: RuleStatus,
    findings: usize,
    reason: Option<String>,
) -> RuleResult {
    let meta = &policy.meta;
    let r = &meta.custom.remediation;
    let mut help = r.summary.trim().to_owned();
    if let Some(cli) = &r.cli {
        help.push_str(&format!("\n\n```sh\n{}\n```", cli.trim_end()));
    }
    if let Some(tf) = &r.terraform {
        help.push_str(&format!("\n\n```hcl\n{}\n```", tf.trim_end()));
    }
    // The area is the policy's directory (`policies/network/vpc_cidr.rego` → `network`).
    let area = std::path::Path::new(&policy.path)
        .parent()
        .and_then(|p| p.file_name())
        .map(|a| a.to_string_lossy().replace('_', "-"));
    let mut tags = vec!["security".to_owned()];
    tags.extend(area);
    tags.push(meta.custom.resource_type.clone());
    RuleResult {
        id: meta.custom.id.clone(),
        title: meta.title.clone(),
        description: meta.description.trim().to_owned(),
        help,
        severity: meta.custom.severity,
        tags,
        related_resources: meta.related_resources.clone(),
        fix: r.fix,
        reads: policy.reads.iter().map(|k| (*k).to_owned()).collect(),
        anchors: meta.custom.anchors.clone(),
        status,
        findings,
        incomplete: status == RuleStatus::Failed && reason.is_some(),
        reason,
        source: format!("{}:{}", policy.path, policy.deny_line),
        expectation: meta.custom.expectation.clone(),
        components: Vec::new(),
    }
}

/// Why a rule that found nothing proves nothing: documented components it is anchored on
/// that were not found, and the gaps in what it reads.
fn not_evaluated_reason(
    policy: &Policy,
    gaps: &[Gap],
    missing: &BTreeMap<String, String>,
) -> Option<String> {
    let mut parts: Vec<String> = policy
        .meta
        .custom
        .anchors
        .iter()
        .filter_map(|a| missing.get(a))
        .map(|m| format!("blocked: {m}"))
        .collect();
    let hits: BTreeSet<String> = gaps
        .iter()
        .filter(|g| touches(policy, g))
        .map(describe_gap)
        .collect();
    let n = hits.len();
    parts.extend(hits.into_iter().take(3));
    if n > 3 {
        parts.push(format!("and {} more", n - 3));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
