//! The second shipped example architecture (examples/specs/two-services.toml) from its fixture
//! inventories: clean as collected, and every report form of its drifted state snapshotted
//! whole — findings named and grouped by component in the table and the Markdown, located by
//! component in SARIF (validated against the SARIF schema and GitHub's rules).

mod support;

use std::process::Output;

use serde_json::Value;

fn scan(inventory: &str, format: &str) -> Output {
    assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .current_dir(support::root())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .args(["scan", "--inventory", inventory, "--format", format])
        .args(["--config", "examples/specs/two-services.toml"])
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_example_is_clean_as_collected() {
    let out = scan("fixtures/shop.json", "table");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    insta::assert_snapshot!("shop_clean_table", stdout(&out));
}

#[test]
fn drifted_table_and_markdown_name_each_component() {
    let table = scan("fixtures/shop-drifted.json", "table");
    assert_eq!(table.status.code(), Some(1));
    insta::assert_snapshot!("shop_drifted_table", stdout(&table));
    let md = scan("fixtures/shop-drifted.json", "markdown");
    assert_eq!(md.status.code(), Some(1));
    insta::assert_snapshot!("shop_drifted_markdown", stdout(&md));
}

#[test]
fn drifted_findings_are_on_their_components() {
    let out = scan("fixtures/shop-drifted.json", "json");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["component"].as_str().unwrap_or("-"),
                f["policy_id"].as_str().unwrap(),
                f["attribute"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect();
    insta::assert_json_snapshot!("shop_drifted_findings", findings);
}

#[test]
fn drifted_sarif_locates_each_result_on_its_component() {
    let out = scan("fixtures/shop-drifted.json", "sarif");
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let component = r["properties"]["component"].as_str().unwrap();
        let logical = r["locations"][0]["logicalLocations"].as_array().unwrap();
        assert!(
            logical
                .iter()
                .any(|l| l["kind"] == "module" && l["name"] == component),
            "{r}"
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.ends_with("two-services.toml"), "{uri}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.sarif");
    std::fs::write(&path, serde_json::to_vec_pretty(&log).unwrap()).unwrap();
    let problems = support::sarif_problems(&[path]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// First law in every report form: with the reporting service's task definition denied (the
/// definition absent, a gap on its ARN), the table's and the Markdown's line for
/// services.reporting say which rules could not judge it and never read clean, web still reads
/// clean, and SARIF marks the run unsuccessful with a notification naming the component.
#[test]
fn a_component_that_could_not_be_read_never_reads_clean_in_any_report() {
    const TD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-reporting:1";
    let (_dir, path) = support::deny_task_definition("fixtures/shop.json", TD);
    let path = path.to_str().unwrap();

    let table = scan(path, "table");
    assert_eq!(table.status.code(), Some(2));
    let text = stdout(&table);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no line for {name}: {text}"))
            .to_owned()
    };
    let reporting = line("services.reporting");
    assert!(
        reporting.contains("not evaluated: AA-ECS-006"),
        "{reporting}"
    );
    assert!(!reporting.contains("clean"), "{reporting}");
    assert!(line("services.web").contains("clean"));

    let md = stdout(&scan(path, "markdown"));
    let row = md
        .lines()
        .find(|l| l.starts_with("| `services.reporting`"))
        .unwrap();
    assert!(row.contains("⚠️ not evaluated: AA-ECS-006"), "{row}");

    let log: Value = serde_json::from_slice(&scan(path, "sarif").stdout).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| {
            let t = n["message"]["text"].as_str().unwrap();
            t.starts_with("AA-ECS-006 was not evaluated for services.reporting:")
        }));
}
