//! The `[architecture]` section: the documented architecture as named component instances
//! (`networks`, `load_balancers`, `services`), each with its own parameters, plus the
//! account-wide sections (`logs`, `state_bucket`, `github_oidc`, `iam`, `network`). Every
//! section and every optional key that is absent yields no rule: nothing is required that the
//! document does not state. The singular shape of earlier versions is lifted into one-element
//! maps by `legacy.rs`; references between components are checked by `validate.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The documented architecture.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "super::legacy::RawArchitecture")]
pub struct Architecture {
    /// VPCs, by name.
    pub networks: BTreeMap<String, Network>,
    /// Load balancers, by name.
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    /// ECS services, by name.
    pub services: BTreeMap<String, Service>,
    /// RDS databases (instances or Aurora clusters), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub databases: BTreeMap<String, Database>,
    /// Log retention bounds of every log group (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogsSpec>,
    /// The Terraform state bucket (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_bucket: Option<StateBucketSpec>,
    /// The GitHub OIDC deploy role (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github_oidc: Option<GithubOidcSpec>,
    /// Account-wide IAM guardrails (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam: Option<IamSpec>,
    /// Account-wide network guardrails (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSpec>,
}

/// How a network's private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nat {
    /// One NAT gateway in each availability zone; each private subnet routes through its own.
    PerAz,
    /// One NAT gateway for the whole network.
    Single,
    /// No NAT gateway: private subnets have no route to the internet.
    None,
}

/// One VPC.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Region it lives in.
    pub region: Spanned<String>,
    /// IPv4 CIDR.
    pub cidr: Spanned<String>,
    /// Optional Name tag that pins the VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its availability zones.
    pub availability_zones: Vec<Spanned<String>>,
    /// Exactly the subnets of the VPC.
    pub subnets: Vec<SubnetSpec>,
    /// The egress model (optional: absent, NAT gateways and default routes are not judged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nat: Option<Nat>,
    /// Whether an internet gateway is attached (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_gateway: Option<bool>,
}

/// Subnet tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Routes to the internet gateway.
    Public,
    /// Routes through a NAT gateway (or nowhere, with `nat = "none"`).
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

/// Load-balancer scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// Reachable from the internet; lives in public subnets.
    InternetFacing,
    /// Reachable from inside the network only; lives in private subnets.
    Internal,
}

/// One application load balancer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    /// The network it lives in.
    pub network: Spanned<String>,
    /// Optional name that pins it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Scheme.
    pub scheme: Scheme,
    /// The HTTPS listener (optional: absent, the load balancer serves no HTTPS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https: Option<HttpsListener>,
    /// The HTTP listener (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpListener>,
    /// Sources allowed to reach the listeners (and nothing else).
    pub ingress_cidrs: Vec<Spanned<String>>,
    /// Routing: which service each path or host pattern reaches.
    #[serde(default)]
    pub routes: Vec<Route>,
}

/// An HTTPS listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpsListener {
    /// Port.
    pub port: u16,
    /// Acceptable TLS policies.
    pub tls_policies: Vec<String>,
}

/// What the HTTP listener does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HttpAction {
    /// Redirects to HTTPS.
    Redirect,
    /// Serves (forwards to the routes' services).
    Forward,
}

/// An HTTP listener.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpListener {
    /// Port.
    pub port: u16,
    /// Redirect to HTTPS, or forward.
    pub action: Spanned<HttpAction>,
    /// Status of the redirect (`HTTP_301`); only with `action = "redirect"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_status: Option<String>,
}

/// One documented route of a load balancer: requests matching `path` and `host` (neither:
/// the default action) reach `service`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Path pattern (`/reporting*`), as in the listener rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Host-header pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The service it reaches.
    pub service: Spanned<String>,
}

