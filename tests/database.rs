//! The first law for databases, offline on the shop example (examples/specs/two-services.toml,
//! whose `databases.orders` is PostgreSQL): a denied list, a gap on one of the database's own
//! resources, an inventory written before archaudit read RDS, and a documented database that
//! is not there — none of them ever reads as passed, and the other components stay judged.

mod support;

use serde_json::{json, Value};

const SPEC: &str = "examples/specs/two-services.toml";

/// `fixtures/<fixture>` changed by `edit`, scanned against the shop's spec in `format`.
fn scan_edited(fixture: &str, format: &str, edit: impl FnOnce(&mut Value)) -> (Option<i32>, Value) {
    let mut inv: Value = serde_json::from_slice(
        &std::fs::read(support::root().join("fixtures").join(fixture)).unwrap(),
    )
    .unwrap();
    edit(&mut inv);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.json");
    std::fs::write(&path, serde_json::to_vec(&inv).unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .current_dir(support::root())
        .args([
            "scan",
            "--inventory",
            path.to_str().unwrap(),
            "--format",
            format,
        ])
        .args(["--config", SPEC])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report)
}

/// (status, reason) of rule `id` for `component`.
fn outcome(report: &Value, id: &str, component: &str) -> (String, String) {
    let c = support::rule(report, id)["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["component"] == component)
        .unwrap_or_else(|| panic!("{id} has no outcome for {component}"))
        .clone();
    (
        c["status"].as_str().unwrap().to_owned(),
        c["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

const DB_RULES: &[&str] = &[
    "AA-DB-001",
    "AA-DB-002",
    "AA-DB-003",
    "AA-DB-004",
    "AA-DB-005",
    "AA-DB-006",
    "AA-DB-007",
    "AA-DB-008",
    "AA-DB-009",
];

fn gap(operation: &str, kind: &str, resource: Option<&str>, attribute: Option<&str>) -> Value {
    json!({
        "service": kind.split('.').next().unwrap(), "region": "eu-west-1", "operation": operation,
        "kind": kind, "resource": resource, "attribute": attribute,
        "code": "AccessDenied", "message": "injected"
    })
}

/// DescribeDBInstances denied on the drifted shop (whose database was made public): the
/// database is unknown, not missing and not clean — every database rule is not evaluated for
/// it, in JSON and in SARIF — while the services' drift is still found.
#[test]
fn a_denied_database_list_is_unknown_never_missing_or_clean() {
    let deny = |inv: &mut Value| {
        inv["aws"]["rds"]["db_instances"] = json!([]);
        inv["gaps"].as_array_mut().unwrap().push(gap(
            "DescribeDBInstances",
            "rds.db_instances",
            None,
            None,
        ));
    };
    let (code, report) = scan_edited("shop-drifted.json", "json", deny);
    assert_eq!(code, Some(1), "the services' drift still decides");
    for id in DB_RULES {
        let (status, reason) = outcome(&report, id, "databases.orders");
        assert_eq!(status, "not_evaluated", "{id}: {reason}");
        assert_ne!(support::rule(&report, id)["status"], "passed", "{id}");
    }
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["component"] != "databases.orders"));
    assert_eq!(
        outcome(&report, "AA-SG-002", "services.reporting").0,
        "failed"
    );
    assert_eq!(outcome(&report, "AA-SG-002", "services.web").0, "passed");

    let (_, sarif) = scan_edited("shop-drifted.json", "sarif", deny);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("AA-DB-003"), "{notes}");
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

/// A gap on one resource the database is made of — its security group, whose rules could not
/// be read — blinds that database alone, and only in the rules that read security groups: the
/// ingress rule is not evaluated for it; its other rules and the services stay judged.
#[test]
fn a_gap_on_the_databases_own_group_blinds_it_alone() {
    let (code, report) = scan_edited("shop.json", "json", |inv| {
        let id = inv["aws"]["rds"]["db_instances"][0]["security_groups"][0].clone();
        let groups = inv["aws"]["ec2"]["security_groups"].as_array_mut().unwrap();
        let g = groups.iter_mut().find(|g| g["id"] == id).unwrap();
        let arn = g["arn"].as_str().unwrap().to_owned();
        g.as_object_mut().unwrap().remove("ingress");
        g["unknown"] = json!(["ingress"]);
        inv["gaps"].as_array_mut().unwrap().push(json!({
            "service": "ec2", "region": "eu-west-1", "operation": "DescribeSecurityGroupRules",
            "kind": "ec2.security_groups", "resource": arn, "attribute": "ingress",
            "code": "UnauthorizedOperation", "message": "injected"
        }));
    });
    assert_eq!(code, Some(2));
    let (status, reason) = outcome(&report, "AA-DB-008", "databases.orders");
    assert_eq!(status, "not_evaluated");
    assert!(reason.contains("ingress"), "{reason}");
    assert_ne!(support::rule(&report, "AA-DB-008")["status"], "passed");
    assert_eq!(
        outcome(&report, "AA-DB-003", "databases.orders").0,
        "passed"
    );
    assert_eq!(outcome(&report, "AA-SG-002", "services.web").0, "passed");
}

/// An inventory written before archaudit collected RDS (no `rds` entry at all) never says the
/// database is clean: the database rules are not evaluated and the run is incomplete.
#[test]
fn an_inventory_without_rds_never_passes_the_database() {
    let (code, report) = scan_edited("shop.json", "json", |inv| {
        inv["aws"].as_object_mut().unwrap().remove("rds");
    });
    assert_eq!(code, Some(2));
    for id in DB_RULES {
        assert_eq!(
            support::rule(&report, id)["status"],
            "not_evaluated",
            "{id}"
        );
    }
    assert!(report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["kind"] == "rds.db_instances" && g["code"] == "NotCollected"));
    assert_eq!(support::rule(&report, "AA-ECS-002")["status"], "passed");
}

/// The documented database is gone (fully listed, not there): one finding says so, on its
/// component; its other rules are not evaluated for it, never passed.
#[test]
fn a_documented_database_not_found_is_its_own_finding() {
    let (code, report) = scan_edited("shop.json", "json", |inv| {
        inv["aws"]["rds"]["db_instances"] = json!([]);
    });
    assert_eq!(code, Some(1));
    let found: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["component"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(found, [("AA-DB-001", "databases.orders")]);
    for id in &DB_RULES[1..] {
        assert_eq!(
            outcome(&report, id, "databases.orders").0,
            "not_evaluated",
            "{id}"
        );
        assert_ne!(support::rule(&report, id)["status"], "passed", "{id}");
    }
}
