//! An organization on the emulator: ten member accounts (and a suspended one) under the
//! management account, each with the reference architecture, scanned in two regions; three
//! members drifted, one whose role cannot be assumed (AccessDenied injected by the fault
//! proxy). Per-account findings, the broken account a gap of its own (exit 2), nothing else
//! affected; shards n = 1, 3, 4 merged equal the unsharded run; SARIF valid, one run each.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{archaudit, Helper, Moto};

const REGIONS: &str = "us-east-1,eu-west-1";

/// The drifts given to the first three members, and the policies each must produce.
const DRIFTED: &[(&str, &[&str])] = &[
    ("ssh_open", &["AA-SG-002", "AA-SG-003"]),
    ("log_retention_removed", &["AA-MON-002"]),
    ("weak_tls", &["AA-LB-002"]),
];

struct Org {
    /// Member accounts, in creation order.
    members: Vec<String>,
    /// The member whose role cannot be assumed.
    broken: String,
    /// The suspended member.
    suspended: String,
}

fn provision(moto: &Moto) -> Org {
    let members = moto.organization(11);
    let mut steps: Vec<String> = members[..10]
        .iter()
        .map(|m| format!("in:{m}:reference"))
        .collect();
    for (m, (drift, _)) in members.iter().zip(DRIFTED) {
        steps.push(format!("in:{m}:drift:{drift}"));
    }
    steps.push(format!("suspend:{}", members[10]));
    moto.provision_steps(&steps);
    Org {
        broken: members[9].clone(),
        suspended: members[10].clone(),
        members: members[..10].to_vec(),
    }
}

/// The fault proxy denying AssumeRole into `account` (the request body names the role ARN,
/// URL-encoded).
fn denying(moto: &Moto, account: &str) -> Helper {
    let rule = format!("RoleArn=arn%3Aaws%3Aiam%3A%3A{account}%3A=query:AccessDenied:403");
    Helper::start("tests/moto/faults.py", &[moto.url(), &rule], &[])
}

fn scan(url: &str, extra: &[&str], out: &Path) -> Output {
    let mut args = vec![
        "scan",
        "--org",
        "--region",
        REGIONS,
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    archaudit(url).args(&args).output().unwrap()
}

fn json_of(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Each account's findings (policy ids), its status and whether it is complete.
fn per_account(v: &Value) -> BTreeMap<String, (BTreeSet<String>, String, bool)> {
    v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let ids = a["report"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["policy_id"].as_str().unwrap().to_owned())
                .collect();
            let status = a["status"].as_str().unwrap().to_owned();
            let complete = a["report"]["summary"]["complete"].as_bool().unwrap();
            (
                a["account_id"].as_str().unwrap().to_owned(),
                (ids, status, complete),
            )
        })
        .collect()
}

/// A readable account's only gap is the emulator's (S3 Control cannot be reached through an
/// IP endpoint), and the only rule it blinds is the state bucket's public-access rule.
fn only_the_emulators_gap(entry: &Value) {
    let r = &entry["report"];
    for g in r["gaps"].as_array().unwrap() {
        assert_eq!(
            g["code"], "UnsupportedWithEndpointOverride",
            "{}: {g}",
            entry["account_id"]
        );
    }
    let blind = support::rules_with_status(r, "not_evaluated");
    assert_eq!(blind, vec!["AA-S3-002"], "{}", entry["account_id"]);
}

