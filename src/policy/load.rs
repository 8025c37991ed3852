//! Loading: policy sources (built-in and `--policies` directories), METADATA, compilation,
//! what each policy reads, and the generated batch modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::deps::Dependencies;
use super::{engine_error, invalid, metadata, new_engine, Policy, PolicyError, PolicySet, Source};

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The rule that names the documented components not found (anchor name → message).
pub(super) const ANCHORS_RULE: &str = "data.archaudit.lib.anchors.missing";
/// Its key in batch 0's results.
pub(super) const ANCHORS_KEY: &str = "anchors";
/// The same value as a complete rule of batch 0, to evaluate it alone when the batch fails:
/// regorus evaluates only complete rule paths, and `missing` is a partial object.
pub(super) const ANCHORS_ALONE: &str = "data.archaudit.internal.batch0.anchors";
/// The rule the diagram is drawn from.
pub(super) const COMPONENTS_RULE: &str = "data.archaudit.lib.components.graph";

/// Every `*.rego` under `dir`, sorted.
fn read_dir_sources(dir: &Path) -> Result<Vec<Source>, PolicyError> {
    let io = |e: std::io::Error| PolicyError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rego") {
                let file = |message: String| PolicyError::Io {
                    path: path.display().to_string(),
                    message,
                };
                let bytes = std::fs::read(&path).map_err(|e| file(e.to_string()))?;
                let text = crate::text::utf8(bytes).map_err(|e| {
                    file(format!(
                        "line {}, column {}: {}",
                        e.line, e.column, e.message
                    ))
                })?;
                out.push(Source {
                    path: path.display().to_string(),
                    text,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn is_test(path: &str) -> bool {
    path.ends_with("_test.rego")
}

impl PolicySet {
    /// Loads the built-in policies (unless `builtin` is false) and every `*.rego` under `dirs`.
    pub fn load(builtin: bool, dirs: &[PathBuf]) -> Result<PolicySet, PolicyError> {
        let mut all: Vec<Source> = Vec::new();
        if builtin {
            all.extend(BUILTIN.iter().map(|(p, t)| Source {
                path: (*p).to_owned(),
                text: (*t).to_owned(),
            }));
        }
        for dir in dirs {
            if !dir.is_dir() {
                return Err(PolicyError::Io {
                    path: dir.display().to_string(),
                    message: "not a directory".to_owned(),
                });
            }
            all.extend(read_dir_sources(dir)?);
        }
        if !builtin {
            // Keep the library: the documented way to write a policy builds on it.
            all.extend(
                BUILTIN
                    .iter()
                    .filter(|(p, _)| p.starts_with("policies/lib/") && !is_test(p))
                    .map(|(p, t)| Source {
                        path: (*p).to_owned(),
                        text: (*t).to_owned(),
                    }),
            );
        }
        let (tests, sources): (Vec<Source>, Vec<Source>) =
            all.into_iter().partition(|s| is_test(&s.path));

        let mut engine = new_engine();
        let mut policies = Vec::new();
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for src in &sources {
            let package = engine
                .add_policy(src.path.clone(), src.text.clone())
                .map_err(|e| engine_error(&src.path, &e.to_string()))?;
            if package.starts_with("data.archaudit.lib.") {
                continue;
            }
            let parsed =
                metadata::parse(&src.text).map_err(|(line, m)| invalid(&src.path, line, &m))?;
            for id in std::iter::once(&parsed.meta.custom.id).chain(&parsed.meta.custom.aliases) {
                if let Some(other) = ids.insert(id.clone(), src.path.clone()) {
                    return Err(invalid(
                        &src.path,
                        parsed.package_line,
                        &format!("policy id {id} is already used by {other}"),
                    ));
                }
            }
            policies.push(Policy {
                meta: parsed.meta,
                package,
                path: src.path.clone(),
                deny_line: parsed.deny_line,
                reads: BTreeSet::new(),
                attributes: BTreeMap::new(),
            });
        }
        policies.sort_by(|a, b| a.meta.custom.id.cmp(&b.meta.custom.id));
        let ast: Vec<serde_json::Value> = engine
            .get_ast_as_json()
            .and_then(|text| Ok(serde_json::from_str(&text)?))
            .map_err(|e| invalid("<policies>", 0, &e.to_string()))?;
        let deps = Dependencies::analyze_modules(&ast)
            .map_err(|(path, line, m)| invalid(&path, line, &m))?;
        super::contract::check(&policies, &sources, &ast)?;
        let anchor_names = deps.anchors();
        for p in &mut policies {
            p.reads = deps.kinds(&p.package);
            for r in &p.meta.custom.requires {
                let mut parts = r.splitn(3, '.');
                let kind = format!(
                    "{}.{}",
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default()
                );
                // Validated by `metadata::parse`: the kind exists.
                let Some(kind) = crate::inventory::kinds().find(|k| *k == kind) else {
                    continue;
                };
                p.reads.insert(kind);
                if let Some(attribute) = parts.next() {
                    p.attributes
                        .entry(kind)
                        .or_default()
                        .push(attribute.to_owned());
                }
            }
            for a in &p.meta.custom.anchors {
                if !anchor_names.contains(a) {
                    let line = p.deny_line.min(
                        sources
                            .iter()
                            .find(|s| s.path == p.path)
                            .and_then(|s| s.text.lines().position(|l| l.contains(a.as_str())))
                            .map_or(p.deny_line, |i| i + 1),
                    );
                    return Err(invalid(
                        &p.path,
                        line,
                        &format!(
                            "anchor `{a}` is not defined by `data.archaudit.lib.anchors.missing`; known anchors: {}",
                            anchor_names.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
        let anchors = !anchor_names.is_empty();
        // The input holds only what some evaluated rule reads: the policies, the anchors
        // (evaluated with them) and the diagram's components.
        let mut input_kinds: BTreeSet<&'static str> = policies
            .iter()
            .filter(|p| !p.meta.custom.deprecated)
            .flat_map(|p| p.reads.iter().copied())
            .collect();
        for rule in [ANCHORS_RULE, COMPONENTS_RULE] {
            let package = rule.rsplit_once('.').map_or(rule, |(p, _)| p);
            input_kinds.extend(deps.kinds(package));
        }
        let batches = add_batches(
            &mut engine,
            &policies,
            rayon::current_num_threads(),
            anchors,
        )?;
        Ok(PolicySet {
            engine,
            batches,
            policies,
            sources,
            tests,
            anchors,
            input_kinds,
            origin: (
                builtin,
                dirs.iter().map(|d| d.display().to_string()).collect(),
            ),
        })
    }
}

/// Groups the policies into `n` generated modules so that one evaluation computes the shared
/// library rules (component lookups, indexes) once per batch instead of once per policy: regorus
/// caches rule values within one evaluation only. Batches run in parallel.
fn add_batches(
    engine: &mut regorus::Engine,
    policies: &[Policy],
    n: usize,
    anchors: bool,
) -> Result<Vec<String>, PolicyError> {
    let n = n.clamp(1, policies.len().max(1));
    let mut packages = Vec::with_capacity(n);
    for b in 0..n {
        let package = format!("archaudit.internal.batch{b}");
        let mut text = format!("package {package}\n\nresults := {{\n");
        for (i, p) in policies
            .iter()
            .enumerate()
            .filter(|(i, p)| i % n == b && !p.meta.custom.deprecated)
        {
            text.push_str(&format!("\t\"p{i}\": {}.deny,\n", p.package));
        }
        if b == 0 && anchors {
            text.push_str(&format!("\t\"{ANCHORS_KEY}\": {ANCHORS_RULE},\n"));
        }
        text.push_str("}\n");
        if b == 0 && anchors {
            text.push_str(&format!("\n{ANCHORS_KEY} := {ANCHORS_RULE}\n"));
        }
        engine
            .add_policy(format!("<batch {b}>"), text)
            .map_err(|e| invalid("<generated batch>", 0, &e.to_string()))?;
        packages.push(format!("data.{package}.results"));
    }
    Ok(packages)
}
