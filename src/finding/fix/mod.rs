//! The contract between the policies and the code that changes accounts.
//!
//! A policy names an automated fix in its METADATA (`remediation.fix: ec2.revoke_ingress`);
//! this module is the closed set of those fixes ([`FixId`]), what each changes (the inventory
//! kind, the drifted attributes it acts on) and the typed parameters it reads from a finding's
//! `details` ([`Fix`]). It is pure data, shared by the policy loader (which checks it) and the
//! planner in `crate::fix` (which reads only these types).
//!
//! It is checked at both ends, so a renamed key or id cannot quietly switch a fix off:
//! - **when the policies load**: an unknown fix id is a METADATA error at its line; a policy
//!   whose `resource_type` is not the fix's, whose Rego never spells an attribute the fix acts
//!   on, or never emits a `details` key the fix needs, is a load error at the `fix:` line
//!   (`crate::policy` walks the policy's own module for its string literals and object keys);
//! - **when a finding is made**: its `details` are parsed into the fix's typed parameters,
//!   unknown keys rejected, or the policy's evaluation fails naming its file and line.
//!
//! Longer than 400 lines because it is one table: every fix id with its parameter type, so
//! that adding a fix without its contract does not compile.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A security-group ingress rule to authorize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    /// `tcp`.
    pub protocol: String,
    /// One port.
    pub port: u16,
    /// An IPv4 or IPv6 CIDR source…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// …or a security-group source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_group: Option<String>,
}

/// A CloudWatch alarm to put.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    /// Alarm name.
    pub name: String,
    /// `AWS/ECS`.
    pub namespace: String,
    /// `MemoryUtilization`.
    pub metric: String,
    /// Dimension ClusterName.
    pub cluster: String,
    /// Dimension ServiceName.
    pub service: String,
    /// `Average`.
    pub statistic: String,
    /// Seconds.
    pub period: i32,
    /// Periods.
    pub evaluation_periods: i32,
    /// Threshold.
    pub threshold: f64,
    /// `GreaterThanThreshold`.
    pub comparison: String,
    /// SNS topics notified on alarm.
    pub actions: Vec<String>,
    /// SNS topics notified on recovery.
    #[serde(default)]
    pub ok_actions: Vec<String>,
}

/// A target-tracking auto scaling set-up to restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    /// `service/<cluster>/<service>`.
    pub resource_id: String,
    /// Whether the service must be registered as a scalable target first.
    pub register: bool,
    /// Minimum tasks (when registering).
    pub min_capacity: i32,
    /// Maximum tasks (when registering).
    pub max_capacity: i32,
    /// Predefined metrics to track (`ECSServiceAverageCPUUtilization`).
    pub metrics: Vec<String>,
    /// Target percent.
    pub target_value: f64,
}

/// A default route to point at the subnet's own AZ's NAT gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatRoute {
    /// `rtb-…`.
    pub route_table_id: String,
    /// `0.0.0.0/0`.
    pub destination: String,
    /// `nat-…`.
    pub nat_gateway_id: String,
    /// Whether a route to the destination exists (replace it) or not (create it).
    pub route_exists: bool,
}

/// What a fix reads from a finding's `details`, and which of those keys a policy naming the
/// fix must be able to emit.
pub trait Params: Sized {
    /// Keys without which the fix can never apply: a policy that names the fix must spell
    /// each as an object key somewhere in its Rego (checked when the policies load).
    const NEEDED: &'static [&'static str];
    /// Parses the details (unknown keys are errors).
    fn parse(details: &Map<String, Value>) -> Result<Self, String>;
}

/// Parses `details` as `T`, naming what is wrong in the policy's own terms.
fn typed<T: serde::de::DeserializeOwned>(details: &Map<String, Value>) -> Result<T, String> {
    serde_json::from_value(Value::Object(details.clone())).map_err(|e| e.to_string())
}

