//! The second example architecture (examples/specs/two-services.toml) on the emulator:
//! provisioned clean it has no finding; each console drift is reported on its own component;
//! `fix --apply` on each fixable one verifies, the account is clean again, and every service
//! still accepts traffic on its own port from the load balancer.

mod support;

use serde_json::Value;
use support::{archaudit, Moto};

const SPEC: &str = "examples/specs/two-services.toml";

fn spec() -> String {
    support::root().join(SPEC).display().to_string()
}

fn json(url: &str, args: &[&str]) -> (Option<i32>, Value) {
    json_with(url, args, &spec())
}

fn json_with(url: &str, args: &[&str], config: &str) -> (Option<i32>, Value) {
    let out = archaudit(url)
        .args(args)
        .args(["--config", config])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

fn found(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_owned(),
                f["component"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A console drift, the findings it must cause as (policy, component), whether `fix`
/// repairs it.
type Drift = (&'static str, &'static [(&'static str, &'static str)], bool);

const DRIFTS: &[Drift] = &[
    (
        "listener_rule_deleted",
        &[("AA-LB-007", "load_balancers.public")],
        false,
    ),
    (
        "reporting_rule_to_web",
        &[("AA-LB-007", "load_balancers.public")],
        false,
    ),
    (
        "reporting_off_its_target_group",
        &[
            ("AA-ECS-001", "services.reporting"),
            ("AA-LB-007", "load_balancers.public"),
        ],
        false,
    ),
    (
        "reporting_port_of_web",
        &[
            ("AA-SG-002", "services.reporting"),
            ("AA-SG-002", "services.reporting"),
        ],
        true,
    ),
    ("web_single_task", &[("AA-ECS-002", "services.web")], true),
    (
        "worker_scaled_out",
        &[("AA-ECS-002", "services.worker")],
        true,
    ),
    (
        "web_circuit_breaker_off",
        &[("AA-ECS-004", "services.web")],
        true,
    ),
    (
        "web_scaling_deleted",
        &[("AA-ECS-005", "services.web")],
        true,
    ),
    (
        "private_route_to_igw",
        &[("AA-NET-005", "networks.main")],
        true,
    ),
    (
        "worker_logs_forever",
        &[("AA-MON-002", "services.worker")],
        true,
    ),
    (
        "http_forwards",
        &[("AA-LB-003", "load_balancers.public")],
        true,
    ),
    ("second_user_key", &[("AA-IAM-003", "-")], true),
    ("db_public", &[("AA-DB-003", "databases.orders")], false),
    (
        "db_backups_off",
        &[("AA-DB-005", "databases.orders")],
        false,
    ),
    (
        "db_public_subnets",
        &[("AA-DB-002", "databases.orders")],
        false,
    ),
    (
        "db_recreated_unencrypted",
        &[("AA-DB-004", "databases.orders")],
        false,
    ),
    (
        "db_ingress_from_reporting",
        &[("AA-DB-008", "databases.orders")],
        true,
    ),
];

/// Every service of the example accepts tcp on its own port from the load balancer's group,
/// and only that; the worker accepts nothing; the database accepts 5432 from the web service
/// and the worker, and only that.
fn traffic_problems(url: &str) -> Vec<String> {
    let out = archaudit(url)
        .args(["collect", "--region", "eu-west-1", "--services", "ec2"])
        .output()
        .unwrap();
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = inv["aws"]["ec2"]["security_groups"].as_array().unwrap();
    let id_of = |name: &str| {
        groups
            .iter()
            .find(|g| g["name"] == name)
            .map(|g| g["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let alb = id_of("shop-alb");
    let mut problems = Vec::new();
    for (name, want) in [
        ("shop-web", vec![8000]),
        ("shop-reporting", vec![8080]),
        ("shop-worker", vec![]),
    ] {
        let g = groups.iter().find(|g| g["name"] == name).unwrap();
        let ports: Vec<i64> = g["ingress"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["protocol"] == "tcp" && r["peer"]["value"] == alb.as_str())
            .filter(|r| r["from_port"] == r["to_port"])
            .map(|r| r["from_port"].as_i64().unwrap())
            .collect();
        if ports != want || g["ingress"].as_array().unwrap().len() != want.len() {
            problems.push(format!("{name} accepts {:?}, not {want:?}", g["ingress"]));
        }
    }
    let db = groups.iter().find(|g| g["name"] == "shop-db").unwrap();
    let mut sources: Vec<&str> = db["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["protocol"] == "tcp" && r["from_port"] == 5432 && r["to_port"] == 5432)
        .filter_map(|r| r["peer"]["value"].as_str())
        .collect();
    sources.sort_unstable();
    let mut want = [id_of("shop-web"), id_of("shop-worker")];
    want.sort();
    if sources != want || db["ingress"].as_array().unwrap().len() != 2 {
        problems.push(format!(
            "shop-db accepts {:?}, not 5432 from {want:?}",
            db["ingress"]
        ));
    }
    problems
}

#[test]
fn the_second_example_on_the_emulator_clean_drifted_and_fixed() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "shop"]);
    let (code, report) = json(moto.url(), &["scan", "--format", "json"]);
    assert_eq!(found(&report), [], "{report:#}");
    // The spec's region is where the scan looks (the environment says us-east-1).
    assert_eq!(
        report["regions"],
        serde_json::json!(["eu-west-1"]),
        "{}",
        report["regions"]
    );
    // The emulator cannot answer S3 Control: that one rule says so (nothing of the example is
    // unknown), and the scan is incomplete rather than clean.
    assert_eq!(
        support::rules_with_status(&report, "not_evaluated"),
        ["AA-S3-002"]
    );
    assert_eq!(code, Some(2));
    assert_eq!(traffic_problems(moto.url()), Vec::<String>::new());

    let mut problems = Vec::new();
    for (drift, want, fixable) in DRIFTS {
        moto.provision(&["reset", "shop", &format!("shop-drift:{drift}")]);
        let (_, report) = json(moto.url(), &["scan", "--format", "json"]);
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
            .collect();
        if found(&report) != want {
            problems.push(format!(
                "{drift}: found {:?}, expected {want:?}",
                found(&report)
            ));
            continue;
        }
        if !fixable {
            continue;
        }
        let (code, v) = json(moto.url(), &["fix", "--apply", "--yes", "--json"]);
        let statuses: Vec<&str> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        if code != Some(0) || statuses.iter().any(|s| *s != "verified") {
            problems.push(format!("{drift}: fix exited {code:?}: {v}"));
            continue;
        }
        let (_, after) = json(moto.url(), &["scan", "--format", "json"]);
        if !found(&after).is_empty() {
            problems.push(format!("{drift}: after fix {:?}", found(&after)));
        }
        for p in traffic_problems(moto.url()) {
            problems.push(format!("{drift}: after fix {p}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `init --live` on the clean example writes a spec that scans the account clean, and each
/// console drift is found on the same component as with the hand-written spec (the database is
/// named by its identifier there, where the document calls it `orders`).
#[test]
fn a_spec_written_from_the_live_deployment_finds_each_drift() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "shop"]);
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("archaudit.toml");
    let out = archaudit(moto.url())
        .args(["init", "--live", "--region", "eu-west-1", "--output"])
        .arg(&written)
        .output()
        .unwrap();
    // The emulator cannot answer S3 Control: the spec says so, and init exits 2.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("s3.account_public_access_block"), "{text}");
    let config = written.to_str().unwrap();
    let (_, clean) = json_with(moto.url(), &["scan", "--format", "json"], config);
    assert_eq!(found(&clean), [], "{clean:#}");

    let mut problems = Vec::new();
    for (drift, want, _) in DRIFTS {
        moto.provision(&["reset", "shop", &format!("shop-drift:{drift}")]);
        let (_, report) = json_with(moto.url(), &["scan", "--format", "json"], config);
        let mut want: Vec<(String, String)> = want
            .iter()
            .map(|(p, c)| {
                (
                    (*p).to_owned(),
                    c.replace("databases.orders", "databases.shop-db"),
                )
            })
            .collect();
        want.sort();
        if found(&report) != want {
            problems.push(format!(
                "{drift}: found {:?}, expected {want:?}",
                found(&report)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
