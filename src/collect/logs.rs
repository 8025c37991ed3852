//! CloudWatch Logs collector. Calls per region: `DescribeLogGroups` (paginated).

use aws_sdk_cloudwatchlogs::Client;

use super::ctx::{list_all, Ctx, Present};
use crate::inventory::logs::*;

/// Collects log groups in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Logs {
    let mut log_groups = Vec::new();
    list_all!(
        ctx,
        "DescribeLogGroups",
        "logs.log_groups",
        client
            .describe_log_groups()
            .limit(50)
            .into_paginator()
            .send(),
        |page| {
            for g in page.log_groups() {
                let name = g.log_group_name().unwrap_or_default().to_owned();
                let arn = g
                    .log_group_arn()
                    .map(str::to_owned)
                    .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_owned()))
                    .unwrap_or_else(|| ctx.arn("logs", &format!("log-group:{name}")));
                log_groups.push(LogGroup {
                    meta: ctx.meta_untagged(arn, name),
                    retention_in_days: g.retention_in_days(),
                    kms_key_id: g.kms_key_id().present().map(str::to_owned),
                    log_group_class: g.log_group_class().map(|c| c.as_str().to_owned()),
                    stored_bytes: g.stored_bytes(),
                });
            }
        }
    );
    Logs { log_groups }
}