macro_rules! params {
    ($( $(#[$doc:meta])* $name:ident [$($needed:literal),*] { $( $(#[$fdoc:meta])* $field:ident : $ty:ty ),* $(,)? } )+) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $name {
                $( $(#[$fdoc])* #[serde(default)] pub $field: $ty, )*
            }
            impl Params for $name {
                const NEEDED: &'static [&'static str] = &[$($needed),*];
                fn parse(details: &Map<String, Value>) -> Result<Self, String> {
                    typed(details)
                }
            }
        )+
    };
}

params! {
    /// A fix that reads nothing from `details`: a policy naming it emits none.
    NoParams [] {}
    /// `ec2.revoke_ingress`: a rule is revoked by the id in the attribute
    /// (`ingress:sgr-…`); a missing documented rule (`ingress:missing…`) is authorized from
    /// `authorize`.
    IngressParams [] {
        /// The documented rules to authorize.
        authorize: Option<Vec<Ingress>>,
    }
    /// `elbv2.set_tls_policy`.
    TlsParams [] {
        /// The documented TLS policy (default: the first of the spec's).
        ssl_policy: Option<String>,
        /// The issued certificate to attach, when the listener has none.
        certificate_arn: Option<String>,
    }
    /// `iam.delete_role_policy`: which policy grants the wildcard.
    RolePolicyParams ["inline_policy"] {
        /// An inline policy of the role (the only kind the fix deletes).
        inline_policy: Option<String>,
        /// A customer-managed policy's ARN (left to a person: it needs a new version).
        managed_policy: Option<String>,
    }
    /// `iam.restore_trust_policy`.
    TrustParams ["trust_policy"] {
        /// The documented trust policy document.
        trust_policy: Option<Map<String, Value>>,
    }
    /// `cloudwatch.put_alarm`: absent when the service's alarms notify no SNS topic to reuse.
    AlarmParams ["alarm"] {
        /// The alarm to put.
        alarm: Option<Alarm>,
    }
    /// `logs.put_retention`.
    RetentionParams ["retention_in_days"] {
        /// Days, within the documented range.
        retention_in_days: Option<i32>,
    }
    /// `ecs.set_network_configuration`.
    NetworkParams ["subnets", "security_groups"] {
        /// The documented private subnets.
        subnets: Option<Vec<String>>,
        /// The service's security groups.
        security_groups: Option<Vec<String>>,
        /// The documented `assign_public_ip` (the fix only ever turns public IPs off).
        assign_public_ip: Option<bool>,
    }
    /// `autoscaling.restore_scaling`.
    ScalingParams ["scaling"] {
        /// What to register and track.
        scaling: Option<Scaling>,
    }
}

/// `ec2.route_to_nat`: the route, or nothing when the subnet's AZ has no NAT gateway.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteParams {
    /// The route to set.
    pub route: Option<NatRoute>,
}

impl Params for RouteParams {
    const NEEDED: &'static [&'static str] = &[
        "route_table_id",
        "destination",
        "nat_gateway_id",
        "route_exists",
    ];
    fn parse(details: &Map<String, Value>) -> Result<Self, String> {
        if details.is_empty() {
            return Ok(RouteParams { route: None });
        }
        typed(details).map(|route| RouteParams { route: Some(route) })
    }
}

/// The attribute prefixes and names the fixes act on (a finding's `attribute`); see [`Drifted`].
pub mod attr {
    /// `ingress:<sgr-id>` (one rule) or `ingress:missing…` (a documented rule is absent).
    pub const INGRESS: &str = "ingress:";
    /// `ingress:missing…`.
    pub const INGRESS_MISSING: &str = "ingress:missing";
    /// `attached_policies:<policy-arn>`.
    pub const ATTACHED_POLICY: &str = "attached_policies:";
    /// `access_keys:<key-id>`.
    pub const ACCESS_KEY: &str = "access_keys:";
    /// `alarm:<metric>`.
    pub const ALARM: &str = "alarm:";
    /// `scaling_policy:<metric>`.
    pub const SCALING_POLICY: &str = "scaling_policy:";
}

