//! `archaudit policy test`: runs every `test_*` rule of every `*_test.rego` under regorus.
//!
//! regorus has no `opa test`; this is the same contract: a test passes when its rule
//! evaluates to `true`, and fails when it is undefined, false, or errors. Tests see the
//! architecture as `data.archaudit.architecture` and the reference inventory (the shipped
//! `fixtures/reference.json`) as `data.archaudit.testdata.reference`, so a test states only
//! the drift it adds. Coverage comes from regorus.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{invalid, new_engine, PolicyError, PolicySet};

/// The reference inventory the Rego tests start from.
pub use crate::inventory::REFERENCE_FIXTURE;

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// Test file.
    pub file: String,
    /// Rule name.
    pub name: String,
    /// Whether it evaluated to `true`.
    pub passed: bool,
    /// What it evaluated to, or the error, when it failed.
    pub detail: Option<String>,
}

/// Line coverage of one policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCoverage {
    /// File.
    pub file: String,
    /// Lines evaluated.
    pub covered: usize,
    /// Lines never evaluated.
    pub not_covered: Vec<u32>,
}

/// Runs every test; returns outcomes and, when asked, coverage of the non-test files.
pub fn run(
    set: &PolicySet,
    architecture: &Value,
    coverage: bool,
) -> Result<(Vec<TestOutcome>, Vec<FileCoverage>), PolicyError> {
    let mut engine = new_engine();
    for src in set.sources().iter().chain(set.tests()) {
        engine
            .add_policy(src.path.clone(), src.text.clone())
            .map_err(|e| invalid(&src.path, 0, &e.to_string()))?;
    }
    let reference: Value = serde_json::from_str(REFERENCE_FIXTURE)
        .map_err(|e| invalid("fixtures/reference.json", e.line(), &e.to_string()))?;
    let data = serde_json::json!({"archaudit": {"architecture": architecture, "testdata": {"reference": reference}}});
    let data = regorus::Value::from_json_str(&data.to_string())
        .map_err(|e| invalid("<test data>", 0, &e.to_string()))?;
    engine
        .add_data(data)
        .map_err(|e| invalid("<test data>", 0, &e.to_string()))?;
    engine.set_enable_coverage(coverage);

    let rule = regex_lite_test_rules();
    let mut outcomes = Vec::new();
    for test in set.tests() {
        let package = test
            .text
            .lines()
            .find_map(|l| l.strip_prefix("package "))
            .map(|p| format!("data.{}", p.trim()))
            .ok_or_else(|| invalid(&test.path, 1, "no package statement"))?;
        let mut names: Vec<&str> = test.text.lines().filter_map(&rule).collect();
        names.dedup();
        if names.is_empty() {
            return Err(invalid(
                &test.path,
                1,
                "a test file needs at least one `test_…` rule",
            ));
        }
        for name in names {
            let result = engine.eval_rule(format!("{package}.{name}"));
            let (passed, detail) = match result {
                Ok(regorus::Value::Bool(true)) => (true, None),
                Ok(regorus::Value::Undefined) => (false, Some("undefined".to_owned())),
                Ok(other) => (false, Some(other.to_string())),
                Err(e) => (false, Some(format!("error: {e}"))),
            };
            outcomes.push(TestOutcome {
                file: test.path.clone(),
                name: name.to_owned(),
                passed,
                detail,
            });
        }
    }

    let mut files = Vec::new();
    if coverage {
        let report = engine
            .get_coverage_report()
            .map_err(|e| invalid("<coverage>", 0, &e.to_string()))?;
        let mut by_file: BTreeMap<String, FileCoverage> = BTreeMap::new();
        for f in report.files {
            if f.path.ends_with("_test.rego") {
                continue;
            }
            by_file.insert(
                f.path.clone(),
                FileCoverage {
                    file: f.path.clone(),
                    covered: f.covered.len(),
                    not_covered: f.not_covered.into_iter().collect(),
                },
            );
        }
        files = by_file.into_values().collect();
    }
    Ok((outcomes, files))
}

/// A matcher for rule heads `test_name if {` / `test_name := …` at column 1.
fn regex_lite_test_rules() -> impl Fn(&str) -> Option<&str> {
    |line: &str| {
        let rest = line.strip_prefix("test_")?;
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after = rest[len..].trim_start();
        (after.starts_with("if") || after.starts_with(":=") || after.starts_with('{'))
            .then(|| &line[..5 + len])
    }
}
