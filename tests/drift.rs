//! `archaudit drift` on the emulator, against the state a real `terraform apply` wrote.
//!
//! Terraform 1.11 and the `hashicorp/aws` provider 5.100 run offline (a filesystem-mirror CLI
//! config, checkpoint disabled) with every endpoint on the emulator: the reference
//! architecture of `tests/terraform/reference/*.tf` is applied once, then console changes are
//! made through the API and must show in the right category on the right resource.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{archaudit, root, Moto};

/// The seeded secret (the database password, in the state as the secret version's value).
const SECRET: &str = "tf-s3cr3t-VALUE-must-never-leak";
const STATE_BUCKET: &str = "archaudit-terraform-state-123456789012";

/// The folder holding `registry.terraform.io/hashicorp/aws` (the machine's provider mirror).
fn provider_mirror() -> PathBuf {
    if let Some(dir) = std::env::var_os("ARCHAUDIT_TF_MIRROR") {
        return PathBuf::from(dir);
    }
    for candidate in [
        "/opt/tf-plugins",
        "/usr/share/terraform/plugins",
        "/usr/local/share/terraform/plugins",
    ] {
        if Path::new(candidate)
            .join("registry.terraform.io/hashicorp/aws")
            .is_dir()
        {
            return PathBuf::from(candidate);
        }
    }
    panic!("no filesystem mirror of hashicorp/aws found: set ARCHAUDIT_TF_MIRROR to the folder holding registry.terraform.io/hashicorp/aws (docs/drift.md)");
}

