//! The response → inventory mappings, pinned with the SDK's own types (no emulator).
use std::sync::Arc;

use aws_sdk_iam::types as t;

use super::map::*;
use crate::aws::RateLimiter;
use crate::collect::ctx::Ctx;
use crate::inventory::ResourceMeta;

#[test]
fn attached_policies_are_named_sorted_and_typed() {
    let list = [
        t::AttachedPolicy::builder()
            .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
            .policy_name("AdministratorAccess")
            .build(),
        // moto omits PolicyName in GetAccountAuthorizationDetails: the ARN's last part.
        t::AttachedPolicy::builder()
            .policy_arn("arn:aws:iam::123456789012:policy/app/deploy")
            .build(),
    ];
    let out = attached(&list);
    assert_eq!(out.len(), 2);
    // Sorted by ARN: the account's policy before AWS's.
    assert_eq!(out[0].name, "deploy");
    assert!(!out[0].aws_managed);
    assert_eq!(out[1].name, "AdministratorAccess");
    assert!(out[1].aws_managed);
}

#[test]
fn malformed_documents_are_gaps_not_empty_policies() {
    let ctx = Ctx::new(
        "iam",
        "global",
        "123456789012",
        "aws",
        1,
        Arc::new(RateLimiter::new(0.0)),
    );
    let mut meta = ResourceMeta::default();
    let good = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let doc = document(&ctx, "iam.roles", &mut meta, "trust_policy", Some(good)).unwrap();
    assert_eq!(doc.statements.len(), 1);
    assert!(document(
        &ctx,
        "iam.roles",
        &mut meta,
        "trust_policy",
        Some("{not json")
    )
    .is_none());
    assert!(meta.unknown.contains("trust_policy"));
    let (_, _, gaps) = ctx.finish();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].code, "MalformedPolicyDocument");
}
