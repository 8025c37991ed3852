//! The `[architecture]` section: the documented architecture, typed. Validation of values
//! that serde cannot check (CIDRs inside the VPC, AZ coverage, finite thresholds) is in
//! `Config::validate`.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The documented architecture.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Architecture {
    /// Region the architecture lives in.
    pub region: String,
    /// Its availability zones.
    pub availability_zones: Vec<Spanned<String>>,
    /// The application (container) port.
    pub app_port: u16,
    /// The VPC.
    pub vpc: VpcSpec,
    /// Exactly the subnets of the VPC.
    pub subnets: Vec<SubnetSpec>,
    /// The load balancer.
    pub load_balancer: LoadBalancerSpec,
    /// The ECS service.
    pub ecs: EcsSpec,
    /// Required alarms.
    pub alarms: Vec<AlarmSpec>,
    /// Log retention bounds.
    pub logs: LogsSpec,
    /// The Terraform state bucket.
    pub state_bucket: StateBucketSpec,
    /// The GitHub OIDC deploy role.
    pub github_oidc: GithubOidcSpec,
    /// IAM least-privilege bounds.
    pub iam: IamSpec,
    /// Network-wide rules.
    pub network: NetworkSpec,
}

/// The VPC.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcSpec {
    /// IPv4 CIDR.
    pub cidr: Spanned<String>,
    /// Optional Name tag that pins the VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Subnet tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Routes to the internet gateway.
    Public,
    /// Routes through a NAT gateway.
    Private,
}

/// One documented subnet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    /// IPv4 CIDR.
    pub cidr: Spanned<String>,
    /// Availability zone.
    pub az: Spanned<String>,
    /// Tier.
    pub tier: Tier,
}

/// The load balancer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Optional name that pins the ALB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTPS listener port.
    pub https_port: u16,
    /// HTTP (redirect) listener port.
    pub http_port: u16,
    /// Redirect status code (`HTTP_301`).
    pub redirect_status: String,
    /// Acceptable TLS policies.
    pub tls_policies: Vec<String>,
    /// Sources allowed to reach the listeners.
    pub ingress_cidrs: Vec<Spanned<String>>,
}

/// The ECS service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsSpec {
    /// Optional service name that pins it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `FARGATE`.
    pub launch_type: String,
    /// Minimum desired count.
    pub min_desired_count: u32,
    /// Whether tasks may get public IPs.
    pub assign_public_ip: bool,
    /// Whether the circuit breaker must roll back.
    pub circuit_breaker_rollback: bool,
    /// Target-tracking metrics required.
    pub autoscaling_metrics: Vec<String>,
}

/// A required alarm.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// Metric namespace.
    pub namespace: String,
    /// Metric name.
    pub metric: String,
    /// Acceptable comparison operators.
    pub comparison: Vec<String>,
    /// Lowest acceptable threshold.
    pub threshold_min: f64,
    /// Highest acceptable threshold.
    pub threshold_max: Spanned<f64>,
}

/// Log retention bounds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsSpec {
    /// Minimum retention in days.
    pub min_retention_days: u32,
    /// Maximum retention in days.
    pub max_retention_days: Spanned<u32>,
}

/// The Terraform state bucket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateBucketSpec {
    /// Name glob.
    pub name_pattern: Spanned<String>,
    /// Tag key that marks it.
    pub tag_key: String,
    /// Tag value that marks it.
    pub tag_value: String,
    /// Acceptable default-encryption algorithms.
    pub encryption: Vec<String>,
}

/// The GitHub OIDC deploy role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubOidcSpec {
    /// Provider URL without scheme.
    pub provider_url: String,
    /// Required audience.
    pub audience: String,
    /// `owner/name` of the repository.
    pub repository: String,
    /// Acceptable `sub` claims (globs).
    pub allowed_subjects: Vec<Spanned<String>>,
}

/// IAM bounds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamSpec {
    /// Managed policies no application role may carry.
    pub admin_policies: Vec<String>,
    /// Actions that are only grantable on `*`.
    pub wildcard_resource_actions: Vec<String>,
}

/// Network-wide rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Ports never open to the internet.
    pub admin_ports: Vec<u16>,
}
