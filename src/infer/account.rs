//! The account-wide sections: log retention, the Terraform state bucket, GitHub OIDC, and the
//! IAM and network guardrails (the reference's, since no deployment shows them).

use std::collections::BTreeSet;

use crate::config::Config;
use crate::inventory::Inventory;

use super::write::{integers, strings, Toml};

pub(super) fn write(inv: &Inventory, t: &mut Toml) {
    logs(inv, t);
    state_bucket(inv, t);
    github_oidc(inv, t);
    guardrails(inv, t);
}

fn logs(inv: &Inventory, t: &mut Toml) {
    let kept: Vec<(i32, &str)> = inv
        .aws
        .logs
        .log_groups
        .iter()
        .filter_map(|g| Some((g.retention_in_days?, g.meta.id.as_str())))
        .collect();
    let (Some(min), Some(max)) = (kept.iter().min(), kept.iter().max()) else {
        return;
    };
    t.table("architecture.logs");
    t.set("min_retention_days", i64::from(min.0), min.1);
    t.set("max_retention_days", i64::from(max.0), max.1);
    let forever = inv.aws.logs.log_groups.len() - kept.len();
    if forever > 0 {
        t.comment(&format!(
            "{forever} log group(s) keep their logs forever: they are reported until they expire"
        ));
    }
}

/// A bucket named or tagged for Terraform state.
fn state_bucket(inv: &Inventory, t: &mut Toml) {
    let mentions = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("terraform") || s.contains("tfstate")
    };
    let Some(b) = inv.aws.s3.buckets.iter().find(|b| {
        mentions(&b.meta.id)
            || b.meta
                .tags
                .iter()
                .flat_map(|t| t.iter())
                .any(|(k, v)| mentions(k) || mentions(v))
    }) else {
        return;
    };
    t.table("architecture.state_bucket");
    t.set("name_pattern", b.meta.id.as_str(), "its name");
    let tag = b
        .meta
        .tags
        .iter()
        .flat_map(|t| t.iter())
        .find(|(k, v)| mentions(k) || mentions(v));
    match tag {
        Some((k, v)) => {
            t.set("tag_key", k.as_str(), "its tag");
            t.set("tag_value", v.as_str(), "");
        }
        None => {
            t.set("tag_key", "Purpose", "no tag marks it: found by its name");
            t.set("tag_value", "terraform-state", "");
        }
    }
    match &b.encryption {
        Some(e) => t.set(
            "encryption",
            strings([&e.algorithm]),
            "its default encryption",
        ),
        None => t.comment(
            "encryption: it has no default encryption; state the algorithms your document requires",
        ),
    }
}

/// The GitHub OIDC provider and the subjects the roles trusting it allow.
fn github_oidc(inv: &Inventory, t: &mut Toml) {
    const URL: &str = "token.actions.githubusercontent.com";
    let Some(provider) = inv
        .aws
        .iam
        .oidc_providers
        .iter()
        .find(|p| p.meta.id == URL || p.url.as_deref() == Some(URL))
    else {
        return;
    };
    let mut audiences = BTreeSet::new();
    let mut subjects = BTreeSet::new();
    let mut roles = Vec::new();
    for r in &inv.aws.iam.roles {
        for st in r.trust_policy.iter().flat_map(|p| &p.statements) {
            let trusts = st.principal.get("federated").is_some_and(|f| {
                f.iter()
                    .any(|x| x.ends_with(&format!("oidc-provider/{URL}")))
            });
            if !trusts || st.effect != "Allow" {
                continue;
            }
            roles.push(r.meta.id.as_str());
            for conditions in st.condition.iter().map(|(_, c)| c) {
                audiences.extend(
                    conditions
                        .get(&format!("{URL}:aud"))
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
                subjects.extend(
                    conditions
                        .get(&format!("{URL}:sub"))
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
            }
        }
    }
    let repository = subjects
        .iter()
        .find_map(|s| {
            s.strip_prefix("repo:")?
                .split(':')
                .next()
                .filter(|r| r.contains('/') && !r.contains('*'))
        })
        .map(str::to_owned);
    let (Some(audience), Some(repository)) = (audiences.iter().next(), repository) else {
        t.comment(&format!("github_oidc: provider {} is there, but no role trusts it for one repository: not documented", provider.meta.id));
        return;
    };
    t.table("architecture.github_oidc");
    t.set("provider_url", URL, &provider.meta.id);
    t.set("audience", audience.as_str(), &roles.join(", "));
    t.set("repository", repository.as_str(), "");
    t.set(
        "allowed_subjects",
        strings(&subjects),
        "the subjects its trust policy allows",
    );
}

/// What no deployment shows: the reference's guardrails, and the users that hold keys.
fn guardrails(inv: &Inventory, t: &mut Toml) {
    let reference = Config::default_config().architecture;
    if let Some(iam) = &reference.iam {
        t.table("architecture.iam");
        t.comment("The reference's guardrails (not read from the account).");
        t.set("admin_policies", strings(&iam.admin_policies), "");
        t.set(
            "wildcard_resource_actions",
            strings(&iam.wildcard_resource_actions),
            "",
        );
        let keyed: Vec<&str> = inv
            .aws
            .iam
            .users
            .iter()
            .filter(|u| u.access_keys.iter().flatten().any(|k| k.status == "Active"))
            .map(|u| u.meta.id.as_str())
            .collect();
        if !keyed.is_empty() {
            t.set(
                "deploy_users",
                strings(&keyed),
                "users holding an active access key: review, is each a documented deploy identity?",
            );
        }
    }
    if let Some(n) = &reference.network {
        t.table("architecture.network");
        t.set(
            "admin_ports",
            integers(n.admin_ports.iter().map(|p| i64::from(*p))),
            "the reference's guardrail",
        );
    }
}
