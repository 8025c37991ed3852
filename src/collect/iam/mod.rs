//! IAM collector (global).
//!
//! Calls: `GetAccountAuthorizationDetails` (paginated; roles, users and customer-managed
//! policies with every document, in a handful of calls), `GetPolicy` + `GetPolicyVersion` once
//! per AWS-managed policy that is attached to something, `ListAccessKeys` per user,
//! `ListOpenIDConnectProviders` and `GetOpenIDConnectProvider` per provider.

use std::collections::BTreeSet;

use aws_sdk_iam::types as t;
use aws_sdk_iam::Client;
use futures::{stream, StreamExt};

use super::ctx::{rfc3339, sorted, Ctx, Failure, Present};
use crate::inventory::iam::*;
use crate::inventory::policy_doc::PolicyDocument;

mod map;
#[cfg(test)]
mod tests;

use map::{attached, document, inline, is_aws_managed, tags};

/// Collects roles, users, policies and OIDC providers.
pub async fn collect(ctx: &Ctx, client: &Client) -> Iam {
    let mut roles = Vec::new();
    let mut users = Vec::new();
    let mut policies = Vec::new();
    let pages = client
        .get_account_authorization_details()
        .filter(t::EntityType::Role)
        .filter(t::EntityType::User)
        .filter(t::EntityType::LocalManagedPolicy)
        .max_items(1000) // the API's maximum: fewest calls
        .into_paginator()
        .send();
    let mut pages = pages;
    while let Some(page) = ctx
        .next_page("GetAccountAuthorizationDetails", &mut pages)
        .await
    {
        match page {
            Ok(page) => {
                roles.extend(page.role_detail_list().iter().map(|r| role(ctx, r)));
                users.extend(page.user_detail_list().iter().map(|u| user(ctx, u)));
                policies.extend(page.policies().iter().map(|p| local_policy(ctx, p)));
            }
            Err(f) => {
                for kind in ["iam.roles", "iam.users", "iam.policies"] {
                    ctx.kind_gap("GetAccountAuthorizationDetails", kind, f.clone());
                }
                break;
            }
        }
    }

    let attached_aws: BTreeSet<String> = roles
        .iter()
        .flat_map(|r| &r.attached_policies)
        .chain(users.iter().flat_map(|u| &u.attached_policies))
        .filter(|p| p.aws_managed)
        .map(|p| p.arn.clone())
        .collect();
    let (aws_policies, (), oidc_providers) = tokio::join!(
        aws_managed_policies(ctx, client, attached_aws),
        access_keys(ctx, client, &mut users),
        oidc_providers(ctx, client),
    );
    policies.extend(aws_policies);
    Iam {
        roles,
        policies,
        users,
        oidc_providers,
    }
}

fn role(ctx: &Ctx, r: &t::RoleDetail) -> Role {
    let arn = r.arn().unwrap_or_default().to_owned();
    let mut meta = ctx.meta(
        arn,
        r.role_name().unwrap_or_default().to_owned(),
        tags(r.tags()),
    );
    let trust_policy = document(
        ctx,
        "iam.roles",
        &mut meta,
        "trust_policy",
        r.assume_role_policy_document(),
    );
    let inline_policies = inline(ctx, "iam.roles", &mut meta, r.role_policy_list());
    Role {
        path: r.path().unwrap_or("/").to_owned(),
        trust_policy,
        attached_policies: attached(r.attached_managed_policies()),
        inline_policies,
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_owned),
        meta,
    }
}

fn user(ctx: &Ctx, u: &t::UserDetail) -> User {
    let arn = u.arn().unwrap_or_default().to_owned();
    let mut meta = ctx.meta(
        arn,
        u.user_name().unwrap_or_default().to_owned(),
        tags(u.tags()),
    );
    let inline_policies = inline(ctx, "iam.users", &mut meta, u.user_policy_list());
    User {
        path: u.path().unwrap_or("/").to_owned(),
        attached_policies: attached(u.attached_managed_policies()),
        inline_policies,
        groups: sorted(Some(u.group_list())),
        access_keys: None,
        meta,
    }
}

fn local_policy(ctx: &Ctx, p: &t::ManagedPolicyDetail) -> ManagedPolicy {
    let arn = p.arn().unwrap_or_default().to_owned();
    // Some emulators leave PolicyName out of this call; the ARN always ends with it.
    let name = p
        .policy_name()
        .map(str::to_owned)
        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned());
    let mut meta = ctx.meta_untagged(arn.clone(), name);
    let default = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| {
            p.policy_version_list()
                .iter()
                .find(|v| v.version_id() == p.default_version_id())
        });
    let document = match default {
        Some(v) => document(ctx, "iam.policies", &mut meta, "document", v.document()),
        None => {
            ctx.attribute_gap(
                "GetAccountAuthorizationDetails",
                "iam.policies",
                &mut meta,
                "document",
                Failure::other(
                    "MissingDefaultVersion",
                    "the default policy version was not in the response",
                ),
            );
            None
        }
    };
    ManagedPolicy {
        meta,
        aws_managed: is_aws_managed(&arn),
        path: p.path().unwrap_or("/").to_owned(),
        default_version_id: p.default_version_id().present().map(str::to_owned),
        attachment_count: p.attachment_count(),
        document,
    }
}

