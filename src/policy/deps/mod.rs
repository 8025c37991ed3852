//! Rule dependencies, derived from the policies themselves.
//!
//! A rule that found nothing proves something only if it could see everything it reads. What
//! it reads is computed here at load time from the parsed Rego (regorus's AST), not from a
//! hand-kept list: every reference to `input.aws.<service>.<kind>` in a rule, and, through the
//! library rules and functions it uses (`arch.services`, `data.archaudit.lib.…`), everything
//! those read, transitively. A reference that cannot be pinned to one kind (`input.aws[svc]`,
//! `walk(input, …)`) counts as reading every kind it could reach, so the analysis errs towards
//! "not evaluated", never towards "passed". A reference to a kind the inventory does not
//! define (`input.aws.ec2.vpcz`) is a load error with file and line.
//!
//! The same graph rejects recursion (a rule or function that reaches itself), as OPA does at
//! compile time: regorus would evaluate `f(n) := f(n + 1)` until the stack overflows and the
//! process aborts.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use crate::inventory::{self, Service};

/// One segment of a reference path: a static name, or a computed index.
type Seg = Option<String>;

/// A load error: file, line, message.
pub type DepError = (String, usize, String);

/// What one rule references.
#[derive(Debug, Default)]
pub(super) struct RuleRefs {
    kinds: BTreeSet<&'static str>,
    /// Data paths (without the leading `data`), possibly ending in a computed segment.
    pub(super) data: Vec<Vec<Seg>>,
}

/// Kinds read by each package's rules, transitively.
#[derive(Debug, Default, Clone)]
pub struct Dependencies {
    by_package: BTreeMap<String, BTreeSet<&'static str>>,
    /// The literal keys of `missing["…"]` rules in package `archaudit.lib.anchors`.
    anchors: BTreeSet<String>,
}

impl Dependencies {
    /// The anchor names the loaded libraries define (`vpc`, `load_balancer`, …).
    pub fn anchors(&self) -> &BTreeSet<String> {
        &self.anchors
    }

    /// The kinds the rules of `package` (`data.archaudit.network.vpc`) read, transitively.
    pub fn kinds(&self, package: &str) -> BTreeSet<&'static str> {
        self.by_package.get(package).cloned().unwrap_or_default()
    }

    /// Analyses the AST of every module (`Engine::get_ast_as_json`).
    #[cfg(test)]
    pub fn analyze(ast_json: &str) -> Result<Dependencies, DepError> {
        let modules: Vec<Value> = serde_json::from_str(ast_json)
            .map_err(|e| ("<policy AST>".to_owned(), 0, e.to_string()))?;
        Dependencies::analyze_modules(&modules)
    }

    /// Analyses the parsed AST of every module.
    pub fn analyze_modules(modules: &[Value]) -> Result<Dependencies, DepError> {
        // Rule nodes: (package segments, rule name) -> refs.
        let mut rules: BTreeMap<(Vec<String>, String), RuleRefs> = BTreeMap::new();
        let mut packages: BTreeSet<Vec<String>> = BTreeSet::new();
        let mut parsed = Vec::new();
        for m in modules {
            let path = m["source"]["file"]
                .as_str()
                .unwrap_or("<policy>")
                .to_owned();
            let contents = m["source"]["contents"].as_str().unwrap_or_default();
            let ast = &m["ast"];
            let package: Vec<String> = chain(&ast["package"]["refr"])
                .map(|(base, segs)| {
                    std::iter::once(base)
                        .chain(segs.into_iter().flatten())
                        .collect()
                })
                .unwrap_or_default();
            let mut imports: BTreeMap<String, Vec<Seg>> = BTreeMap::new();
            for imp in ast["imports"].as_array().into_iter().flatten() {
                let Some((base, segs)) = chain(&imp["refr"]) else {
                    continue;
                };
                let alias = match imp.get("as") {
                    Some(span) => slice(contents, span).to_owned(),
                    None => segs
                        .last()
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| base.clone()),
                };
                let mut full = vec![Some(base)];
                full.extend(segs);
                imports.insert(alias, full);
            }
            let names: BTreeSet<String> = ast["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(rule_name)
                .collect();
            packages.insert(package.clone());
            parsed.push((path, package, imports, names, ast));
        }
        let mut anchors = BTreeSet::new();
        // What each rule's bodies and value reference (its own head excluded), for recursion.
        let mut calls: BTreeMap<(Vec<String>, String), (String, usize, RuleRefs)> = BTreeMap::new();
        for (path, package, imports, names, ast) in &parsed {
            let scope = Scope {
                path,
                package,
                imports,
                rules: names,
            };
            for rule in ast["rules"].as_array().into_iter().flatten() {
                let Some(name) = rule_name(rule) else {
                    continue;
                };
                if package.as_slice() == ["archaudit", "lib", "anchors"] && name == "missing" {
                    anchors.extend(rule_key(rule));
                }
                if let Some(spec) = rule.get("Spec") {
                    let line = spec["span"]["line"].as_u64().unwrap_or(0) as usize;
                    let (_, _, refs) = calls
                        .entry((package.clone(), name.clone()))
                        .or_insert_with(|| ((*path).clone(), line, RuleRefs::default()));
                    // A function's arguments are local: they shadow rules of the same name.
                    let args = cycle::arguments(spec);
                    let visible: BTreeSet<String> = names.difference(&args).cloned().collect();
                    let local = Scope {
                        rules: &visible,
                        ..scope
                    };
                    local.collect(&cycle::without_head_ref(spec), refs)?;
                }
                let entry = rules.entry((package.clone(), name)).or_default();
                scope.collect(rule, entry)?;
            }
        }
        cycle::check(&calls, &packages, &rules)?;
        // Closure per package, over rule nodes.
        let mut by_package = BTreeMap::new();
        for package in &packages {
            let mut seen: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
            let mut queue: VecDeque<(Vec<String>, String)> = rules
                .keys()
                .filter(|(p, _)| p == package)
                .cloned()
                .collect();
            let mut kinds = BTreeSet::new();
            while let Some(node) = queue.pop_front() {
                if !seen.insert(node.clone()) {
                    continue;
                }
                let Some(refs) = rules.get(&node) else {
                    continue;
                };
                kinds.extend(refs.kinds.iter().copied());
                for path in &refs.data {
                    for target in targets(path, &packages, &rules) {
                        if !seen.contains(&target) {
                            queue.push_back(target);
                        }
                    }
                }
            }
            by_package.insert(format!("data.{}", package.join(".")), kinds);
        }
        Ok(Dependencies {
            by_package,
            anchors,
        })
    }
}

