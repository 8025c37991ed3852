//! Saved plans as untrusted input: what is refused when read, and what is refused when the
//! plan is made again from the same account.

use serde_json::{json, Value};

use super::*;
use crate::config::Config;
use crate::fix::plan::planned_fixture;
use crate::fix::{Action, Step};

fn spec() -> Architecture {
    Config::default_config().architecture
}

/// The plan of fixture `name` as `fix --plan-out` writes it.
fn written_of(name: &str) -> (Inventory, Report, Plan, Value) {
    let (inventory, report, plan) = planned_fixture(name);
    let value = serde_json::to_value(&plan).unwrap();
    (inventory, report, plan, value)
}

/// The drifted fixture's plan as `fix --plan-out` writes it.
fn written() -> (Inventory, Report, Plan, Value) {
    let (inventory, report, plan) = planned_fixture("drifted.json");
    let value = serde_json::to_value(&plan).unwrap();
    (inventory, report, plan, value)
}

fn save(dir: &tempfile::TempDir, value: &Value) -> std::path::PathBuf {
    let path = dir.path().join("plan.json");
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

/// The index of the first `fix` entry whose first step is `action`.
fn entry_of(v: &Value, action: &str) -> usize {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["steps"][0]["action"] == action)
        .unwrap_or_else(|| panic!("no {action} step in the drifted plan"))
}

#[test]
fn a_written_plan_reads_back_equal_with_one_digest_whatever_its_spacing() {
    let (_, _, plan, value) = written();
    let dir = tempfile::tempdir().unwrap();
    let saved = load(&save(&dir, &value), &spec()).unwrap();
    assert_eq!(saved.plan, plan);
    assert_eq!(saved.digest, digest(&plan));
    assert!(saved.digest.starts_with("sha256:") && saved.digest.len() == 71);
    // Compact, keys in another order: the same plan, the same digest.
    let path = dir.path().join("compact.json");
    std::fs::write(&path, value.to_string()).unwrap();
    assert_eq!(load(&path, &spec()).unwrap().digest, saved.digest);
    assert!(check_digest(&saved, &saved.digest.to_uppercase()).is_ok());
    // Any change to what it asks changes the digest.
    let mut other = plan.clone();
    other.entries.pop();
    assert_ne!(digest(&other), saved.digest);
    let e = check_digest(&saved, &digest(&other)).unwrap_err();
    assert!(
        e.to_string().contains("changed since it was reviewed"),
        "{e}"
    );
}

/// `step` with its action edited and its texts rendered again from the action, so that only
/// a check of the values can tell.
fn rerendered(step: &mut Value, edit: impl Fn(&mut Action)) {
    let mut s: Step = serde_json::from_value(step.clone()).unwrap();
    edit(&mut s.action);
    *step = serde_json::to_value(Step::new(s.action, s.region)).unwrap();
}

type Edit = Box<dyn Fn(&mut Value)>;

/// Edits of one step: (name, fixture, edit, what the refusal says).
fn step_edits(https: String) -> Vec<(&'static str, &'static str, Edit, &'static str)> {
    let drifted = "drifted.json";
    let single = "drift/single_task.json";
    let retention = |v: &Value| entry_of(v, "put_retention");
    let count = |v: &Value| entry_of(v, "set_desired_count");
    let counted = |n: i32| -> Edit {
        Box::new(move |v: &mut Value| {
            let i = count(v);
            rerendered(&mut v["entries"][i]["steps"][0], |a| {
                if let Action::SetDesiredCount { count, .. } = a {
                    *count = n;
                }
            })
        })
    };
    vec![
        (
            "retargeted to another action, the text kept",
            drifted,
            Box::new(move |v: &mut Value| {
                let i = retention(v);
                let s = &mut v["entries"][i]["steps"][0];
                let text = s["api_call"].clone();
                let other = Action::DeleteListener {
                    listener_arn: https.clone(),
                };
                *s = serde_json::to_value(Step::new(other, "us-east-1".into())).unwrap();
                s["api_call"] = text;
            }),
            "is not what its action sends",
        ),
        (
            "a text edited",
            drifted,
            Box::new(move |v: &mut Value| {
                let i = retention(v);
                v["entries"][i]["steps"][0]["cli"] = json!("aws s3 rb s3://x --force");
            }),
            "`cli` is not what its action sends",
        ),
        (
            "a desired count of 100000",
            single,
            counted(100_000),
            "desired count 100000 is outside",
        ),
        (
            "a negative desired count",
            single,
            counted(-1),
            "desired count -1 is outside",
        ),
        (
            "a desired count edited, texts not",
            single,
            Box::new(move |v: &mut Value| {
                let i = count(v);
                v["entries"][i]["steps"][0]["count"] = json!(-1);
            }),
            "`api_call` is not what its action sends",
        ),
        (
            "a retention of 99999 days",
            drifted,
            Box::new(move |v: &mut Value| {
                let i = retention(v);
                rerendered(&mut v["entries"][i]["steps"][0], |a| {
                    if let Action::PutRetention { days, .. } = a {
                        *days = 99_999;
                    }
                })
            }),
            "not a value CloudWatch Logs accepts",
        ),
    ]
}

