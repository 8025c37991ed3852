//! `archaudit scan`, `policy` and `init` on the shipped fixtures: whole outputs snapshotted.

mod support;

use std::process::Output;

use serde_json::Value;

fn archaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("archaudit").unwrap();
    // Hermetic: no ./archaudit.toml, no colour, no AWS settings.
    cmd.current_dir(support::root().join("fixtures"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL");
    cmd
}

fn run(args: &[&str]) -> Output {
    archaudit().args(args).output().unwrap()
}

/// The default archaudit.toml up to its (commented) waivers section, to append waivers to.
fn config_without_waivers() -> &'static str {
    archaudit::config::DEFAULT_TOML
        .split("# Waivers accept")
        .next()
        .unwrap()
}

/// The JSON report of `drifted.json` scanned with the config at `config`.
fn drifted_report_with(config: &str) -> Value {
    let out = run(&[
        "scan",
        "--inventory",
        "drifted.json",
        "--format",
        "json",
        "--config",
        config,
    ]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn reference_architecture_has_no_findings() {
    let out = run(&["scan", "--inventory", "reference.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["summary"]["complete"], true);
    assert!(report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "passed"));
}

/// Every drift fixture is found by the right policy, on the right resource, with the right
/// expected and actual values: the whole JSON report is the snapshot.
#[test]
fn drift_fixtures() {
    insta::glob!("../fixtures/drift", "*.json", |path| {
        let out = archaudit()
            .arg("scan")
            .arg("--inventory")
            .arg(path)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        let findings: Vec<Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                serde_json::json!({
                    "policy": f["policy_id"], "severity": f["severity"], "resource": f["resource"]["id"],
                    "type": f["resource"]["type"], "message": f["message"], "expected": f["expected"], "actual": f["actual"],
                    "attribute": f["attribute"], "fix": f["remediation"]["cli"], "manual": f["remediation"]["manual"],
                })
            })
            .collect();
        let not_evaluated: Vec<&Value> = report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["reason"].is_string())
            .collect();
        insta::assert_json_snapshot!(serde_json::json!({
            "exit_code": out.status.code(),
            "findings": findings,
            "not_evaluated": not_evaluated,
            "summary": report["summary"],
        }));
    });
}

