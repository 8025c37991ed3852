//! CloudWatch alarms collector. Calls per region: `DescribeAlarms` (paginated, metric alarms).

use aws_sdk_cloudwatch::types::AlarmType;
use aws_sdk_cloudwatch::Client;

use super::ctx::{list_all, sorted, Ctx, Present};
use crate::inventory::cloudwatch::*;

/// Collects metric alarms in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> CloudWatch {
    let mut alarms = Vec::new();
    let pages = client
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .into_paginator()
        .send();
    list_all!(ctx, "DescribeAlarms", "cloudwatch.alarms", pages, |page| {
        for a in page.metric_alarms() {
            let name = a.alarm_name().unwrap_or_default().to_owned();
            let arn = a
                .alarm_arn()
                .map(str::to_owned)
                .unwrap_or_else(|| ctx.arn("cloudwatch", &format!("alarm:{name}")));
            alarms.push(Alarm {
                meta: ctx.meta_untagged(arn, name),
                namespace: a.namespace().present().map(str::to_owned),
                metric_name: a.metric_name().present().map(str::to_owned),
                dimensions: a
                    .dimensions()
                    .iter()
                    .filter_map(|d| {
                        Some((
                            d.name()?.to_owned(),
                            d.value().unwrap_or_default().to_owned(),
                        ))
                    })
                    .collect(),
                statistic: a
                    .statistic()
                    .map(|s| s.as_str().to_owned())
                    .or_else(|| a.extended_statistic().present().map(str::to_owned)),
                comparison_operator: a
                    .comparison_operator()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                threshold: a.threshold(),
                period: a.period(),
                evaluation_periods: a.evaluation_periods().unwrap_or_default(),
                actions_enabled: a.actions_enabled().unwrap_or(false),
                alarm_actions: sorted(Some(a.alarm_actions())),
                ok_actions: sorted(Some(a.ok_actions())),
                insufficient_data_actions: sorted(Some(a.insufficient_data_actions())),
                state: a
                    .state_value()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
            });
        }
    });
    CloudWatch { alarms }
}
