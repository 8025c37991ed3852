//! Elastic Load Balancing v2 collector.
//!
//! Calls per region: `DescribeLoadBalancers` and `DescribeTargetGroups` (paginated, together),
//! then per load balancer `DescribeListeners`, per listener `DescribeRules` (both required by
//! the API to name their parent), and `DescribeTags` in batches of 20 ARNs.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types as t;
use aws_sdk_elasticloadbalancingv2::Client;
use futures::{stream, StreamExt};

use super::ctx::{list_all, sorted, Ctx, Present};
use crate::inventory::elbv2::*;

/// The most ARNs one `DescribeTags` call accepts.
const TAG_BATCH: usize = 20;

/// Collects load balancers, listeners, rules and target groups in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> Elbv2 {
    let (mut load_balancers, mut target_groups) =
        tokio::join!(load_balancers(ctx, client), target_groups(ctx, client));

    let lb_arns: Vec<String> = load_balancers
        .iter()
        .map(|lb| lb.meta.arn.clone())
        .collect();
    let listeners: Vec<Listener> = stream::iter(lb_arns)
        .map(|arn| listeners(ctx, client, arn))
        .buffer_unordered(ctx.concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();
    let listener_arns: Vec<String> = listeners.iter().map(|l| l.meta.arn.clone()).collect();
    let listener_rules: Vec<ListenerRule> = stream::iter(listener_arns)
        .map(|arn| rules(ctx, client, arn))
        .buffer_unordered(ctx.concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .flatten()
        .collect();

    let mut metas: Vec<&mut crate::inventory::ResourceMeta> = load_balancers
        .iter_mut()
        .map(|r| &mut r.meta)
        .chain(target_groups.iter_mut().map(|r| &mut r.meta))
        .collect();
    tags(ctx, client, &mut metas).await;

    Elbv2 {
        load_balancers,
        listeners,
        listener_rules,
        target_groups,
    }
}

async fn load_balancers(ctx: &Ctx, client: &Client) -> Vec<LoadBalancer> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeLoadBalancers",
        "elbv2.load_balancers",
        client.describe_load_balancers().into_paginator().send(),
        |page| {
            for lb in page.load_balancers() {
                let arn = lb.load_balancer_arn().unwrap_or_default().to_owned();
                let zones = lb.availability_zones();
                out.push(LoadBalancer {
                    meta: ctx.meta(
                        arn,
                        lb.load_balancer_name().unwrap_or_default().to_owned(),
                        crate::inventory::Tags::new(),
                    ),
                    lb_type: lb
                        .r#type()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    scheme: lb
                        .scheme()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    vpc_id: lb.vpc_id().unwrap_or_default().to_owned(),
                    dns_name: lb.dns_name().unwrap_or_default().to_owned(),
                    ip_address_type: lb
                        .ip_address_type()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    state: lb
                        .state()
                        .and_then(|s| s.code())
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default(),
                    subnets: sorted(Some(
                        &zones
                            .iter()
                            .filter_map(|z| z.subnet_id())
                            .collect::<Vec<_>>(),
                    )),
                    availability_zones: sorted(Some(
                        &zones
                            .iter()
                            .filter_map(|z| z.zone_name())
                            .collect::<Vec<_>>(),
                    )),
                    security_groups: sorted(Some(lb.security_groups())),
                });
            }
        }
    );
    out
}

async fn target_groups(ctx: &Ctx, client: &Client) -> Vec<TargetGroup> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeTargetGroups",
        "elbv2.target_groups",
        client.describe_target_groups().into_paginator().send(),
        |page| {
            for tg in page.target_groups() {
                out.push(TargetGroup {
                    meta: ctx.meta(
                        tg.target_group_arn().unwrap_or_default().to_owned(),
                        tg.target_group_name().unwrap_or_default().to_owned(),
                        crate::inventory::Tags::new(),
                    ),
                    vpc_id: tg.vpc_id().present().map(str::to_owned),
                    port: tg.port(),
                    protocol: tg.protocol().map(|p| p.as_str().to_owned()),
                    target_type: tg
                        .target_type()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_else(|| "instance".to_owned()),
                    load_balancer_arns: sorted(Some(tg.load_balancer_arns())),
                    health_check: HealthCheck {
                        enabled: tg.health_check_enabled().unwrap_or(true),
                        protocol: tg.health_check_protocol().map(|p| p.as_str().to_owned()),
                        port: tg.health_check_port().present().map(str::to_owned),
                        path: tg.health_check_path().present().map(str::to_owned),
                        interval_seconds: tg.health_check_interval_seconds(),
                        timeout_seconds: tg.health_check_timeout_seconds(),
                        healthy_threshold: tg.healthy_threshold_count(),
                        unhealthy_threshold: tg.unhealthy_threshold_count(),
                        matcher: tg
                            .matcher()
                            .and_then(|m| m.http_code().or(m.grpc_code()))
                            .map(str::to_owned),
                    },
                });
            }
        }
    );
    out
}

fn action(a: &t::Action) -> Action {
    let mut target_groups: Vec<String> = a
        .target_group_arn()
        .present()
        .map(str::to_owned)
        .into_iter()
        .collect();
    if let Some(forward) = a.forward_config() {
        target_groups.extend(
            forward
                .target_groups()
                .iter()
                .filter_map(|g| g.target_group_arn().present().map(str::to_owned)),
        );
    }
    Action::normalized(
        a.r#type().map(|v| v.as_str()).unwrap_or_default(),
        a.order(),
        target_groups,
        a.redirect_config().map(|r| {
            Redirect::normalized(
                r.protocol(),
                r.port(),
                r.host(),
                r.path(),
                r.query(),
                r.status_code().map(|s| s.as_str()).unwrap_or_default(),
            )
        }),
        a.fixed_response_config()
            .and_then(|f| f.status_code())
            .map(str::to_owned),
    )
}