#[test]
fn an_organization_is_scanned_per_account_and_the_broken_account_is_a_gap() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let org = provision(moto);
    let proxy = denying(moto, &org.broken);
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    let out = scan(
        &proxy.url,
        &[
            "--fail-on",
            "never",
            "--concurrency",
            "3",
            "--sarif",
            dir.path().join("org.sarif").to_str().unwrap(),
        ],
        &whole,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_of(&whole);
    // The management account and the ten active members; the suspended one listed, skipped.
    let accounts = per_account(&v);
    assert_eq!(accounts.len(), 11, "{accounts:?}");
    assert_eq!(v["run"]["skipped"][0]["id"], org.suspended.as_str());
    assert_eq!(v["run"]["skipped"][0]["status"], "SUSPENDED");
    for (i, m) in org.members.iter().enumerate() {
        let (ids, status, complete) = &accounts[m];
        if *m == org.broken {
            assert_eq!(status, "unreadable");
            assert!(ids.is_empty() && !complete);
            continue;
        }
        let want: BTreeSet<String> = DRIFTED
            .get(i)
            .map(|(_, p)| p.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default();
        let entry = v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == m.as_str())
            .unwrap();
        assert_eq!(ids, &want, "member {i} ({m})");
        assert_eq!(status, "scanned");
        assert!(!complete, "the emulator never serves S3 Control");
        only_the_emulators_gap(entry);
    }
    let broken = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == org.broken.as_str())
        .unwrap();
    assert!(
        broken["error"].as_str().unwrap().contains("AccessDenied"),
        "{broken}"
    );
    assert!(broken["report"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "not_evaluated"));
    // Both regions of every readable account were collected.
    for a in v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == "scanned")
    {
        assert_eq!(
            a["report"]["regions"],
            serde_json::json!(["eu-west-1", "us-east-1"])
        );
    }
    // SARIF: one run per account, categories apart, valid for GitHub.
    let sarif = json_of(&dir.path().join("org.sarif"));
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 11);
    let problems = support::sarif_problems(&[dir.path().join("org.sarif")]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Shards n = 1, 3, 4 merged equal the unsharded run.
    for n in [1u32, 3, 4] {
        let mut files: Vec<PathBuf> = Vec::new();
        for i in 1..=n {
            let f = dir.path().join(format!("s{i}of{n}.json"));
            let shard = format!("{i}/{n}");
            let out = scan(&proxy.url, &["--fail-on", "never", "--shard", &shard], &f);
            assert!(matches!(out.status.code(), Some(0 | 2)), "{}", stderr(&out));
            files.push(f);
        }
        let merged = dir.path().join(format!("merged{n}.json"));
        let mut args: Vec<String> = vec![
            "merge".into(),
            "--fail-on".into(),
            "never".into(),
            "--format".into(),
            "json".into(),
            "-o".into(),
            merged.display().to_string(),
        ];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let out = archaudit(&proxy.url).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let m = json_of(&merged);
        assert_eq!(
            support::org_comparable(&m),
            support::org_comparable(&v),
            "n = {n}"
        );
        assert_eq!(m["summary"], v["summary"], "n = {n}");
    }

    // Collected to a directory (the broken account as an inventory of gaps) and judged
    // offline: the same accounts, the same judgments, the broken one still unreadable.
    let inventories = dir.path().join("inventories");
    let out = archaudit(&proxy.url)
        .args([
            "collect",
            "--org",
            "--region",
            REGIONS,
            "-o",
            inventories.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("AccessDenied"), "{}", stderr(&out));
    let offline = dir.path().join("offline.json");
    let out = archaudit(&proxy.url)
        .args([
            "scan",
            "--inventory",
            inventories.to_str().unwrap(),
            "--fail-on",
            "never",
            "--format",
            "json",
            "-o",
        ])
        .arg(&offline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let o = json_of(&offline);
    let names = |v: &Value| -> Vec<(String, String)> {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["account_id"].as_str().unwrap().to_owned(),
                    a["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(names(&o), names(&v));
    let findings = |v: &Value| -> Vec<Value> {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["report"]["findings"].clone())
            .collect()
    };
    assert_eq!(findings(&o), findings(&v));
    drop(proxy);
}

#[test]
fn a_disabled_region_and_a_throttled_service_are_gaps_of_their_accounts_never_passes() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let members = moto.organization(2);
    let steps: Vec<String> = members
        .iter()
        .map(|m| format!("in:{m}:reference"))
        .collect();
    moto.provision_steps(&steps);
    // eu-west-1 is not enabled (every EC2 call there refused), and CloudWatch throttles every
    // call until the retries run out.
    let proxy = Helper::start(
        "tests/moto/faults.py",
        &[
            moto.url(),
            "/eu-west-1/ec2/=ec2:OptInRequired:401",
            "/us-east-1/monitoring/=throttle",
        ],
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let out = scan(
        &proxy.url,
        &["--fail-on", "never", "--max-attempts", "2"],
        &report,
    );
    drop(proxy);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_of(&report);
    assert_eq!(v["summary"]["accounts"], 3);
    for a in v["accounts"].as_array().unwrap() {
        let r = &a["report"];
        assert_eq!(a["status"], "scanned", "the account was read, in part");
        assert_eq!(r["summary"]["complete"], false, "{}", a["account_id"]);
        let gaps = r["gaps"].as_array().unwrap();
        assert!(
            gaps.iter()
                .any(|g| g["region"] == "eu-west-1" && g["code"] == "OptInRequired"),
            "{gaps:?}"
        );
        assert!(
            gaps.iter().any(|g| g["service"] == "cloudwatch"),
            "{gaps:?}"
        );
        assert!(gaps.iter().all(|g| g["account_id"] == a["account_id"]));
        // The alarms rule reads what was throttled out: not evaluated, never passed.
        let alarms = r["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "AA-MON-001")
            .unwrap();
        assert_eq!(alarms["status"], "not_evaluated", "{alarms}");
    }
}

/// An accounts file gives one account its own archaudit.toml, and that file may be an
/// environment overlay: the account is judged by the merged spec (its overlay raises the
/// documented task count), and its finding points at the overlay's line; the other account,
/// without a config of its own, is judged by the run's.
#[test]
fn an_accounts_own_config_may_be_an_overlay() {
    let moto = Moto::get();
    let _guard = moto.lock();
    let members = moto.organization(2);
    let steps: Vec<String> = members
        .iter()
        .map(|m| format!("in:{m}:reference"))
        .collect();
    moto.provision_steps(&steps);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.toml"),
        archaudit::config::DEFAULT_TOML,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("prod.toml"),
        "extends = \"base.toml\"\n\n[architecture.services.app]\nmin_desired_count = 3\n",
    )
    .unwrap();
    let accounts = dir.path().join("accounts.toml");
    std::fs::write(
        &accounts,
        format!(
            "[[account]]\nid = \"{}\"\nconfig = \"prod.toml\"\n\n[[account]]\nid = \"{}\"\n",
            members[0], members[1]
        ),
    )
    .unwrap();
    let out_file = dir.path().join("r.json");
    let out = archaudit(moto.url())
        .args([
            "scan",
            "--accounts",
            accounts.to_str().unwrap(),
            "--region",
            "us-east-1",
        ])
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            "-o",
            out_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let v = json_of(&out_file);
    let accounts = per_account(&v);
    assert_eq!(
        accounts[&members[0]].0,
        BTreeSet::from(["AA-ECS-002".to_owned()])
    );
    assert!(
        accounts[&members[1]].0.is_empty(),
        "{:?}",
        accounts[&members[1]]
    );
    let prod = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account_id"] == members[0].as_str())
        .unwrap();
    let location = &prod["report"]["findings"][0]["location"];
    assert!(
        location["file"].as_str().unwrap().ends_with("prod.toml"),
        "{location}"
    );
    assert_eq!(location["line"], 4);
}
