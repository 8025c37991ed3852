//! Recursion among rules: rejected at load, as OPA does at compile time (regorus would evaluate
//! `f(n) := f(n + 1)` until the stack overflows and the process aborts).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{targets, DepError, RuleRefs};

/// A rule: its package's segments and its name.
pub(super) type Node = (Vec<String>, String);

/// A rule without the reference its head defines (`f` in `f(x) := …`), so that only what it
/// uses remains.
pub(super) fn without_head_ref(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(head) = spec.get_mut("head").and_then(Value::as_object_mut) {
        for form in head.values_mut() {
            if let Some(form) = form.as_object_mut() {
                form.remove("refr");
            }
        }
    }
    spec
}

/// The first cycle among rules (in name order), as the rules along it.
pub(super) fn find_cycle(
    calls: &BTreeMap<Node, (String, usize, RuleRefs)>,
    packages: &BTreeSet<Vec<String>>,
    rules: &BTreeMap<Node, RuleRefs>,
) -> Option<Vec<Node>> {
    let edges: BTreeMap<&Node, BTreeSet<Node>> = calls
        .iter()
        .map(|(node, (_, _, refs))| {
            let to = refs
                .data
                .iter()
                .flat_map(|path| targets(path, packages, rules))
                .collect();
            (node, to)
        })
        .collect();
    // Iterative depth-first search: 1 = on the current path, 2 = done.
    let mut state: BTreeMap<&Node, u8> = BTreeMap::new();
    for start in edges.keys() {
        if state.contains_key(start) {
            continue;
        }
        let mut path: Vec<(&Node, Vec<&Node>)> = Vec::new();
        state.insert(start, 1);
        path.push((start, edges[start].iter().collect()));
        while let Some((node, pending)) = path.last_mut() {
            let node: &Node = node;
            match pending.pop() {
                None => {
                    state.insert(node, 2);
                    path.pop();
                }
                Some(next) => match state.get(next) {
                    Some(1) => {
                        let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                        return Some(path[from..].iter().map(|(n, _)| (*n).clone()).collect());
                    }
                    Some(_) => {}
                    None => {
                        if let Some((key, to)) = edges.get_key_value(next) {
                            state.insert(key, 1);
                            path.push((key, to.iter().collect()));
                        }
                    }
                },
            }
        }
    }
    None
}

/// A load error at the first rule of the first cycle, naming the whole cycle.
pub(super) fn check(
    calls: &BTreeMap<Node, (String, usize, RuleRefs)>,
    packages: &BTreeSet<Vec<String>>,
    rules: &BTreeMap<Node, RuleRefs>,
) -> Result<(), DepError> {
    if let Some(cycle) = find_cycle(calls, packages, rules) {
        let (path, line, _) = &calls[&cycle[0]];
        let names: Vec<String> = cycle
            .iter()
            .chain(cycle.first())
            .map(|(p, n)| format!("data.{}.{n}", p.join(".")))
            .collect();
        return Err((
            path.clone(),
            *line,
            format!(
                "rule `{}` is recursive ({}): Rego forbids recursion, and evaluating it would never end",
                cycle[0].1,
                names.join(" -> ")
            ),
        ));
    }
    Ok(())
}

/// The argument names of a function (`n` in `f(n) := …`): local, they shadow rules.
pub(super) fn arguments(spec: &Value) -> BTreeSet<String> {
    spec["head"]["Func"]["args"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["Var"]["value"].as_str().map(str::to_owned))
        .collect()
}
