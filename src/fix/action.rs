//! The closed set of fix actions: one variant per change archaudit may make, with its AWS API
//! call, the IAM permission it needs, the equivalent AWS CLI command and its blast radius.
//! Parameters are data (planned, shown, saved, compared), never code.
//!
//! Longer than 400 lines because the set is closed on purpose: each method is one exhaustive
//! `match` with an arm per action, so adding an action that forgets its permission, CLI or
//! blast radius does not compile.

use serde::{Deserialize, Serialize};

pub use crate::finding::fix::{Alarm, Ingress};

/// One change to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Revoke one security-group ingress rule by id.
    RevokeIngress {
        /// `sg-…`.
        group_id: String,
        /// `sgr-…`.
        rule_id: String,
    },
    /// Authorize the documented ingress rule.
    AuthorizeIngress {
        /// `sg-…`.
        group_id: String,
        /// The rule.
        rule: Ingress,
    },
    /// Make the HTTP listener's default action the documented redirect to HTTPS.
    SetHttpsRedirect {
        /// Listener ARN.
        listener_arn: String,
        /// HTTPS port.
        port: u16,
        /// `HTTP_301` or `HTTP_302`.
        status: String,
    },
    /// Set the HTTPS listener's TLS policy (and its certificate when it has none).
    SetTlsPolicy {
        /// Listener ARN.
        listener_arn: String,
        /// Documented policy.
        ssl_policy: String,
        /// Certificate to attach, when the listener has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate_arn: Option<String>,
    },
    /// Delete an undocumented listener.
    DeleteListener {
        /// Listener ARN.
        listener_arn: String,
    },
    /// Enable bucket versioning.
    EnableVersioning {
        /// Bucket.
        bucket: String,
    },
    /// Set default encryption (only planned when the bucket has none).
    PutBucketEncryption {
        /// Bucket.
        bucket: String,
        /// `aws:kms` or `AES256`.
        algorithm: String,
        /// S3 Bucket Keys (fewer KMS calls), as the documented bucket has them.
        bucket_key: bool,
    },
    /// Block all public access on the bucket.
    BlockPublicAccess {
        /// Bucket.
        bucket: String,
    },
    /// Detach a managed policy from a role.
    DetachRolePolicy {
        /// Role name.
        role: String,
        /// Policy ARN.
        policy_arn: String,
    },
    /// Delete an inline policy from a role (planned only for one that grants every action).
    DeleteRolePolicy {
        /// Role name.
        role: String,
        /// Inline policy name.
        policy_name: String,
    },
    /// Replace the role's trust policy with the documented one.
    RestoreTrustPolicy {
        /// Role name.
        role: String,
        /// The policy document.
        document: serde_json::Value,
    },
    /// Deactivate a user's access key.
    DeactivateAccessKey {
        /// User name.
        user: String,
        /// Key id.
        key_id: String,
    },
    /// Put the documented alarm on the service.
    PutAlarm {
        /// The alarm.
        alarm: Alarm,
    },
    /// Set a log group's retention.
    PutRetention {
        /// Log group name.
        log_group: String,
        /// Days.
        days: i32,
    },
    /// Set the service's network configuration (subnets, security groups, no public IP).
    SetNetworkConfiguration {
        /// Cluster name.
        cluster: String,
        /// Service name.
        service: String,
        /// Subnet ids.
        subnets: Vec<String>,
        /// Security-group ids.
        security_groups: Vec<String>,
    },
    /// Set the service's desired count.
    SetDesiredCount {
        /// Cluster name.
        cluster: String,
        /// Service name.
        service: String,
        /// Tasks.
        count: i32,
    },
    /// Turn on the deployment circuit breaker with rollback (the rest of the deployment
    /// configuration is sent as it is, so it is not reset).
    EnableCircuitBreaker {
        /// Cluster name.
        cluster: String,
        /// Service name.
        service: String,
        /// Current maximum percent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum_percent: Option<i32>,
        /// Current minimum healthy percent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum_healthy_percent: Option<i32>,
    },
    /// Register the service's desired count with Application Auto Scaling.
    RegisterScalableTarget {
        /// `service/<cluster>/<service>`.
        resource_id: String,
        /// Minimum tasks.
        min_capacity: i32,
        /// Maximum tasks.
        max_capacity: i32,
    },
    /// Put a target-tracking policy on a predefined metric.
    PutScalingPolicy {
        /// `service/<cluster>/<service>`.
        resource_id: String,
        /// `ECSServiceAverageCPUUtilization`.
        metric: String,
        /// Target percent.
        target_value: f64,
    },
    /// Release an unassociated Elastic IP.
    ReleaseAddress {
        /// `eipalloc-…`.
        allocation_id: String,
    },
    /// Delete a secret's resource policy.
    DeleteSecretPolicy {
        /// Secret ARN.
        secret_arn: String,
    },
    /// Stop a subnet from assigning public IPs at launch.
    DisableSubnetPublicIp {
        /// `subnet-…`.
        subnet_id: String,
    },
    /// Point a route table's default route at a NAT gateway (replace, or create when absent).
    RouteToNat {
        /// `rtb-…`.
        route_table_id: String,
        /// `0.0.0.0/0`.
        destination: String,
        /// `nat-…`.
        nat_gateway_id: String,
        /// Replace an existing route (else create it).
        replace: bool,
    },
}