/// One ECS service.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Optional service name that pins it (required when it has no load balancer, or when
    /// its load balancer has another unpinned service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Optional cluster name that pins it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The network its tasks run in.
    pub network: Spanned<String>,
    /// The tier of the subnets its tasks run in.
    pub tier: Tier,
    /// The load balancer in front of it (optional: a worker has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<Spanned<String>>,
    /// The container port(s) its tasks accept traffic on.
    #[serde(default)]
    pub ports: Vec<u16>,
    /// Launch type (`FARGATE`; optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    /// Fewest tasks it may want (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_desired_count: Option<u32>,
    /// Most tasks it may want (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_desired_count: Option<Spanned<u32>>,
    /// Whether tasks may get public IPs (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_public_ip: Option<bool>,
    /// Whether the deployment circuit breaker must roll back (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker_rollback: Option<bool>,
    /// Target-tracking metrics it scales on (absent or empty: no autoscaling is documented).
    #[serde(default)]
    pub autoscaling_metrics: Vec<String>,
    /// Alarms it must have.
    #[serde(default)]
    pub alarms: Vec<AlarmSpec>,
    /// Other services allowed to reach its ports (by component name).
    #[serde(default)]
    pub reachable_from_services: Vec<Spanned<String>>,
    /// CIDRs allowed to reach its ports.
    #[serde(default)]
    pub reachable_from_cidrs: Vec<Spanned<String>>,
}

/// One RDS database: a DB instance, or an Aurora cluster with its member instances. Every key
/// but `network` and `engine` is optional: a key left out is not judged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// The network it lives in (its DB subnet group's VPC).
    pub network: Spanned<String>,
    /// Engine, as RDS names it (`postgres`, `mysql`, `aurora-postgresql`, …).
    pub engine: Spanned<String>,
    /// The DB instance or cluster identifier that pins it (optional: an unpinned database is
    /// the one of its engine in its network).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The subnet tier its DB subnet group must lie in (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// The port it listens on (optional: the port it reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Whether it may be publicly accessible (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// Whether its storage must be encrypted (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    /// Fewest days of automated backups (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_backup_retention_days: Option<u32>,
    /// Most days of automated backups (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_backup_retention_days: Option<Spanned<u32>>,
    /// Whether deletion protection must be on (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Whether RDS must manage the master password in Secrets Manager (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manage_master_user_password: Option<bool>,
    /// The services (by component name) whose tasks may reach it (optional; with
    /// `reachable_from_cidrs`, stating either makes every other ingress drift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_from_services: Option<Vec<Spanned<String>>>,
    /// CIDRs that may reach it (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_from_cidrs: Option<Vec<Spanned<String>>>,
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

/// IAM guardrails.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamSpec {
    /// Managed policies no application role may carry.
    pub admin_policies: Vec<String>,
    /// Actions that are only grantable on `*`.
    pub wildcard_resource_actions: Vec<String>,
    /// Whether IAM users may hold active access keys (optional; absent or false: none may,
    /// except the `deploy_users`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_keys: Option<bool>,
    /// IAM users the document names as deploy identities: their access keys are documented.
    #[serde(default)]
    pub deploy_users: Vec<String>,
}

/// Network guardrails.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Ports never open to the internet.
    pub admin_ports: Vec<u16>,
}

impl Architecture {
    /// The regions the documented networks live in (sorted, deduplicated): a scan's default.
    pub fn regions(&self) -> Vec<String> {
        let mut r: Vec<String> = self
            .networks
            .values()
            .map(|n| n.region.get_ref().clone())
            .collect();
        r.sort();
        r.dedup();
        r
    }

    /// The service of a component id (`services.api`).
    pub fn service(&self, component: &str) -> Option<&Service> {
        self.services.get(component.strip_prefix("services.")?)
    }

    /// The database of a component id (`databases.orders`).
    pub fn database(&self, component: &str) -> Option<&Database> {
        self.databases.get(component.strip_prefix("databases.")?)
    }

    /// The load balancer of a component id (`load_balancers.public`).
    pub fn load_balancer(&self, component: &str) -> Option<&LoadBalancer> {
        self.load_balancers
            .get(component.strip_prefix("load_balancers.")?)
    }
}
