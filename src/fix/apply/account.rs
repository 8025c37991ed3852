//! The calls of S3 (the state bucket), IAM, CloudWatch and its logs, ECS, Application Auto
//! Scaling and Secrets Manager.

use aws_config::SdkConfig;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration,
    NetworkConfiguration,
};
use aws_sdk_iam::types::StatusType;
use aws_sdk_s3::types::{
    BucketVersioningStatus, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};

use super::{built, misrouted, sent};
use crate::aws::{Failure, Session};
use crate::fix::action::Action;

/// S3: the bucket's versioning, encryption and public access block.
pub(super) async fn s3(session: &Session, region: &str, a: &Action) -> Result<(), Failure> {
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
pub(super) async fn iam(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
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
pub(super) async fn monitoring(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
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
pub(super) async fn ecs(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
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
pub(super) async fn autoscaling(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
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
pub(super) async fn secrets(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
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
