//! S3 collector (bucket list is global; each bucket is read in its own region).
//!
//! Calls: `ListBuckets` (paginated; `GetBucketLocation` only when the answer lacks
//! `BucketRegion`), then per bucket `GetBucketVersioning`, `GetBucketEncryption`,
//! `GetPublicAccessBlock`, `GetBucketPolicy` and `GetBucketTagging` (S3 has no batch form of
//! any of them), and S3 Control `GetPublicAccessBlock` once for the account.
//!
//! "Not configured" answers are values, not gaps: no public access block means all four
//! switches off, no encryption configuration means `none`, no policy means no statements.

use std::collections::HashMap;

use aws_sdk_s3::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, Ctx, Failure, Present};
use crate::inventory::policy_doc::PolicyDocument;
use crate::inventory::s3::*;
use crate::inventory::{ResourceMeta, Tags};

const KIND: &str = "s3.buckets";

/// The effective public access block from an S3 or S3 Control configuration (two SDK types
/// with the same accessors): a switch that is not set is off.
macro_rules! pab_from {
    ($c:expr) => {
        PublicAccessBlock {
            block_public_acls: $c.and_then(|c| c.block_public_acls()).unwrap_or(false),
            ignore_public_acls: $c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
            block_public_policy: $c.and_then(|c| c.block_public_policy()).unwrap_or(false),
            restrict_public_buckets: $c
                .and_then(|c| c.restrict_public_buckets())
                .unwrap_or(false),
        }
    };
}

/// Error codes S3 uses to say "this bucket has no such configuration".
const NOT_CONFIGURED: &[&str] = &[
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchBucketPolicy",
    "NoSuchTagSet",
    "NoSuchTagSetError",
];

/// S3 clients per bucket region, all sharing one configuration.
pub trait RegionalClients: Sync {
    /// The S3 client for `region`.
    fn s3(&self, region: &str) -> Client;
}

/// Maps `GetBucketLocation`'s constraint to a region: empty means us-east-1, `EU` eu-west-1.
pub fn location_to_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or_default() {
        "" => "us-east-1".to_owned(),
        "EU" => "eu-west-1".to_owned(),
        other => other.to_owned(),
    }
}

