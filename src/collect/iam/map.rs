//! Pure mappings from IAM responses to inventory values (unit-tested in `tests.rs`).

use aws_sdk_iam::types as t;

use super::super::ctx::{Ctx, Failure};
use crate::inventory::iam::*;
use crate::inventory::policy_doc::PolicyDocument;
use crate::inventory::ResourceMeta;

pub(super) fn tags(tags: &[t::Tag]) -> crate::inventory::Tags {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

pub(super) fn is_aws_managed(arn: &str) -> bool {
    arn.contains(":iam::aws:policy/")
}

pub(super) fn attached(list: &[t::AttachedPolicy]) -> Vec<AttachedPolicy> {
    let mut out: Vec<AttachedPolicy> = list
        .iter()
        .filter_map(|p| {
            let arn = p.policy_arn()?.to_owned();
            Some(AttachedPolicy {
                name: p
                    .policy_name()
                    .map(str::to_owned)
                    .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or_default().to_owned()),
                aws_managed: is_aws_managed(&arn),
                arn,
            })
        })
        .collect();
    out.sort();
    out
}

/// Parses a document, recording a gap on `meta` for `attribute` when it is malformed.
pub(super) fn document(
    ctx: &Ctx,
    kind: &str,
    meta: &mut ResourceMeta,
    attribute: &str,
    text: Option<&str>,
) -> Option<PolicyDocument> {
    match PolicyDocument::parse(text.unwrap_or_default()) {
        Ok(doc) => Some(doc),
        Err(e) => {
            ctx.attribute_gap(
                "GetAccountAuthorizationDetails",
                kind,
                meta,
                attribute,
                Failure::other("MalformedPolicyDocument", e.to_string()),
            );
            None
        }
    }
}

pub(super) fn inline(
    ctx: &Ctx,
    kind: &str,
    meta: &mut ResourceMeta,
    list: &[t::PolicyDetail],
) -> Vec<InlinePolicy> {
    let mut out: Vec<InlinePolicy> = list
        .iter()
        .filter_map(|p| {
            let name = p.policy_name().unwrap_or_default().to_owned();
            let attr = format!("inline_policies.{name}");
            let document = document(ctx, kind, meta, &attr, p.policy_document())?;
            Some(InlinePolicy { name, document })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
