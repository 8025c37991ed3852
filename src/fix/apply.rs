//! The applier: the only code that changes the account. It makes exactly the calls the plan
//! names, in order, one at a time, each under its service's rate limit; a failed call is
//! recorded and the next one still runs; on an interrupt (Ctrl-C) the caller lets the call in
//! flight finish and makes no further one.
//!
//! Longer than 400 lines because every call that can change the account is in this one
//! place, to be read and reviewed together: an exhaustive dispatch on the action, then one
//! function per service.

use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, IpPermission, IpRange, Ipv6Range, UserIdGroupPair,
};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration,
    NetworkConfiguration,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action as LbAction, ActionTypeEnum, Certificate, ProtocolEnum, RedirectActionConfig,
    RedirectActionStatusCodeEnum,
};
use aws_sdk_iam::types::StatusType;
use aws_sdk_s3::types::{
    BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use serde::Serialize;

use aws_config::SdkConfig;

use super::action::{Action, Ingress};
use super::plan::Step;
use crate::aws::{Failure, Session};

/// What happened to one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepOutcome {
    /// The call succeeded.
    Applied,
    /// The call failed; nothing was changed by it.
    Failed {
        /// AWS error code.
        code: String,
        /// Message.
        message: String,
    },
    /// Not attempted (interrupted, or an earlier step of the same finding failed).
    NotRun,
}

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, Failure> {
    r.map_err(|e| Failure::other("InvalidParameter", e.to_string()))
}

/// The outcome of one sent call: AWS's error code and message when it failed.
fn sent<T, E, R>(
    result: Result<T, aws_smithy_runtime_api::client::result::SdkError<E, R>>,
) -> Result<(), Failure>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    result.map(|_| ()).map_err(Failure::from_sdk)
}

/// Makes the one call `step` names, under its service's rate limit like every call
/// archaudit makes. The `match` is exhaustive: an action without its call does not compile.
pub async fn apply_step(session: &Session, step: &Step) -> Result<(), Failure> {
    let conf = session.config(&step.region);
    session
        .limiter(step.action.service(), &step.region)
        .acquire()
        .await;
    use Action::*;
    let a = &step.action;
    match a {
        RevokeIngress { .. }
        | AuthorizeIngress { .. }
        | ReleaseAddress { .. }
        | DisableSubnetPublicIp { .. }
        | RouteToNat { .. } => ec2(&conf, a).await,
        SetHttpsRedirect { .. } | SetTlsPolicy { .. } | DeleteListener { .. } => {
            elbv2(&conf, a).await
        }
        EnableVersioning { .. } | PutBucketEncryption { .. } | BlockPublicAccess { .. } => {
            s3(session, &step.region, a).await
        }
        DetachRolePolicy { .. }
        | DeleteRolePolicy { .. }
        | RestoreTrustPolicy { .. }
        | DeactivateAccessKey { .. } => iam(&conf, a).await,
        PutAlarm { .. } | PutRetention { .. } => monitoring(&conf, a).await,
        SetNetworkConfiguration { .. } | SetDesiredCount { .. } | EnableCircuitBreaker { .. } => {
            ecs(&conf, a).await
        }
        RegisterScalableTarget { .. } | PutScalingPolicy { .. } => autoscaling(&conf, a).await,
        DeleteSecretPolicy { .. } => secrets(&conf, a).await,
    }
}

/// An action routed to the wrong service's function (cannot happen: `apply_step` routes by
/// variant).
fn misrouted(service: &str, a: &Action) -> Failure {
    Failure::other(
        "InvalidParameter",
        format!("{} is not a {service} action", a.permission()),
    )
}

/// EC2: security-group rules, addresses, subnets, routes.
async fn ec2(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        RevokeIngress { group_id, rule_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            sent(
                c.revoke_security_group_ingress()
                    .group_id(group_id)
                    .security_group_rule_ids(rule_id)
                    .send()
                    .await,
            )
        }
        AuthorizeIngress { group_id, rule } => authorize_ingress(conf, group_id, rule).await,
        ReleaseAddress { allocation_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            sent(
                c.release_address()
                    .allocation_id(allocation_id)
                    .send()
                    .await,
            )
        }
        DisableSubnetPublicIp { subnet_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            let off = AttributeBooleanValue::builder().value(false).build();
            sent(
                c.modify_subnet_attribute()
                    .subnet_id(subnet_id)
                    .map_public_ip_on_launch(off)
                    .send()
                    .await,
            )
        }
        RouteToNat {
            route_table_id,
            destination,
            nat_gateway_id,
            replace,
        } => {
            let c = aws_sdk_ec2::Client::new(conf);
            if *replace {
                sent(
                    c.replace_route()
                        .route_table_id(route_table_id)
                        .destination_cidr_block(destination)
                        .nat_gateway_id(nat_gateway_id)
                        .send()
                        .await,
                )
            } else {
                sent(
                    c.create_route()
                        .route_table_id(route_table_id)
                        .destination_cidr_block(destination)
                        .nat_gateway_id(nat_gateway_id)
                        .send()
                        .await,
                )
            }
        }
        other => Err(misrouted("ec2", other)),
    }
}

