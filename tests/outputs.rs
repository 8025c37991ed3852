//! The CI-gate outputs on the shipped fixtures: SARIF (validated by the SARIF Multitool against
//! the official schema and GitHub's ingestion rules), Markdown and the Mermaid diagram
//! (snapshotted, every diagram parsed by `mermaid.parse`), JUnit, `diff`, `--baseline`, and
//! where findings point (`--terraform`, archaudit.toml).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn archaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("archaudit").unwrap();
    // Run from the project root, as a workflow runs from the repository root: SARIF URIs are
    // relative to it.
    cmd.current_dir(support::root())
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL");
    cmd
}

fn run(args: &[&str]) -> Output {
    archaudit().args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    format!("fixtures/{name}")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// `scan --inventory FILE --format sarif` plus `extra` arguments.
fn sarif(inventory: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan".to_owned(),
        "--inventory".to_owned(),
        inventory.display().to_string(),
        "--format".to_owned(),
        "sarif".to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let out = archaudit().args(&args).output().unwrap();
    assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr(&out));
    json(&out)
}

#[test]
fn sarif_of_every_fixture_passes_the_multitool_and_github_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for inv in support::fixture_files() {
        let log = sarif(&inv, &[]);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        // Every rule that ran is declared, fired or not.
        assert_eq!(rules.len(), 45, "{}", inv.display());
        for r in rules {
            let sev = r["properties"]["security-severity"].as_str().unwrap();
            assert!(["9.5", "8.0", "5.5", "3.0"].contains(&sev));
            assert!(r["help"]["markdown"]
                .as_str()
                .is_some_and(|h| !h.is_empty()));
        }
        let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let mut prints = BTreeSet::new();
        for res in run["results"].as_array().unwrap() {
            assert!(ids.contains(res["ruleId"].as_str().unwrap()));
            let loc = &res["locations"][0]["physicalLocation"];
            assert!(loc["artifactLocation"]["uri"].as_str().is_some());
            assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(prints.insert(
                res["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            ));
        }
        assert_eq!(
            run["automationDetails"]["id"],
            "archaudit/123456789012/us-east-1/"
        );
        let name = inv
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".json", ".sarif");
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&log).unwrap()).unwrap();
        files.push(path);
    }
    let problems = support::sarif_problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_broken_sarif_is_caught_by_the_validation() {
    // The validation itself can fail: a rule without fullDescription breaks GitHub's GH2012.
    let mut log = sarif(Path::new("fixtures/drifted.json"), &[]);
    log["runs"][0]["tool"]["driver"]["rules"][0]
        .as_object_mut()
        .unwrap()
        .remove("fullDescription");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.sarif");
    std::fs::write(&path, serde_json::to_vec(&log).unwrap()).unwrap();
    let problems = support::sarif_problems(&[path]);
    assert!(
        problems.iter().any(|p| p.contains("GH2012")),
        "{problems:?}"
    );
}

#[test]
fn fingerprints_are_stable_across_scans_and_distinct_between_findings() {
    let prints = |log: &Value| -> Vec<(String, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_owned(),
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect()
    };
    let first = prints(&sarif(Path::new("fixtures/drifted.json"), &[]));
    let second = prints(&sarif(Path::new("fixtures/drifted.json"), &[]));
    assert_eq!(first, second);
    let unique: BTreeSet<&String> = first.iter().map(|(_, p)| p).collect();
    assert_eq!(unique.len(), first.len());
    // Locations do not enter the fingerprint: pointing findings at Terraform changes nothing.
    let with_tf = prints(&sarif(
        Path::new("fixtures/drifted.json"),
        &["--terraform", "tests/terraform/slice"],
    ));
    assert_eq!(first, with_tf);
}

