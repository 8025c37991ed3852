//! Judge: evaluates the Rego policies against an inventory with regorus, in process.
//!
//! - Built-in policies are embedded in the binary (`policies/`, see `build.rs`); `--policies
//!   DIR` adds a user's own `*.rego` files. `*_test.rego` files are tests (see [`testing`]);
//!   packages under `archaudit.lib.` are libraries; every other file is a policy and must carry
//!   valid METADATA ([`metadata`]) and a `deny` rule.
//! - The architecture spec is `data.archaudit.architecture`; the inventory is `input`.
//! - Policies are compiled once into one engine; evaluation clones it per policy and runs the
//!   policies in parallel (rayon). Each policy's `deny` yields objects
//!   `{msg, arn, attribute?, expected?, actual?}`.
//! - A rule whose inputs were not fully collected (a gap on a kind or attribute it
//!   `requires`) is reported as not evaluated, never as passed.

pub mod metadata;
pub mod testing;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::finding::{fingerprint, Finding, ResourceRef, Severity};
use crate::inventory::{Gap, Inventory};
use metadata::PolicyMeta;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// A policy file's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown to users (`policies/network/vpc_cidr.rego` for built-ins).
    pub path: String,
    /// Contents.
    pub text: String,
}

/// A loaded policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// METADATA.
    pub meta: PolicyMeta,
    /// Rego package path (`data.archaudit.network.vpc_cidr`).
    pub package: String,
    /// Source file.
    pub path: String,
    /// Line of the `deny` rule.
    pub deny_line: usize,
}

/// Why policies could not be loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A policy file is invalid.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// File.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A policy failed at evaluation time.
    #[error("{path}:{line}: evaluation of {package}.deny failed: {message}")]
    Eval {
        /// File.
        path: String,
        /// Line of its deny rule.
        line: usize,
        /// Package.
        package: String,
        /// Engine message.
        message: String,
    },
    /// I/O.
    #[error("cannot read policies from {path}: {message}")]
    Io {
        /// Path.
        path: String,
        /// Message.
        message: String,
    },
}

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

/// One rule's result, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleResult {
    /// Policy id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Outcome.
    pub status: RuleStatus,
    /// Number of findings.
    pub findings: usize,
    /// Why the rule is not (fully) evaluated: the gaps that touched what it requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Source file and line of the rule.
    pub source: String,
}

/// Findings and rule outcomes of one evaluation.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Findings, sorted.
    pub findings: Vec<Finding>,
    /// One entry per policy, sorted by id.
    pub rules: Vec<RuleResult>,
}

/// The compiled policy library.
#[derive(Clone)]
pub struct PolicySet {
    engine: regorus::Engine,
    /// Packages of the generated batch modules; batch `b` holds the policies `i` with
    /// `i % batches.len() == b`, as rules `p<i> := data.<package>.deny`.
    batches: Vec<String>,
    policies: Vec<Policy>,
    sources: Vec<Source>,
    tests: Vec<Source>,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("policies", &self.policies.len())
            .field("tests", &self.tests.len())
            .finish()
    }
}

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
                let text = std::fs::read_to_string(&path).map_err(io)?;
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