#[test]
fn drifted_snapshot_table() {
    let out = run(&["scan", "--inventory", "drifted.json"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("drifted_table", text(&out.stdout));
}

#[test]
fn drifted_snapshot_json_envelope() {
    let out = run(&["scan", "--inventory", "drifted.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!("drifted_report", report, {".tool_version" => "[version]"});
}

#[test]
fn exit_codes_follow_fail_on_and_completeness() {
    let cases: &[(&[&str], i32)] = &[
        // Only low/medium findings: --fail-on high passes, --fail-on low fails.
        (&["drift/idle_eip.json"], 0),
        (&["drift/idle_eip.json", "--fail-on", "low"], 1),
        // Gaps: incomplete unless accepted.
        (&["drift/collection_gaps.json"], 2),
        (&["drift/collection_gaps.json", "--allow-incomplete"], 0),
        // Findings at the threshold win over incompleteness.
        (
            &["drift/ssh_open_to_world.json", "--fail-on", "critical"],
            1,
        ),
        // Report-only runs: findings never fail, but an incomplete result still does.
        (&["drift/ssh_open_to_world.json", "--fail-on", "never"], 0),
        (&["drift/collection_gaps.json", "--fail-on", "never"], 2),
    ];
    for (args, code) in cases {
        let mut full = vec!["scan", "--inventory"];
        full.extend_from_slice(args);
        assert_eq!(run(&full).status.code(), Some(*code), "{full:?}");
    }
}

#[test]
fn output_file_and_summary_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = run(&[
        "scan",
        "--inventory",
        "drifted.json",
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("8 finding(s) at or above high"),
        "{}",
        text(&out.stderr)
    );
    let parsed: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(parsed["version"], 2);
}

#[test]
fn waivers_accept_findings_and_report_expired_or_unused_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("archaudit.toml");
    let waivers = r#"
[[waivers]]
policy = "AA-NET-008"
resource = "arn:aws:ec2:us-east-1:123456789012:elastic-ip/*"
reason = "kept for the DR runbook"
owner = "platform"
expires = "2999-12-31"

[[waivers]]
policy = "AA-S3-001"
resource = "arn:aws:s3:::*"
reason = "migration"
owner = "platform"
expires = "2020-01-01"

[[waivers]]
policy = "AA-IAM-003"
resource = "*"
reason = "nothing matches"
owner = "platform"
expires = "2999-12-31"
"#;
    std::fs::write(&config, format!("{}{waivers}", config_without_waivers())).unwrap();
    let report = drifted_report_with(config.to_str().unwrap());
    let waived: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["waived"].is_object())
        .collect();
    assert!(!waived.is_empty() && waived.iter().all(|f| f["policy_id"] == "AA-NET-008"));
    assert_eq!(report["summary"]["waived"], waived.len());
    let notes: Vec<(String, String)> = report["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["policy"].as_str().unwrap().to_owned(),
                w["problem"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        [
            ("AA-S3-001".to_owned(), "expired".to_owned()),
            ("AA-IAM-003".to_owned(), "unused".to_owned())
        ]
    );
    // The expired waiver does not hide the finding.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["policy_id"] == "AA-S3-001" && f["waived"].is_null()));
}

/// Runs archaudit and checks that it fails with exit code 3 and names `needle` on stderr.
fn assert_usage_error(args: &[&str], needle: &str) {
    let out = run(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
}

#[test]
fn bad_inputs_get_located_errors_and_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();

    // Config: wrong type on line 2.
    std::fs::write(path("bad.toml"), "[architecture]\nregion = 7\n").unwrap();
    assert_usage_error(
        &[
            "scan",
            "--inventory",
            "reference.json",
            "--config",
            &path("bad.toml"),
        ],
        "bad.toml:2:10:",
    );

    // Inventory: truncated JSON, then another schema version.
    std::fs::write(
        path("broken.json"),
        "{\n  \"schema_version\": 1,\n  \"meta\": {",
    )
    .unwrap();
    assert_usage_error(
        &["scan", "--inventory", &path("broken.json")],
        "broken.json:3:",
    );
    std::fs::write(
        path("broken.json"),
        r#"{"schema_version": 9, "meta": {}, "aws": {}}"#,
    )
    .unwrap();
    assert_usage_error(
        &["scan", "--inventory", &path("broken.json")],
        "schema_version 9",
    );

    // A user policy with invalid METADATA.
    std::fs::create_dir(path("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/mine.rego"),
        "# METADATA\n# title: Mine\n# description: x\n# custom:\n#   id: AA-MINE-001\n#   severity: urgent\n#   resource_type: aws.s3.bucket\n#   remediation:\n#     summary: s\npackage mine\n\ndeny contains x if { x := 1 }\n",
    )
    .unwrap();
    assert_usage_error(
        &[
            "scan",
            "--inventory",
            "reference.json",
            "--policies",
            &path("policies"),
        ],
        "mine.rego:6: invalid METADATA",
    );

    // Unknown flag.
    assert_usage_error(&["scan", "--frobnicate"], "--frobnicate");
}

#[test]
fn user_policies_need_no_rust() {
    // The policy and test documented in docs/policies.md, as written there (annotations after
    // `<-` stripped), run with --no-builtin: the library stays, the example's own tests pass.
    let doc = std::fs::read_to_string(support::root().join("docs/policies.md")).unwrap();
    let section = doc.split("## Writing a policy").nth(1).unwrap();
    let blocks: Vec<String> = section
        .split("```rego\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_owned())
        .collect();
    let strip = |b: &str| {
        b.lines()
            .map(|l| l.split("   <- ").next().unwrap().trim_end())
            .map(|l| l.split("  # read").next().unwrap())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bucket_tags.rego"), strip(&blocks[0])).unwrap();
    std::fs::write(dir.path().join("bucket_tags_test.rego"), strip(&blocks[1])).unwrap();
    let tested = run(&[
        "policy",
        "test",
        "--no-builtin",
        "--policies",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(tested.status.code(), Some(0), "{}", text(&tested.stdout));
    assert!(
        text(&tested.stdout).ends_with("3 passed, 0 failed\n"),
        "{}",
        text(&tested.stdout)
    );
    let out = run(&[
        "scan",
        "--inventory",
        "reference.json",
        "--format",
        "json",
        "--policies",
        dir.path().to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_id"] == "AA-ORG-001")
        .unwrap();
    // The bucket is filled in; the team is the user's to supply, so the command is manual.
    assert_eq!(f["remediation"]["cli"], Value::Null);
    assert_eq!(f["remediation"]["manual"], "supply <team> in: aws s3api put-bucket-tagging --bucket archaudit-terraform-state-123456789012 --tagging 'TagSet=[{Key=Owner,Value=<team>}]'");
    assert_eq!(
        out.status.code(),
        Some(0),
        "medium is below the default --fail-on high"
    );
}

/// The engine's input holds only the kinds the loaded rules read (derived from their Rego):
/// however a policy reaches a kind — directly, through an alias of `input.aws`, a computed
/// key, or a function given `input` — it sees every resource of it. (regorus has no `walk`.)
#[test]
fn user_policies_see_every_kind_they_read_however_they_reach_it() {
    let reference: Value = serde_json::from_slice(
        &std::fs::read(support::root().join("fixtures/reference.json")).unwrap(),
    )
    .unwrap();
    let count =
        |service: &str, kind: &str| reference["aws"][service][kind].as_array().unwrap().len();
    let roles = count("iam", "roles");
    let buckets = count("s3", "buckets");
    let subnets = count("ec2", "subnets");
    let cases = [
        (
            "direct",
            "some r in input.aws.iam.roles\n\tarn := r.arn",
            roles,
        ),
        (
            "alias",
            "a := input.aws\n\tsome r in a.s3.buckets\n\tarn := r.arn",
            buckets,
        ),
        (
            "computed",
            "k := concat(\"\", [\"sub\", \"nets\"])\n\tsome r in input.aws.ec2[k]\n\tarn := r.arn",
            subnets,
        ),
        ("function", "some arn in arns(input)", roles),
    ];
    for (name, body, expected) in cases {
        let d = tempfile::tempdir().unwrap();
        let text = format!("# METADATA\n# title: T\n# description: D\n# custom:\n#   id: AA-ORG-010\n#   severity: low\n#   resource_type: aws.any\n#   remediation:\n#     summary: S\npackage org.{name}\n\nimport data.archaudit.lib.result\n\narns(doc) := {{r.arn | some r in doc.aws.iam.roles}}\n\ndeny contains result.new(\"m\", arn, \"a\", 1, 2) if {{\n\t{body}\n}}\n");
        std::fs::write(d.path().join(format!("{name}.rego")), text).unwrap();
        let out = run(&[
            "scan",
            "--inventory",
            "reference.json",
            "--no-builtin",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--policies",
            d.path().to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", self::text(&out.stderr)));
        let found = report["findings"].as_array().unwrap().len();
        assert_eq!(found, expected, "{name}: {}", self::text(&out.stderr));
    }
}

/// A policy that fails at evaluation is named with its line, also when it is evaluated beside
/// the anchors (batch 0, the only batch with `--no-builtin`); the anchors were evaluated first
/// and failed with "policies/lib/anchors.rego: not a valid rule path", hiding the policy.
#[test]
fn a_failing_policy_is_named_even_beside_the_anchors() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        support::root().join("tests/corpus/policy/unknown-function.rego"),
        d.path().join("p.rego"),
    )
    .unwrap();
    let out = run(&[
        "scan",
        "--inventory",
        "reference.json",
        "--no-builtin",
        "--policies",
        d.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert!(
        err.contains("p.rego:13: evaluation of data.user.corpus18.deny failed"),
        "{err}"
    );
    assert!(
        err.contains("p.rego:15:19") && err.contains("could not find function"),
        "{err}"
    );
    assert!(!err.contains("anchors.rego"), "{err}");
}

#[test]
fn policy_tests_pass_under_regorus() {
    let out = run(&["policy", "test"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
}

/// Ids are forever: every built-in policy's id, severity and title, sorted; a rename or a
/// reused id shows up in review.
#[test]
fn policy_ids_are_unique_and_stable() {
    let out = run(&["policy", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<String> = list
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p["id"].as_str().unwrap(),
                p["severity"].as_str().unwrap(),
                p["title"].as_str().unwrap()
            )
        })
        .collect();
    let mut unique = ids.clone();
    unique.dedup_by(|a, b| a.split(' ').next() == b.split(' ').next());
    assert_eq!(unique.len(), ids.len());
    insta::assert_debug_snapshot!("policy_ids", ids);
}

#[test]
fn init_writes_the_reference_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archaudit.toml");
    let out = run(&["init", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        archaudit::config::DEFAULT_TOML
    );
    let out = run(&["init", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stderr).contains("--force"));
}

#[test]
fn every_policy_is_documented() {
    let doc = std::fs::read_to_string(support::root().join("docs/policies.md")).unwrap();
    let out = run(&["policy", "list", "--format", "json"]);
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for p in list {
        let id = p["id"].as_str().unwrap();
        assert!(
            doc.contains(&format!("| {id} |")),
            "{id} is missing from docs/policies.md"
        );
    }
}

/// The small things a new user trips over, each pinned.
#[test]
fn papercuts() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();

    // Missing files: one OS message, no `:0:0` position.
    for (args, needle) in [
        (
            vec!["scan", "--inventory", "/nonexistent/inv.json"],
            "cannot read inventory /nonexistent/inv.json: No such file",
        ),
        (
            vec![
                "scan",
                "--inventory",
                "reference.json",
                "--config",
                "/nonexistent/a.toml",
            ],
            "/nonexistent/a.toml: cannot read: No such file",
        ),
    ] {
        let out = run(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(needle), "{stderr}");
        assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
        assert!(
            !stderr.contains(":0:0") && !stderr.contains(":0:"),
            "{stderr}"
        );
    }

    // `-o -` is stdout, not a file named `-`.
    let out = archaudit()
        .current_dir(dir.path())
        .args(["scan", "--inventory"])
        .arg(support::root().join("fixtures/reference.json"))
        .args(["--format", "json", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(serde_json::from_slice::<Value>(&out.stdout).is_ok());
    assert!(!dir.path().join("-").exists());

    // A closed pipe (`archaudit schema | head -1`) is not a crash.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("archaudit"))
        .arg("schema")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.code().is_some_and(|c| c == 0), "{status:?}");

    // Logs carry no colour codes when stderr is not a terminal.
    let out = run(&["-v", "scan", "--inventory", "reference.json"]);
    assert!(!out.stderr.contains(&0x1b), "{}", text(&out.stderr));

    // The table follows COLUMNS; the fix commands below it are printed whole.
    let out = archaudit()
        .env("COLUMNS", "100")
        .args(["scan", "--inventory", "drifted.json"])
        .output()
        .unwrap();
    let table = text(&out.stdout);
    for line in table
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '├', '└', '╞']))
    {
        assert!(line.chars().count() <= 100, "{line}");
    }
    assert!(table.contains("      aws ec2 revoke-security-group-ingress --group-id sg-b7eafbc6fe724df92 --security-group-rule-ids sgr-0ssh0000000000001\n"), "{table}");

    // A user policy naming an unknown anchor, an unknown required kind, or reading a kind
    // the inventory does not define: load errors with file and line.
    let policy = |extra: &str, body: &str| {
        format!("# METADATA\n# title: T\n# description: D\n# custom:\n#   id: AA-ORG-009\n#   severity: low\n#   resource_type: aws.ec2.vpc\n{extra}#   remediation:\n#     summary: S\npackage org.t\n\nimport data.archaudit.lib.result\n\ndeny contains result.new(\"m\", v.arn, \"a\", 1, 2) if {{\n\tsome v in {body}\n}}\n")
    };
    for (name, text, needle) in [
        (
            "anchor",
            policy("#   anchors: [nope]\n", "input.aws.ec2.vpcs"),
            "anchor `nope` is not defined",
        ),
        (
            "requires",
            policy("#   requires: [ec2.vpcz]\n", "input.aws.ec2.vpcs"),
            "requires.rego:8: custom.requires entry `ec2.vpcz` names no inventory kind",
        ),
        (
            "reads",
            policy("", "input.aws.ec2.vpcz"),
            "reads.rego:15: `input.aws.ec2.vpcz` is not in the inventory",
        ),
        (
            "expectation",
            policy("#   expectation: [vpc.cdir]\n", "input.aws.ec2.vpcs"),
            "expectation.rego:8: METADATA custom.expectation `vpc.cdir` is not a key of [architecture]",
        ),
        (
            "expectation_syntax",
            policy("#   expectation: [\"Vpc Cidr\"]\n", "input.aws.ec2.vpcs"),
            "expectation_syntax.rego:8: custom.expectation entry `Vpc Cidr` must be a dotted key",
        ),
    ] {
        let d = dir.path().join(format!("p-{name}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join(format!("{name}.rego")), text).unwrap();
        assert_usage_error(
            &[
                "scan",
                "--inventory",
                "reference.json",
                "--policies",
                d.to_str().unwrap(),
            ],
            needle,
        );
    }

    // A gate with no policy checks nothing: an error, not a pass.
    assert_usage_error(
        &["scan", "--inventory", "reference.json", "--no-builtin"],
        "no policies to evaluate",
    );

    // AWS flags belong to the commands that talk to AWS.
    assert_usage_error(&["policy", "list", "--region", "us-east-1"], "--region");
    assert_usage_error(&["init", "--profile", "x"], "--profile");

    // Waivers: by alias-free id and table id; an unknown policy is an error with its line.
    let base = config_without_waivers();
    let waiver = |policy: &str, resource: &str| {
        format!("{base}\n[[waivers]]\npolicy = \"{policy}\"\nresource = \"{resource}\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n")
    };
    std::fs::write(path("unknown.toml"), waiver("AA-NOPE-001", "*")).unwrap();
    let line = base.lines().count() + 3;
    assert_usage_error(
        &[
            "scan",
            "--inventory",
            "drifted.json",
            "--config",
            &path("unknown.toml"),
        ],
        &format!("unknown.toml:{line}:10: waiver names policy `AA-NOPE-001`"),
    );
    std::fs::write(path("byid.toml"), waiver("AA-NET-008", "eipalloc-*")).unwrap();
    let report = drifted_report_with(&path("byid.toml"));
    let eips: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "AA-NET-008")
        .collect();
    assert!(!eips.is_empty() && eips.iter().all(|f| f["waived"].is_object()));
}

#[test]
fn policy_lint_passes_the_library_and_names_each_problem_of_a_user_policy() {
    let out = run(&["policy", "lint"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dir = tempfile::tempdir().unwrap();
    let area = dir.path().join("mine");
    std::fs::create_dir(&area).unwrap();
    let policy = std::fs::read_to_string(support::root().join("policies/network/vpc_cidr.rego"))
        .unwrap()
        .replace(
            "package archaudit.network.vpc_cidr",
            "package user.network.vpc_cidr",
        )
        .replace("AA-NET-001", "AA-USR-001")
        + &format!("\nlong := \"{}\"\n", "x".repeat(120));
    std::fs::write(area.join("vpc_cidr.rego"), &policy).unwrap();
    let out = run(&[
        "policy",
        "lint",
        "--no-builtin",
        "--policies",
        dir.path().to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let file = area.join("vpc_cidr.rego").display().to_string();
    let n = policy.lines().count();
    for want in [
        format!("{file}:{n}: line-length: 130 columns, over 120"),
        format!(
            "{file}:{}: directory-package-mismatch",
            policy
                .lines()
                .position(|l| l.starts_with("package"))
                .unwrap()
                + 1
        ),
        format!(
            "missing-test: no {}",
            area.join("vpc_cidr_test.rego").display()
        ),
    ] {
        assert!(text.contains(&want), "{want}\nin:\n{text}");
    }
}

#[test]
fn a_waiver_of_one_attribute_does_not_hide_new_drift_of_another() {
    // wildcard_task_policy.json: AA-IAM-001 finds two drifted attributes of one role (a
    // wildcard resource and a wildcard action). A waiver pinned to the first accepts it only;
    // the same waiver without `attribute` accepts both (as before).
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("archaudit.toml");
    let report_with = |attribute: &str| {
        let waiver = format!(
            "[[waivers]]\npolicy = \"AA-IAM-001\"\nresource = \"*:role/archaudit-app-task\"\n{attribute}reason = \"accepted\"\nowner = \"platform\"\nexpires = \"2999-12-31\"\n"
        );
        std::fs::write(&config, format!("{}{waiver}", config_without_waivers())).unwrap();
        let out = run(&[
            "scan",
            "--inventory",
            "drift/wildcard_task_policy.json",
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
        ]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
        let mut by_state: Vec<(String, bool)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["policy_id"] == "AA-IAM-001")
            .map(|f| {
                (
                    f["attribute"].as_str().unwrap().to_owned(),
                    f["waived"].is_object(),
                )
            })
            .collect();
        by_state.sort();
        by_state
    };
    assert_eq!(
        report_with("attribute = \"quick-fix:resource:*\"\n"),
        vec![
            ("quick-fix:action:s3:*".to_owned(), false),
            ("quick-fix:resource:*".to_owned(), true),
        ]
    );
    assert!(report_with("").iter().all(|(_, waived)| *waived));
    // A waiver naming a component accepts that component's findings only.
    assert!(report_with("component = \"services.app\"\n")
        .iter()
        .all(|(_, waived)| *waived));
    assert!(report_with("component = \"services.reporting\"\n")
        .iter()
        .all(|(_, waived)| !*waived));
    // A bad glob is refused at its line.
    std::fs::write(
        &config,
        format!(
            "{}[[waivers]]\npolicy = \"AA-IAM-001\"\nresource = \"*\"\nattribute = \"[\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-12-31\"\n",
            config_without_waivers()
        ),
    )
    .unwrap();
    let out = run(&[
        "scan",
        "--inventory",
        "drifted.json",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stderr).contains("not a valid glob pattern"),
        "{}",
        text(&out.stderr)
    );
}