fn actions(actions: &[t::Action]) -> Vec<Action> {
    let mut out: Vec<Action> = actions.iter().map(action).collect();
    sort_actions(&mut out);
    out
}

/// The last segment of an ARN path: the id AWS uses in its consoles.
fn arn_suffix(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_owned()
}

async fn listeners(ctx: &Ctx, client: &Client, lb_arn: String) -> Vec<Listener> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeListeners",
        "elbv2.listeners",
        client
            .describe_listeners()
            .load_balancer_arn(&lb_arn)
            .into_paginator()
            .send(),
        |page| {
            for l in page.listeners() {
                let arn = l.listener_arn().unwrap_or_default().to_owned();
                let mut certificates: Vec<(bool, String)> = l
                    .certificates()
                    .iter()
                    .filter_map(|c| {
                        Some((
                            !c.is_default().unwrap_or(true),
                            c.certificate_arn()?.to_owned(),
                        ))
                    })
                    .collect();
                certificates.sort();
                let protocol = l
                    .protocol()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                out.push(Listener {
                    meta: ctx.meta_untagged(arn.clone(), arn_suffix(&arn)),
                    load_balancer_arn: l.load_balancer_arn().unwrap_or(&lb_arn).to_owned(),
                    port: l.port().unwrap_or_default(),
                    // Only secure listeners have a TLS policy; some emulators report one for HTTP.
                    ssl_policy: l
                        .ssl_policy()
                        .filter(|_| matches!(protocol.as_str(), "HTTPS" | "TLS"))
                        .map(str::to_owned),
                    protocol,
                    certificates: certificates.into_iter().map(|(_, arn)| arn).collect(),
                    default_actions: actions(l.default_actions()),
                });
            }
        }
    );
    out
}

async fn rules(ctx: &Ctx, client: &Client, listener_arn: String) -> Vec<ListenerRule> {
    let mut out = Vec::new();
    list_all!(
        ctx,
        "DescribeRules",
        "elbv2.listener_rules",
        client
            .describe_rules()
            .listener_arn(&listener_arn)
            .into_paginator()
            .send(),
        |page| {
            for r in page.rules() {
                if r.is_default().unwrap_or(false) {
                    continue; // the listener's default_actions
                }
                let arn = r.rule_arn().unwrap_or_default().to_owned();
                let conditions = r
                    .conditions()
                    .iter()
                    .map(|c| {
                        let mut values: Vec<&str> = c.values().iter().map(String::as_str).collect();
                        values.extend(
                            c.host_header_config()
                                .map(|h| h.values())
                                .unwrap_or_default()
                                .iter()
                                .map(String::as_str),
                        );
                        values.extend(
                            c.path_pattern_config()
                                .map(|h| h.values())
                                .unwrap_or_default()
                                .iter()
                                .map(String::as_str),
                        );
                        values.extend(
                            c.source_ip_config()
                                .map(|h| h.values())
                                .unwrap_or_default()
                                .iter()
                                .map(String::as_str),
                        );
                        values.extend(
                            c.http_request_method_config()
                                .map(|h| h.values())
                                .unwrap_or_default()
                                .iter()
                                .map(String::as_str),
                        );
                        format!(
                            "{}: {}",
                            c.field().unwrap_or_default(),
                            sorted(Some(&values)).join(",")
                        )
                    })
                    .collect();
                out.push(ListenerRule {
                    meta: ctx.meta_untagged(arn.clone(), arn_suffix(&arn)),
                    listener_arn: listener_arn.clone(),
                    priority: r.priority().unwrap_or_default().to_owned(),
                    conditions,
                    actions: actions(r.actions()),
                });
            }
        }
    );
    out
}

/// Fills the tags of load balancers and target groups, 20 ARNs a call.
async fn tags(ctx: &Ctx, client: &Client, metas: &mut [&mut crate::inventory::ResourceMeta]) {
    for chunk in metas.chunks_mut(TAG_BATCH) {
        let arns: Vec<String> = chunk.iter().map(|m| m.arn.clone()).collect();
        match ctx
            .call(
                "DescribeTags",
                client.describe_tags().set_resource_arns(Some(arns)).send(),
            )
            .await
        {
            Ok(out) => {
                let mut by_arn: BTreeMap<&str, crate::inventory::Tags> = BTreeMap::new();
                for d in out.tag_descriptions() {
                    let tags = d
                        .tags()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_owned(),
                                t.value().unwrap_or_default().to_owned(),
                            ))
                        })
                        .collect();
                    by_arn.insert(d.resource_arn().unwrap_or_default(), tags);
                }
                for meta in chunk.iter_mut() {
                    meta.tags = Some(by_arn.remove(meta.arn.as_str()).unwrap_or_default());
                }
            }
            Err(f) => {
                for meta in chunk.iter_mut() {
                    meta.tags = None;
                    ctx.attribute_gap("DescribeTags", kind_of(&meta.arn), meta, "tags", f.clone());
                }
            }
        }
    }
}

fn kind_of(arn: &str) -> &'static str {
    if arn.contains(":targetgroup/") {
        "elbv2.target_groups"
    } else {
        "elbv2.load_balancers"
    }
}

#[cfg(test)]
mod tests;
