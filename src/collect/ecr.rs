//! ECR collector. Calls per region: `DescribeRepositories` (paginated).

use aws_sdk_ecr::Client;

use super::ctx::{list_all, Ctx};
use crate::inventory::ecr::*;

/// Collects private repositories in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Ecr {
    let mut repositories = Vec::new();
    list_all!(
        ctx,
        "DescribeRepositories",
        "ecr.repositories",
        client.describe_repositories().into_paginator().send(),
        |page| {
            for r in page.repositories() {
                let encryption = r.encryption_configuration();
                repositories.push(Repository {
                    meta: ctx.meta_untagged(
                        r.repository_arn().unwrap_or_default().to_owned(),
                        r.repository_name().unwrap_or_default().to_owned(),
                    ),
                    uri: r.repository_uri().unwrap_or_default().to_owned(),
                    scan_on_push: r
                        .image_scanning_configuration()
                        .is_some_and(|c| c.scan_on_push()),
                    image_tag_mutability: r
                        .image_tag_mutability()
                        .map(|m| m.as_str().to_owned())
                        .unwrap_or_else(|| "MUTABLE".to_owned()),
                    encryption_type: encryption
                        .map(|e| e.encryption_type().as_str().to_owned())
                        .unwrap_or_else(|| "AES256".to_owned()),
                    kms_key: encryption.and_then(|e| e.kms_key()).map(str::to_owned),
                });
            }
        }
    );
    Ecr { repositories }
}