/// Runs `terraform` in `dir`, offline, pointed at the emulator.
fn terraform(dir: &Path, args: &[&str]) {
    let out = Command::new("terraform")
        .current_dir(dir)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("terraform is on PATH (docs/drift.md)");
    assert!(
        out.status.success(),
        "terraform {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Applies the reference architecture into the emulator; returns the work dir (state inside).
fn apply_reference(endpoint: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("tests/terraform/reference")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("cli.tfrc"),
        format!(
            "disable_checkpoint = true\nprovider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"*/*\"]\n  }}\n}}\n",
            provider_mirror().display()
        ),
    )
    .unwrap();
    terraform(dir.path(), &["init", "-input=false", "-no-color"]);
    terraform(
        dir.path(),
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=20",
            &format!("-var=endpoint={endpoint}"),
            &format!("-var=db_password={SECRET}"),
        ],
    );
    dir
}

/// `drift --format json` with `args`; returns (exit code, report).
fn drift(endpoint: &str, args: &[&str]) -> (i32, Value) {
    let out = archaudit(endpoint)
        .arg("drift")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

/// Findings as (rule, kind, resource id or name, attribute).
fn findings(report: &Value) -> BTreeSet<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let r = &f["resource"];
            let who = r["name"].as_str().or(r["id"].as_str()).unwrap().to_owned();
            (
                f["policy_id"].as_str().unwrap().to_owned(),
                r["type"].as_str().unwrap().to_owned(),
                who,
                f["attribute"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str, &str)]) -> BTreeSet<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

/// Splits a state in two: the network (aws_vpc…, aws_subnet…, routes, gateways, groups) and
/// the rest, as two teams' states would be.
fn split_state(state: &Path, dir: &Path) {
    let full: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    let network = |r: &Value| {
        let t = r["type"].as_str().unwrap();
        [
            "aws_vpc",
            "aws_subnet",
            "aws_route",
            "aws_internet_gateway",
            "aws_nat_gateway",
            "aws_eip",
            "aws_security_group",
            "aws_vpc_security_group",
        ]
        .iter()
        .any(|p| t.starts_with(p))
    };
    for (name, keep) in [("network.tfstate", true), ("app.tfstate", false)] {
        let mut part = full.clone();
        let resources: Vec<Value> = full["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| network(r) == keep)
            .cloned()
            .collect();
        part["resources"] = Value::Array(resources);
        std::fs::write(dir.join(name), serde_json::to_vec_pretty(&part).unwrap()).unwrap();
    }
}

#[test]
fn drift_against_a_real_terraform_state_on_the_emulator() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let url = moto.url();
    moto.provision(&["reset"]);
    let tf = apply_reference(url);
    let state = tf.path().join("terraform.tfstate");
    let state_text = std::fs::read_to_string(&state).unwrap();
    assert!(
        state_text.contains(SECRET),
        "the state must hold the seeded secret for the leak checks to mean anything"
    );
    let state_arg = state.to_str().unwrap();

    // The reference with its own state: everything managed, nothing else.
    let (code, clean) = drift(url, &["--tfstate", state_arg]);
    assert_eq!(findings(&clean), BTreeSet::new(), "{:#}", clean["drift"]);
    assert_eq!(clean["drift"]["coverage"], 100.0, "{:#}", clean["drift"]);
    assert_eq!(clean["summary"]["complete"], true, "{:#}", clean["summary"]);
    assert_eq!(code, 0);
    let managed = clean["drift"]["totals"]["managed"].as_u64().unwrap();
    assert!(managed >= 30, "{managed}");
    assert!(clean["drift"]["totals"]["defaults"].as_u64().unwrap() > 0);
    assert_eq!(clean["drift"]["unsupported"], serde_json::json!({}));

    // The same state read from the state bucket, named or found through archaudit.toml.
    moto.provision(&[&format!("upload:{state_arg}:prod/terraform.tfstate")]);
    let s3_url = format!("s3://{STATE_BUCKET}/prod/terraform.tfstate");
    let (code, from_s3) = drift(url, &["--tfstate", &s3_url]);
    assert_eq!(
        (code, &from_s3["drift"]["totals"]),
        (0, &clean["drift"]["totals"])
    );
    assert_eq!(from_s3["drift"]["states"], serde_json::json!([s3_url]));
    let (code, default_bucket) = drift(url, &[]);
    assert_eq!(
        (code, &default_bucket["drift"]["totals"]),
        (0, &clean["drift"]["totals"])
    );

    // A state that cannot be read or found stops the run: no report, or what it declares
    // would look unmanaged. Denied GetObject (through the fault proxy) exits 2 naming the
    // call; a config whose state bucket matches no bucket exits 3 naming it.
    let proxy = support::Helper::start(
        "tests/moto/faults.py",
        &[url, "/prod/terraform.tfstate=s3:AccessDenied:403"],
        &[],
    );
    let out = archaudit(&proxy.url)
        .args(["drift", "--tfstate", &s3_url, "--format", "json"])
        .output()
        .unwrap();
    drop(proxy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "a report was written");
    assert!(
        stderr.contains(&format!("{s3_url}: s3:GetObject failed: AccessDenied")),
        "{stderr}"
    );
    // (Several matching buckets: a unit test in src/cli/drift.rs; the emulator holds one.)
    let configs = tempfile::tempdir().unwrap();
    let config = configs.path().join("none.toml");
    let text = archaudit::config::DEFAULT_TOML
        .replace("*terraform-state*", "*no-such-bucket*")
        .replace("tag_value = \"terraform-state\"", "tag_value = \"none\"");
    std::fs::write(&config, text).unwrap();
    let out = archaudit(url)
        .args(["drift", "--format", "json", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(out.stdout.is_empty(), "a report was written");
    assert!(
        stderr.contains(&format!(
            "no bucket matches the state bucket of {}",
            config.display()
        )),
        "{stderr}"
    );

    // Two states (as two teams would keep them) combine through a glob; one alone leaves the
    // other's resources unmanaged.
    let parts = tempfile::tempdir().unwrap();
    split_state(&state, parts.path());
    let glob = format!("{}/*.tfstate", parts.path().display());
    let (code, combined) = drift(url, &["--tfstate", &glob]);
    assert_eq!(
        (code, &combined["drift"]["totals"]),
        (0, &clean["drift"]["totals"])
    );
    assert_eq!(combined["drift"]["states"].as_array().unwrap().len(), 2);
    let network_only = parts.path().join("network.tfstate");
    let (code, partial) = drift(url, &["--tfstate", network_only.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        partial["drift"]["kinds"]["iam.roles"]["unmanaged"], 3,
        "{:#}",
        partial["drift"]
    );
    assert_eq!(partial["drift"]["kinds"]["ec2.vpcs"]["managed"], 1);

    // Console changes, each in its category on its resource.
    moto.provision(&[
        "drift:ssh_open",
        "drift:alb_http_rule_revoked",
        "drift:http_forward",
        "drift:weak_tls",
        "drift:extra_listener",
        "drift:versioning_suspended",
        "drift:encryption_removed",
        "drift:log_retention_removed",
        "drift:memory_alarm_deleted",
        "drift:undocumented_sg",
        "drift:undocumented_subnet",
        "drift:single_task",
        "drift:public_ip_tasks",
        "drift:idle_eip",
        "drift:user_access_key",
        "drift:clickops_role",
    ]);
    let tf_dir = root().join("tests/terraform/reference");
    let (code, drifted) = drift(
        url,
        &[
            "--tfstate",
            state_arg,
            "--terraform",
            tf_dir.to_str().unwrap(),
        ],
    );
    let got = findings(&drifted);
    let listener = |port: u64| {
        drifted["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["details"]["address"]
                    == format!(
                        "aws_lb_listener.{}",
                        if port == 80 { "http" } else { "https" }
                    )
            })
            .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (http, https) = (listener(80), listener(443));
    let subnet = got
        .iter()
        .find(|f| f.1 == "ec2.subnets")
        .map(|f| f.2.clone())
        .unwrap_or_default();
    let extra = drifted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_id"] == "DRIFT-UNMANAGED" && f["resource"]["type"] == "elbv2.listeners")
        .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
        .unwrap_or_default();
    let eip = got
        .iter()
        .find(|f| f.1 == "ec2.elastic_ips")
        .map(|f| f.2.clone())
        .unwrap_or_default();
    let debug_sg = got
        .iter()
        .find(|f| f.0 == "DRIFT-UNMANAGED" && f.1 == "ec2.security_groups")
        .map(|f| f.2.clone())
        .unwrap_or_default();
    let expected = set(&[
        (
            "DRIFT-CHANGED",
            "ec2.security_groups",
            "archaudit-ecs",
            "ingress",
        ),
        (
            "DRIFT-CHANGED",
            "ec2.security_groups",
            "archaudit-alb",
            "ingress",
        ),
        ("DRIFT-CHANGED", "elbv2.listeners", &http, "default_actions"),
        ("DRIFT-CHANGED", "elbv2.listeners", &https, "ssl_policy"),
        ("DRIFT-UNMANAGED", "elbv2.listeners", &extra, ""),
        ("DRIFT-CHANGED", "s3.buckets", STATE_BUCKET, "versioning"),
        ("DRIFT-CHANGED", "s3.buckets", STATE_BUCKET, "encryption"),
        (
            "DRIFT-CHANGED",
            "logs.log_groups",
            "/ecs/archaudit-app",
            "retention_in_days",
        ),
        (
            "DRIFT-MISSING",
            "cloudwatch.alarms",
            "archaudit-app-memory-high",
            "",
        ),
        ("DRIFT-UNMANAGED", "ec2.security_groups", &debug_sg, ""),
        ("DRIFT-UNMANAGED", "ec2.subnets", &subnet, ""),
        (
            "DRIFT-CHANGED",
            "ecs.services",
            "archaudit-app",
            "desired_count",
        ),
        (
            "DRIFT-CHANGED",
            "ecs.services",
            "archaudit-app",
            "assign_public_ip",
        ),
        ("DRIFT-UNMANAGED", "ec2.elastic_ips", &eip, ""),
        ("DRIFT-UNMANAGED", "iam.users", "ci-legacy", ""),
        ("DRIFT-UNMANAGED", "iam.roles", "clickops-admin", ""),
    ]);
    assert_eq!(got, expected, "{:#}", drifted["findings"]);
    assert_eq!(code, 1);
    // The ECS group gained SSH from anywhere; the ALB group lost HTTP.
    let by_sg = |name: &str| {
        drifted["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["resource"]["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(by_sg("archaudit-ecs")["message"]
        .as_str()
        .unwrap()
        .contains("added tcp 22 with 0.0.0.0/0"));
    assert!(by_sg("archaudit-alb")["message"]
        .as_str()
        .unwrap()
        .contains("removed tcp 80 with 0.0.0.0/0"));
    // Managed findings point at the block that declares them.
    for f in drifted["findings"].as_array().unwrap() {
        if f["policy_id"] != "DRIFT-UNMANAGED" {
            assert!(
                f["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with(".tf"),
                "{f:#}"
            );
        }
    }
    let versioning = drifted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["attribute"] == "versioning")
        .unwrap();
    assert_eq!(
        versioning["details"]["address"],
        "aws_s3_bucket_versioning.state"
    );

    // Filters.
    let (_, managed_only) = drift(url, &["--tfstate", state_arg, "--only-managed"]);
    assert!(findings(&managed_only)
        .iter()
        .all(|f| f.0 != "DRIFT-UNMANAGED"));
    let (_, unmanaged_only) = drift(url, &["--tfstate", state_arg, "--only-unmanaged"]);
    assert!(findings(&unmanaged_only)
        .iter()
        .all(|f| f.0 == "DRIFT-UNMANAGED"));
    assert_eq!(unmanaged_only["rules"].as_array().unwrap().len(), 1);

    // The secret never leaves the state: every format, every extra file, stderr.
    let out_dir = tempfile::tempdir().unwrap();
    let o = |name: &str| out_dir.path().join(name);
    for format in ["table", "json", "sarif", "markdown", "junit"] {
        let out = archaudit(url)
            .args(["drift", "--tfstate", state_arg, "--format", format])
            .args([
                "--json",
                o("r.json").to_str().unwrap(),
                "--sarif",
                o("r.sarif").to_str().unwrap(),
            ])
            .args([
                "--markdown",
                o("r.md").to_str().unwrap(),
                "--junit",
                o("r.xml").to_str().unwrap(),
            ])
            .args(["-vv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !String::from_utf8_lossy(bytes).contains(SECRET),
                "{format} {what} leaks the secret"
            );
        }
        for f in ["r.json", "r.sarif", "r.md", "r.xml"] {
            assert!(
                !std::fs::read_to_string(o(f)).unwrap().contains(SECRET),
                "{f} leaks the secret"
            );
        }
    }
    let problems = support::sarif_problems(&[o("r.sarif")]);
    assert!(problems.is_empty(), "{problems:#?}");
}