fn q(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl Action {
    /// The AWS service the call goes to (the rate limiter's key).
    pub fn service(&self) -> &'static str {
        use Action::*;
        match self {
            RevokeIngress { .. }
            | AuthorizeIngress { .. }
            | ReleaseAddress { .. }
            | DisableSubnetPublicIp { .. }
            | RouteToNat { .. } => "ec2",
            SetHttpsRedirect { .. } | SetTlsPolicy { .. } | DeleteListener { .. } => "elbv2",
            EnableVersioning { .. } | PutBucketEncryption { .. } | BlockPublicAccess { .. } => "s3",
            DetachRolePolicy { .. }
            | DeleteRolePolicy { .. }
            | RestoreTrustPolicy { .. }
            | DeactivateAccessKey { .. } => "iam",
            PutAlarm { .. } => "cloudwatch",
            PutRetention { .. } => "logs",
            SetNetworkConfiguration { .. }
            | SetDesiredCount { .. }
            | EnableCircuitBreaker { .. } => "ecs",
            DeleteSecretPolicy { .. } => "secretsmanager",
            RegisterScalableTarget { .. } | PutScalingPolicy { .. } => "autoscaling",
        }
    }

    /// The IAM action the call needs (also the API operation).
    pub fn permission(&self) -> &'static str {
        use Action::*;
        match self {
            RevokeIngress { .. } => "ec2:RevokeSecurityGroupIngress",
            AuthorizeIngress { .. } => "ec2:AuthorizeSecurityGroupIngress",
            SetHttpsRedirect { .. } | SetTlsPolicy { .. } => "elasticloadbalancing:ModifyListener",
            DeleteListener { .. } => "elasticloadbalancing:DeleteListener",
            EnableVersioning { .. } => "s3:PutBucketVersioning",
            PutBucketEncryption { .. } => "s3:PutEncryptionConfiguration",
            BlockPublicAccess { .. } => "s3:PutBucketPublicAccessBlock",
            DetachRolePolicy { .. } => "iam:DetachRolePolicy",
            DeleteRolePolicy { .. } => "iam:DeleteRolePolicy",
            RestoreTrustPolicy { .. } => "iam:UpdateAssumeRolePolicy",
            DeactivateAccessKey { .. } => "iam:UpdateAccessKey",
            PutAlarm { .. } => "cloudwatch:PutMetricAlarm",
            PutRetention { .. } => "logs:PutRetentionPolicy",
            SetNetworkConfiguration { .. }
            | SetDesiredCount { .. }
            | EnableCircuitBreaker { .. } => "ecs:UpdateService",
            ReleaseAddress { .. } => "ec2:ReleaseAddress",
            DeleteSecretPolicy { .. } => "secretsmanager:DeleteResourcePolicy",
            RegisterScalableTarget { .. } => "application-autoscaling:RegisterScalableTarget",
            PutScalingPolicy { .. } => "application-autoscaling:PutScalingPolicy",
            DisableSubnetPublicIp { .. } => "ec2:ModifySubnetAttribute",
            RouteToNat { replace: true, .. } => "ec2:ReplaceRoute",
            RouteToNat { replace: false, .. } => "ec2:CreateRoute",
        }
    }

    /// Every IAM action any variant can need (`permissions/archaudit-fix.json`).
    pub const PERMISSIONS: &'static [&'static str] = &[
        "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:RegisterScalableTarget",
        "cloudwatch:PutMetricAlarm",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:CreateRoute",
        "ec2:ModifySubnetAttribute",
        "ec2:ReleaseAddress",
        "ec2:ReplaceRoute",
        "ec2:RevokeSecurityGroupIngress",
        "ecs:UpdateService",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "iam:DetachRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:UpdateAccessKey",
        "iam:UpdateAssumeRolePolicy",
        "logs:PutRetentionPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "secretsmanager:DeleteResourcePolicy",
    ];

    /// What else the change can affect, for the plan.
    pub fn blast_radius(&self) -> &'static str {
        use Action::*;
        match self {
            RevokeIngress { .. } => "connections that relied on this rule are refused from now on",
            AuthorizeIngress { .. } => "opens exactly the documented port to the documented source",
            SetHttpsRedirect { .. } => "plain-HTTP clients are redirected instead of served",
            SetTlsPolicy { .. } => "clients that only speak TLS < 1.2 can no longer connect",
            DeleteListener { .. } => "the port stops accepting connections",
            EnableVersioning { .. } => {
                "new object versions are kept (storage cost grows with overwrites)"
            }
            PutBucketEncryption { .. } => {
                "new objects are encrypted; existing ones are not rewritten"
            }
            BlockPublicAccess { .. } => {
                "public ACLs and policies on the bucket stop granting access"
            }
            DetachRolePolicy { .. } | DeleteRolePolicy { .. } => {
                "the role loses every permission the policy granted"
            }
            RestoreTrustPolicy { .. } => "only the documented GitHub subjects can assume the role",
            DeactivateAccessKey { .. } => {
                "anything using the key fails to authenticate (reversible: reactivate it)"
            }
            PutAlarm { .. } => "one alarm created or overwritten by name",
            PutRetention { .. } => "log events older than the retention are deleted",
            SetNetworkConfiguration { .. } => {
                "a new deployment: tasks are replaced in the documented subnets"
            }
            SetDesiredCount { .. } => "tasks are started (cost) to reach the documented count",
            EnableCircuitBreaker { .. } => "failed deployments roll back automatically",
            ReleaseAddress { .. } => {
                "the public IP address is returned to AWS and cannot be recovered"
            }
            DeleteSecretPolicy { .. } => {
                "principals granted only by the policy lose access to the secret"
            }
            RegisterScalableTarget { .. } => {
                "the service's task count moves between the documented bounds"
            }
            PutScalingPolicy { .. } => {
                "tasks are added or removed to hold the metric at the target"
            }
            DisableSubnetPublicIp { .. } => "new instances in the subnet get no public IP",
            RouteToNat { .. } => {
                "the subnet's internet traffic goes through its own AZ's NAT gateway"
            }
        }
    }

    /// A warning for the operator, when the change can break something in use.
    pub fn warning(&self) -> Option<&'static str> {
        use Action::*;
        match self {
            DeactivateAccessKey { .. } => {
                Some("a CI job or person may still use this key: check its last use first")
            }
            ReleaseAddress { .. } => {
                Some("a released address cannot be recovered; allow-lists naming it break")
            }
            DetachRolePolicy { .. } | DeleteRolePolicy { .. } => {
                Some("the application may depend on permissions this policy grants")
            }
            SetNetworkConfiguration { .. } => Some("starts a new deployment of the service"),
            _ => None,
        }
    }

    /// The resource the action changes (an ARN or id), for the plan.
    pub fn target(&self) -> String {
        use Action::*;
        match self {
            RevokeIngress { group_id, .. } | AuthorizeIngress { group_id, .. } => group_id.clone(),
            SetHttpsRedirect { listener_arn, .. }
            | SetTlsPolicy { listener_arn, .. }
            | DeleteListener { listener_arn } => listener_arn.clone(),
            EnableVersioning { bucket }
            | PutBucketEncryption { bucket, .. }
            | BlockPublicAccess { bucket } => bucket.clone(),
            DetachRolePolicy { role, .. }
            | DeleteRolePolicy { role, .. }
            | RestoreTrustPolicy { role, .. } => role.clone(),
            DeactivateAccessKey { user, .. } => user.clone(),
            PutAlarm { alarm } => alarm.name.clone(),
            PutRetention { log_group, .. } => log_group.clone(),
            SetNetworkConfiguration { service, .. }
            | SetDesiredCount { service, .. }
            | EnableCircuitBreaker { service, .. } => service.clone(),
            ReleaseAddress { allocation_id } => allocation_id.clone(),
            DeleteSecretPolicy { secret_arn } => secret_arn.clone(),
            RegisterScalableTarget { resource_id, .. } | PutScalingPolicy { resource_id, .. } => {
                resource_id.clone()
            }
            DisableSubnetPublicIp { subnet_id } => subnet_id.clone(),
            RouteToNat { route_table_id, .. } => route_table_id.clone(),
        }
    }

    /// The equivalent AWS CLI command.
    pub fn cli(&self) -> String {
        use Action::*;
        match self {
            RevokeIngress { group_id, rule_id } => format!("aws ec2 revoke-security-group-ingress --group-id {group_id} --security-group-rule-ids {rule_id}"),
            AuthorizeIngress { group_id, rule } => match (&rule.cidr, &rule.source_group) {
                (_, Some(sg)) => format!("aws ec2 authorize-security-group-ingress --group-id {group_id} --protocol {} --port {} --source-group {sg}", rule.protocol, rule.port),
                (Some(c), None) if c.contains(':') => format!("aws ec2 authorize-security-group-ingress --group-id {group_id} --ip-permissions 'IpProtocol={},FromPort={p},ToPort={p},Ipv6Ranges=[{{CidrIpv6={c}}}]'", rule.protocol, p = rule.port),
                (c, None) => format!("aws ec2 authorize-security-group-ingress --group-id {group_id} --protocol {} --port {} --cidr {}", rule.protocol, rule.port, c.as_deref().unwrap_or("")),
            },
            SetHttpsRedirect { listener_arn, port, status } => format!("aws elbv2 modify-listener --listener-arn {listener_arn} --default-actions 'Type=redirect,RedirectConfig={{Protocol=HTTPS,Port={port},StatusCode={status}}}'"),
            SetTlsPolicy { listener_arn, ssl_policy, certificate_arn } => {
                let mut c = format!("aws elbv2 modify-listener --listener-arn {listener_arn} --protocol HTTPS --ssl-policy {ssl_policy}");
                if let Some(cert) = certificate_arn {
                    c.push_str(&format!(" --certificates CertificateArn={cert}"));
                }
                c
            }
            DeleteListener { listener_arn } => format!("aws elbv2 delete-listener --listener-arn {listener_arn}"),
            EnableVersioning { bucket } => format!("aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled"),
            PutBucketEncryption { bucket, algorithm, bucket_key } => format!("aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration '{{\"Rules\":[{{\"ApplyServerSideEncryptionByDefault\":{{\"SSEAlgorithm\":\"{algorithm}\"}},\"BucketKeyEnabled\":{bucket_key}}}]}}'"),
            BlockPublicAccess { bucket } => format!("aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"),
            DetachRolePolicy { role, policy_arn } => format!("aws iam detach-role-policy --role-name {role} --policy-arn {policy_arn}"),
            DeleteRolePolicy { role, policy_name } => format!("aws iam delete-role-policy --role-name {role} --policy-name {}", q(policy_name)),
            RestoreTrustPolicy { role, document } => format!("aws iam update-assume-role-policy --role-name {role} --policy-document {}", q(&document.to_string())),
            DeactivateAccessKey { user, key_id } => format!("aws iam update-access-key --user-name {user} --access-key-id {key_id} --status Inactive"),
            PutAlarm { alarm: a } => format!("aws cloudwatch put-metric-alarm --alarm-name {} --namespace {} --metric-name {} --dimensions Name=ClusterName,Value={} Name=ServiceName,Value={} --statistic {} --period {} --evaluation-periods {} --threshold {} --comparison-operator {} --alarm-actions {}{}", q(&a.name), a.namespace, a.metric, a.cluster, a.service, a.statistic, a.period, a.evaluation_periods, a.threshold, a.comparison, a.actions.join(" "), if a.ok_actions.is_empty() { String::new() } else { format!(" --ok-actions {}", a.ok_actions.join(" ")) }),
            PutRetention { log_group, days } => format!("aws logs put-retention-policy --log-group-name {} --retention-in-days {days}", q(log_group)),
            SetNetworkConfiguration { cluster, service, subnets, security_groups } => format!("aws ecs update-service --cluster {cluster} --service {service} --network-configuration 'awsvpcConfiguration={{subnets=[{}],securityGroups=[{}],assignPublicIp=DISABLED}}'", subnets.join(","), security_groups.join(",")),
            SetDesiredCount { cluster, service, count } => format!("aws ecs update-service --cluster {cluster} --service {service} --desired-count {count}"),
            EnableCircuitBreaker { cluster, service, .. } => format!("aws ecs update-service --cluster {cluster} --service {service} --deployment-configuration 'deploymentCircuitBreaker={{enable=true,rollback=true}}'"),
            ReleaseAddress { allocation_id } => format!("aws ec2 release-address --allocation-id {allocation_id}"),
            RegisterScalableTarget { resource_id, min_capacity, max_capacity } => format!("aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id {resource_id} --scalable-dimension ecs:service:DesiredCount --min-capacity {min_capacity} --max-capacity {max_capacity}"),
            PutScalingPolicy { resource_id, metric, target_value } => format!("aws application-autoscaling put-scaling-policy --service-namespace ecs --resource-id {resource_id} --scalable-dimension ecs:service:DesiredCount --policy-name {metric}-target-tracking --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration '{{\"TargetValue\":{target_value},\"PredefinedMetricSpecification\":{{\"PredefinedMetricType\":\"{metric}\"}}}}'"),
            DeleteSecretPolicy { secret_arn } => format!("aws secretsmanager delete-resource-policy --secret-id {secret_arn}"),
            DisableSubnetPublicIp { subnet_id } => format!("aws ec2 modify-subnet-attribute --subnet-id {subnet_id} --no-map-public-ip-on-launch"),
            RouteToNat { route_table_id, destination, nat_gateway_id, replace } => format!("aws ec2 {} --route-table-id {route_table_id} --destination-cidr-block {destination} --nat-gateway-id {nat_gateway_id}", if *replace { "replace-route" } else { "create-route" }),
        }
    }

    /// The API call with its parameters, for the plan (`ec2:RevokeSecurityGroupIngress(…)`).
    pub fn api_call(&self) -> String {
        let params = serde_json::to_value(self).unwrap_or_default();
        let mut fields: Vec<String> = params
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k != "action")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        fields.sort();
        format!("{}({})", self.permission(), fields.join(", "))
    }
}