/// The rule nodes a data path can reach.
pub(super) fn targets(
    path: &[Seg],
    packages: &BTreeSet<Vec<String>>,
    rules: &BTreeMap<(Vec<String>, String), RuleRefs>,
) -> Vec<(Vec<String>, String)> {
    // The longest package that is a static prefix of the path: the next segment names a rule.
    let prefix_of = |p: &Vec<String>| {
        p.len() <= path.len() && p.iter().zip(path).all(|(a, b)| b.as_deref() == Some(a))
    };
    if let Some(p) = packages
        .iter()
        .filter(|p| prefix_of(p))
        .max_by_key(|p| p.len())
    {
        if let Some(Some(name)) = path.get(p.len()) {
            return vec![(p.clone(), name.clone())];
        }
        // The whole package, or a computed rule name: every rule in it.
        return rules.keys().filter(|(q, _)| q == p).cloned().collect();
    }
    // A path above packages (`data.archaudit.lib`, `data[x]`): every rule below it.
    let statics: Vec<&str> = path.iter().map_while(|s| s.as_deref()).collect();
    rules
        .keys()
        .filter(|(q, _)| statics.len() <= q.len() && q.iter().zip(&statics).all(|(a, b)| a == b))
        .cloned()
        .collect()
}

struct Scope<'a> {
    path: &'a str,
    package: &'a [String],
    imports: &'a BTreeMap<String, Vec<Seg>>,
    rules: &'a BTreeSet<String>,
}