/// Edits of the plan's shape: (name, fixture, edit, what the refusal says).
fn shape_edits() -> Vec<(&'static str, &'static str, Edit, &'static str)> {
    let retention = |v: &Value| entry_of(v, "put_retention");
    vec![
        (
            "an unknown key in a step",
            "drifted.json",
            Box::new(move |v: &mut Value| {
                let i = retention(v);
                v["entries"][i]["steps"][0]["force"] = json!(true);
            }),
            "unknown field `force`",
        ),
        (
            "an entry given twice",
            "drifted.json",
            Box::new(move |v: &mut Value| {
                let e = v["entries"][retention(v)].clone();
                v["entries"].as_array_mut().unwrap().push(e);
            }),
            "the same finding as entry",
        ),
        (
            "a version that is a string",
            "drifted.json",
            Box::new(|v: &mut Value| {
                v["version"] = json!("1");
            }),
            "`version` is a string",
        ),
        (
            "a fix entry without steps",
            "drifted.json",
            Box::new(move |v: &mut Value| {
                let i = retention(v);
                v["entries"][i]["steps"] = json!([]);
            }),
            "has steps and no `manual` part",
        ),
    ]
}

#[test]
fn a_tampered_step_is_refused_when_read_naming_the_entry_and_its_position() {
    let (_, _, _, value) = written();
    let https = value["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| {
            e["resource"]["arn"]
                .as_str()
                .filter(|a| a.contains(":listener/"))
        })
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    for (name, fixture, edit, expected) in step_edits(https).into_iter().chain(shape_edits()) {
        let mut v = written_of(fixture).3;
        edit(&mut v);
        let path = save(&dir, &v);
        let e = load(&path, &spec()).expect_err(name).to_string();
        assert!(e.contains(expected), "{name}: {e}");
        let located = format!("{}:", path.display());
        assert!(
            e.starts_with(&located) && e[located.len()..].starts_with(|c: char| c.is_ascii_digit()),
            "{name}: not located: {e}"
        );
    }
}

#[test]
fn planned_again_from_the_same_account_a_plan_equals_itself() {
    let (inventory, report, plan, value) = written();
    let dir = tempfile::tempdir().unwrap();
    let saved = load(&save(&dir, &value), &spec()).unwrap();
    let now = replan(&saved, &report, &inventory, &spec()).unwrap();
    assert_eq!(now.entries, plan.entries);
}

#[test]
fn a_well_formed_entry_that_is_not_what_archaudit_plans_now_is_refused() {
    let (inventory, report, _, value) = written();
    let retention = entry_of(&value, "put_retention");
    let redirect = entry_of(&value, "set_https_redirect");
    let (ssh_inventory, ssh_report, _, ssh) = written_of("drift/ssh_open_to_world.json");
    let revoke = entry_of(&ssh, "revoke_ingress");
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "another documented retention",
            Box::new(move |v| {
                rerendered(&mut v["entries"][retention]["steps"][0], |a| {
                    if let Action::PutRetention { days, .. } = a {
                        *days = if *days == 365 { 90 } else { 365 };
                    }
                })
            }),
            "archaudit plans `logs:PutRetentionPolicy",
        ),
        (
            "the fingerprint of another finding",
            Box::new(move |v| {
                let other = v["entries"][redirect]["fingerprint"].clone();
                v["entries"][retention]["fingerprint"] = other;
                v["entries"].as_array_mut().unwrap().remove(redirect);
            }),
            "but that finding is about",
        ),
        (
            "a revoke of another rule of the group",
            Box::new(move |v| {
                rerendered(&mut v["entries"][revoke]["steps"][0], |a| {
                    if let Action::RevokeIngress { rule_id, .. } = a {
                        *rule_id = "sgr-0123456789abcdef0".into();
                    }
                })
            }),
            "step 1 is `ec2:RevokeSecurityGroupIngress",
        ),
        (
            "another component",
            Box::new(move |v| {
                v["entries"][redirect]["component"] = "services.app".into();
            }),
            "it names component services.app, but that finding is of load_balancers.public",
        ),
        (
            "a step added",
            Box::new(move |v| {
                let extra = v["entries"][redirect]["steps"][0].clone();
                v["entries"][retention]["steps"]
                    .as_array_mut()
                    .unwrap()
                    .push(extra);
            }),
            "it has 2 step(s); archaudit plans 1 now",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, edit, expected) in cases {
        let ssh_case = name.contains("revoke");
        let mut v = if ssh_case { ssh.clone() } else { value.clone() };
        edit(&mut v);
        let path = save(&dir, &v);
        let saved = load(&path, &spec()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (report, inventory) = if ssh_case {
            (&ssh_report, &ssh_inventory)
        } else {
            (&report, &inventory)
        };
        let refused = replan(&saved, report, inventory, &spec()).expect_err(name);
        assert_eq!(refused.len(), 1, "{name}: {refused:?}");
        assert!(refused[0].contains(expected), "{name}: {}", refused[0]);
        assert!(
            refused[0].starts_with(&format!("{}:", path.display()))
                && refused[0].contains(": entry "),
            "{name}: {}",
            refused[0]
        );
    }
}
