//! Secrets Manager collector: metadata only.
//!
//! Calls per region: `ListSecrets` (paginated) and `GetResourcePolicy` per secret. The
//! collector never calls `GetSecretValue`, and `permissions/archaudit-readonly.json` does not
//! grant it.

use aws_sdk_secretsmanager::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, rfc3339, Ctx, Failure, Present};
use crate::inventory::policy_doc::PolicyDocument;
use crate::inventory::secretsmanager::*;

const KIND: &str = "secretsmanager.secrets";

/// Collects secret metadata and resource policies in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> SecretsManager {
    let mut secrets = Vec::new();
    list_all!(
        ctx,
        "ListSecrets",
        KIND,
        client
            .list_secrets()
            .max_results(100)
            .into_paginator()
            .send(),
        |page| {
            for s in page.secret_list() {
                let tags: crate::inventory::Tags = s
                    .tags()
                    .iter()
                    .filter_map(|t| {
                        Some((
                            t.key()?.to_owned(),
                            t.value().unwrap_or_default().to_owned(),
                        ))
                    })
                    .collect();
                secrets.push(Secret {
                    meta: ctx.meta(
                        s.arn().unwrap_or_default().to_owned(),
                        s.name().unwrap_or_default().to_owned(),
                        tags,
                    ),
                    kms_key_id: s.kms_key_id().present().map(str::to_owned),
                    rotation_enabled: s.rotation_enabled().unwrap_or(false),
                    rotation_lambda_arn: s.rotation_lambda_arn().present().map(str::to_owned),
                    last_rotated_at: rfc3339(s.last_rotated_date()),
                    last_accessed_at: rfc3339(s.last_accessed_date()),
                    resource_policy: None,
                });
            }
        }
    );
    stream::iter(secrets.iter_mut())
        .for_each_concurrent(ctx.concurrency, |s| async move {
            match ctx
                .call(
                    "GetResourcePolicy",
                    client.get_resource_policy().secret_id(&s.meta.arn).send(),
                )
                .await
            {
                Ok(out) => match out.resource_policy() {
                    None => s.resource_policy = Some(PolicyDocument::default()),
                    Some(text) => match PolicyDocument::parse(text) {
                        Ok(doc) => s.resource_policy = Some(doc),
                        Err(e) => ctx.attribute_gap(
                            "GetResourcePolicy",
                            KIND,
                            &mut s.meta,
                            "resource_policy",
                            Failure::other("MalformedPolicyDocument", e.to_string()),
                        ),
                    },
                },
                Err(f) => {
                    ctx.attribute_gap("GetResourcePolicy", KIND, &mut s.meta, "resource_policy", f)
                }
            }
        })
        .await;
    SecretsManager { secrets }
}