/// Elastic Load Balancing: listeners.
async fn elbv2(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        SetHttpsRedirect {
            listener_arn,
            port,
            status,
        } => {
            let redirect = RedirectActionConfig::builder()
                .protocol("HTTPS")
                .port(port.to_string())
                .status_code(RedirectActionStatusCodeEnum::from(status.as_str()))
                .build();
            let action = LbAction::builder()
                .r#type(ActionTypeEnum::Redirect)
                .redirect_config(redirect)
                .build();
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            sent(
                c.modify_listener()
                    .listener_arn(listener_arn)
                    .default_actions(action)
                    .send()
                    .await,
            )
        }
        SetTlsPolicy {
            listener_arn,
            ssl_policy,
            certificate_arn,
        } => {
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            let mut req = c
                .modify_listener()
                .listener_arn(listener_arn)
                .protocol(ProtocolEnum::Https)
                .ssl_policy(ssl_policy);
            if let Some(cert) = certificate_arn {
                req = req.certificates(Certificate::builder().certificate_arn(cert).build());
            }
            sent(req.send().await)
        }
        DeleteListener { listener_arn } => {
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            sent(c.delete_listener().listener_arn(listener_arn).send().await)
        }
        other => Err(misrouted("elbv2", other)),
    }
}

/// S3: the bucket's versioning, encryption and public access block.
async fn s3(session: &Session, region: &str, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        EnableVersioning { bucket } => {
            let c = session.s3(region);
            let v = VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build();
            sent(
                c.put_bucket_versioning()
                    .bucket(bucket)
                    .versioning_configuration(v)
                    .send()
                    .await,
            )
        }
        PutBucketEncryption {
            bucket,
            algorithm,
            bucket_key,
        } => {
            let by_default = built(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(algorithm.as_str()))
                    .build(),
            )?;
            let conf_s3 = built(
                ServerSideEncryptionConfiguration::builder()
                    .rules(
                        ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(by_default)
                            .bucket_key_enabled(*bucket_key)
                            .build(),
                    )
                    .build(),
            )?;
            let c = session.s3(region);
            sent(
                c.put_bucket_encryption()
                    .bucket(bucket)
                    .server_side_encryption_configuration(conf_s3)
                    .send()
                    .await,
            )
        }
        BlockPublicAccess { bucket } => {
            let b = PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            let c = session.s3(region);
            sent(
                c.put_public_access_block()
                    .bucket(bucket)
                    .public_access_block_configuration(b)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("s3", other)),
    }
}

/// IAM: role policies, the trust policy, access keys.
async fn iam(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        DetachRolePolicy { role, policy_arn } => {
            let c = aws_sdk_iam::Client::new(conf);
            sent(
                c.detach_role_policy()
                    .role_name(role)
                    .policy_arn(policy_arn)
                    .send()
                    .await,
            )
        }
        DeleteRolePolicy { role, policy_name } => {
            let c = aws_sdk_iam::Client::new(conf);
            sent(
                c.delete_role_policy()
                    .role_name(role)
                    .policy_name(policy_name)
                    .send()
                    .await,
            )
        }
        RestoreTrustPolicy { role, document } => {
            let c = aws_sdk_iam::Client::new(conf);
            sent(
                c.update_assume_role_policy()
                    .role_name(role)
                    .policy_document(document.to_string())
                    .send()
                    .await,
            )
        }
        DeactivateAccessKey { user, key_id } => {
            let c = aws_sdk_iam::Client::new(conf);
            sent(
                c.update_access_key()
                    .user_name(user)
                    .access_key_id(key_id)
                    .status(StatusType::Inactive)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("iam", other)),
    }
}

/// CloudWatch alarms and log retention.
async fn monitoring(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        PutAlarm { alarm: a } => {
            let c = aws_sdk_cloudwatch::Client::new(conf);
            let dims = [("ClusterName", &a.cluster), ("ServiceName", &a.service)]
                .map(|(n, v)| Dimension::builder().name(n).value(v).build());
            let mut req = c
                .put_metric_alarm()
                .alarm_name(&a.name)
                .namespace(&a.namespace)
                .metric_name(&a.metric)
                .set_dimensions(Some(dims.to_vec()))
                .statistic(Statistic::from(a.statistic.as_str()))
                .period(a.period)
                .evaluation_periods(a.evaluation_periods)
                .threshold(a.threshold)
                .comparison_operator(ComparisonOperator::from(a.comparison.as_str()))
                .actions_enabled(true);
            for t in &a.actions {
                req = req.alarm_actions(t);
            }
            for t in &a.ok_actions {
                req = req.ok_actions(t);
            }
            sent(req.send().await)
        }
        PutRetention { log_group, days } => {
            let c = aws_sdk_cloudwatchlogs::Client::new(conf);
            sent(
                c.put_retention_policy()
                    .log_group_name(log_group)
                    .retention_in_days(*days)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("monitoring", other)),
    }
}

