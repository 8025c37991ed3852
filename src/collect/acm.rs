//! ACM collector.
//!
//! Calls per region: `ListCertificates` (paginated, every key type) and `DescribeCertificate`
//! per certificate (the list does not say which resources use a certificate).

use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use aws_sdk_acm::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, rfc3339, sorted, Ctx};
use crate::inventory::acm::*;

const KIND: &str = "acm.certificates";

/// Collects certificates in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Acm {
    let mut certificates = Vec::new();
    // Without a key-type filter ListCertificates returns RSA-2048 certificates only.
    let filters = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|v| KeyAlgorithm::from(*v))
                .collect(),
        ))
        .build();
    let pages = client
        .list_certificates()
        .includes(filters)
        .into_paginator()
        .send();
    list_all!(ctx, "ListCertificates", KIND, pages, |page| {
        for c in page.certificate_summary_list() {
            let arn = c.certificate_arn().unwrap_or_default().to_owned();
            certificates.push(Certificate {
                meta: ctx.meta_untagged(
                    arn.clone(),
                    arn.rsplit('/').next().unwrap_or_default().to_owned(),
                ),
                domain_name: c.domain_name().unwrap_or_default().to_owned(),
                cert_type: c
                    .r#type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                status: c
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                key_algorithm: c.key_algorithm().map(|k| k.as_str().to_owned()),
                not_after: rfc3339(c.not_after()),
                in_use_by: None,
            });
        }
    });
    stream::iter(certificates.iter_mut())
        .for_each_concurrent(ctx.concurrency, |c| async move {
            match ctx
                .call(
                    "DescribeCertificate",
                    client
                        .describe_certificate()
                        .certificate_arn(&c.meta.arn)
                        .send(),
                )
                .await
            {
                Ok(out) => {
                    let detail = out.certificate();
                    c.in_use_by = Some(sorted(detail.map(|d| d.in_use_by())));
                    if let Some(d) = detail {
                        // The summary may lack these on older API versions and emulators.
                        if c.cert_type.is_empty() {
                            c.cert_type = d
                                .r#type()
                                .map(|t| t.as_str().to_owned())
                                .unwrap_or_default();
                        }
                        if c.status.is_empty() {
                            c.status = d
                                .status()
                                .map(|s| s.as_str().to_owned())
                                .unwrap_or_default();
                        }
                        c.key_algorithm = c
                            .key_algorithm
                            .take()
                            .or_else(|| d.key_algorithm().map(|k| k.as_str().to_owned()));
                        c.not_after = c.not_after.take().or_else(|| rfc3339(d.not_after()));
                    }
                }
                Err(f) => {
                    ctx.attribute_gap("DescribeCertificate", KIND, &mut c.meta, "in_use_by", f)
                }
            }
        })
        .await;
    Acm { certificates }
}
