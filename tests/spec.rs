//! The spec as named components, on the shipped fixtures: what a document leaves out is not
//! judged, each component is judged by its own values, a documented component that is not
//! found is its own finding, and the second shipped example loads.

mod support;

use serde_json::Value;

/// The reference as a team that documents less would write it: one NAT gateway for the VPC,
/// no state bucket, no GitHub OIDC, no guardrails, no log bounds, no autoscaling.
fn lean_spec() -> String {
    let full = archaudit::config::DEFAULT_TOML
        .split("# Waivers accept")
        .next()
        .unwrap();
    let mut out = String::new();
    let mut skip = false;
    for line in full.lines() {
        if line.starts_with('[') {
            skip = [
                "[architecture.logs]",
                "[architecture.state_bucket]",
                "[architecture.github_oidc]",
                "[architecture.iam]",
                "[architecture.network]",
            ]
            .contains(&line);
        }
        if skip || line.starts_with("autoscaling_metrics") {
            continue;
        }
        out.push_str(&line.replace("nat = \"per_az\"", "nat = \"single\""));
        out.push('\n');
    }
    out
}

fn scan(inventory: &str, config: &str) -> (Option<i32>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archaudit.toml");
    std::fs::write(&path, config).unwrap();
    let out = assert_cmd::Command::cargo_bin("archaudit")
        .unwrap()
        .current_dir(support::root().join("fixtures"))
        .env("NO_COLOR", "1")
        .args(["scan", "--inventory", inventory, "--format", "json"])
        .args(["--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report)
}

fn findings(report: &Value) -> Vec<(String, String, Option<String>)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_owned(),
                f["attribute"].as_str().unwrap().to_owned(),
                f["component"].as_str().map(str::to_owned),
            )
        })
        .collect();
    v.sort();
    v
}

/// Undocumented sections yield no finding and no blocked anchor: the reference inventory,
/// which has a state bucket and an OIDC role, is clean against the lean spec, and so is the
/// user's access key of `user_access_key.json` (the spec has no IAM guardrails).
#[test]
fn what_the_document_leaves_out_is_not_judged() {
    for inventory in ["reference.json", "drift/user_access_key.json"] {
        let (code, report) = scan(inventory, &lean_spec());
        assert_eq!(code, Some(0), "{inventory}: {:?}", findings(&report));
        assert_eq!(report["summary"]["not_evaluated"], 0, "{inventory}");
    }
}

/// With `nat = "single"`, a private subnet routed through the other zone's NAT gateway is as
/// documented; with `per_az` (the reference) it is drift of the network component.
#[test]
fn the_nat_model_is_the_networks_own() {
    let (code, report) = scan("drift/nat_deleted.json", &lean_spec());
    let f = findings(&report);
    assert!(
        f.iter()
            .all(|(p, _, _)| p != "AA-NET-005" && p != "AA-NET-006"),
        "{f:?}"
    );
    assert_eq!(code, Some(0), "{f:?}");
    let (_, report) = scan("drift/nat_deleted.json", archaudit::config::DEFAULT_TOML);
    let f = findings(&report);
    assert!(f.contains(&(
        "AA-NET-005".into(),
        "route:0.0.0.0/0".into(),
        Some("networks.main".into())
    )));
}

/// A service documented with one task is not held to the reference's two, and a second
/// documented service pinned by a name that does not exist is one finding of that component
/// (the other component still judged, its drift still reported).
#[test]
fn each_service_is_judged_by_its_own_spec() {
    let one_task = archaudit::config::DEFAULT_TOML.replacen(
        "min_desired_count = 2",
        "min_desired_count = 1",
        1,
    );
    let (code, report) = scan("drift/single_task.json", &one_task);
    assert_eq!(code, Some(0), "{:?}", findings(&report));

    let with_worker = format!(
        "{}\n[architecture.services.worker]\nname = \"jobs\"\nnetwork = \"main\"\ntier = \"private\"\nmin_desired_count = 1\n",
        lean_spec()
    );
    let (code, report) = scan("drift/single_task.json", &with_worker);
    let f = findings(&report);
    assert_eq!(
        f.iter()
            .filter(|(_, _, c)| c.as_deref() == Some("services.worker"))
            .map(|(p, a, _)| (p.as_str(), a.as_str()))
            .collect::<Vec<_>>(),
        [("AA-ECS-001", "ecs_service:worker")],
        "{f:?}"
    );
    assert!(
        f.contains(&(
            "AA-ECS-002".into(),
            "desired_count".into(),
            Some("services.app".into())
        )),
        "{f:?}"
    );
    assert_eq!(code, Some(1));
}

