//! Least privilege, proven on the emulator with IAM enforcement on (moto's
//! `INITIAL_NO_AUTH_ACTION_COUNT`): a user holding only permissions/archaudit-readonly.json
//! collects the reference architecture completely, apart from what the emulator itself
//! cannot serve; a user holding the read-only and the fix policies fixes a drift.
//!
//! Moto checks three calls against other action names than AWS does (its S3 action map sends
//! `?encryption` and `?publicAccessBlock` to `s3:ListBucket`, and CloudWatch is checked as
//! `monitoring:DescribeAlarms`), so with the exact read-only policy those three are denied;
//! tests/moto/moto-action-aliases.json grants those three emulator names and nothing else, and
//! with it the collection is complete and equal to an administrator's.

mod support;

use serde_json::Value;
use support::{python, root, Helper};

struct Key {
    id: String,
    secret: String,
}

fn provision(url: &str, key: Option<&Key>, steps: &[&str]) -> Value {
    let mut cmd = std::process::Command::new(python());
    cmd.arg(root().join("tests/moto/provision.py"))
        .arg(url)
        .args(steps);
    if let Some(k) = key {
        cmd.env("PROVISION_ACCESS_KEY_ID", &k.id)
            .env("PROVISION_SECRET_ACCESS_KEY", &k.secret);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "provision {steps:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn key(out: &Value, name: &str) -> Key {
    let p = &out["principals"][name];
    Key {
        id: p["id"].as_str().unwrap().to_owned(),
        secret: p["secret"].as_str().unwrap().to_owned(),
    }
}

fn as_user(url: &str, key: &Key) -> assert_cmd::Command {
    let mut cmd = support::archaudit(url);
    cmd.env("AWS_ACCESS_KEY_ID", &key.id)
        .env("AWS_SECRET_ACCESS_KEY", &key.secret);
    cmd
}

fn collect(url: &str, key: &Key) -> Value {
    let out = as_user(url, key).arg("collect").output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn gaps(inventory: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = inventory["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["service"].as_str().unwrap().to_owned(),
                g["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_read_only_and_fix_policies_are_enough_under_iam_enforcement() {
    // Three unauthenticated calls create the administrator; every call after is checked.
    let moto = Helper::start(
        "tests/moto/server.py",
        &[],
        &[
            ("MOTO_IAM_LOAD_MANAGED_POLICIES", "true"),
            ("INITIAL_NO_AUTH_ACTION_COUNT", "3"),
        ],
    );
    let admin = key(
        &provision(
            &moto.url,
            None,
            &["principal:admin:tests/moto/admin-policy.json"],
        ),
        "admin",
    );
    let out = provision(
        &moto.url,
        Some(&admin),
        &[
            "reference",
            "principal:reader:permissions/archaudit-readonly.json",
            "principal:reader_on_moto:permissions/archaudit-readonly.json+tests/moto/moto-action-aliases.json",
            "principal:fixer:permissions/archaudit-readonly.json+permissions/archaudit-fix.json+tests/moto/moto-action-aliases.json",
        ],
    );
    let s3control = ("s3".to_owned(), "s3control:GetPublicAccessBlock".to_owned());

    // The exact read-only policy: only the calls moto checks under other names are denied.
    let exact = collect(&moto.url, &key(&out, "reader"));
    let allowed_by_moto_quirk = [
        ("cloudwatch", "DescribeAlarms"),
        ("s3", "GetBucketEncryption"),
        ("s3", "GetPublicAccessBlock"),
        ("s3", "s3control:GetPublicAccessBlock"),
    ];
    for g in gaps(&exact) {
        assert!(
            allowed_by_moto_quirk
                .iter()
                .any(|(s, o)| g.0 == *s && g.1 == *o),
            "denied beyond the emulator's quirks: {g:?}"
        );
    }

    // With the emulator's names for those three: complete, and the same as the administrator's.
    let reader = collect(&moto.url, &key(&out, "reader_on_moto"));
    assert_eq!(gaps(&reader), vec![s3control.clone()]);
    let full = collect(&moto.url, &admin);
    assert_eq!(reader["aws"], full["aws"]);

    // The fix policy: a console drift fixed and verified by a user holding only it.
    provision(&moto.url, Some(&admin), &["drift:ssh_open"]);
    let fixer = key(&out, "fixer");
    let run = as_user(&moto.url, &fixer)
        .args(["fix", "--apply", "--yes", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let v: Value = serde_json::from_slice(&run.stdout).unwrap();
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["status"], "verified", "{r}");
    }
}
