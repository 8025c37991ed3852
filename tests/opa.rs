//! The policy library under real OPA (v1.20.2, from the pinned opa-golib-python-bindings
//! wheel that scripts/venv.sh unpacks): every Rego test passes there too, and on every shipped
//! fixture OPA's `deny` results are the findings regorus gives — so the policies stay
//! portable and archaudit's engine settings (extensions, glob/regex use) change no verdict.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use archaudit::config::Config;
use archaudit::inventory::Inventory;
use archaudit::policy::PolicySet;
use serde_json::Value;

/// (policy id, ARN, attribute) → message.
type Findings = BTreeMap<(String, String, String), BTreeSet<String>>;

#[test]
fn opa_agrees_with_regorus_on_tests_and_findings() {
    let opa = support::python()
        .parent()
        .and_then(Path::parent)
        .map(|venv| venv.join("opa"))
        .filter(|p| p.join("opa_bindings").exists())
        .expect("OPA bindings: run scripts/test.sh (scripts/venv.sh unpacks them)");
    let config = Config::default_config();
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("fixtures/reference.json")).unwrap(),
    )
    .unwrap();
    let data = serde_json::json!({"archaudit": {
        "architecture": config.architecture_json(),
        "params": config.params_json(),
        "testdata": {"reference": reference},
    }});
    let dir = tempfile::tempdir().unwrap();
    let data_path = dir.path().join("data.json");
    std::fs::write(&data_path, data.to_string()).unwrap();

    let fixtures = support::fixture_files();
    let out = Command::new(support::python())
        .arg(support::root().join("tests/opa/parity.py"))
        .arg(&data_path)
        .arg(support::root().join("policies"))
        .args(&fixtures)
        .env("PYTHONPATH", &opa)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();

    let failed: Vec<String> = result["tests"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| **v != Value::Bool(true))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    assert!(result["tests"].as_object().unwrap().len() > 100);
    assert!(
        failed.is_empty(),
        "Rego tests failing under OPA:\n{}",
        failed.join("\n")
    );

    let mut set = PolicySet::load(true, &[]).unwrap();
    set.set_data(&config.architecture_json(), &config.params_json())
        .unwrap();
    let by_package: BTreeMap<String, String> = set
        .policies()
        .iter()
        .map(|p| {
            (
                p.package.trim_start_matches("data.").to_owned(),
                p.meta.custom.id.clone(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    let mut compared = 0;
    for path in &fixtures {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut from_opa = Findings::new();
        for f in result["findings"][&name].as_array().unwrap() {
            let id = by_package[f["package"].as_str().unwrap()].clone();
            from_opa
                .entry((id, s(&f["arn"]), s(&f["attribute"])))
                .or_default()
                .insert(s(&f["msg"]));
        }
        let evaluation = set.evaluate(&Inventory::load(path).unwrap()).unwrap();
        let mut from_regorus = Findings::new();
        for f in evaluation.findings {
            from_regorus
                .entry((f.policy_id, f.resource.arn, f.attribute))
                .or_default()
                .insert(f.message);
        }
        for (key, msgs) in &from_regorus {
            match from_opa.get(key) {
                None => problems.push(format!("{name}: only regorus finds {key:?}")),
                // regorus keeps one message per fingerprint; it must be one OPA gives too.
                Some(opa_msgs) if !msgs.is_subset(opa_msgs) => {
                    problems.push(format!("{name}: {key:?}: {msgs:?} vs OPA {opa_msgs:?}"))
                }
                Some(_) => compared += 1,
            }
        }
        for key in from_opa.keys().filter(|k| !from_regorus.contains_key(*k)) {
            problems.push(format!("{name}: only OPA finds {key:?}"));
        }
    }
    assert!(compared >= 35, "only {compared} findings compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}