/// The second shipped example architecture loads; against an account that holds none of it
/// every documented component is reported missing (never passed), and the rules anchored on
/// them say they were not evaluated.
#[test]
fn the_second_example_architecture_loads_and_missing_components_never_pass() {
    let text =
        std::fs::read_to_string(support::root().join("examples/specs/two-services.toml")).unwrap();
    let (code, report) = scan("reference.json", &text);
    assert_ne!(code, Some(0));
    let f = findings(&report);
    assert!(f
        .iter()
        .any(|(p, _, c)| p == "AA-NET-001" && c.as_deref() == Some("networks.main")));
    assert!(report["summary"]["not_evaluated"].as_u64().unwrap() > 0);
}

/// `inventory` with `gap` added to its gaps, written to `dir`.
fn with_gap(dir: &tempfile::TempDir, inventory: &str, gap: Value) -> String {
    let path = support::root().join("fixtures").join(inventory);
    let mut inv: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    inv["gaps"].as_array_mut().unwrap().push(gap);
    let out = dir.path().join("gapped.json");
    std::fs::write(&out, serde_json::to_vec(&inv).unwrap()).unwrap();
    out.to_str().unwrap().to_owned()
}

fn gap(service: &str, operation: &str, kind: &str, code: &str) -> Value {
    serde_json::json!({
        "service": service, "region": "us-east-1", "operation": operation,
        "kind": kind, "code": code, "message": "injected"
    })
}

/// Documented routing is judged against the listener rules: a path rule that is not there is
/// a finding of the load balancer; listener rules that could not be listed (DescribeRules
/// denied) make the rule not evaluated, never passed, and the run never exits clean.
#[test]
fn routes_are_judged_and_unlisted_listener_rules_are_not_a_pass() {
    let routed = archaudit::config::DEFAULT_TOML.replacen(
        "[architecture.load_balancers.public.https]",
        "[[architecture.load_balancers.public.routes]]\nservice = \"app\"\n\n[[architecture.load_balancers.public.routes]]\npath = \"/reporting*\"\nservice = \"app\"\n\n[architecture.load_balancers.public.https]",
        1,
    );
    let (code, report) = scan("reference.json", &routed);
    assert_eq!(
        findings(&report),
        [(
            "AA-LB-007".to_owned(),
            "route:path /reporting*".to_owned(),
            Some("load_balancers.public".to_owned())
        )]
    );
    assert_eq!(code, Some(1));

    let dir = tempfile::tempdir().unwrap();
    let denied = with_gap(
        &dir,
        "reference.json",
        gap(
            "elbv2",
            "DescribeRules",
            "elbv2.listener_rules",
            "AccessDenied",
        ),
    );
    let (code, report) = scan(&denied, &routed);
    assert!(findings(&report).is_empty(), "{:?}", findings(&report));
    let r = support::rule(&report, "AA-LB-007");
    assert_eq!(r["status"], "not_evaluated", "{r}");
    assert!(r["reason"]
        .as_str()
        .unwrap()
        .contains("DescribeRules AccessDenied"));
    assert_eq!(code, Some(2));
}

