//! The first law on the emulator: with many console drifts applied, every read operation
//! archaudit makes is denied in turn (AccessDenied from a fault proxy in front of the
//! emulator). No finding of the undisturbed scan may vanish while its rule reports `passed`.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{archaudit, Helper, Moto};

/// Drifts applied together: something for nearly every policy to find.
const DRIFTS: &[&str] = &[
    "drift:ssh_open",
    "drift:undocumented_sg",
    "drift:http_forward",
    "drift:weak_tls",
    "drift:versioning_suspended",
    "drift:bucket_block_deleted",
    "drift:log_retention_removed",
    "drift:memory_alarm_deleted",
    "drift:private_subnet_public_ip",
    "drift:idle_eip",
    "drift:user_access_key",
    "drift:admin_task_role",
    "drift:oidc_wildcard",
    "drift:circuit_breaker_off",
    "drift:public_ip_tasks",
    "drift:nat_route_swapped",
    "drift:scaling_policy_deleted",
    "drift:secret_public_policy",
    "drift:env_password",
];

/// The fault-proxy rule that denies IAM action `action` (`ec2:DescribeVpcs`), by protocol.
fn deny_rule(action: &str) -> Option<String> {
    let (service, op) = action.split_once(':')?;
    let s3 = |m: &str| Some(format!("{m}=s3:AccessDenied:403"));
    match service {
        // Global set-up calls: their failure stops the run (exit 3), not a gap.
        _ if op == "DescribeRegions" => None,
        "ec2" => Some(format!("Action={op}&=ec2:UnauthorizedOperation:403")),
        "iam" | "elasticloadbalancing" | "cloudwatch" | "rds" => {
            Some(format!("Action={op}&=query:AccessDenied:403"))
        }
        "s3" => match op {
            "ListAllMyBuckets" => s3("x-id=ListBuckets"),
            "GetBucketLocation" => s3("?location"),
            "GetBucketVersioning" => s3("?versioning"),
            "GetEncryptionConfiguration" => s3("?encryption"),
            "GetBucketPublicAccessBlock" => s3("?publicAccessBlock"),
            "GetBucketPolicy" => s3("?policy"),
            "GetBucketTagging" => s3("?tagging"),
            // S3 Control is not reachable through an emulator endpoint (docs/emulator.md).
            _ => None,
        },
        _ => Some(format!(".{op}=json:AccessDeniedException:400")),
    }
}

fn scan(url: &str, args: &[&str]) -> Value {
    let out = archaudit(url)
        .args(["scan", "--format", "json", "--max-attempts", "1"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// The read-only policy's actions that start with one of `prefixes` (all: `[""]`).
fn actions(prefixes: &[&str]) -> Vec<String> {
    let permissions: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("permissions/archaudit-readonly.json"))
            .unwrap(),
    )
    .unwrap();
    permissions["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_owned())
        .filter(|a| prefixes.iter().any(|p| a.starts_with(p)))
        .collect()
}

/// Denies each of `actions` in turn in front of the emulator and scans with `args`: how many
/// could be denied, and every finding of `baseline` that vanished while its rule — or, for a
/// finding of a component, that rule's outcome for the component — read `passed`.
fn deny_each(
    url: &str,
    actions: &[String],
    args: &[&str],
    baseline: &Value,
) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut denied = 0;
    for action in actions {
        let Some(rule) = deny_rule(action) else {
            continue;
        };
        let proxy = Helper::start("tests/moto/faults.py", &[url, &rule], &[]);
        let report = scan(&proxy.url, args);
        drop(proxy);
        if report["gaps"].as_array().unwrap().is_empty() {
            problems.push(format!("{action}: the fault rule `{rule}` matched no call"));
            continue;
        }
        denied += 1;
        let kept: BTreeSet<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap())
            .collect();
        for f in baseline["findings"].as_array().unwrap() {
            if kept.contains(f["fingerprint"].as_str().unwrap()) {
                continue;
            }
            let id = f["policy_id"].as_str().unwrap();
            let rule = support::rule(&report, id);
            let for_component = rule["components"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["component"] == f["component"]);
            if rule["status"] == "passed" || for_component.is_some_and(|c| c["status"] == "passed")
            {
                problems.push(format!(
                    "{action} denied: {id} on {} ({}) vanished and read passed",
                    f["resource"]["id"], f["component"]
                ));
            }
        }
    }
    (denied, problems)
}

