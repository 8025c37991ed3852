//! `permissions/archaudit-readonly.json` grants exactly the IAM actions the collectors call.
//!
//! The operations are read from the collectors' source (every `ctx.call("Op", …)`,
//! `ctx.next_page("Op", …)` and `list_all!(ctx, "Op", …)`), mapped to IAM actions, and
//! compared with the policy both ways: nothing missing, nothing extra.

use std::collections::BTreeSet;

mod support;

/// Collector file → IAM service prefix.
const PREFIXES: &[(&str, &str)] = &[
    ("acm.rs", "acm"),
    ("rds.rs", "rds"),
    ("autoscaling.rs", "application-autoscaling"),
    ("cloudwatch.rs", "cloudwatch"),
    ("ec2.rs", "ec2"),
    ("ecr.rs", "ecr"),
    ("ecs.rs", "ecs"),
    ("elbv2.rs", "elasticloadbalancing"),
    ("iam.rs", "iam"),
    ("logs.rs", "logs"),
    ("s3.rs", "s3"),
    ("secretsmanager.rs", "secretsmanager"),
];

/// Operations whose IAM action is not `<prefix>:<operation>`.
const RENAMED: &[(&str, &str)] = &[
    ("s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    (
        "s3:s3control:GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
    ),
];

/// Calls made outside a collector context: `--region all` lists regions. (`sts:GetCallerIdentity`
/// needs no permission, and is therefore not in the policy.)
const OTHER: &[&str] = &["ec2:DescribeRegions"];

#[test]
fn readonly_policy_matches_the_calls_the_collectors_make() {
    let call = regex::Regex::new(
        r#"(?:\.call\(|next_page\(|list_all!\(\s*ctx,\s*|OPERATION: &str = )\s*"([A-Za-z0-9:]+)""#,
    )
    .unwrap();
    let mut used: BTreeSet<String> = OTHER.iter().map(|s| (*s).to_owned()).collect();
    for (file, prefix) in PREFIXES {
        // A collector is `<svc>.rs`, or a directory `<svc>/` of files (mappings, tests).
        let path = support::root().join("src/collect").join(file);
        let dir = path.with_extension("");
        let source = if dir.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            files
                .iter()
                .map(|f| std::fs::read_to_string(f).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        let ops: Vec<String> = call
            .captures_iter(&source)
            .map(|c| c[1].to_owned())
            .collect();
        assert!(
            !ops.is_empty(),
            "no calls found in {file}: has the call syntax changed?"
        );
        for op in ops {
            let action = format!("{prefix}:{op}");
            let action = RENAMED
                .iter()
                .find(|(from, _)| *from == action)
                .map(|(_, to)| (*to).to_owned())
                .unwrap_or(action);
            used.insert(action);
        }
    }
    let granted = granted("permissions/archaudit-readonly.json");
    let missing: Vec<_> = used.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&used).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "policy drifted from the code: missing {missing:?}, not used {extra:?}"
    );
    assert!(
        !granted.iter().any(|a| a.contains("GetSecretValue")),
        "the collector must never be able to read secret values"
    );
}

