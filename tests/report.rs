//! Report v2 on every shipped fixture: valid against the committed schema, fingerprints unique,
//! every remediation command runnable as printed (no `<placeholder>` outside `manual`).

mod support;

use std::path::Path;

use serde_json::Value;

fn report(inventory: &Path) -> Value {
    let out = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .current_dir(support::root().join("fixtures"))
        .env_remove("COLUMNS")
        .args(["scan", "--format", "json", "--inventory"])
        .arg(inventory)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn report_schema_file_is_current() {
    let committed =
        std::fs::read_to_string(support::root().join("schema/report.schema.json")).unwrap();
    assert_eq!(
        committed,
        archaudit::report::json_schema(),
        "schema/report.schema.json is stale: regenerate with `cargo run -- schema report > schema/report.schema.json`"
    );
}

#[test]
fn org_report_schema_file_is_current() {
    let committed =
        std::fs::read_to_string(support::root().join("schema/org-report.schema.json")).unwrap();
    assert_eq!(
        committed,
        archaudit::report::org::json_schema(),
        "schema/org-report.schema.json is stale: regenerate with `cargo run -- schema org-report > schema/org-report.schema.json`"
    );
}

#[test]
fn every_fixture_report_is_valid_unique_and_runnable() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("schema/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::JSONSchema::compile(&schema).unwrap();
    let placeholder = regex::Regex::new(r"<[A-Za-z][A-Za-z0-9_-]*>").unwrap();
    let mut problems = Vec::new();
    for path in support::fixture_files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = report(&path);
        if let Err(errors) = validator.validate(&report) {
            for e in errors {
                problems.push(format!("{name}: schema: {e} at {}", e.instance_path));
            }
        }
        assert_eq!(report["version"], 2);
        let findings = report["findings"].as_array().unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for f in findings {
            let fp = f["fingerprint"].as_str().unwrap();
            if !seen.insert(fp.to_owned()) {
                problems.push(format!(
                    "{name}: fingerprint {fp} twice ({})",
                    f["policy_id"]
                ));
            }
            if let Some(cli) = f["remediation"]["cli"].as_str() {
                if let Some(m) = placeholder.find(cli) {
                    problems.push(format!(
                        "{name}: {} on {} prints placeholder {} in: {cli}",
                        f["policy_id"],
                        f["resource"]["id"],
                        m.as_str()
                    ));
                }
                // One command per line, each continued with `&&` but the last.
                let lines: Vec<&str> = cli.lines().collect();
                for l in &lines[..lines.len().saturating_sub(1)] {
                    if !l.trim_end().ends_with("&&") {
                        problems.push(format!(
                            "{name}: {}: a step not joined with &&: {l}",
                            f["policy_id"]
                        ));
                    }
                }
            } else if f["remediation"]["manual"].is_null()
                && f["remediation"]["terraform"].is_null()
            {
                problems.push(format!(
                    "{name}: {} gives neither a command nor manual steps",
                    f["policy_id"]
                ));
            }
        }
        for r in report["rules"].as_array().unwrap() {
            for key in ["description", "help", "title"] {
                if r[key].as_str().is_none_or(str::is_empty) {
                    problems.push(format!("{name}: rule {} has no {key}", r["id"]));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
