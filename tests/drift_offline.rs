//! `archaudit drift --inventory` on committed inputs, no emulator: the state a real
//! `terraform apply` of `tests/terraform/reference` wrote into the emulator, and the inventory
//! collected right after it (`tests/tfstate/`). Whole outputs are snapshotted; gaps are
//! injected into the inventory to hold the first law.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::root;

const STATE: &str = "tests/tfstate/reference.tfstate";
const INVENTORY: &str = "tests/tfstate/inventory.json";
/// The database password the state holds (as the secret version's value).
const SECRET: &str = "s3cr3t-VALUE-must-never-leak";

fn archaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("archaudit").unwrap();
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

/// `archaudit drift --inventory INVENTORY --tfstate STATE`, to add to.
fn drift_cmd(inventory: &str, state: &str) -> assert_cmd::Command {
    let mut cmd = archaudit();
    cmd.args(["drift", "--inventory", inventory, "--tfstate", state]);
    cmd
}

/// `drift --inventory FILE --tfstate STATE … --format json`: (exit code, report, stderr).
fn drift(inventory: &str, extra: &[&str]) -> (i32, Value, String) {
    let out = drift_cmd(inventory, STATE)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {stderr}"));
    (out.status.code().unwrap(), report, stderr)
}

/// The committed inventory, changed by `f`, written to a temp file.
fn inventory_with(dir: &Path, f: impl FnOnce(&mut Value)) -> String {
    let mut inv: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(INVENTORY)).unwrap()).unwrap();
    f(&mut inv);
    let path = dir.join("inventory.json");
    std::fs::write(&path, serde_json::to_vec(&inv).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_reference_state_covers_its_account() {
    let out = drift_cmd(INVENTORY, STATE).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("reference_table", String::from_utf8_lossy(&out.stdout));
    let (code, report, _) = drift(INVENTORY, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["drift"]["coverage"], 100.0);
    assert_eq!(report["summary"]["complete"], true);
    for id in ["DRIFT-MISSING", "DRIFT-CHANGED", "DRIFT-UNMANAGED"] {
        assert_eq!(support::rule(&report, id)["status"], "passed", "{id}");
    }
    // The account setting S3 Control could not read on the emulator hides no resource.
    assert_eq!(report["gaps"], json!([]));
    // With the defaults counted, the default VPC, its subnets and groups are unmanaged.
    let (code, with_defaults, _) = drift(INVENTORY, &["--include-defaults"]);
    assert_eq!(code, 1);
    let kinds = &with_defaults["drift"]["kinds"];
    assert_eq!(kinds["ec2.vpcs"]["unmanaged"], 1);
    assert_eq!(kinds["ec2.subnets"]["unmanaged"], 6);
    assert_eq!(kinds["ec2.security_groups"]["unmanaged"], 2);
    assert_eq!(kinds["iam.policies"]["unmanaged"], 1);
}

#[test]
fn a_drifted_account_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let inv = inventory_with(tmp.path(), |inv| {
        inv["aws"]["logs"]["log_groups"] = json!([]);
        let buckets = &mut inv["aws"]["s3"]["buckets"][0];
        buckets["versioning"] = json!("suspended");
        let groups = inv["aws"]["ec2"]["security_groups"].as_array_mut().unwrap();
        let alb = groups
            .iter_mut()
            .find(|g| g["name"] == "archaudit-alb")
            .unwrap();
        alb["ingress"].as_array_mut().unwrap().push(json!({
            "protocol": "tcp", "from_port": 22, "to_port": 22,
            "peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"}, "rule_id": "sgr-console"}));
        let mut extra = alb.clone();
        extra["id"] = json!("sg-0c11c0b5");
        extra["arn"] = json!("arn:aws:ec2:us-east-1:123456789012:security-group/sg-0c11c0b5");
        extra["name"] = json!("console");
        extra["tags"] = json!({"Name": "console"});
        groups.push(extra);
    });
    for format in ["table", "markdown"] {
        let out = drift_cmd(&inv, STATE)
            .args(["--format", format])
            .args(["--terraform", "tests/terraform/reference"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout).replace(&inv, "<inventory>");
        insta::assert_snapshot!(format!("drifted_{format}"), text);
    }
    let (_, report, _) = drift(&inv, &["--terraform", "tests/terraform/reference"]);
    let got: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_owned(),
                f["resource"]["id"].as_str().unwrap().to_owned(),
                f["location"]["file"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let sg_alb = "sg-f83b70618e352ef44";
    assert_eq!(
        got,
        [
            (
                "DRIFT-CHANGED",
                sg_alb,
                "tests/terraform/reference/network.tf"
            ),
            (
                "DRIFT-CHANGED",
                "archaudit-terraform-state-123456789012",
                "tests/terraform/reference/state_bucket.tf"
            ),
            (
                "DRIFT-MISSING",
                "/ecs/archaudit-app",
                "tests/terraform/reference/app.tf"
            ),
            ("DRIFT-UNMANAGED", "sg-0c11c0b5", STATE),
        ]
        .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    );
    // Fingerprints are stable across runs and unique.
    let (_, again, _) = drift(&inv, &[]);
    let prints = |r: &Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(prints(&report), prints(&again));
    let unique: std::collections::BTreeSet<_> = prints(&report).into_iter().collect();
    assert_eq!(unique.len(), 4);
}

#[test]
fn what_could_not_be_listed_is_unchecked_never_missing_nor_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    // 1. The log groups could not be listed: the declared one is unchecked, not missing.
    let inv = inventory_with(tmp.path(), |inv| {
        inv["aws"]["logs"]["log_groups"] = json!([]);
        inv["gaps"] = json!([{"service": "logs", "region": "us-east-1", "operation": "DescribeLogGroups",
            "kind": "logs.log_groups", "code": "AccessDeniedException", "message": "denied"}]);
    });
    let (code, report, _) = drift(&inv, &[]);
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["drift"]["kinds"]["logs.log_groups"]["unchecked"], 1);
    assert_eq!(
        report["drift"]["kinds"]["logs.log_groups"]["complete"],
        false
    );
    assert_eq!(
        support::rule(&report, "DRIFT-MISSING")["status"],
        "not_evaluated"
    );
    assert_eq!(
        support::rule(&report, "DRIFT-UNMANAGED")["status"],
        "not_evaluated"
    );
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(code, 2);
    let (code, _, _) = drift(&inv, &["--allow-incomplete"]);
    assert_eq!(code, 0);

    // 2. A bucket's versioning is unknown: not compared, and said.
    let inv = inventory_with(tmp.path(), |inv| {
        let b = &mut inv["aws"]["s3"]["buckets"][0];
        b.as_object_mut().unwrap().remove("versioning");
        b["unknown"] = json!(["versioning"]);
        inv["gaps"] = json!([{"service": "s3", "region": "global", "operation": "GetBucketVersioning",
            "kind": "s3.buckets", "resource": b["arn"].clone(), "attribute": "versioning",
            "code": "AccessDenied", "message": "denied"}]);
    });
    let (code, report, _) = drift(&inv, &[]);
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["drift"]["unchecked_attributes"], 1);
    assert_eq!(
        support::rule(&report, "DRIFT-CHANGED")["status"],
        "not_evaluated"
    );
    assert_eq!(code, 2);

    // 3. IAM was left out (--services): its declared roles are unchecked.
    let inv = inventory_with(tmp.path(), |inv| {
        inv["aws"]["iam"] = json!({});
        let gaps: Vec<Value> = [
            "iam.roles",
            "iam.policies",
            "iam.users",
            "iam.oidc_providers",
        ]
        .iter()
        .map(|k| {
            json!({"service": "iam", "region": "all", "operation": "(not collected)",
                "kind": k, "code": "NotCollected", "message": "left out with --services"})
        })
        .collect();
        inv["gaps"] = json!(gaps);
    });
    let (code, report, _) = drift(&inv, &[]);
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["drift"]["kinds"]["iam.roles"]["unchecked"], 3);
    assert_eq!(code, 2);

    // 4. A listing gap does not hide what was seen: a seen unmanaged group is reported, and
    //    the rule says it may not be all.
    let inv = inventory_with(tmp.path(), |inv| {
        let mut extra = inv["aws"]["ec2"]["security_groups"][0].clone();
        extra["id"] = json!("sg-0c11c0b5");
        extra["arn"] = json!("arn:aws:ec2:us-east-1:123456789012:security-group/sg-0c11c0b5");
        inv["aws"]["ec2"]["security_groups"]
            .as_array_mut()
            .unwrap()
            .push(extra);
        inv["gaps"] = json!([{"service": "ec2", "region": "us-east-1", "operation": "DescribeSecurityGroups",
            "kind": "ec2.security_groups", "code": "Throttling", "message": "slow down"}]);
    });
    let (code, report, _) = drift(&inv, &[]);
    let unmanaged = support::rule(&report, "DRIFT-UNMANAGED");
    assert_eq!(
        (
            unmanaged["status"].as_str(),
            unmanaged["incomplete"].as_bool()
        ),
        (Some("failed"), Some(true))
    );
    assert_eq!(code, 1);
}

