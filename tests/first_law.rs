//! The first law: what could not be read is never reported as passed.
//!
//! For every shipped fixture (the reference, the drifted snapshot, every drift case) and every
//! kind the inventory defines, the kind's list is emptied and a whole-list gap recorded, as a
//! denied or failed listing would leave it. Then no finding of the complete scan may vanish
//! while its rule reports `passed`: the rule must be `not_evaluated` or still `failed`.
//! A second pass does the same with an attribute-level gap on every resource of every kind.

mod support;

use std::collections::BTreeMap;

use archaudit::config::Config;
use archaudit::inventory::{self, Gap, Inventory};
use archaudit::policy::{Evaluation, PolicySet, RuleStatus};
use serde_json::Value;

fn policies() -> PolicySet {
    let config = Config::default_config();
    let mut set = PolicySet::load(true, &[]).unwrap();
    set.set_data(&config.architecture_json(), &config.params_json())
        .unwrap();
    set
}

/// The inventory with `kind` unlisted: its resources gone, a whole-list gap recorded.
fn without_kind(inv: &Inventory, kind: &str) -> Inventory {
    let (svc, name) = kind.split_once('.').unwrap();
    let mut json = serde_json::to_value(inv).unwrap();
    let list = &mut json["aws"][svc][name];
    *list = if list.is_array() {
        Value::Array(Vec::new())
    } else {
        Value::Null
    };
    if json["aws"][svc][name].is_null() {
        json["aws"][svc].as_object_mut().unwrap().remove(name);
    }
    let mut out: Inventory = serde_json::from_value(json).unwrap();
    out.gaps.push(Gap {
        service: svc.to_owned(),
        region: "us-east-1".to_owned(),
        operation: "Injected".to_owned(),
        kind: kind.to_owned(),
        code: "AccessDenied".to_owned(),
        message: "injected by the test".to_owned(),
        ..Gap::default()
    });
    out
}

/// Checks that every finding of `before` is still there, or its rule is not `passed`.
fn check(before: &Evaluation, after: &Evaluation, what: &str) -> Vec<String> {
    let status: BTreeMap<&str, RuleStatus> = after
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.status))
        .collect();
    let kept: std::collections::BTreeSet<&str> = after
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut problems = Vec::new();
    for f in &before.findings {
        if !kept.contains(f.fingerprint.as_str())
            && status.get(f.policy_id.as_str()) == Some(&RuleStatus::Passed)
        {
            problems.push(format!(
                "{what}: finding {} on {} vanished and its rule passed",
                f.policy_id, f.resource.id
            ));
        }
    }
    problems
}