/// Collects every bucket of the account.
pub async fn collect(ctx: &Ctx, global: &Client, clients: &dyn RegionalClients) -> Vec<Bucket> {
    let mut listed: Vec<(String, Option<String>)> = Vec::new();
    // No MaxBuckets: AWS then returns every bucket, and some emulators truncate without a token.
    list_all!(
        ctx,
        "ListBuckets",
        KIND,
        global.list_buckets().into_paginator().send(),
        |page| {
            listed.extend(page.buckets().iter().filter_map(|b| {
                Some((
                    b.name()?.to_owned(),
                    b.bucket_region().present().map(str::to_owned),
                ))
            }));
        }
    );

    let mut cache: HashMap<String, Client> = HashMap::new();
    let with_regions: Vec<(String, Option<String>)> = stream::iter(listed)
        .map(|(name, region)| async move {
            match region {
                Some(r) => (name, Some(r)),
                None => {
                    let region = match ctx
                        .call(
                            "GetBucketLocation",
                            global.get_bucket_location().bucket(&name).send(),
                        )
                        .await
                    {
                        Ok(out) => Some(location_to_region(
                            out.location_constraint().map(|c| c.as_str()),
                        )),
                        Err(f) => {
                            let mut meta = bucket_meta(ctx, &name, "unknown");
                            ctx.attribute_gap("GetBucketLocation", KIND, &mut meta, "region", f);
                            None
                        }
                    };
                    (name, region)
                }
            }
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await;
    for (_, region) in &with_regions {
        let region = region.clone().unwrap_or_else(|| "us-east-1".to_owned());
        cache
            .entry(region.clone())
            .or_insert_with(|| clients.s3(&region));
    }
    let cache = &cache;

    stream::iter(with_regions)
        .map(|(name, region)| async move {
            let known_region = region.is_some();
            let region = region.unwrap_or_else(|| "us-east-1".to_owned());
            let client = &cache[&region];
            let mut meta = bucket_meta(ctx, &name, if known_region { &region } else { "unknown" });
            if !known_region {
                meta.unknown.insert("region".to_owned());
            }
            bucket(ctx, client, meta).await
        })
        .buffer_unordered(ctx.concurrency)
        .collect()
        .await
}

fn bucket_meta(ctx: &Ctx, name: &str, region: &str) -> ResourceMeta {
    ResourceMeta::new(
        format!("arn:{}:s3:::{name}", ctx.partition),
        name.to_owned(),
        region,
        &ctx.account_id,
        Tags::new(),
    )
}

/// A failure that means "not configured" (a value) rather than "could not read" (a gap).
fn not_configured(f: &Failure) -> bool {
    NOT_CONFIGURED.contains(&f.code.as_str())
}

async fn bucket(ctx: &Ctx, client: &Client, mut meta: ResourceMeta) -> Bucket {
    let name = meta.id.clone();
    let (versioning, encryption, pab, policy, tagging) = tokio::join!(
        ctx.call(
            "GetBucketVersioning",
            client.get_bucket_versioning().bucket(&name).send()
        ),
        ctx.call(
            "GetBucketEncryption",
            client.get_bucket_encryption().bucket(&name).send()
        ),
        ctx.call(
            "GetPublicAccessBlock",
            client.get_public_access_block().bucket(&name).send()
        ),
        ctx.call(
            "GetBucketPolicy",
            client.get_bucket_policy().bucket(&name).send()
        ),
        ctx.call(
            "GetBucketTagging",
            client.get_bucket_tagging().bucket(&name).send()
        ),
    );
    let mut b = Bucket::default();

    match versioning {
        Ok(out) => {
            b.versioning = Some(Versioning::from_status(out.status().map(|s| s.as_str())));
            b.mfa_delete = Some(out.mfa_delete().is_some_and(|m| m.as_str() == "Enabled"));
        }
        Err(f) => {
            ctx.attribute_gap(
                "GetBucketVersioning",
                KIND,
                &mut meta,
                "versioning",
                f.clone(),
            );
            ctx.attribute_gap("GetBucketVersioning", KIND, &mut meta, "mfa_delete", f);
        }
    }

    match encryption {
        Ok(out) => {
            let rule = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first());
            let default = rule.and_then(|r| r.apply_server_side_encryption_by_default());
            b.encryption = Some(Encryption {
                algorithm: default
                    .map(|d| d.sse_algorithm().as_str().to_owned())
                    .unwrap_or_else(|| "none".to_owned()),
                kms_key_id: default
                    .and_then(|d| d.kms_master_key_id())
                    .map(str::to_owned),
                bucket_key_enabled: rule.and_then(|r| r.bucket_key_enabled()).unwrap_or(false),
            });
        }
        Err(f) if not_configured(&f) => {
            b.encryption = Some(Encryption {
                algorithm: "none".to_owned(),
                kms_key_id: None,
                bucket_key_enabled: false,
            })
        }
        Err(f) => ctx.attribute_gap("GetBucketEncryption", KIND, &mut meta, "encryption", f),
    }

    match pab {
        Ok(out) => {
            let c = out.public_access_block_configuration();
            b.public_access_block = Some(pab_from!(c));
        }
        Err(f) if not_configured(&f) => b.public_access_block = Some(PublicAccessBlock::default()),
        Err(f) => ctx.attribute_gap(
            "GetPublicAccessBlock",
            KIND,
            &mut meta,
            "public_access_block",
            f,
        ),
    }

    match policy {
        Ok(out) => match PolicyDocument::parse(out.policy().unwrap_or("{}")) {
            Ok(doc) => b.policy = Some(doc),
            Err(e) => ctx.attribute_gap(
                "GetBucketPolicy",
                KIND,
                &mut meta,
                "policy",
                Failure::other("MalformedPolicyDocument", e.to_string()),
            ),
        },
        Err(f) if not_configured(&f) => b.policy = Some(PolicyDocument::default()),
        Err(f) => ctx.attribute_gap("GetBucketPolicy", KIND, &mut meta, "policy", f),
    }

    match tagging {
        Ok(out) => {
            meta.tags = Some(
                out.tag_set()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect(),
            )
        }
        Err(f) if not_configured(&f) => meta.tags = Some(Tags::new()),
        Err(f) => {
            meta.tags = None;
            ctx.attribute_gap("GetBucketTagging", KIND, &mut meta, "tags", f);
        }
    }

    b.meta = meta;
    b
}

/// Reads the account-level public access block through S3 Control.
///
/// `None` for `client` means an endpoint override is in force: S3 Control addresses the
/// account by host name (`<account>.s3-control.<region>…`), which an overridden endpoint such
/// as `http://127.0.0.1:PORT` cannot serve, and resolving that name would send a DNS query off
/// the machine. The call is then not made and the gap says why.
pub async fn account_public_access_block(
    ctx: &Ctx,
    client: Option<&aws_sdk_s3control::Client>,
) -> Option<PublicAccessBlock> {
    const OPERATION: &str = "s3control:GetPublicAccessBlock";
    const ACCOUNT_KIND: &str = "s3.account_public_access_block";
    let Some(client) = client else {
        ctx.kind_gap(
            OPERATION,
            ACCOUNT_KIND,
            Failure::other(
                "UnsupportedWithEndpointOverride",
                "S3 Control puts the account id in the host name, which a custom --endpoint-url cannot serve; not called",
            ),
        );
        return None;
    };
    match ctx
        .call(
            "GetPublicAccessBlock",
            client
                .get_public_access_block()
                .account_id(&ctx.account_id)
                .send(),
        )
        .await
    {
        Ok(out) => {
            let c = out.public_access_block_configuration();
            Some(pab_from!(c))
        }
        Err(f) if not_configured(&f) => Some(PublicAccessBlock::default()),
        Err(f) => {
            ctx.kind_gap(OPERATION, ACCOUNT_KIND, f);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_locations() {
        assert_eq!(location_to_region(None), "us-east-1");
        assert_eq!(location_to_region(Some("")), "us-east-1");
        assert_eq!(location_to_region(Some("EU")), "eu-west-1");
        assert_eq!(location_to_region(Some("eu-central-1")), "eu-central-1");
    }
}
