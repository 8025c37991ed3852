//! `archaudit init --from-inventory`: a spec written from a deployment. From the reference
//! inventory it judges every shipped fixture exactly as the built-in reference spec does; from
//! the second example's inventory it scans that inventory clean and finds the example's drifts
//! as its hand-written spec does; what the inventory could not read is named, never described.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
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

/// `init --from-inventory fixtures/<fixture>`: the exit code and the spec written.
fn init(dir: &Path, fixture: &str) -> (Option<i32>, String) {
    let out = dir.join(format!("{fixture}.toml").replace('/', "_"));
    let o = archaudit(&[
        "init",
        "--from-inventory",
        &format!("fixtures/{fixture}"),
        "--output",
        out.to_str().unwrap(),
    ]);
    let spec = std::fs::read_to_string(&out).unwrap_or_default();
    (o.status.code(), spec)
}

/// A scan's findings as (policy, fingerprint, component) and its rules as (id, status).
fn judged(
    inventory: &Path,
    config: Option<&Path>,
) -> (BTreeSet<[String; 3]>, BTreeSet<[String; 2]>) {
    let mut args = vec![
        "scan",
        "--format",
        "json",
        "--inventory",
        inventory.to_str().unwrap(),
    ];
    if let Some(c) = config {
        args.extend(["--config", c.to_str().unwrap()]);
    }
    let report: Value = serde_json::from_slice(&archaudit(&args).stdout).unwrap();
    let s = |v: &Value| v.as_str().unwrap_or("-").to_owned();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| [s(&f["policy_id"]), s(&f["fingerprint"]), s(&f["component"])])
        .collect();
    let rules = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| [s(&r["id"]), s(&r["status"])])
        .collect();
    (findings, rules)
}

#[test]
fn from_the_reference_inventory_it_judges_every_fixture_as_the_reference_spec() {
    let dir = tempfile::tempdir().unwrap();
    let (code, spec) = init(dir.path(), "reference.json");
    assert_eq!(code, Some(0));
    assert!(spec.contains("describes what IS deployed"), "{spec}");
    let written = dir.path().join("reference.json.toml");
    let mut fixtures = support::fixture_files();
    let root = support::root().join("fixtures");
    fixtures.extend([root.join("shop.json"), root.join("shop-drifted.json")]);
    assert_eq!(fixtures.len(), 26, "every shipped inventory");
    for f in fixtures {
        assert_eq!(
            judged(&f, None),
            judged(&f, Some(&written)),
            "{}",
            f.display()
        );
    }
}

#[test]
fn from_the_second_example_it_scans_its_own_inventory_clean_and_finds_its_drifts() {
    let dir = tempfile::tempdir().unwrap();
    let (code, spec) = init(dir.path(), "shop.json");
    assert_eq!(code, Some(0));
    insta::assert_snapshot!("shop_inferred_spec", spec);
    let written = dir.path().join("shop.json.toml");
    let root = support::root();
    let (clean, rules) = judged(&root.join("fixtures/shop.json"), Some(&written));
    assert!(clean.is_empty(), "{clean:?}");
    assert!(
        rules.iter().all(|[_, status]| status == "passed"),
        "{rules:?}"
    );
    // The drifted example: the same findings as the hand-written spec (the database is named
    // by its identifier, where the document calls it `orders`).
    let drifted = root.join("fixtures/shop-drifted.json");
    let (by_hand, _) = judged(
        &drifted,
        Some(&root.join("examples/specs/two-services.toml")),
    );
    let (inferred, _) = judged(&drifted, Some(&written));
    let renamed: BTreeSet<[String; 3]> = by_hand
        .into_iter()
        .map(|[p, f, c]| [p, f, c.replace("databases.orders", "databases.shop-db")])
        .collect();
    assert_eq!(inferred, renamed);
    assert!(inferred.len() >= 7);
}

/// An inventory with gaps: the spec says what could not be read (the kind and region, the
/// attribute and resource) in its header, values it cannot know are marked for review, and
/// the command exits 2.
#[test]
fn what_the_inventory_could_not_read_is_named_not_described() {
    let dir = tempfile::tempdir().unwrap();
    let (code, spec) = init(dir.path(), "drift/collection_gaps.json");
    assert_eq!(code, Some(2));
    assert!(
        spec.contains("# INCOMPLETE: these could not be read"),
        "{spec}"
    );
    assert!(
        spec.contains("#   - ec2.security_groups in us-east-1"),
        "{spec}"
    );
    assert!(
        spec.contains("ingress_cidrs = []  # REVIEW: the rules of sg-"),
        "{spec}"
    );
}

#[test]
fn aws_flags_only_go_with_live_and_an_existing_file_is_kept() {
    let o = archaudit(&[
        "init",
        "--from-inventory",
        "fixtures/shop.json",
        "--profile",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--profile only go with `init --live`"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("archaudit.toml");
    std::fs::write(&out, "mine").unwrap();
    let o = archaudit(&[
        "init",
        "--from-inventory",
        "fixtures/shop.json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
}
