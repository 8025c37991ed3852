//! `archaudit collect` against the moto emulator holding the reference architecture.

mod support;

use serde_json::Value;
use support::{archaudit, redact, Helper, Moto};

fn collect(endpoint: &str, extra: &[&str]) -> (i32, Value, String) {
    let out = archaudit(endpoint)
        .arg("collect")
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let inventory = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));
    (out.status.code().unwrap_or(-1), inventory, stderr)
}

fn schema_validator() -> jsonschema::JSONSchema {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("schema/inventory.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::JSONSchema::compile(&schema).expect("committed schema compiles")
}

fn assert_valid(inventory: &Value) {
    let validator = schema_validator();
    if let Err(errors) = validator.validate(inventory) {
        let msgs: Vec<String> = errors
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        panic!(
            "inventory does not match schema/inventory.schema.json:\n{}",
            msgs.join("\n")
        );
    };
}

#[test]
fn reference_architecture_is_collected_completely() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference"]);
    let (code, inventory, stderr) = collect(moto.url(), &[]);

    // The only gap is the one the emulator cannot answer at all: S3 Control addresses the
    // account by host name, which a loopback endpoint cannot serve.
    let gaps = inventory["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "unexpected gaps: {gaps:#?}");
    assert_eq!(gaps[0]["operation"], "s3control:GetPublicAccessBlock");
    assert_eq!(code, 2, "a run with a gap exits 2");
    assert!(
        stderr.contains("collection incomplete: 1 failed call"),
        "{stderr}"
    );
    assert!(
        inventory["aws"]["s3"]
            .get("account_public_access_block")
            .is_none(),
        "unknown must stay absent"
    );

    assert_valid(&inventory);
    insta::assert_json_snapshot!("reference_inventory", redact(&inventory));
}

#[test]
fn secret_values_never_enter_the_inventory() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference", "drift:env_password"]);
    let out = archaudit(moto.url()).arg("collect").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("s3cr3t-VALUE-must-never-leak"),
        "a Secrets Manager value leaked"
    );
    assert!(
        !stdout.contains("hunter2-env-password-must-never-leak"),
        "an environment value leaked"
    );
    let inventory: Value = serde_json::from_str(&stdout).unwrap();
    let env = inventory
        .pointer("/aws/ecs/task_definitions/0/containers/0/environment")
        .unwrap();
    let plain = env
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "DB_PASSWORD_PLAIN")
        .expect("variable name kept");
    assert_eq!(plain["looks_like_credential"], true);
    assert_eq!(
        plain.as_object().unwrap().len(),
        2,
        "only name and verdict are kept: {plain}"
    );
}

#[test]
fn lists_are_followed_across_pages() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "pages"]);
    let (code, inventory, stderr) = collect(moto.url(), &["--services", "iam,logs,secretsmanager"]);
    assert_eq!(code, 0, "{stderr}");
    // Services left out are recorded as not collected, never as empty.
    let not_collected: Vec<&str> = inventory["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["code"] == "NotCollected")
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert!(
        not_collected.contains(&"ec2.vpcs") && not_collected.contains(&"s3.buckets"),
        "{not_collected:?}"
    );
    assert!(!not_collected
        .iter()
        .any(|k| k.starts_with("iam.") || k.starts_with("logs.")));
    let roles = inventory["aws"]["iam"]["roles"].as_array().unwrap();
    assert_eq!(
        roles
            .iter()
            .filter(|r| r["id"].as_str().unwrap().starts_with("paged-"))
            .count(),
        120
    );
    assert_eq!(
        inventory["aws"]["logs"]["log_groups"]
            .as_array()
            .unwrap()
            .len(),
        60
    );
    assert_eq!(
        inventory["aws"]["secretsmanager"]["secrets"]
            .as_array()
            .unwrap()
            .len(),
        110
    );
    let calls = |key: &str| {
        inventory["meta"]["services"][key]["api_calls"]
            .as_u64()
            .unwrap()
    };
    // 60 log groups at 50 a page: two DescribeLogGroups calls.
    assert_eq!(calls("logs/us-east-1"), 2);
    // 110 secrets at 100 a page: two ListSecrets calls, then one GetResourcePolicy each.
    assert_eq!(calls("secretsmanager/us-east-1"), 2 + 110);
    // 120 roles fit one GetAccountAuthorizationDetails page (1000), plus ListOpenIDConnectProviders.
    assert_eq!(calls("iam/global"), 2);
}