/// ECS: the service's network, desired count and deployment configuration.
async fn ecs(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        SetNetworkConfiguration {
            cluster,
            service,
            subnets,
            security_groups,
        } => {
            let vpc = built(
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(subnets.clone()))
                    .set_security_groups(Some(security_groups.clone()))
                    .assign_public_ip(AssignPublicIp::Disabled)
                    .build(),
            )?;
            let c = aws_sdk_ecs::Client::new(conf);
            let net = NetworkConfiguration::builder()
                .awsvpc_configuration(vpc)
                .build();
            sent(
                c.update_service()
                    .cluster(cluster)
                    .service(service)
                    .network_configuration(net)
                    .send()
                    .await,
            )
        }
        SetDesiredCount {
            cluster,
            service,
            count,
        } => {
            let c = aws_sdk_ecs::Client::new(conf);
            sent(
                c.update_service()
                    .cluster(cluster)
                    .service(service)
                    .desired_count(*count)
                    .send()
                    .await,
            )
        }
        EnableCircuitBreaker {
            cluster,
            service,
            maximum_percent,
            minimum_healthy_percent,
        } => {
            let breaker = DeploymentCircuitBreaker::builder()
                .enable(true)
                .rollback(true)
                .build();
            let dc = DeploymentConfiguration::builder()
                .deployment_circuit_breaker(breaker)
                .set_maximum_percent(*maximum_percent)
                .set_minimum_healthy_percent(*minimum_healthy_percent)
                .build();
            let c = aws_sdk_ecs::Client::new(conf);
            sent(
                c.update_service()
                    .cluster(cluster)
                    .service(service)
                    .deployment_configuration(dc)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("ecs", other)),
    }
}

/// Application Auto Scaling: the scalable target and its policies.
async fn autoscaling(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        RegisterScalableTarget {
            resource_id,
            min_capacity,
            max_capacity,
        } => {
            let c = aws_sdk_applicationautoscaling::Client::new(conf);
            sent(
                c.register_scalable_target()
                    .service_namespace(ServiceNamespace::Ecs)
                    .resource_id(resource_id)
                    .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                    .min_capacity(*min_capacity)
                    .max_capacity(*max_capacity)
                    .send()
                    .await,
            )
        }
        PutScalingPolicy {
            resource_id,
            metric,
            target_value,
        } => {
            let spec = built(
                PredefinedMetricSpecification::builder()
                    .predefined_metric_type(MetricType::from(metric.as_str()))
                    .build(),
            )?;
            let config = built(
                TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(*target_value)
                    .predefined_metric_specification(spec)
                    .build(),
            )?;
            let c = aws_sdk_applicationautoscaling::Client::new(conf);
            sent(
                c.put_scaling_policy()
                    .service_namespace(ServiceNamespace::Ecs)
                    .resource_id(resource_id)
                    .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                    .policy_name(format!("{metric}-target-tracking"))
                    .policy_type(PolicyType::TargetTrackingScaling)
                    .target_tracking_scaling_policy_configuration(config)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("autoscaling", other)),
    }
}

/// Secrets Manager: resource policies.
async fn secrets(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        DeleteSecretPolicy { secret_arn } => {
            let c = aws_sdk_secretsmanager::Client::new(conf);
            sent(
                c.delete_resource_policy()
                    .secret_id(secret_arn)
                    .send()
                    .await,
            )
        }
        other => Err(misrouted("secrets", other)),
    }
}

/// Authorizes one documented ingress rule (a CIDR, an IPv6 CIDR or a source group).
async fn authorize_ingress(
    conf: &SdkConfig,
    group_id: &str,
    rule: &Ingress,
) -> Result<(), Failure> {
    let mut p = IpPermission::builder()
        .ip_protocol(&rule.protocol)
        .from_port(i32::from(rule.port))
        .to_port(i32::from(rule.port));
    p = match (&rule.cidr, &rule.source_group) {
        (_, Some(sg)) => p.user_id_group_pairs(UserIdGroupPair::builder().group_id(sg).build()),
        (Some(c), None) if c.contains(':') => {
            p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).build())
        }
        (Some(c), None) => p.ip_ranges(IpRange::builder().cidr_ip(c).build()),
        (None, None) => {
            return Err(Failure::other(
                "InvalidParameter",
                "a rule needs a CIDR or a source group",
            ))
        }
    };
    let c = aws_sdk_ec2::Client::new(conf);
    sent(
        c.authorize_security_group_ingress()
            .group_id(group_id)
            .ip_permissions(p.build())
            .send()
            .await,
    )
}
