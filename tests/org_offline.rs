//! Many accounts, offline: a directory of inventories (as `collect --org -o DIR` writes it)
//! of four accounts — the reference, the drifted snapshot, the reference again, and one
//! nothing could be read from — scanned whole and in shards, merged, and refused where a
//! merge would lose an account. Whole outputs are snapshotted.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

const CLEAN: &str = "111111111111";
const DRIFTED: &str = "222222222222";
const CLEAN2: &str = "333333333333";
const UNREADABLE: &str = "444444444444";

fn archaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("archaudit").unwrap();
    cmd.current_dir(support::root()).env("NO_COLOR", "1");
    cmd
}

fn run(args: &[&str]) -> Output {
    archaudit().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fixture as the inventory of `account`.
fn as_account(fixture: &str, account: &str) -> String {
    std::fs::read_to_string(support::root().join(fixture))
        .unwrap()
        .replace("123456789012", account)
}

/// The inventory `collect --org` writes for an account whose role could not be assumed.
fn unreadable(account: &str) -> String {
    let kinds = archaudit::inventory::kinds()
        .map(|k| {
            let (svc, _) = k.split_once('.').unwrap();
            let region = if matches!(svc, "iam" | "s3") { "global" } else { "us-east-1" };
            serde_json::json!({
                "service": svc, "region": region, "operation": "AssumeRole", "kind": k,
                "code": "AccessDenied",
                "message": format!("sts:AssumeRole arn:aws:iam::{account}:role/archaudit-readonly failed (AccessDenied): denied"),
                "account_id": account
            })
        })
        .collect::<Vec<_>>();
    serde_json::to_string_pretty(&serde_json::json!({
        "schema_version": 1,
        "meta": {"account_id": account, "partition": "aws", "regions": ["us-east-1"],
                 "collected_at": "2026-06-01T03:00:00Z", "tool_version": "0.1.0", "services": {}},
        "aws": {},
        "gaps": kinds
    }))
    .unwrap()
}

fn inventories() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |id: &str, text: String| {
        std::fs::write(dir.path().join(format!("{id}.json")), text).unwrap()
    };
    write(CLEAN, as_account("fixtures/reference.json", CLEAN));
    write(DRIFTED, as_account("fixtures/drifted.json", DRIFTED));
    write(CLEAN2, as_account("fixtures/reference.json", CLEAN2));
    write(UNREADABLE, unreadable(UNREADABLE));
    dir
}

