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
//! - What each rule reads is derived from the Rego itself ([`deps`]); a rule that found
//!   nothing while something it reads had a gap, or while a documented component it is
//!   anchored on is missing, is reported as not evaluated, never as passed ([`eval`]).
//!
//! Layout: [`load`] (sources, METADATA, compilation, batches), [`deps`] (what rules read),
//! [`eval`] (evaluation and rule status), [`result`] (findings from `deny` results),
//! [`engine`] (regorus settings and extensions).

mod contract;
mod deps;
mod engine;
mod eval;
mod gaps;
mod input;
pub mod lint;
mod load;
pub mod metadata;
mod per_component;
mod result;
pub mod testing;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::finding::Finding;
pub use crate::finding::{RuleResult, RuleStatus};
pub(crate) use engine::new_engine;
use metadata::PolicyMeta;
pub use result::fill_placeholders;

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
    /// Inventory kinds the policy reads, derived from its Rego (transitively through the
    /// library) plus those its METADATA `requires` names.
    pub reads: BTreeSet<&'static str>,
    /// Kinds whose gaps count only for the attributes `requires` names (`s3.buckets` →
    /// `versioning`); other kinds in `reads` count whole.
    pub attributes: BTreeMap<&'static str, Vec<String>>,
}

/// Why policies could not be loaded or evaluated.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A policy file is invalid.
    #[error("{}: {message}", if *line == 0 { path.clone() } else { format!("{path}:{line}") })]
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
    /// Whether `data.archaudit.lib.anchors.missing` exists (and is evaluated in batch 0).
    anchors: bool,
    /// The inventory kinds some evaluated rule reads: the only ones put in the input.
    input_kinds: BTreeSet<&'static str>,
    /// Whether the built-in policies were loaded, and the `--policies` directories.
    origin: (bool, Vec<String>),
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("policies", &self.policies.len())
            .field("tests", &self.tests.len())
            .finish()
    }
}

impl PolicySet {
    /// The loaded policies, sorted by id.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The test files that came with the policies.
    pub fn tests(&self) -> &[Source] {
        &self.tests
    }

    /// Whether the built-in policies are loaded.
    pub fn builtin(&self) -> bool {
        self.origin.0
    }

    /// The `--policies` directories loaded, as given.
    pub fn dirs(&self) -> &[String] {
        &self.origin.1
    }

    /// The non-test sources (policies and libraries).
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Bounds each evaluation (a batch, or one policy) to `limit` of wall time: a runaway
    /// policy ends with an error naming it instead of holding the scan.
    pub fn set_time_limit(&mut self, limit: std::time::Duration) {
        self.engine
            .set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
                limit,
                check_interval: std::num::NonZeroU32::new(1000)
                    .unwrap_or(std::num::NonZeroU32::MIN),
            });
    }

    /// Sets `data.archaudit.architecture` (the typed spec) and `data.archaudit.params` (the
    /// free-form `[params]` of archaudit.toml).
    pub fn set_data(&mut self, architecture: &Value, params: &Value) -> Result<(), PolicyError> {
        let data =
            serde_json::json!({"archaudit": {"architecture": architecture, "params": params}});
        let value = regorus::Value::from_json_str(&data.to_string())
            .map_err(|e| invalid("archaudit.toml", 0, &e.to_string()))?;
        self.engine
            .add_data(value)
            .map_err(|e| invalid("archaudit.toml", 0, &e.to_string()))?;
        // Compile now: regorus analyses the modules on the first evaluation, so an unsafe
        // variable would otherwise surface mid-scan, attributed to whichever rule ran first.
        // (An unknown function is found only when called: an evaluation error of its policy.)
        // Every evaluation's engine clone then starts compiled.
        self.engine
            .eval_query("true".to_owned(), false)
            .map(drop)
            .map_err(|e| compile_error(&e.to_string()))
    }
}

/// A regorus compile error, located in the file its `--> path:L:C` line names.
fn compile_error(text: &str) -> PolicyError {
    let path = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .and_then(|loc| loc.rsplitn(3, ':').nth(2))
        .unwrap_or("<policies>");
    engine_error(path, text)
}

/// A regorus parse error (`<path>: ⏎--> <path>:L:C⏎ excerpt ⏎error: what`) as a located one:
/// `path:L: what (column C)`, then the excerpt with its caret.
fn engine_error(path: &str, text: &str) -> PolicyError {
    let (mut line, mut column) = (0, 0);
    let mut what = Vec::new();
    let mut excerpt = Vec::new();
    for l in text.lines() {
        if let Some(loc) = l.trim_start().strip_prefix("--> ") {
            let mut parts = loc.rsplitn(3, ':');
            column = parts
                .next()
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or(0);
            line = parts
                .next()
                .and_then(|c| c.trim().parse().ok())
                .unwrap_or(0);
        } else if let Some(m) = l.strip_prefix("error: ") {
            what.push(m.trim());
        } else if l.contains('|') {
            excerpt.push(l);
        }
    }
    if line == 0 || what.is_empty() {
        return invalid(path, 0, text.trim());
    }
    invalid(
        path,
        line,
        &format!(
            "{} (column {column})\n{}",
            what.join("; "),
            excerpt.join("\n")
        ),
    )
}

fn invalid(path: &str, line: usize, message: &str) -> PolicyError {
    PolicyError::Invalid {
        path: path.to_owned(),
        line,
        message: message.to_owned(),
    }
}