/// A documented component looked up in a list that could not be read is not concluded
/// missing: the pinned worker under a throttled ListServices is "not evaluated", while the
/// rules that do not read ECS services are still judged (the drifted retention of
/// log_retention_removed.json is still reported).
#[test]
fn a_component_in_an_unread_list_is_unknown_not_missing_and_the_rest_is_judged() {
    let with_worker = format!(
        "{}\n[architecture.services.worker]\nname = \"jobs\"\nnetwork = \"main\"\ntier = \"private\"\n",
        archaudit::config::DEFAULT_TOML
            .split("# Waivers accept")
            .next()
            .unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let throttled = with_gap(
        &dir,
        "drift/log_retention_removed.json",
        gap("ecs", "ListServices", "ecs.services", "ThrottlingException"),
    );
    let (code, report) = scan(&throttled, &with_worker);
    let f = findings(&report);
    assert!(
        f.iter()
            .all(|(_, _, c)| c.as_deref() != Some("services.worker")),
        "{f:?}"
    );
    assert_eq!(
        support::rule(&report, "AA-ECS-001")["status"],
        "not_evaluated"
    );
    assert_eq!(support::rule(&report, "AA-MON-002")["status"], "failed");
    // The retention finding is below the default --fail-on, so the unknown decides: exit 2.
    assert_eq!(code, Some(2));
}

/// `rule`'s outcome for each documented component: (component, status, reason).
fn per_component(report: &Value, id: &str) -> Vec<(String, String, String)> {
    support::rule(report, id)["components"]
        .as_array()
        .unwrap_or_else(|| panic!("{id} has no per-component outcome"))
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
                c["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn shop_spec() -> String {
    std::fs::read_to_string(support::root().join("examples/specs/two-services.toml")).unwrap()
}

/// First law per component: the reporting service's task definition could not be read
/// (DescribeTaskDefinition denied, as the collector records it: the definition absent, a gap
/// on its ARN). Every rule that reads task definitions is not evaluated for services.reporting
/// alone; web and worker stay judged (the worker's drifted log retention is still found), and
/// no rule reads as passed. (The run exits 1: the drifts found are above --fail-on.)
#[test]
fn a_gap_in_one_components_data_leaves_the_others_judged() {
    const TD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-reporting:1";
    let (_dir, gapped) = support::deny_task_definition("fixtures/shop-drifted.json", TD);
    let (code, report) = scan(gapped.to_str().unwrap(), &shop_spec());
    assert_eq!(code, Some(1));
    assert_eq!(report["summary"]["complete"], false);

    for id in ["AA-ECS-006", "AA-ECS-007", "AA-IAM-001", "AA-IAM-002"] {
        let outcome = per_component(&report, id);
        let statuses: Vec<(&str, &str)> = outcome
            .iter()
            .map(|(c, s, _)| (c.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [
                ("services.reporting", "not_evaluated"),
                ("services.web", "passed"),
                ("services.worker", "passed"),
            ],
            "{id}"
        );
        assert!(
            outcome[0]
                .2
                .contains(&format!("containers of {TD} unknown")),
            "{id}: {outcome:?}"
        );
        assert_ne!(support::rule(&report, id)["status"], "passed", "{id}");
    }
    // The worker's retention finding is still there, judged on the worker's complete data.
    let retention = per_component(&report, "AA-MON-002");
    assert!(retention.contains(&("services.worker".into(), "failed".into(), String::new())));
    assert!(retention.contains(&("services.web".into(), "passed".into(), String::new())));
    assert_eq!(retention[0].1, "not_evaluated", "{retention:?}");
    assert!(findings(&report).contains(&(
        "AA-MON-002".into(),
        "retention_in_days".into(),
        Some("services.worker".into())
    )));
    // Rules that do not read task definitions judge the reporting service as before.
    let ingress = per_component(&report, "AA-SG-002");
    assert_eq!(ingress[0].0, "services.reporting");
    assert_eq!(ingress[0].1, "failed", "{ingress:?}");
}

/// A kind-wide gap in a region where no component lives leaves every component judged (the
/// rule as a whole still says it could not read everything); a documented component that is
/// not found is not evaluated by every rule but the one that reports it missing.
#[test]
fn per_component_status_follows_regions_and_missing_instances() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = with_gap(
        &dir,
        "shop.json",
        gap("ecs", "ListServices", "ecs.services", "ThrottlingException"),
    );
    let (code, report) = scan(&elsewhere, &shop_spec());
    assert_eq!(code, Some(2));
    let r = support::rule(&report, "AA-ECS-002");
    assert_eq!(r["status"], "not_evaluated", "{r}");
    assert!(per_component(&report, "AA-ECS-002")
        .iter()
        .all(|(_, s, _)| s == "passed"));

    let path = support::root().join("fixtures/shop.json");
    let mut inv: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    inv["aws"]["ecs"]["services"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "shop-worker");
    let gone = dir.path().join("no-worker.json");
    std::fs::write(&gone, serde_json::to_vec(&inv).unwrap()).unwrap();
    let (code, report) = scan(gone.to_str().unwrap(), &shop_spec());
    assert_eq!(code, Some(1));
    assert!(
        findings(&report).contains(&(
            "AA-ECS-001".into(),
            "ecs_service:worker".into(),
            Some("services.worker".into())
        )),
        "{:?}",
        findings(&report)
    );
    let missing = per_component(&report, "AA-ECS-001");
    assert!(missing.contains(&("services.worker".into(), "failed".into(), String::new())));
    let scale = per_component(&report, "AA-ECS-002");
    assert_eq!(
        scale[2],
        (
            "services.worker".into(),
            "not_evaluated".into(),
            "documented services.worker not found".into()
        )
    );
    let r = support::rule(&report, "AA-ECS-002");
    assert_eq!(r["status"], "not_evaluated", "{r}");
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("for services.worker"),
        "{r}"
    );
}