#[test]
fn a_whole_list_gap_never_turns_a_finding_into_a_pass() {
    let set = policies();
    let mut problems = Vec::new();
    let mut runs = 0;
    for path in support::fixture_files() {
        let inv = Inventory::load(&path).unwrap();
        let before = set.evaluate(&inv).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for kind in inventory::kinds() {
            let after = set.evaluate(&without_kind(&inv, kind)).unwrap();
            problems.extend(check(&before, &after, &format!("{name} without {kind}")));
            runs += 1;
        }
    }
    assert!(runs > 500, "{runs}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_attribute_gap_never_turns_a_finding_into_a_pass() {
    let set = policies();
    let mut problems = Vec::new();
    for path in support::fixture_files() {
        let inv = Inventory::load(&path).unwrap();
        let before = set.evaluate(&inv).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        // For each finding, hide every attribute of its resource one at a time (as a failed
        // per-resource call would): the finding stays, or its rule is not passed.
        for f in &before.findings {
            let json = serde_json::to_value(&inv).unwrap();
            let kind = f.resource.resource_type.clone();
            let Some((svc, list)) = kind.split_once('.') else {
                continue; // account-level finding
            };
            let Some(items) = json["aws"][svc][list].as_array() else {
                continue;
            };
            let Some(idx) = items.iter().position(|r| r["arn"] == f.resource.arn) else {
                continue;
            };
            let keys: Vec<String> = items[idx]
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    !matches!(
                        k.as_str(),
                        "arn" | "id" | "region" | "account_id" | "tags" | "unknown"
                    )
                })
                .cloned()
                .collect();
            for key in keys {
                let mut j = json.clone();
                let r = j["aws"][svc][list][idx].as_object_mut().unwrap();
                r.remove(&key);
                r.insert("unknown".to_owned(), serde_json::json!([key]));
                // Only attributes the inventory can leave unknown (optional ones).
                let Ok(mut gapped) = serde_json::from_value::<Inventory>(j) else {
                    continue;
                };
                gapped.gaps.push(Gap {
                    service: svc.to_owned(),
                    region: f.resource.region.clone(),
                    operation: "Injected".to_owned(),
                    kind: kind.clone(),
                    resource: Some(f.resource.arn.clone()),
                    attribute: Some(key.clone()),
                    code: "AccessDenied".to_owned(),
                    message: "injected by the test".to_owned(),
                    account_id: gapped.meta.account_id.clone(),
                });
                let after = set.evaluate(&gapped).unwrap();
                problems.extend(check(
                    &before,
                    &after,
                    &format!("{name}: {key} of {}", f.resource.id),
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Rules anchored on `anchor` in `set`.
fn anchored<'a>(set: &'a PolicySet, anchor: &str) -> Vec<&'a str> {
    set.policies()
        .iter()
        .filter(|p| p.meta.custom.anchors.iter().any(|a| a == anchor))
        .map(|p| p.meta.custom.id.as_str())
        .collect()
}

fn assert_blocked(set: &PolicySet, eval: &Evaluation, anchors: &[&str], reporter: &str) {
    let status: BTreeMap<&str, (RuleStatus, Option<&str>)> = eval
        .rules
        .iter()
        .map(|r| (r.id.as_str(), (r.status, r.reason.as_deref())))
        .collect();
    let mut checked = 0;
    for anchor in anchors {
        for id in anchored(set, anchor) {
            let (st, reason) = status[id];
            assert_ne!(
                st,
                RuleStatus::Passed,
                "{id} passed although {anchor} is missing"
            );
            if st == RuleStatus::NotEvaluated {
                assert!(reason.unwrap().contains("blocked: "), "{id}: {reason:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "{anchors:?}: only {checked} anchored rules");
    assert!(
        eval.findings.iter().any(|f| f.policy_id == reporter),
        "the missing component is reported by {reporter}"
    );
}

#[test]
fn a_missing_documented_component_blocks_the_rules_anchored_on_it() {
    let reference = Inventory::load(&support::root().join("fixtures/reference.json")).unwrap();
    let drifted = Inventory::load(&support::root().join("fixtures/drifted.json")).unwrap();

    // The documentation moved the VPC: nothing in the account matches it.
    let moved = archaudit::config::DEFAULT_TOML.replace("10.0.", "10.9.");
    let config = Config::parse(&moved, "moved.toml").unwrap();
    let mut set = PolicySet::load(true, &[]).unwrap();
    set.set_data(&config.architecture_json(), &config.params_json())
        .unwrap();
    for inv in [&reference, &drifted] {
        let eval = set.evaluate(inv).unwrap();
        assert_blocked(
            &set,
            &eval,
            &["vpc", "load_balancer", "ecs_service"],
            "AA-NET-001",
        );
    }

    let set = policies();
    // The load balancer is gone.
    let eval = set
        .evaluate(&emptied(&reference, "elbv2", "load_balancers"))
        .unwrap();
    assert_blocked(&set, &eval, &["load_balancer", "ecs_service"], "AA-LB-001");
    // The ECS service is gone.
    let eval = set
        .evaluate(&emptied(&reference, "ecs", "services"))
        .unwrap();
    assert_blocked(&set, &eval, &["ecs_service"], "AA-ECS-001");
}

/// The inventory with nothing of `svc.kind` (observed, not a gap).
fn emptied(inv: &Inventory, svc: &str, kind: &str) -> Inventory {
    let mut json = serde_json::to_value(inv).unwrap();
    json["aws"][svc][kind] = Value::Array(Vec::new());
    serde_json::from_value(json).unwrap()
}