#[test]
fn unknown_types_are_counted_and_listed_and_driftignore_leaves_out() {
    let tmp = tempfile::tempdir().unwrap();
    let mut state: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(STATE)).unwrap()).unwrap();
    state["resources"].as_array_mut().unwrap().extend([
        json!({"mode": "managed", "type": "aws_lambda_function", "name": "worker", "provider": "p",
               "instances": [{"attributes": {"id": "worker"}}]}),
        json!({"mode": "managed", "type": "random_password", "name": "db", "provider": "p",
               "instances": [{"attributes": {"id": "none", "result": SECRET}, "sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]}]}),
    ]);
    let path = tmp.path().join("extra.tfstate");
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    let ignore = tmp.path().join(".driftignore");
    std::fs::write(
        &ignore,
        "# made by hand, on purpose\nec2.security_groups:sg-f83b70618e352ef44\n",
    )
    .unwrap();
    let out = drift_cmd(INVENTORY, path.to_str().unwrap())
        .args([
            "--driftignore",
            ignore.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unsupported = &report["drift"]["unsupported"];
    assert_eq!(
        unsupported["aws_lambda_function"].as_array().unwrap().len(),
        1
    );
    assert_eq!(unsupported["random_password"].as_array().unwrap().len(), 1);
    assert_eq!(
        report["drift"]["kinds"]["ec2.security_groups"]["ignored"],
        1
    );
    let table = drift_cmd(INVENTORY, path.to_str().unwrap())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("Not compared: 2 resource(s) of 2 Terraform type(s)"),
        "{text}"
    );
    assert!(text.contains("aws_lambda_function ×1"), "{text}");
    // A bad .driftignore line is located.
    std::fs::write(&ignore, "iam.roles:ok\nroles-without-kind\n").unwrap();
    let out = drift_cmd(INVENTORY, STATE)
        .args(["--driftignore", ignore.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(".driftignore:2: `roles-without-kind` is not KIND:ID"),
        "{stderr}"
    );
}

#[test]
fn the_state_secret_appears_in_no_output() {
    assert!(std::fs::read_to_string(root().join(STATE))
        .unwrap()
        .contains(SECRET));
    let tmp = tempfile::tempdir().unwrap();
    let inv = inventory_with(tmp.path(), |inv| {
        inv["aws"]["secretsmanager"]["secrets"] = json!([]);
    });
    for format in ["table", "json", "sarif", "markdown", "junit"] {
        let out = drift_cmd(&inv, STATE)
            .args(["--format", format, "-vv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        for bytes in [&out.stdout, &out.stderr] {
            assert!(!String::from_utf8_lossy(bytes).contains(SECRET), "{format}");
        }
    }
}

#[test]
fn states_that_cannot_be_read_or_found() {
    // Missing file: the state could not be read, so nothing is reported (exit 2).
    let out = drift_cmd(INVENTORY, "no/such.tfstate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such.tfstate: cannot read"));
    // A glob matching nothing, and an offline run without a state: usage errors.
    for args in [&["--tfstate", "nowhere/*.tfstate"][..], &[]] {
        let out = archaudit()
            .args(["drift", "--inventory", INVENTORY])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
    }
    let out = drift_cmd(INVENTORY, STATE)
        .args(["--only-managed", "--only-unmanaged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn what_archaudit_does_not_read_is_never_called_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut state: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(STATE)).unwrap()).unwrap();
    state["resources"].as_array_mut().unwrap().extend([
        // A task definition no service runs (a scheduled task): archaudit does not list those.
        json!({"mode": "managed", "type": "aws_ecs_task_definition", "name": "cron", "provider": "p",
               "instances": [{"attributes": {"id": "cron", "arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/cron:3"}}]}),
        // Auto scaling of another namespace: archaudit reads the ECS namespace only.
        json!({"mode": "managed", "type": "aws_appautoscaling_target", "name": "table", "provider": "p",
               "instances": [{"attributes": {"id": "table/orders", "resource_id": "table/orders", "service_namespace": "dynamodb"}}]}),
        // A subnet in a region that was not collected.
        json!({"mode": "managed", "type": "aws_subnet", "name": "eu", "provider": "p",
               "instances": [{"attributes": {"id": "subnet-0e0", "arn": "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0e0"}}]}),
    ]);
    let path = tmp.path().join("more.tfstate");
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
    // A NAT gateway deleted in the console is still listed (state `deleted`) for a while.
    let inv = inventory_with(tmp.path(), |inv| {
        inv["aws"]["ec2"]["nat_gateways"][0]["state"] = json!("deleted");
    });
    let out = drift_cmd(&inv, path.to_str().unwrap())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "DRIFT-MISSING")
        .map(|f| f["resource"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["ec2.nat_gateways"], "{:#}", report["findings"]);
    let kinds = &report["drift"]["kinds"];
    assert_eq!(kinds["ecs.task_definitions"]["unchecked"], 1);
    assert_eq!(kinds["ec2.subnets"]["unchecked"], 1);
    assert_eq!(
        report["drift"]["unsupported"]["aws_appautoscaling_target"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(support::rule(&report, "DRIFT-MISSING")["status"], "failed");
    assert_eq!(support::rule(&report, "DRIFT-MISSING")["incomplete"], true);
    assert_eq!(out.status.code(), Some(1));
}