/// What drifted, as a finding's `attribute` names it: parsed in one place for the planner and
/// the remediation templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drifted<'a> {
    /// `ingress:sgr-…`: one security-group rule, by id.
    IngressRule(&'a str),
    /// `ingress:missing…`: a documented rule is absent.
    MissingIngress,
    /// `attached_policies:<arn>`: a managed policy attached to a role.
    AttachedPolicy(&'a str),
    /// `access_keys:<id>`: a user's access key.
    AccessKey(&'a str),
    /// `alarm:<metric>`: a missing alarm on that metric.
    Alarm(&'a str),
    /// `scaling_policy:<metric>`: a missing target-tracking policy.
    ScalingPolicy(&'a str),
    /// Anything else: the attribute itself (`versioning`, `default_actions`, `log_group:x`).
    Field(&'a str),
}

impl<'a> Drifted<'a> {
    /// Parses a finding's attribute.
    pub fn parse(attribute: &'a str) -> Drifted<'a> {
        let after = |p: &str| attribute.strip_prefix(p);
        if attribute.starts_with(attr::INGRESS_MISSING) {
            Drifted::MissingIngress
        } else if let Some(rule) = after(attr::INGRESS).filter(|r| r.starts_with("sgr-")) {
            Drifted::IngressRule(rule)
        } else if let Some(arn) = after(attr::ATTACHED_POLICY) {
            Drifted::AttachedPolicy(arn)
        } else if let Some(key) = after(attr::ACCESS_KEY) {
            Drifted::AccessKey(key)
        } else if let Some(metric) = after(attr::ALARM) {
            Drifted::Alarm(metric)
        } else if let Some(metric) = after(attr::SCALING_POLICY) {
            Drifted::ScalingPolicy(metric)
        } else {
            Drifted::Field(attribute)
        }
    }
}

/// Declares the fixes: id, the kind it changes (inventory path and METADATA
/// `resource_type`), the attributes it acts on (any, when empty), its parameters.
macro_rules! fixes {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal on $kind:literal as $rtype:literal, acts on [$($attr:expr),*], params $params:ident; )+) => {
        /// An automated fix a policy may name (METADATA `remediation.fix`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FixId {
            $( $(#[$doc])* $variant, )+
        }

        /// A fix with the typed parameters a finding's `details` gave it.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Fix {
            $( $(#[$doc])* $variant($params), )+
        }

        impl FixId {
            /// Every fix, in declaration order.
            pub const ALL: &'static [FixId] = &[$(FixId::$variant),+];

            /// The id policies write (`ec2.revoke_ingress`).
            pub fn as_str(self) -> &'static str {
                match self { $( FixId::$variant => $id, )+ }
            }

            /// The inventory kind whose resources it changes (`ec2.security_groups`).
            pub fn kind(self) -> &'static str {
                match self { $( FixId::$variant => $kind, )+ }
            }

            /// The METADATA `resource_type` of the policies that may name it.
            pub fn resource_type(self) -> &'static str {
                match self { $( FixId::$variant => $rtype, )+ }
            }

            /// The attribute names or prefixes it acts on (empty: whatever drifted on the
            /// resource); a policy naming it must spell at least one.
            pub fn acts_on(self) -> &'static [&'static str] {
                match self { $( FixId::$variant => &[$($attr),*], )+ }
            }

            /// The `details` keys it cannot do without.
            pub fn needed_keys(self) -> &'static [&'static str] {
                match self { $( FixId::$variant => <$params as Params>::NEEDED, )+ }
            }

            /// Parses a finding's `details` into this fix's parameters.
            pub fn parse(self, details: &Map<String, Value>) -> Result<Fix, String> {
                match self {
                    $( FixId::$variant => <$params as Params>::parse(details).map(Fix::$variant), )+
                }
            }
        }

        impl Fix {
            /// Its id.
            pub fn id(&self) -> FixId {
                match self { $( Fix::$variant(_) => FixId::$variant, )+ }
            }
        }
    };
}

fixes! {
    /// Revoke an undocumented ingress rule, or authorize a missing documented one.
    RevokeIngress = "ec2.revoke_ingress" on "ec2.security_groups" as "aws.ec2.security_group",
        acts on [attr::INGRESS], params IngressParams;
    /// Make the HTTP listener redirect to HTTPS.
    SetHttpsRedirect = "elbv2.set_https_redirect" on "elbv2.listeners" as "aws.elbv2.listener",
        acts on ["default_actions"], params NoParams;
    /// Set the HTTPS listener's TLS policy (and certificate).
    SetTlsPolicy = "elbv2.set_tls_policy" on "elbv2.listeners" as "aws.elbv2.listener",
        acts on ["ssl_policy", "protocol", "certificates"], params TlsParams;
    /// Delete an undocumented listener.
    DeleteListener = "elbv2.delete_listener" on "elbv2.listeners" as "aws.elbv2.listener",
        acts on [], params NoParams;
    /// Enable the state bucket's versioning, or its default encryption when it has none.
    EnableVersioning = "s3.enable_versioning" on "s3.buckets" as "aws.s3.bucket",
        acts on ["versioning", "encryption"], params NoParams;
    /// Block all public access on the bucket.
    BlockPublicAccess = "s3.block_public_access" on "s3.buckets" as "aws.s3.bucket",
        acts on [], params NoParams;
    /// Detach an administrator managed policy from a role.
    DetachRolePolicy = "iam.detach_role_policy" on "iam.roles" as "aws.iam.role",
        acts on [attr::ATTACHED_POLICY], params NoParams;
    /// Delete an inline role policy that grants every action and nothing narrower.
    DeleteRolePolicy = "iam.delete_role_policy" on "iam.roles" as "aws.iam.role",
        acts on [], params RolePolicyParams;
    /// Restore the deploy role's documented trust policy.
    RestoreTrustPolicy = "iam.restore_trust_policy" on "iam.roles" as "aws.iam.role",
        acts on [], params TrustParams;
    /// Deactivate a user's access key.
    DeactivateAccessKey = "iam.deactivate_access_key" on "iam.users" as "aws.iam.user",
        acts on [attr::ACCESS_KEY], params NoParams;
    /// Put a missing alarm on the service.
    PutAlarm = "cloudwatch.put_alarm" on "ecs.services" as "aws.ecs.service",
        acts on [attr::ALARM], params AlarmParams;
    /// Set a log group's retention.
    PutRetention = "logs.put_retention" on "logs.log_groups" as "aws.logs.log_group",
        acts on ["retention_in_days"], params RetentionParams;
    /// Put the service's tasks in the private subnets without public IPs.
    SetNetworkConfiguration = "ecs.set_network_configuration" on "ecs.services" as "aws.ecs.service",
        acts on [], params NetworkParams;
    /// Raise the service's desired count to the documented minimum.
    SetDesiredCount = "ecs.set_desired_count" on "ecs.services" as "aws.ecs.service",
        acts on [], params NoParams;
    /// Turn on the deployment circuit breaker with rollback.
    EnableCircuitBreaker = "ecs.enable_circuit_breaker" on "ecs.services" as "aws.ecs.service",
        acts on [], params NoParams;
    /// Restore the service's auto scaling (target and target-tracking policies).
    RestoreScaling = "autoscaling.restore_scaling" on "ecs.services" as "aws.ecs.service",
        acts on [], params ScalingParams;
    /// Release an unassociated Elastic IP.
    ReleaseAddress = "ec2.release_address" on "ec2.elastic_ips" as "aws.ec2.elastic_ip",
        acts on [], params NoParams;
    /// Delete a secret's resource policy.
    DeleteSecretPolicy = "secretsmanager.delete_resource_policy" on "secretsmanager.secrets" as "aws.secretsmanager.secret",
        acts on [], params NoParams;
    /// Stop a private subnet from assigning public IPs.
    DisableSubnetPublicIp = "ec2.disable_subnet_public_ip" on "ec2.subnets" as "aws.ec2.subnet",
        acts on [], params NoParams;
    /// Point a private route table's default route at its AZ's NAT gateway.
    RouteToNat = "ec2.route_to_nat" on "ec2.route_tables" as "aws.ec2.route_table",
        acts on [], params RouteParams;
}

impl std::fmt::Display for FixId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for FixId {
    type Err = String;
    fn from_str(s: &str) -> Result<FixId, String> {
        FixId::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown fix `{s}`; the fixes archaudit can apply are: {}",
                    FixId::ALL
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl Serialize for FixId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FixId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FixId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for FixId {
    fn schema_name() -> String {
        "FixId".to_owned()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            enum_values: Some(FixId::ALL.iter().map(|f| f.as_str().into()).collect()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests;