fn locations(log: &Value) -> Vec<(String, String, u64)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                p["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                p["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn line_of(text: &str, needle: &str) -> u64 {
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[test]
fn findings_point_at_their_terraform_block_else_the_config_line() {
    let tf =
        std::fs::read_to_string(support::root().join("tests/terraform/slice/main.tf")).unwrap();
    let with_tf = locations(&sarif(
        Path::new("fixtures/drifted.json"),
        &["--terraform", "tests/terraform/slice"],
    ));
    let at = |rule: &str| {
        with_tf
            .iter()
            .find(|(r, _, _)| r == rule)
            .map(|(_, f, l)| (f.clone(), *l))
            .unwrap()
    };
    let main = "tests/terraform/slice/main.tf".to_owned();
    // By the state's id, by the Name tag, by the resource's name.
    assert_eq!(
        at("AA-SG-002"),
        (main.clone(), line_of(&tf, "\"aws_security_group\" \"ecs\""))
    );
    assert_eq!(
        at("AA-NET-006"),
        (main.clone(), line_of(&tf, "\"aws_subnet\" \"public_b\""))
    );
    assert_eq!(
        at("AA-IAM-004"),
        (main.clone(), line_of(&tf, "\"aws_iam_role\" \"deploy\""))
    );
    assert_eq!(
        at("AA-S3-001"),
        (main, line_of(&tf, "\"aws_s3_bucket\" \"state\""))
    );
    // Not declared there: the archaudit.toml line of the violated expectation.
    let toml = archaudit::config::DEFAULT_TOML;
    assert_eq!(
        at("AA-ECS-003"),
        (
            "archaudit.toml".to_owned(),
            line_of(toml, "assign_public_ip")
        )
    );

    // Without Terraform, and with the user's own config file: its lines.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("archaudit.toml");
    let text = format!("# my architecture\n\n{toml}");
    std::fs::write(&config, &text).unwrap();
    let plain = locations(&sarif(
        Path::new("fixtures/drifted.json"),
        &["--config", config.to_str().unwrap()],
    ));
    let find = |rule: &str| plain.iter().find(|(r, _, _)| r == rule).unwrap().clone();
    // An absolute path outside the working directory is a `file://` URI (a bare `/tmp/…` is
    // not a valid SARIF artifact URI).
    let file = format!("file://{}", config.display());
    assert_eq!(
        find("AA-SG-002"),
        (
            "AA-SG-002".into(),
            file.clone(),
            line_of(&text, "ports = [3000]")
        )
    );
    assert_eq!(find("AA-LB-003").2, line_of(&text, "redirect_status ="));
    assert_eq!(find("AA-S3-001").2, line_of(&text, "encryption ="));
    // A finding about one entry of a list points at that entry.
    let nat = find("AA-NET-005");
    let entry = text
        .lines()
        .position(|l| l.contains("\"10.0.102.0/24\""))
        .unwrap() as u64; // the `[[architecture.subnets]]` header just above
    assert_eq!(nat.2, entry);
    let mem = find("AA-MON-001");
    let alarm = text
        .lines()
        .position(|l| l.contains("\"MemoryUtilization\""))
        .unwrap() as u64
        - 1; // `[[architecture.alarms]]`, then namespace, then metric
    assert_eq!(mem.2, alarm);
}

#[test]
fn a_bad_terraform_dir_or_state_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "scan",
        "--inventory",
        "fixtures/drifted.json",
        "--terraform",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("no `resource` block in any *.tf file"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("terraform.tfstate"), "{\"resources\": [").unwrap();
    let out = run(&[
        "scan",
        "--inventory",
        "fixtures/drifted.json",
        "--terraform",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains(
            "terraform.tfstate: truncated JSON: EOF while parsing a list at line 1 column 15"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn markdown_and_diagram_snapshots() {
    let md = |name: &str| {
        stdout(&run(&[
            "scan",
            "--inventory",
            &fixture(name),
            "--format",
            "markdown",
        ]))
    };
    insta::assert_snapshot!("markdown_drifted", md("drifted.json"));
    insta::assert_snapshot!("markdown_collection_gaps", md("drift/collection_gaps.json"));
    insta::assert_snapshot!("markdown_reference", md("reference.json"));
    let diagram = stdout(&run(&["diagram", "--inventory", "fixtures/drifted.json"]));
    insta::assert_snapshot!("diagram_drifted", diagram);
}

#[test]
fn every_diagram_and_markdown_parses_with_mermaid() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for inv in support::fixture_files() {
        let stem = inv.file_stem().unwrap().to_string_lossy().into_owned();
        let md = dir.path().join(format!("{stem}.md"));
        let out = run(&[
            "scan",
            "--inventory",
            inv.to_str().unwrap(),
            "--format",
            "markdown",
            "-o",
            md.to_str().unwrap(),
        ]);
        assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr(&out));
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(
            text.contains("```mermaid\nflowchart LR\n"),
            "{stem}: no diagram"
        );
        assert!(text.len() < 1_048_576);
        let mmd = dir.path().join(format!("{stem}.mmd"));
        let out = run(&[
            "diagram",
            "--inventory",
            inv.to_str().unwrap(),
            "-o",
            mmd.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        files.push(md);
        files.push(mmd);
    }
    let problems = support::mermaid_problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_diagram_marks_drift_missing_and_unknown_components() {
    let diagram = |name: &str| stdout(&run(&["diagram", "--inventory", &fixture(name)]));
    let clean = diagram("reference.json");
    assert!(
        !clean.contains("class ") && !clean.contains("linkStyle"),
        "{clean}"
    );
    // A deleted NAT gateway: drawn dashed where it should be.
    let nat = diagram("drift/nat_deleted.json");
    assert!(
        nat.contains("NAT gateway in us-east-1b<br/>not found"),
        "{nat}"
    );
    assert!(
        nat.contains("class n_nat_missing_us_east_1b missing"),
        "{nat}"
    );
    // SSH open to the world on the tasks: a red edge from the internet.
    let ssh = diagram("drift/ssh_open_to_world.json");
    let edge = ssh
        .lines()
        .filter(|l| l.contains("-->"))
        .position(|l| l.contains("n_internet -->|\"tcp 22\"|"))
        .unwrap();
    assert!(
        ssh.contains(&format!("linkStyle {edge} stroke:#d00000")),
        "{ssh}"
    );
    // A component that could not be listed is unknown, not missing.
    let dir = tempfile::tempdir().unwrap();
    let mut inv: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("fixtures/reference.json")).unwrap(),
    )
    .unwrap();
    inv["aws"]["ec2"]["nat_gateways"] = Value::Array(Vec::new());
    inv["gaps"] = serde_json::json!([{"service": "ec2", "region": "us-east-1", "kind": "ec2.nat_gateways", "operation": "DescribeNatGateways", "code": "AccessDenied", "message": "denied"}]);
    let path = dir.path().join("gap.json");
    std::fs::write(&path, serde_json::to_vec(&inv).unwrap()).unwrap();
    let gap = stdout(&run(&["diagram", "--inventory", path.to_str().unwrap()]));
    assert!(gap.contains("unknown: not collected"), "{gap}");
    assert!(!gap.contains("not found"), "{gap}");
}

#[test]
fn junit_has_a_case_per_rule_and_never_skips_what_it_could_not_check() {
    let junit = |name: &str| {
        stdout(&run(&[
            "scan",
            "--inventory",
            &fixture(name),
            "--format",
            "junit",
        ]))
    };
    insta::assert_snapshot!("junit_drifted", junit("drifted.json"));
    let gaps = junit("drift/collection_gaps.json");
    assert!(gaps.contains("skipped=\"0\""));
    assert!(gaps.contains("<error type=\"not_evaluated\""));
    assert!(gaps.contains("<testcase classname=\"archaudit.collection\""));
    // Well-formed XML, for every fixture.
    let dir = tempfile::tempdir().unwrap();
    for inv in support::fixture_files() {
        let path = dir.path().join("j.xml");
        let out = run(&[
            "scan",
            "--inventory",
            inv.to_str().unwrap(),
            "--format",
            "junit",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(matches!(out.status.code(), Some(0..=2)));
        let check = std::process::Command::new(support::python())
            .args(["-c", "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag == 'testsuites' and len(r[0]) >= 35"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}: {}",
            inv.display(),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn several_outputs_from_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let out = run(&[
        "scan",
        "--inventory",
        "fixtures/drifted.json",
        "--format",
        "json",
        "-o",
        &p("r.json"),
        "--sarif",
        &p("r.sarif"),
        "--markdown",
        &p("r.md"),
        "--junit",
        &p("r.xml"),
        "--sarif-category",
        "nightly/prod",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(p("r.json")).unwrap()).unwrap();
    let log: Value = serde_json::from_str(&std::fs::read_to_string(p("r.sarif")).unwrap()).unwrap();
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        log["runs"][0]["results"].as_array().unwrap().len()
    );
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "nightly/prod/");
    assert!(std::fs::read_to_string(p("r.md"))
        .unwrap()
        .contains("❌ **12 finding(s)**"));
    assert!(std::fs::read_to_string(p("r.xml"))
        .unwrap()
        .contains("<testsuites"));
}

/// Writes `scan --format json` of fixture `name` into `dir`.
fn report_file(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name.replace('/', "_"));
    let out = run(&[
        "scan",
        "--inventory",
        &fixture(name),
        "--format",
        "json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr(&out));
    path
}

#[test]
fn baseline_marks_new_unchanged_resolved_and_carries_over_what_was_not_rechecked() {
    let dir = tempfile::tempdir().unwrap();
    // Last night: SSH open on the tasks. Tonight: the security-group rules were throttled.
    let last = report_file(dir.path(), "drift/ssh_open_to_world.json");
    let with = |inv: &str, format: &str| {
        json(&run(&[
            "scan",
            "--inventory",
            &fixture(inv),
            "--format",
            format,
            "--baseline",
            last.to_str().unwrap(),
        ]))
    };
    let report = with("drift/collection_gaps.json", "json");
    let carried: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline_state"] == "carried_over")
        .collect();
    let ids: BTreeSet<&str> = carried
        .iter()
        .map(|f| f["policy_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from(["AA-SG-002", "AA-SG-003"]));
    assert!(carried.iter().all(|f| f["carried_over"]
        .as_str()
        .unwrap()
        .contains("DescribeSecurityGroupRules")));
    assert_eq!(report["baseline"]["carried_over"], 2);
    assert_eq!(report["baseline"]["resolved"], serde_json::json!([]));
    // In SARIF they stay results, so their alerts stay open.
    let log = with("drift/collection_gaps.json", "sarif");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .all(|r| r["baselineState"] == "unchanged" && r["properties"]["carriedOver"].is_string()));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );

    // Tonight the SSH rule is gone, seen on complete data: resolved, not carried.
    let report = with("reference.json", "json");
    assert_eq!(report["baseline"]["carried_over"], 0);
    let resolved: BTreeSet<&str> = report["baseline"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["policy_id"].as_str().unwrap())
        .collect();
    assert_eq!(resolved, BTreeSet::from(["AA-SG-002", "AA-SG-003"]));
    // And drift that appeared is new; drift that stayed is unchanged.
    let report = with("drifted.json", "json");
    let states: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_owned(),
                f["baseline_state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(states.contains(&("AA-SG-003".into(), "unchanged".into())));
    assert!(states.contains(&("AA-LB-003".into(), "new".into())));
    let md = String::from_utf8(
        run(&[
            "scan",
            "--inventory",
            "fixtures/drifted.json",
            "--format",
            "markdown",
            "--baseline",
            last.to_str().unwrap(),
        ])
        .stdout,
    )
    .unwrap();
    assert!(md.contains("### Since the baseline"), "{md}");
    assert!(
        md.contains("10 new · 2 unchanged · 0 resolved · 0 carried over"),
        "{md}"
    );
}

#[test]
fn without_a_baseline_sarif_says_what_it_could_not_recheck() {
    let log = sarif(Path::new("fixtures/drift/collection_gaps.json"), &[]);
    let inv = &log["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes: Vec<&str> = inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    for rule in ["AA-SG-002", "AA-SG-003", "AA-SG-004", "AA-S3-001"] {
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with(&format!("{rule} was not evaluated"))
                    && n.contains("closes them in code scanning")),
            "{rule}: {notes:?}"
        );
    }
    // A complete scan is a successful run with no notifications.
    let clean = sarif(Path::new("fixtures/reference.json"), &[]);
    assert_eq!(
        clean["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn bad_baselines_and_diff_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_file(dir.path(), "drifted.json");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let text = std::fs::read_to_string(&report).unwrap();
    let truncated = write("truncated.json", &text[..text.len() / 2]);
    let old = write(
        "old.json",
        &text.replacen("\"version\": 2", "\"version\": 1", 1),
    );
    let other = write(
        "other.json",
        &text.replace(
            "\"account_id\": \"123456789012\"",
            "\"account_id\": \"999999999999\"",
        ),
    );
    let sarif_file = write(
        "log.sarif",
        &serde_json::to_string(&sarif(Path::new("fixtures/drifted.json"), &[])).unwrap(),
    );
    let scan_with = |baseline: &str| {
        run(&[
            "scan",
            "--inventory",
            "fixtures/drifted.json",
            "--baseline",
            baseline,
        ])
    };
    for (file, expect) in [
        (truncated.as_str(), "invalid report"),
        (old.as_str(), "is version 1"),
        (
            other.as_str(),
            "is a report of 999999999999 us-east-1, tonight's scan is of 123456789012 us-east-1",
        ),
        ("fixtures/reference.json", "it is an inventory"),
        (sarif_file.as_str(), "it is a SARIF log"),
        ("fixtures/no-such.json", "cannot read report"),
    ] {
        let out = scan_with(file);
        assert_eq!(out.status.code(), Some(3), "{file}");
        assert!(stderr(&out).contains(expect), "{file}: {}", stderr(&out));
        assert!(
            out.stdout.is_empty(),
            "{file}: a rejected baseline must not produce a report"
        );
    }
    for (a, b, expect) in [
        (
            report.to_str().unwrap(),
            "fixtures/drifted.json",
            "compare two inventories or two reports",
        ),
        (
            truncated.as_str(),
            report.to_str().unwrap(),
            "not JSON (line",
        ),
        (report.to_str().unwrap(), old.as_str(), "is version 1"),
        (
            "fixtures/reference.json",
            sarif_file.as_str(),
            "neither an inventory",
        ),
    ] {
        let out = run(&["diff", a, b]);
        assert_eq!(out.status.code(), Some(3), "{a} {b}");
        assert!(stderr(&out).contains(expect), "{a} {b}: {}", stderr(&out));
    }
}

#[test]
fn diff_of_inventories_and_of_reports() {
    let out = run(&["diff", "fixtures/reference.json", "fixtures/drifted.json"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("diff_inventories", stdout(&out));
    let same = run(&["diff", "fixtures/reference.json", "fixtures/reference.json"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("No differences."));

    // A gap in NEW makes what it hides unseen, not removed.
    let dir = tempfile::tempdir().unwrap();
    let gaps = run(&[
        "diff",
        "fixtures/reference.json",
        "fixtures/drift/collection_gaps.json",
        "--format",
        "json",
    ]);
    let d = json(&gaps);
    assert!(d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["status"] != "removed" || e["kind"] != "ec2.security_groups"));

    let old = report_file(dir.path(), "drift/ssh_open_to_world.json");
    let new = report_file(dir.path(), "drifted.json");
    let blind = report_file(dir.path(), "drift/collection_gaps.json");
    let d = json(&run(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(d["of"], "report");
    assert_eq!(d["counts"]["new"], 10);
    assert!(d["counts"].get("resolved").is_none());
    let d = json(&run(&[
        "diff",
        new.to_str().unwrap(),
        blind.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let status_of = |rule: &str| -> BTreeSet<String> {
        d["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == rule)
            .map(|e| e["status"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        status_of("AA-SG-003"),
        BTreeSet::from(["not_rechecked".to_owned()])
    );
    assert_eq!(
        status_of("AA-LB-003"),
        BTreeSet::from(["resolved".to_owned()])
    );
    let md = stdout(&run(&[
        "diff",
        new.to_str().unwrap(),
        blind.to_str().unwrap(),
        "--format",
        "markdown",
    ]));
    assert!(md.contains("#### not_rechecked (3)"), "{md}");
}