/// A new engine with archaudit's settings: OPA semantics for builtin errors (a bad CIDR makes
/// an expression undefined instead of aborting the evaluation), and the OPA builtins regorus
/// lacks, registered under their OPA names so policies stay OPA-compatible:
/// `net.cidr_intersects(a, b)`.
pub(crate) fn new_engine() -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_strict_builtin_errors(false);
    let intersects = |args: Vec<regorus::Value>| -> anyhow::Result<regorus::Value> {
        match (args.first(), args.get(1)) {
            (Some(regorus::Value::String(a)), Some(regorus::Value::String(b))) => {
                if crate::config::parse_cidr(a).is_none() || crate::config::parse_cidr(b).is_none()
                {
                    anyhow::bail!("net.cidr_intersects: invalid CIDR {a:?} or {b:?}");
                }
                Ok(regorus::Value::from(crate::config::cidr_intersects(a, b)))
            }
            _ => anyhow::bail!("net.cidr_intersects expects two CIDR strings"),
        }
    };
    // Registration fails only if a future regorus ships the builtin itself; then its own is used.
    let _ = engine.add_extension("net.cidr_intersects".to_owned(), 2, Box::new(intersects));
    engine
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
        let (tests, sources): (Vec<Source>, Vec<Source>) =
            all.into_iter().partition(|s| is_test(&s.path));

        let mut engine = new_engine();
        let mut policies = Vec::new();
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for src in &sources {
            let package = engine
                .add_policy(src.path.clone(), src.text.clone())
                .map_err(|e| invalid(&src.path, 0, &e.to_string()))?;
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
            });
        }
        policies.sort_by(|a, b| a.meta.custom.id.cmp(&b.meta.custom.id));
        let batches = add_batches(&mut engine, &policies, rayon::current_num_threads())?;
        Ok(PolicySet {
            engine,
            batches,
            policies,
            sources,
            tests,
        })
    }

    /// The loaded policies, sorted by id.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The test files that came with the policies.
    pub fn tests(&self) -> &[Source] {
        &self.tests
    }

    /// The non-test sources (policies and libraries).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Evaluates every batch in parallel; returns each policy's `deny` as JSON (policy order).
    /// When a batch fails, its policies are evaluated one by one so the error names the policy.
    fn eval_batches(&self, engine: &regorus::Engine) -> Result<Vec<Value>, PolicyError> {
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
                                        message: err.to_string(),
                                    }
                                })?;
                            if value != regorus::Value::Undefined {
                                values.insert(
                                    format!("p{i}"),
                                    serde_json::to_value(&value).unwrap_or(Value::Null),
                                );
                            }
                        }
                        Ok((b, Value::Object(values)))
                    }
                }
            })
            .collect();
        let mut out = vec![Value::Array(Vec::new()); self.policies.len()];
        for r in results {
            let (b, value) = r?;
            for (i, slot) in out.iter_mut().enumerate().filter(|(i, _)| i % n == b) {
                match value.get(format!("p{i}")) {
                    Some(v) => *slot = v.clone(),
                    None if self.policies[i].meta.custom.deprecated => {}
                    // `deny` undefined: a policy whose rule bodies never produce a set.
                    None => *slot = Value::Array(Vec::new()),
                }
            }
        }
        Ok(out)
    }

    /// Sets `data.archaudit.architecture`.
    pub fn set_architecture(&mut self, architecture: &Value) -> Result<(), PolicyError> {
        let data = serde_json::json!({"archaudit": {"architecture": architecture}});
        let value = regorus::Value::from_json_str(&data.to_string())
            .map_err(|e| invalid("archaudit.toml", 0, &e.to_string()))?;
        self.engine
            .add_data(value)
            .map_err(|e| invalid("archaudit.toml", 0, &e.to_string()))
    }

    /// Evaluates every non-deprecated policy against `inventory`.
    pub fn evaluate(&self, inventory: &Inventory) -> Result<Evaluation, PolicyError> {
        let json = serde_json::to_string(inventory)
            .map_err(|e| invalid("<inventory>", 0, &e.to_string()))?;
        let input = regorus::Value::from_json_str(&json)
            .map_err(|e| invalid("<inventory>", 0, &e.to_string()))?;
        let mut engine = self.engine.clone();
        engine.set_input(input);

        let outputs = self.eval_batches(&engine)?;

        let wanted: BTreeSet<&str> = outputs
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|r| r.get("arn").and_then(Value::as_str))
            .collect();
        let index = ResourceIndex::new(inventory, &wanted);
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
            let mut count = 0;
            for r in results {
                evaluation.findings.push(to_finding(policy, &r, &index)?);
                count += 1;
            }
            let reason = not_evaluated_reason(&policy.meta.custom.requires, &inventory.gaps);
            let status = match (count, &reason) {
                (0, None) => RuleStatus::Passed,
                (0, Some(_)) => RuleStatus::NotEvaluated,
                _ => RuleStatus::Failed,
            };
            evaluation.rules.push(RuleResult {
                id: policy.meta.custom.id.clone(),
                title: policy.meta.title.clone(),
                severity: policy.meta.custom.severity,
                status,
                findings: count,
                reason,
                source: format!("{}:{}", policy.path, policy.deny_line),
            });
        }
        crate::finding::sort(&mut evaluation.findings);
        Ok(evaluation)
    }
}

