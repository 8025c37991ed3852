//! ECS: clusters, services, and the task definitions those services run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// ECS in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ecs {
    /// Clusters.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// Services of every cluster.
    #[serde(default)]
    pub services: Vec<Service>,
    /// The task definitions that services reference (other revisions are not collected).
    #[serde(default)]
    pub task_definitions: Vec<TaskDefinition>,
}

super::registry::service!(
    Ecs,
    "ecs",
    regional,
    [
        clusters => super::Terraform::declared(&["aws_ecs_cluster"], &["arn", "name"]),
        services => super::Terraform::declared(&["aws_ecs_service"], &["id", "name"]),
        task_definitions => super::Terraform::declared(&["aws_ecs_task_definition"], &["arn"]),
    ],
    []
);

/// A cluster.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cluster {
    /// Common resource fields (`id` is the cluster name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `ACTIVE`, `INACTIVE`, …
    pub status: String,
    /// Container Insights setting (`enabled`, `enhanced`, `disabled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_insights: Option<String>,
    /// Capacity providers, sorted.
    pub capacity_providers: Vec<String>,
}

/// A service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Service {
    /// Common resource fields (`id` is the service name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The cluster's ARN.
    pub cluster_arn: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`.
    pub status: String,
    /// `FARGATE`, `EC2`, `EXTERNAL`; absent when a capacity provider strategy is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    /// Capacity providers of the strategy, sorted.
    pub capacity_providers: Vec<String>,
    /// Fargate platform version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    /// Desired task count.
    pub desired_count: i32,
    /// Running task count.
    pub running_count: i32,
    /// The task definition's ARN.
    pub task_definition: String,
    /// awsvpc network configuration (absent for other network modes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkConfiguration>,
    /// Load balancers the service registers with.
    pub load_balancers: Vec<ServiceLoadBalancer>,
    /// Deployment settings.
    pub deployment: Deployment,
    /// Health-check grace period in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period_seconds: Option<i32>,
}

/// A service's awsvpc network configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfiguration {
    /// Subnets, sorted.
    pub subnets: Vec<String>,
    /// Security groups, sorted.
    pub security_groups: Vec<String>,
    /// Whether tasks get a public IP (`assignPublicIp` = `ENABLED`).
    pub assign_public_ip: bool,
}

/// A load balancer binding of a service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLoadBalancer {
    /// Target group ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group_arn: Option<String>,
    /// Container name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Container port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<i32>,
}

/// A service's deployment configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Deployment controller (`ECS`, `CODE_DEPLOY`, `EXTERNAL`).
    pub controller: String,
    /// Whether the deployment circuit breaker is on.
    pub circuit_breaker_enabled: bool,
    /// Whether the circuit breaker rolls back failed deployments.
    pub circuit_breaker_rollback: bool,
    /// Minimum healthy percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_percent: Option<i32>,
    /// Maximum percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_percent: Option<i32>,
}

/// A task definition revision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskDefinition {
    /// Common resource fields (`id` is `family:revision`).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Family.
    pub family: String,
    /// Revision.
    pub revision: i32,
    /// `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// Network mode (`awsvpc`, `bridge`, `host`, `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    /// Compatibilities it was registered for (`FARGATE`, `EC2`), sorted.
    pub requires_compatibilities: Vec<String>,
    /// Task-level CPU units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Task-level memory (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// The role the containers' AWS calls use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
    /// The role ECS uses to pull images, fetch secrets and write logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    /// Containers, in definition order.
    pub containers: Vec<Container>,
}

/// A container definition, with secrets kept as references and environment values redacted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Container {
    /// Container name.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// Whether the task stops when this container stops.
    pub essential: bool,
    /// Port mappings.
    pub port_mappings: Vec<PortMapping>,
    /// Log configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<LogConfiguration>,
    /// Secrets injected from Secrets Manager or SSM Parameter Store (references, not values).
    pub secrets: Vec<SecretRef>,
    /// Plain environment variables: names only, values never stored.
    pub environment: Vec<EnvVar>,
    /// Whether the container runs privileged.
    pub privileged: bool,
    /// Whether the root file system is read-only.
    pub readonly_root_filesystem: bool,
    /// The user the container runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// A container port mapping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortMapping {
    /// Container port.
    pub container_port: i32,
    /// Host port (equal to the container port for awsvpc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
    /// `tcp` or `udp`.
    pub protocol: String,
}

/// A container's log configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogConfiguration {
    /// Log driver (`awslogs`, `awsfirelens`, …).
    pub driver: String,
    /// Driver options (`awslogs-group`, `awslogs-region`, …). Options that reference secrets are
    /// listed by name only in `secret_options`.
    pub options: super::SortedMap<String, String>,
}

/// A secret reference: where the value comes from, never the value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// Environment variable name inside the container.
    pub name: String,
    /// Secrets Manager secret ARN (possibly with a JSON key suffix) or SSM parameter ARN/name.
    pub value_from: String,
    /// `secretsmanager`, `ssm` or `unknown`, derived from `value_from`.
    pub source: String,
}

/// A plain environment variable, with its value redacted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Whether the (redacted) value looks like a credential: the name suggests a secret
    /// (`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, …) and the value is non-empty, or the value
    /// itself has the shape of a known credential (AWS access key id, private key, JWT).
    pub looks_like_credential: bool,
}