/// Documents of the AWS-managed policies attached to a role or user: two calls each, once.
async fn aws_managed_policies(
    ctx: &Ctx,
    client: &Client,
    arns: BTreeSet<String>,
) -> Vec<ManagedPolicy> {
    stream::iter(arns)
        .map(|arn| async move {
            let arn = arn.as_str();
            let name = arn.rsplit('/').next().unwrap_or_default().to_owned();
            let mut meta = ctx.meta(arn.to_owned(), name, crate::inventory::Tags::new());
            let mut policy = ManagedPolicy {
                aws_managed: true,
                path: "/".to_owned(),
                ..Default::default()
            };
            match ctx
                .call("GetPolicy", client.get_policy().policy_arn(arn).send())
                .await
            {
                Ok(out) => {
                    if let Some(p) = out.policy() {
                        policy.path = p.path().unwrap_or("/").to_owned();
                        policy.default_version_id =
                            p.default_version_id().present().map(str::to_owned);
                        policy.attachment_count = p.attachment_count();
                        meta.tags = Some(tags(p.tags()));
                    }
                }
                Err(f) => {
                    meta.tags = None;
                    ctx.attribute_gap("GetPolicy", "iam.policies", &mut meta, "document", f);
                }
            }
            if let Some(version) = policy.default_version_id.clone() {
                match ctx
                    .call(
                        "GetPolicyVersion",
                        client
                            .get_policy_version()
                            .policy_arn(arn)
                            .version_id(version)
                            .send(),
                    )
                    .await
                {
                    Ok(out) => {
                        let text = out.policy_version().and_then(|v| v.document());
                        policy.document = match PolicyDocument::parse(text.unwrap_or_default()) {
                            Ok(doc) => Some(doc),
                            Err(e) => {
                                ctx.attribute_gap(
                                    "GetPolicyVersion",
                                    "iam.policies",
                                    &mut meta,
                                    "document",
                                    Failure::other("MalformedPolicyDocument", e.to_string()),
                                );
                                None
                            }
                        }
                    }
                    Err(f) => ctx.attribute_gap(
                        "GetPolicyVersion",
                        "iam.policies",
                        &mut meta,
                        "document",
                        f,
                    ),
                }
            }
            policy.meta = meta;
            policy
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await
}

async fn access_keys(ctx: &Ctx, client: &Client, users: &mut [User]) {
    stream::iter(users.iter_mut())
        .for_each_concurrent(ctx.concurrency, |u| async move {
            let mut keys = Vec::new();
            let mut pages = client
                .list_access_keys()
                .user_name(&u.meta.id)
                .into_paginator()
                .send();
            while let Some(page) = ctx.next_page("ListAccessKeys", &mut pages).await {
                match page {
                    Ok(page) => keys.extend(page.access_key_metadata().iter().map(|k| {
                        AccessKey {
                            access_key_id: k.access_key_id().unwrap_or_default().to_owned(),
                            status: k
                                .status()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default(),
                            created_at: rfc3339(k.create_date()),
                        }
                    })),
                    Err(f) => {
                        ctx.attribute_gap(
                            "ListAccessKeys",
                            "iam.users",
                            &mut u.meta,
                            "access_keys",
                            f,
                        );
                        return;
                    }
                }
            }
            keys.sort_by(|a, b| a.access_key_id.cmp(&b.access_key_id));
            u.access_keys = Some(keys);
        })
        .await;
}

async fn oidc_providers(ctx: &Ctx, client: &Client) -> Vec<OidcProvider> {
    let list = match ctx
        .call(
            "ListOpenIDConnectProviders",
            client.list_open_id_connect_providers().send(),
        )
        .await
    {
        Ok(out) => out
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn().present().map(str::to_owned))
            .collect::<Vec<_>>(),
        Err(f) => {
            ctx.kind_gap("ListOpenIDConnectProviders", "iam.oidc_providers", f);
            return Vec::new();
        }
    };
    stream::iter(list)
        .map(|arn| async move {
            let id = arn
                .split_once(":oidc-provider/")
                .map(|(_, url)| url.to_owned())
                .unwrap_or_else(|| arn.clone());
            match ctx
                .call(
                    "GetOpenIDConnectProvider",
                    client
                        .get_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .send(),
                )
                .await
            {
                Ok(out) => OidcProvider {
                    meta: ctx.meta(arn.clone(), id, tags(out.tags())),
                    url: out
                        .url()
                        .map(|u| u.trim_start_matches("https://").to_owned()),
                    client_ids: Some(sorted(Some(out.client_id_list()))),
                    thumbprints: Some(sorted(Some(out.thumbprint_list()))),
                },
                Err(f) => {
                    let mut meta = ctx.meta_untagged(arn.clone(), id);
                    for attribute in ["url", "client_ids", "thumbprints"] {
                        ctx.attribute_gap(
                            "GetOpenIDConnectProvider",
                            "iam.oidc_providers",
                            &mut meta,
                            attribute,
                            f.clone(),
                        );
                    }
                    OidcProvider {
                        meta,
                        url: None,
                        client_ids: None,
                        thumbprints: None,
                    }
                }
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await
}