/// Groups the policies into `n` generated modules so that one evaluation computes the shared
/// library rules (component lookups, indexes) once per batch instead of once per policy: regorus
/// caches rule values within one evaluation only. Batches run in parallel.
fn add_batches(
    engine: &mut regorus::Engine,
    policies: &[Policy],
    n: usize,
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
        text.push_str("}\n");
        engine
            .add_policy(format!("<batch {b}>"), text)
            .map_err(|e| invalid("<generated batch>", 0, &e.to_string()))?;
        packages.push(format!("data.{package}.results"));
    }
    Ok(packages)
}

fn invalid(path: &str, line: usize, message: &str) -> PolicyError {
    PolicyError::Invalid {
        path: path.to_owned(),
        line,
        message: message.to_owned(),
    }
}

/// Whether a gap touches a `requires` entry (`service.kind` or `service.kind.attribute`).
fn gap_matches(requirement: &str, gap: &Gap) -> bool {
    let (kind, attribute) = match requirement.splitn(3, '.').collect::<Vec<_>>()[..] {
        [svc, kind] => (format!("{svc}.{kind}"), None),
        [svc, kind, attr] => (format!("{svc}.{kind}"), Some(attr)),
        _ => return false,
    };
    if gap.kind != kind {
        return false;
    }
    match (attribute, gap.attribute.as_deref()) {
        (_, None) | (None, Some(_)) => true,
        (Some(want), Some(got)) => want == got || got.starts_with(&format!("{want}.")),
    }
}

fn not_evaluated_reason(requires: &[String], gaps: &[Gap]) -> Option<String> {
    let hits: BTreeSet<String> = gaps
        .iter()
        .filter(|g| requires.iter().any(|r| gap_matches(r, g)))
        .map(|g| {
            if g.code == crate::collect::NOT_COLLECTED {
                return format!("{} not collected (left out with --services)", g.kind);
            }
            let what = match (&g.resource, &g.attribute) {
                (Some(r), Some(a)) => format!("{a} of {r}"),
                (None, Some(a)) => format!("{} {a}", g.kind),
                (Some(r), None) => r.clone(),
                (None, None) => format!("{} (not fully listed)", g.kind),
            };
            format!(
                "{what} unknown ({} {} in {})",
                g.operation, g.code, g.region
            )
        })
        .collect();
    if hits.is_empty() {
        return None;
    }
    let n = hits.len();
    let mut list: Vec<String> = hits.into_iter().take(3).collect();
    if n > 3 {
        list.push(format!("and {} more", n - 3));
    }
    Some(list.join("; "))
}

/// ARN → resource reference for the resources findings name (typically few), read from the
/// typed inventory without re-serializing it.
struct ResourceIndex {
    by_arn: HashMap<String, ResourceRef>,
    account: ResourceRef,
}

impl ResourceIndex {
    fn new(inventory: &Inventory, wanted: &BTreeSet<&str>) -> ResourceIndex {
        let mut by_arn = HashMap::new();
        inventory.aws.for_each_resource(|kind, meta| {
            if wanted.contains(meta.arn.as_str()) {
                by_arn.insert(
                    meta.arn.clone(),
                    ResourceRef {
                        arn: meta.arn.clone(),
                        id: meta.id.clone(),
                        resource_type: kind.to_owned(),
                        region: meta.region.clone(),
                        account_id: meta.account_id.clone(),
                    },
                );
            }
        });
        let account = ResourceRef {
            arn: format!(
                "arn:{}:iam::{}:root",
                inventory.meta.partition, inventory.meta.account_id
            ),
            id: inventory.meta.account_id.clone(),
            resource_type: "account".to_owned(),
            region: "global".to_owned(),
            account_id: inventory.meta.account_id.clone(),
        };
        ResourceIndex { by_arn, account }
    }