fn json_of(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scan_dir(dir: &Path, extra: &[&str], out: &Path) -> Output {
    let mut args = vec![
        "scan",
        "--inventory",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    run(&args)
}

#[test]
fn every_account_is_judged_on_its_own_and_the_unreadable_one_is_a_gap() {
    let dir = inventories();
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("r.json");
    let out = scan_dir(dir.path(), &["--fail-on", "never"], &report);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_of(&report);
    assert_eq!(v["kind"], "organization");
    let schema = json_of(&support::root().join("schema/org-report.schema.json"));
    let validator = jsonschema::JSONSchema::compile(&schema).unwrap();
    if let Err(errors) = validator.validate(&v) {
        let all: Vec<String> = errors
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        panic!(
            "the report does not fit schema/org-report.schema.json:\n{}",
            all.join("\n")
        );
    }
    assert_eq!(v["summary"]["accounts"], 4);
    assert_eq!(v["summary"]["unreadable"], 1);
    let by_id = |id: &str| {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == id)
            .unwrap()
            .clone()
    };
    // Each account is judged exactly as a single-account scan of it.
    for (id, fixture) in [
        (CLEAN, "fixtures/reference.json"),
        (DRIFTED, "fixtures/drifted.json"),
    ] {
        let one = out_dir.path().join(format!("{id}-alone.json"));
        let file = out_dir.path().join(format!("{id}-input.json"));
        std::fs::write(&file, as_account(fixture, id)).unwrap();
        run(&[
            "scan",
            "--inventory",
            file.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            one.to_str().unwrap(),
        ]);
        let mut alone = json_of(&one);
        let mut within = by_id(id)["report"].clone();
        for r in [&mut alone, &mut within] {
            r.as_object_mut().unwrap().remove("config");
        }
        assert_eq!(alone["findings"], within["findings"], "{id}");
        assert_eq!(alone["summary"], within["summary"], "{id}");
        assert_eq!(alone["rules"], within["rules"], "{id}");
    }
    assert!(by_id(CLEAN)["report"]["findings"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!by_id(DRIFTED)["report"]["findings"]
        .as_array()
        .unwrap()
        .is_empty());
    // Every finding names its account; every gap too.
    for a in v["accounts"].as_array().unwrap() {
        for f in a["report"]["findings"].as_array().unwrap() {
            assert_eq!(f["resource"]["account_id"], a["account_id"]);
        }
        for g in a["report"]["gaps"].as_array().unwrap() {
            assert_eq!(g["account_id"], a["account_id"]);
        }
    }
    // The unreadable account never passes a rule.
    let broken = by_id(UNREADABLE);
    assert_eq!(broken["status"], "unreadable");
    assert!(broken["error"].as_str().unwrap().contains("AccessDenied"));
    let rules = broken["report"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| r["status"] == "not_evaluated"),
        "{rules:?}"
    );
    assert_eq!(broken["report"]["summary"]["complete"], false);
    // Findings at or above --fail-on win over the gap.
    let out = scan_dir(dir.path(), &[], &report);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn shards_merged_equal_the_unsharded_run_and_a_lost_shard_is_refused() {
    let dir = inventories();
    let out_dir = tempfile::tempdir().unwrap();
    let whole = out_dir.path().join("whole.json");
    scan_dir(dir.path(), &["--fail-on", "never"], &whole);
    let whole = json_of(&whole);
    for n in [1u32, 3, 4] {
        let mut files: Vec<PathBuf> = Vec::new();
        for i in 1..=n {
            let f = out_dir.path().join(format!("s{i}of{n}.json"));
            let shard = format!("{i}/{n}");
            let out = scan_dir(dir.path(), &["--shard", &shard, "--fail-on", "never"], &f);
            assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
            files.push(f);
        }
        let merged = out_dir.path().join(format!("merged{n}.json"));
        let mut args = vec![
            "merge".to_owned(),
            "--fail-on".into(),
            "never".into(),
            "--format".into(),
            "json".into(),
            "-o".into(),
            merged.display().to_string(),
        ];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let out = archaudit().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let merged = json_of(&merged);
        assert_eq!(
            support::org_comparable(&merged),
            support::org_comparable(&whole),
            "n = {n}"
        );
        assert_eq!(merged["summary"], whole["summary"], "n = {n}");
        assert_eq!(merged["run"]["accounts"], whole["run"]["accounts"]);
        assert_eq!(
            merged["run"]["shards"].as_array().unwrap().len(),
            n as usize
        );
        if n == 4 {
            // A shard missing, a shard twice, a shard of another run: refused, named.
            let f = |i: usize| files[i].display().to_string();
            let missing = run(&["merge", &f(0), &f(1), &f(3)]);
            assert_eq!(missing.status.code(), Some(3));
            assert!(
                stderr(&missing).contains("shard 3/4 of the run is missing"),
                "{}",
                stderr(&missing)
            );
            // The error names the file of every shard given.
            assert!(
                stderr(&missing).contains(&format!("1/4 in {}", f(0))),
                "{}",
                stderr(&missing)
            );
            let twice = run(&["merge", &f(0), &f(1), &f(1), &f(2), &f(3)]);
            assert_eq!(twice.status.code(), Some(3));
            assert!(
                stderr(&twice).contains("shard 2/4 is given twice"),
                "{}",
                stderr(&twice)
            );
            let other = out_dir.path().join("s1of3.json").display().to_string();
            let foreign = run(&["merge", &f(0), &other]);
            assert_eq!(foreign.status.code(), Some(3));
            assert!(
                stderr(&foreign).contains("shards of different runs"),
                "{}",
                stderr(&foreign)
            );
            let single = support::root()
                .join("tests/snapshots")
                .display()
                .to_string();
            let not_org = run(&["merge", &f(0), &single]);
            assert_eq!(not_org.status.code(), Some(3));
        }
    }
}

#[test]
fn bad_shard_specs_and_accounts_files_are_refused_before_any_call() {
    let dir = inventories();
    for bad in ["5/4", "0/0", "2", "a/b"] {
        let out = run(&[
            "scan",
            "--inventory",
            dir.path().to_str().unwrap(),
            "--shard",
            bad,
        ]);
        assert_eq!(out.status.code(), Some(3), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains("--shard"), "{}", stderr(&out));
    }
    let accounts = dir.path().join("accounts.toml");
    std::fs::write(&accounts, "[[account]]\nid = \"12345\"\n").unwrap();
    // No endpoint listens: the file is refused before any connection is tried.
    let out = run(&[
        "scan",
        "--accounts",
        accounts.to_str().unwrap(),
        "--endpoint-url",
        "http://127.0.0.1:1",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let want = format!(
        "invalid accounts file {}:2:1: account id `12345` is not twelve digits",
        accounts.display()
    );
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    let out = run(&[
        "scan",
        "--account",
        "nope",
        "--endpoint-url",
        "http://127.0.0.1:1",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("`nope` is not an account id"),
        "{}",
        stderr(&out)
    );
    // Flags of runs over many accounts are refused on one account, not ignored: --concurrency
    // counted calls in flight before it counted accounts.
    let fixture = support::root().join("fixtures/reference.json");
    for (cmd, flag, value) in [
        ("scan", "--concurrency", "8"),
        ("scan", "--role-name", "r"),
        ("collect", "--concurrency", "8"),
    ] {
        let mut args = vec![cmd, flag, value];
        if cmd == "scan" {
            args.extend(["--inventory", fixture.to_str().unwrap()]);
        } else {
            args.extend(["--endpoint-url", "http://127.0.0.1:1"]);
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(
            stderr(&out).contains(&format!("{flag} applies to runs over many accounts")),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn whole_outputs_of_a_run() {
    let dir = inventories();
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("org.sarif");
    let out = run(&[
        "scan",
        "--inventory",
        dir.path().to_str().unwrap(),
        "--fail-on",
        "never",
        "--sarif",
        sarif.to_str().unwrap(),
        "--format",
        "table",
    ]);
    let table =
        String::from_utf8_lossy(&out.stdout).replace(&dir.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("org_table", table);
    let out = run(&[
        "scan",
        "--inventory",
        dir.path().to_str().unwrap(),
        "--fail-on",
        "never",
        "--format",
        "markdown",
    ]);
    let md =
        String::from_utf8_lossy(&out.stdout).replace(&dir.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("org_markdown", md);
    // One SARIF run per account, each in its own category, valid for GitHub.
    let v = json_of(&sarif);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let categories: std::collections::BTreeSet<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(categories.len(), 4, "{categories:?}");
    assert!(categories.contains(format!("archaudit/{UNREADABLE}/us-east-1/").as_str()));
    let broken = runs
        .iter()
        .find(|r| {
            r["automationDetails"]["id"]
                .as_str()
                .unwrap()
                .contains(UNREADABLE)
        })
        .unwrap();
    assert_eq!(broken["invocations"][0]["executionSuccessful"], false);
    let problems = support::sarif_problems(&[sarif]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_account_unreadable_tonight_carries_last_nights_findings_and_keeps_its_alerts() {
    let last_dir = inventories();
    let out_dir = tempfile::tempdir().unwrap();
    let last = out_dir.path().join("last.json");
    scan_dir(last_dir.path(), &["--fail-on", "never"], &last);
    let last_v = json_of(&last);
    let of = |v: &Value, id: &str| {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == id)
            .unwrap()
            .clone()
    };
    let fingerprints = |entry: &Value| -> std::collections::BTreeSet<String> {
        entry["report"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = fingerprints(&of(&last_v, DRIFTED));
    assert!(!before.is_empty());
    // Tonight the drifted account's role cannot be assumed.
    let tonight_dir = inventories();
    std::fs::write(
        tonight_dir.path().join(format!("{DRIFTED}.json")),
        unreadable(DRIFTED),
    )
    .unwrap();
    let tonight = out_dir.path().join("tonight.json");
    let sarif = out_dir.path().join("tonight.sarif");
    let out = scan_dir(
        tonight_dir.path(),
        &[
            "--fail-on",
            "never",
            "--baseline",
            last.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
        ],
        &tonight,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_of(&tonight);
    let entry = of(&v, DRIFTED);
    assert_eq!(entry["status"], "unreadable");
    // Every finding of last night is still there, marked carried over, none resolved.
    assert_eq!(fingerprints(&entry), before);
    for f in entry["report"]["findings"].as_array().unwrap() {
        assert!(f["carried_over"].is_string(), "{f}");
    }
    assert_eq!(entry["report"]["baseline"]["carried_over"], before.len());
    assert_eq!(
        entry["report"]["baseline"]["resolved"],
        serde_json::json!([])
    );
    // The other accounts are untouched by it.
    assert_eq!(
        fingerprints(&of(&v, CLEAN)),
        fingerprints(&of(&last_v, CLEAN))
    );
    // Its SARIF run (its own category) holds every one of them as a result, so GitHub keeps
    // the alerts open instead of closing them.
    let log = json_of(&sarif);
    let run = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["automationDetails"]["id"]
                .as_str()
                .is_some_and(|c| c.contains(DRIFTED))
        })
        .expect("a SARIF run for the unreadable account");
    let results: std::collections::BTreeSet<String> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(before.is_subset(&results), "{before:?} vs {results:?}");
}

#[test]
fn account_over_a_directory_of_inventories_selects_or_is_refused_never_ignored() {
    let dir = inventories();
    let tmp = tempfile::tempdir().unwrap();
    let out_file = tmp.path().join("r.json");
    let out = scan_dir(dir.path(), &["--account", DRIFTED], &out_file);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&out_file);
    let accounts: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, vec![DRIFTED]);
    assert_eq!(report["run"]["accounts"], serde_json::json!([DRIFTED]));
    // An account without an inventory there, a malformed id, a single inventory file, and the
    // flags that list accounts to collect live: refused, naming what is wrong.
    let fixture = support::root().join("fixtures/reference.json");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["--account", "999999999999"],
            "holds no inventory of it",
        ),
        (vec!["--account", "nope"], "`nope` is not an account id"),
        (
            vec!["--accounts", "a.toml"],
            "--org and --accounts list accounts",
        ),
        (vec!["--org"], "--org and --accounts list accounts"),
    ];
    for (extra, expected) in cases {
        let out = scan_dir(dir.path(), &extra, &out_file);
        assert_eq!(out.status.code(), Some(3), "{extra:?}");
        assert!(
            stderr(&out).contains(expected),
            "{extra:?}: {}",
            stderr(&out)
        );
    }
    let out = run(&[
        "scan",
        "--inventory",
        fixture.to_str().unwrap(),
        "--account",
        CLEAN,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("is one account's inventory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_indexed_jobs_pod_takes_its_shard_from_its_completion_index() {
    let dir = inventories();
    let out_dir = tempfile::tempdir().unwrap();
    let by_number = out_dir.path().join("2of4.json");
    scan_dir(
        dir.path(),
        &["--shard", "2/4", "--fail-on", "never"],
        &by_number,
    );
    let by_index = out_dir.path().join("job.json");
    let args = [
        "scan",
        "--inventory",
        dir.path().to_str().unwrap(),
        "--shard",
        "job/4",
        "--fail-on",
        "never",
        "--format",
        "json",
        "-o",
        by_index.to_str().unwrap(),
    ];
    let out = archaudit()
        .args(args)
        .env("JOB_COMPLETION_INDEX", "1")
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
    let (a, b) = (json_of(&by_number), json_of(&by_index));
    assert_eq!(a["run"]["shards"], b["run"]["shards"]);
    assert_eq!(support::org_comparable(&a), support::org_comparable(&b));
    // Outside such a pod, or past the last shard: refused, saying why.
    for (index, why) in [
        (None, "JOB_COMPLETION_INDEX is not set"),
        (Some("4"), "between 1 and 4"),
    ] {
        let mut cmd = archaudit();
        cmd.args(args).env_remove("JOB_COMPLETION_INDEX");
        if let Some(i) = index {
            cmd.env("JOB_COMPLETION_INDEX", i);
        }
        let out = cmd.output().unwrap();
        assert_ne!(out.status.code(), Some(0));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
    }
}
