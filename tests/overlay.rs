//! Environments as overlays (`extends`): the merged spec with each value's file and line
//! (`archaudit spec show`), findings located in the file that set the violated value, and the
//! refused chains — a cycle, a missing base, a removal of nothing — each exit 3 naming the file
//! and line of the `extends` (or `remove`) that is wrong.

mod support;

use std::process::Output;

use serde_json::Value;

fn archaudit(args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .current_dir(support::root())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// `scan --format json` of `inventory` against `config`: its exit code and report.
fn scan(inventory: &str, config: &str) -> (Option<i32>, Value) {
    let out = archaudit(&[
        "scan",
        "--inventory",
        inventory,
        "--format",
        "json",
        "--config",
        config,
    ]);
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[test]
fn spec_show_merges_the_staging_overlay_and_names_each_values_file() {
    let out = archaudit(&[
        "spec",
        "show",
        "--config",
        "examples/specs/two-services-staging.toml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    // Names and counts come from the overlay, the rest from the base; the removed component
    // is gone, and the array the overlay states replaces the base's.
    assert!(!shown.contains("services.reporting"), "{shown}");
    assert!(!shown.contains("/reporting*"), "{shown}");
    insta::assert_snapshot!("staging_spec_show", shown);
}

#[test]
fn a_spec_without_a_base_is_shown_as_written_with_its_lines() {
    let out = archaudit(&[
        "spec",
        "show",
        "--config",
        "examples/specs/two-services.toml",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(shown
        .lines()
        .any(|l| l.starts_with("identifier = \"shop-db\"")
            && l.ends_with("# examples/specs/two-services.toml:100")));
}

#[test]
fn the_staging_overlay_scans_as_the_merged_spec() {
    let scan = |config: &str| scan("fixtures/shop.json", config).1;
    // The merged spec judges exactly as the same spec written out as one file.
    let shown = text(
        &archaudit(&[
            "spec",
            "show",
            "--config",
            "examples/specs/two-services-staging.toml",
        ])
        .stdout,
    );
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("staging-flat.toml");
    std::fs::write(&flat, shown).unwrap();
    let ids = |r: &Value| -> Vec<String> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["fingerprint"], f["component"]))
            .collect()
    };
    let merged = scan("examples/specs/two-services-staging.toml");
    assert_eq!(ids(&merged), ids(&scan(flat.to_str().unwrap())));
    // The production inventory is not staging: its pinned names are not found.
    assert!(!ids(&merged).is_empty());
    let rules = merged["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["components"]
        .as_array()
        .is_none_or(|c| c.iter().all(|c| c["component"] != "services.reporting"))));
}

#[test]
fn a_finding_points_at_the_file_that_set_the_value() {
    let (code, report) = scan("fixtures/shop.json", "tests/overlay/prod.toml");
    assert_eq!(code, Some(1));
    let f = &report["findings"][0];
    assert_eq!(f["policy_id"], "AA-ECS-002");
    assert_eq!(f["component"], "services.web");
    assert_eq!(f["location"]["file"], "tests/overlay/prod.toml");
    assert_eq!(f["location"]["line"], 5);
    // A finding on a value the base states points into the base.
    let (_, report) = scan("fixtures/shop-drifted.json", "tests/overlay/prod.toml");
    let db = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_id"] == "AA-DB-003")
        .unwrap();
    assert_eq!(db["location"]["file"], "examples/specs/two-services.toml");
    assert_eq!(db["location"]["line"], 103);
}

#[test]
fn broken_chains_are_exit_3_at_the_line_at_fault() {
    for (file, want) in [
        (
            "tests/overlay/cycle-a.toml",
            "archaudit: error: tests/overlay/cycle-b.toml:1: `extends` makes a cycle: tests/overlay/cycle-a.toml → tests/overlay/cycle-b.toml → tests/overlay/cycle-a.toml\n",
        ),
        (
            "tests/overlay/missing-base.toml",
            "archaudit: error: tests/overlay/missing-base.toml:3: base tests/overlay/no-such-base.toml cannot read: No such file or directory (os error 2)\n",
        ),
        (
            "tests/overlay/remove-unknown.toml",
            "archaudit: error: tests/overlay/remove-unknown.toml:2: nothing to remove: the base has no `services.reportng`\n",
        ),
    ] {
        for args in [
            vec!["spec", "show", "--config", file],
            vec!["scan", "--inventory", "fixtures/shop.json", "--config", file],
        ] {
            let out = archaudit(&args);
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            assert_eq!(text(&out.stderr), want, "{args:?}");
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn an_overlay_error_in_a_value_names_the_file_that_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = support::root().join("examples/specs/two-services.toml");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = {:?}\n\n[architecture.services.web]\nmax_desired_count = 1\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let out = archaudit(&["spec", "show", "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("archaudit: error: {}:4:", bad.display())),
        "{err}"
    );
    assert!(
        err.contains("max_desired_count is below min_desired_count"),
        "{err}"
    );
}