    fn get(&self, arn: &str) -> ResourceRef {
        if arn == self.account.arn {
            return self.account.clone();
        }
        self.by_arn
            .get(arn)
            .cloned()
            .unwrap_or_else(|| ResourceRef {
                arn: arn.to_owned(),
                id: arn.rsplit(['/', ':']).next().unwrap_or(arn).to_owned(),
                resource_type: "unknown".to_owned(),
                region: arn
                    .split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("global")
                    .to_owned(),
                account_id: self.account.account_id.clone(),
            })
    }
}

fn to_finding(policy: &Policy, r: &Value, index: &ResourceIndex) -> Result<Finding, PolicyError> {
    let bad = |m: &str| PolicyError::Eval {
        path: policy.path.clone(),
        line: policy.deny_line,
        package: policy.package.clone(),
        message: format!("malformed finding {r}: {m}"),
    };
    let msg = r
        .get("msg")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`msg` must be a string"))?;
    let arn = r
        .get("arn")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`arn` must be a string"))?;
    let attribute = r
        .get("attribute")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let custom = &policy.meta.custom;
    let resource = index.get(arn);
    let mut remediation = custom.remediation.clone();
    remediation.cli = remediation
        .cli
        .map(|cli| fill_placeholders(&cli, &resource, attribute));
    Ok(Finding {
        policy_id: custom.id.clone(),
        severity: custom.severity,
        title: policy.meta.title.clone(),
        message: msg.to_owned(),
        resource,
        expected: r.get("expected").cloned().unwrap_or(Value::Null),
        actual: r.get("actual").cloned().unwrap_or(Value::Null),
        remediation,
        fix: custom.remediation.fix.clone(),
        fingerprint: fingerprint(&custom.id, arn, attribute),
        waived: None,
    })
}

/// Fills the remediation command's placeholders that name the finding's own resource, so the
/// command in the report can be run as is (`<sg-id>` on a security group finding becomes its
/// id, `<sgr-id>` the drifted rule's id). Placeholders for other resources stay.
pub fn fill_placeholders(cli: &str, resource: &ResourceRef, attribute: &str) -> String {
    let own: &[&str] = match resource.resource_type.as_str() {
        "ec2.security_groups" => &["<sg-id>"],
        "ec2.subnets" => &["<subnet-id>", "<public-subnet-id>"],
        "ec2.route_tables" => &["<rtb-id>"],
        "ec2.elastic_ips" => &["<allocation-id>"],
        "s3.buckets" => &["<bucket>"],
        "iam.roles" => &["<role>"],
        "iam.users" => &["<user>"],
        "logs.log_groups" => &["<name>"],
        "ecs.services" => &["<service>"],
        _ => &[],
    };
    let own_arn: &[&str] = match resource.resource_type.as_str() {
        "elbv2.listeners" => &["<listener-arn>"],
        "elbv2.load_balancers" => &["<alb-arn>"],
        "elbv2.target_groups" => &["<tg-arn>"],
        "secretsmanager.secrets" => &["<secret-arn>"],
        _ => &[],
    };
    let mut out = cli.to_owned();
    for p in own {
        out = out.replace(p, &resource.id);
    }
    for p in own_arn {
        out = out.replace(p, &resource.arn);
    }
    if resource.resource_type == "ecs.services" {
        if let Some(cluster) = resource.arn.split('/').rev().nth(1) {
            out = out.replace("<cluster>", cluster);
        }
    }
    if let Some(rule) = attribute
        .strip_prefix("ingress:")
        .filter(|r| r.starts_with("sgr-"))
    {
        out = out.replace("<sgr-id>", rule);
    }
    if let Some(metric) = attribute.strip_prefix("alarm:") {
        out = out.replace("<metric>", metric);
    }
    if let Some(key) = attribute.strip_prefix("access_keys:") {
        out = out.replace("<key-id>", key);
    }
    if let Some(policy) = attribute.strip_prefix("attached_policies:") {
        out = out.replace("<policy-arn>", policy);
    }
    out
}