#[test]
fn denying_any_read_never_turns_a_finding_into_a_pass() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let mut steps = vec!["reset", "reference"];
    steps.extend_from_slice(DRIFTS);
    moto.provision(&steps);
    let baseline = scan(moto.url(), &[]);
    let policies: BTreeSet<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["policy_id"].as_str().unwrap())
        .collect();
    assert!(
        policies.len() >= 18,
        "the drifts should trip most policies: {policies:?}"
    );
    let (denied, problems) = deny_each(moto.url(), &actions(&[""]), &[], &baseline);
    assert!(denied >= 35, "only {denied} operations denied");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same for the database of the second example: with three database drifts applied,
/// denying any RDS read, or a security-group read, never leaves a database finding gone while
/// its rule for `databases.orders` reads passed.
#[test]
fn denying_a_database_read_never_passes_the_database() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&[
        "reset",
        "shop",
        "shop-drift:db_public",
        "shop-drift:db_backups_off",
        "shop-drift:db_ingress_from_reporting",
    ]);
    let spec = support::root().join("examples/specs/two-services.toml");
    let args = ["--config", spec.to_str().unwrap()];
    let baseline = scan(moto.url(), &args);
    let db: BTreeSet<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["component"] == "databases.orders")
        .map(|f| f["policy_id"].as_str().unwrap())
        .collect();
    assert_eq!(db, BTreeSet::from(["AA-DB-003", "AA-DB-005", "AA-DB-008"]));
    let actions = actions(&["rds:", "ec2:DescribeSecurityGroup"]);
    let (denied, problems) = deny_each(moto.url(), &actions, &args, &baseline);
    assert_eq!(denied, actions.len(), "{actions:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `archaudit scan` on the emulator with extra arguments; returns stdout.
fn scan_args(url: &str, args: &[&str]) -> Vec<u8> {
    let out = archaudit(url)
        .args(["scan", "--max-attempts", "1"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_denied_read_keeps_last_nights_alerts_open_in_sarif() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference", "drift:ssh_open", "drift:http_forward"]);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("last-night.json");
    std::fs::write(&baseline, scan_args(moto.url(), &["--format", "json"])).unwrap();
    let last: Value = serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    let sg_findings: BTreeSet<String> = last["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"].as_str().unwrap().starts_with("AA-SG-"))
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    assert!(sg_findings.len() >= 2, "{last}");

    // The live SARIF itself is valid for GitHub.
    let live = dir.path().join("live.sarif");
    std::fs::write(&live, scan_args(moto.url(), &["--format", "sarif"])).unwrap();
    let problems = support::sarif_problems(std::slice::from_ref(&live));
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Tonight the security-group rules cannot be read.
    let rule = deny_rule("ec2:DescribeSecurityGroupRules").unwrap();
    let proxy = Helper::start("tests/moto/faults.py", &[moto.url(), &rule], &[]);
    let sarif = |args: &[&str]| -> Value {
        let mut all = vec!["--format", "sarif"];
        all.extend_from_slice(args);
        serde_json::from_slice(&scan_args(&proxy.url, &all)).unwrap()
    };
    let prints = |log: &Value| -> BTreeSet<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    // Without a baseline the alerts would close: the run says so and is unsuccessful.
    let bare = sarif(&[]);
    assert!(prints(&bare).is_disjoint(&sg_findings));
    let inv = &bare["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].to_string();
    assert!(notes.contains("AA-SG-003 was not evaluated"), "{notes}");
    // With the baseline they are carried over: every SG alert of last night stays open.
    let kept = sarif(&["--baseline", baseline.to_str().unwrap()]);
    assert!(prints(&kept).is_superset(&sg_findings));
    for r in kept["runs"][0]["results"].as_array().unwrap() {
        if sg_findings.contains(
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap(),
        ) {
            assert_eq!(r["baselineState"], "unchanged");
            assert!(r["properties"]["carriedOver"]
                .as_str()
                .unwrap()
                .contains("DescribeSecurityGroupRules"));
        }
    }
    // The listener drift, re-checked on complete data, is simply unchanged.
    assert!(kept["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "AA-LB-003" && r["properties"]["carriedOver"].is_null()));
    let file = dir.path().join("kept.sarif");
    std::fs::write(&file, serde_json::to_vec(&kept).unwrap()).unwrap();
    let problems = support::sarif_problems(&[file]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
