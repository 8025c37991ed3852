//! Application Auto Scaling collector (ECS namespace).
//!
//! Calls per region: `DescribeScalableTargets` and `DescribeScalingPolicies` (paginated,
//! together).

use aws_sdk_applicationautoscaling::types::ServiceNamespace;
use aws_sdk_applicationautoscaling::Client;

use super::ctx::{list_all, Ctx};
use crate::inventory::autoscaling::*;

/// Collects ECS scalable targets and scaling policies in the context's region.
pub async fn collect(ctx: &Ctx, client: &Client) -> AutoScaling {
    let targets = async {
        let mut out = Vec::new();
        let pages = client
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Ecs)
            .into_paginator()
            .send();
        list_all!(
            ctx,
            "DescribeScalableTargets",
            "autoscaling.targets",
            pages,
            |page| {
                for t in page.scalable_targets() {
                    let resource_id = t.resource_id().to_owned();
                    let dimension = t.scalable_dimension().as_str().to_owned();
                    let arn = t
                        .scalable_target_arn()
                        .map(str::to_owned)
                        .unwrap_or_else(|| {
                            ctx.arn(
                                "application-autoscaling",
                                &format!("scalable-target/{resource_id}|{dimension}"),
                            )
                        });
                    out.push(ScalableTarget {
                        meta: ctx.meta_untagged(arn, resource_id.clone()),
                        service_namespace: t.service_namespace().as_str().to_owned(),
                        resource_id,
                        scalable_dimension: dimension,
                        min_capacity: t.min_capacity(),
                        max_capacity: t.max_capacity(),
                    });
                }
            }
        );
        out
    };
    let policies = async {
        let mut out = Vec::new();
        let pages = client
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Ecs)
            .into_paginator()
            .send();
        list_all!(
            ctx,
            "DescribeScalingPolicies",
            "autoscaling.policies",
            pages,
            |page| {
                for p in page.scaling_policies() {
                    let tt = p.target_tracking_scaling_policy_configuration();
                    out.push(ScalingPolicy {
                        meta: ctx
                            .meta_untagged(p.policy_arn().to_owned(), p.policy_name().to_owned()),
                        resource_id: p.resource_id().to_owned(),
                        scalable_dimension: p.scalable_dimension().as_str().to_owned(),
                        policy_type: p.policy_type().as_str().to_owned(),
                        predefined_metric: tt
                            .and_then(|c| c.predefined_metric_specification())
                            .map(|m| m.predefined_metric_type().as_str().to_owned()),
                        custom_metric: tt
                            .and_then(|c| c.customized_metric_specification())
                            .and_then(|m| m.metric_name())
                            .map(str::to_owned),
                        target_value: tt.map(|c| c.target_value()),
                    });
                }
            }
        );
        out
    };
    let (targets, policies) = tokio::join!(targets, policies);
    AutoScaling { targets, policies }
}