#[test]
fn failed_calls_become_gaps_never_default_values() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference"]);
    let proxy = Helper::start(
        "tests/moto/faults.py",
        &[
            moto.url(),
            "?versioning=s3:AccessDenied:403",
            "Action=DescribeSecurityGroupRules=ec2:RequestLimitExceeded:503",
            "ListSecrets=json:AccessDeniedException:400",
        ],
        &[],
    );
    let (code, inventory, stderr) = collect(
        &proxy.url,
        &["--services", "s3,ec2,secretsmanager", "--max-attempts", "2"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("GetBucketVersioning (AccessDenied)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("DescribeSecurityGroupRules (RequestLimitExceeded)"),
        "{stderr}"
    );

    let bucket = &inventory["aws"]["s3"]["buckets"][0];
    assert!(
        bucket.get("versioning").is_none(),
        "versioning must be absent, not defaulted: {bucket}"
    );
    assert_eq!(
        bucket["unknown"],
        serde_json::json!(["mfa_delete", "versioning"])
    );
    assert_eq!(
        bucket["encryption"]["algorithm"], "aws:kms",
        "other attributes are still read"
    );

    for sg in inventory["aws"]["ec2"]["security_groups"]
        .as_array()
        .unwrap()
    {
        assert!(
            sg.get("ingress").is_none() && sg.get("egress").is_none(),
            "rules must be unknown: {sg}"
        );
        assert_eq!(sg["unknown"], serde_json::json!(["egress", "ingress"]));
    }
    assert_eq!(
        inventory["meta"]["services"]["secretsmanager/us-east-1"]["status"],
        "failed"
    );
    assert_eq!(
        inventory["meta"]["services"]["ec2/us-east-1"]["status"],
        "incomplete"
    );

    let mut gaps: Vec<String> = inventory["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{} {} {} {} {}",
                g["operation"],
                g["kind"],
                g["attribute"],
                g["code"],
                g["resource"].is_string()
            )
        })
        .collect();
    gaps.sort();
    insta::assert_debug_snapshot!("injected_gaps", gaps);
    assert_valid(&inventory);
}

#[test]
fn schema_file_is_current() {
    let committed = std::fs::read_to_string(support::root().join("schema/inventory.schema.json"))
        .unwrap_or_default();
    assert_eq!(
        committed,
        archaudit::inventory::json_schema(),
        "schema/inventory.schema.json is stale: regenerate with `cargo run -- schema > schema/inventory.schema.json`"
    );
}

/// The same findings whether `scan` collects live or reads the snapshot `collect` wrote; and the
/// emulator holding the documented architecture has no finding at all.
#[test]
fn live_scan_equals_snapshot_scan() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference", "drift:env_password"]);
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("inventory.json");
    archaudit(moto.url())
        .args(["collect", "--output", snapshot.to_str().unwrap()])
        .assert()
        .code(2);

    let live = archaudit(moto.url())
        .args(["scan", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let offline = archaudit(moto.url())
        .args([
            "scan",
            "--format",
            "json",
            "--inventory",
            snapshot.to_str().unwrap(),
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        live.status.code(),
        Some(1),
        "the plaintext password is critical"
    );
    assert_eq!(live.status.code(), offline.status.code());
    let strip = |out: &[u8]| {
        let mut v: Value = serde_json::from_slice(out).unwrap();
        v.as_object_mut().unwrap().remove("collected_at");
        v
    };
    assert_eq!(strip(&live.stdout), strip(&offline.stdout));
    let report = strip(&live.stdout);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["policy_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["AA-ECS-007"]);
}

#[test]
fn reference_on_the_emulator_has_no_findings() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference"]);
    let dir = tempfile::tempdir().unwrap();
    let out = archaudit(moto.url())
        .args(["scan", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    // The account-level public access block cannot be read through the emulator: the rule
    // that needs it says so instead of passing, and the scan is incomplete.
    assert_eq!(
        support::rules_with_status(&report, "not_evaluated"),
        ["AA-S3-002"]
    );
    assert_eq!(out.status.code(), Some(2));
    let out = archaudit(moto.url())
        .args(["scan", "--allow-incomplete"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// `--region X` is enough: no AWS_REGION, no profile region.
#[test]
fn region_flag_alone_suffices() {
    let moto = Moto::get();
    let _guard = moto.lock();
    moto.provision(&["reset", "reference"]);
    let out = archaudit(moto.url())
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args(["collect", "--region", "us-east-1", "--services", "ecr"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let inventory: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        inventory["meta"]["regions"],
        serde_json::json!(["us-east-1"])
    );
    assert_eq!(
        inventory["aws"]["ecr"]["repositories"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