/// `permissions/archaudit-fix.json` grants exactly the IAM actions the applier can call: the
/// SDK operations in `src/fix/apply/` (every `c.<operation>()`), the permissions the fix
/// actions declare (`Action::PERMISSIONS`) and the file agree, both ways.
#[test]
fn fix_policy_matches_the_applier() {
    let mut files: Vec<_> = std::fs::read_dir(support::root().join("src/fix/apply"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let source: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let renamed = [
        ("PutBucketEncryption", "PutEncryptionConfiguration"),
        ("PutPublicAccessBlock", "PutBucketPublicAccessBlock"),
    ];
    let mut called = BTreeSet::new();
    // Every call on an SDK client `c`, however rustfmt breaks the line.
    let calls = regex::Regex::new(r"\bc\s*\.\s*([a-z_]+)\(\)").unwrap();
    for cap in calls.captures_iter(&source) {
        let op = &cap[1];
        let pascal: String = op
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let name = renamed
            .iter()
            .find(|(a, _)| *a == pascal)
            .map_or(pascal.clone(), |(_, b)| (*b).to_owned());
        called.insert(name);
    }
    let declared: BTreeSet<String> = archaudit::fix::Action::PERMISSIONS
        .iter()
        .map(|p| p.split_once(':').unwrap().1.to_owned())
        .collect();
    assert_eq!(called, declared, "operations called vs Action::PERMISSIONS");
    let granted = granted("permissions/archaudit-fix.json");
    let wanted: BTreeSet<String> = archaudit::fix::Action::PERMISSIONS
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    assert_eq!(
        granted, wanted,
        "permissions/archaudit-fix.json vs Action::PERMISSIONS"
    );
}

#[test]
fn drift_state_policy_matches_the_state_reader() {
    // `archaudit drift` reads Terraform state from S3 (src/collect/state_object.rs): a separate
    // grant, because a state can hold secrets and the read-only scan must not read objects.
    let source =
        std::fs::read_to_string(support::root().join("src/collect/state_object.rs")).unwrap();
    let calls =
        regex::Regex::new(r"\.\s*(get_bucket_location|get_object|list_objects_v2)\(\)").unwrap();
    let called: BTreeSet<&str> = calls
        .captures_iter(&source)
        .map(|c| match c.get(1).unwrap().as_str() {
            "get_bucket_location" => "s3:GetBucketLocation",
            "get_object" => "s3:GetObject",
            _ => "s3:ListBucket",
        })
        .collect();
    let sdk_calls = regex::Regex::new(r"\.\s*([a-z0-9_]+)\(\)\s*\.\s*bucket\(").unwrap();
    let all: BTreeSet<String> = sdk_calls
        .captures_iter(&source)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(
        all.len(),
        called.len(),
        "an S3 call the test does not map: {all:?}"
    );
    let granted = granted("permissions/archaudit-drift-state.json");
    assert_eq!(granted, called.iter().map(|c| (*c).to_owned()).collect());
    let readonly =
        std::fs::read_to_string(support::root().join("permissions/archaudit-readonly.json"))
            .unwrap();
    assert!(
        !readonly.contains("s3:GetObject\""),
        "the scan's policy must not read objects"
    );
}

/// The actions the first statement of a policy file under the project root grants.
fn granted(file: &str) -> BTreeSet<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(support::root().join(file)).unwrap())
            .unwrap();
    doc["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

/// The actions of a policy file, sorted.
fn actions_of(file: &str) -> BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("permissions").join(file)).unwrap(),
    )
    .unwrap();
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|st| st["Action"].as_array().cloned().unwrap_or_default())
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_organization_scanner_needs_exactly_listing_and_assuming() {
    // The calls the scanner makes with its own credentials: the organization's accounts, and
    // the role in each (everything else runs as the member role: archaudit-readonly.json).
    let calls = [
        (
            "src/collect/org.rs",
            ".list_accounts()",
            "organizations:ListAccounts",
        ),
        ("src/aws/mod.rs", ".assume_role()", "sts:AssumeRole"),
    ];
    let mut want = BTreeSet::new();
    for (file, call, action) in calls {
        let source = std::fs::read_to_string(support::root().join(file)).unwrap();
        assert!(source.contains(call), "{file} no longer makes {call}");
        want.insert(action.to_owned());
    }
    assert_eq!(actions_of("archaudit-org-scanner.json"), want);
    // The member role's trust lets the scanner assume it, with the session name archaudit uses.
    let trust =
        std::fs::read_to_string(support::root().join("permissions/archaudit-member-trust.json"))
            .unwrap();
    let trust: serde_json::Value = serde_json::from_str(&trust).unwrap();
    let st = &trust["Statement"][0];
    assert_eq!(st["Action"], "sts:AssumeRole");
    assert_eq!(
        st["Condition"]["StringEquals"]["sts:RoleSessionName"],
        "archaudit"
    );
    let aws = std::fs::read_to_string(support::root().join("src/aws/mod.rs")).unwrap();
    assert!(aws.contains(".role_session_name(\"archaudit\")"));
}