impl Scope<'_> {
    /// Walks an AST node, recording every reference chain it contains.
    fn collect(&self, node: &Value, out: &mut RuleRefs) -> Result<(), DepError> {
        match node {
            Value::Object(map) => {
                for key in ["RefDot", "RefBrack", "Var"] {
                    if let Some(inner) = map.get(key) {
                        if let Some((base, segs)) = chain(node) {
                            let line = inner["span"]["line"].as_u64().unwrap_or(0) as usize;
                            self.resolve(&base, segs, line, out)?;
                        }
                        // Computed indexes may hold references of their own.
                        return self.collect_indexes(node, out);
                    }
                }
                for v in map.values() {
                    self.collect(v, out)?;
                }
                Ok(())
            }
            Value::Array(items) => items.iter().try_for_each(|v| self.collect(v, out)),
            _ => Ok(()),
        }
    }

    fn collect_indexes(&self, node: &Value, out: &mut RuleRefs) -> Result<(), DepError> {
        if let Some(inner) = node.get("RefDot") {
            return self.collect_indexes(&inner["refr"], out);
        }
        if let Some(inner) = node.get("RefBrack") {
            self.collect(&inner["index"], out)?;
            return self.collect_indexes(&inner["refr"], out);
        }
        Ok(())
    }

    fn resolve(
        &self,
        base: &str,
        segs: Vec<Seg>,
        line: usize,
        out: &mut RuleRefs,
    ) -> Result<(), DepError> {
        let mut full: Vec<Seg> = match base {
            "input" | "data" => vec![Some(base.to_owned())],
            _ => match self.imports.get(base) {
                Some(prefix) => prefix.clone(),
                None if self.rules.contains(base) => std::iter::once(Some("data".to_owned()))
                    .chain(self.package.iter().cloned().map(Some))
                    .chain(std::iter::once(Some(base.to_owned())))
                    .collect(),
                // A local variable or a builtin.
                None => return Ok(()),
            },
        };
        full.extend(segs);
        match full.first().cloned().flatten().as_deref() {
            Some("input") => self.input(&full[1..], line, out),
            Some("data") => {
                let rest = &full[1..];
                let config = matches!(
                    (rest.first(), rest.get(1)),
                    (Some(Some(a)), Some(Some(b))) if a == "archaudit" && matches!(b.as_str(), "architecture" | "params" | "testdata")
                );
                if !config {
                    out.data.push(rest.to_vec());
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Records the kinds an `input…` path can read.
    fn input(&self, path: &[Seg], line: usize, out: &mut RuleRefs) -> Result<(), DepError> {
        let all = || inventory::kinds().collect::<Vec<_>>();
        let kinds: Vec<&'static str> = match path {
            [] | [None, ..] => all(),
            [Some(top), rest @ ..] if top == "aws" => match rest {
                [] | [None, ..] => all(),
                [Some(svc), rest @ ..] => {
                    let Some(service) = Service::ALL.iter().find(|s| s.key() == svc) else {
                        return Err(self.unknown(&format!("input.aws.{svc}"), line));
                    };
                    match rest {
                        [] | [None, ..] => service.kinds().to_vec(),
                        [Some(kind), ..] => {
                            let full = format!("{svc}.{kind}");
                            match service.kinds().iter().find(|k| **k == full) {
                                Some(k) => vec![*k],
                                None => {
                                    return Err(self.unknown(&format!("input.aws.{full}"), line))
                                }
                            }
                        }
                    }
                }
            },
            // `input.meta`, `input.gaps`, `input.schema_version`: no resources.
            _ => Vec::new(),
        };
        out.kinds.extend(kinds);
        Ok(())
    }

    fn unknown(&self, what: &str, line: usize) -> DepError {
        (
            self.path.to_owned(),
            line,
            format!(
                "`{what}` is not in the inventory; kinds are: {}",
                inventory::kinds().collect::<Vec<_>>().join(", ")
            ),
        )
    }
}

/// The name a rule defines (`deny`, `missing` for `missing["vpc"] := …`).
fn rule_name(rule: &Value) -> Option<String> {
    chain(rule_ref(rule)?).map(|(base, _)| base)
}

/// The literal key of a rule defined as `name["key"]` (`vpc` for `missing["vpc"] := …`).
fn rule_key(rule: &Value) -> Option<String> {
    chain(rule_ref(rule)?).and_then(|(_, segs)| segs.into_iter().next().flatten())
}

/// The reference a rule's head defines.
fn rule_ref(rule: &Value) -> Option<&Value> {
    let refr = if let Some(spec) = rule.get("Spec") {
        let head = spec.get("head")?;
        ["Compr", "Set", "Func"]
            .iter()
            .find_map(|k| head.get(*k))?
            .get("refr")?
    } else {
        rule.get("Default")?.get("refr")?
    };
    Some(refr)
}

/// Flattens a reference expression into its base variable and its segments (`None` for a
/// computed index). `None` when the expression is not a reference rooted at a variable.
pub(super) fn chain(expr: &Value) -> Option<(String, Vec<Seg>)> {
    if let Some(v) = expr.get("Var") {
        return Some((v["value"].as_str()?.to_owned(), Vec::new()));
    }
    if let Some(d) = expr.get("RefDot") {
        let (base, mut segs) = chain(&d["refr"])?;
        segs.push(d["field"].get(1).and_then(Value::as_str).map(str::to_owned));
        return Some((base, segs));
    }
    if let Some(b) = expr.get("RefBrack") {
        let (base, mut segs) = chain(&b["refr"])?;
        let index = &b["index"];
        let literal = ["String", "RawString"]
            .iter()
            .find_map(|k| index.get(*k))
            .and_then(|s| s["value"].as_str())
            .map(str::to_owned);
        segs.push(literal);
        return Some((base, segs));
    }
    None
}

/// The source text a span covers.
fn slice<'a>(contents: &'a str, span: &Value) -> &'a str {
    let start = span["start"].as_u64().unwrap_or(0) as usize;
    let end = span["end"].as_u64().unwrap_or(0) as usize;
    contents.get(start..end).unwrap_or_default()
}

mod cycle;
#[cfg(test)]
mod tests;
