//! The inventory: everything archaudit observed in one account, typed and normalized.
//!
//! It is the only thing policies see (`input`), and the contract between the collectors
//! (`crate::collect`) and everything downstream. Its JSON form is versioned by
//! [`SCHEMA_VERSION`] and described by `schema/inventory.schema.json`, generated from these
//! types by [`json_schema`].
//!
//! # Rules every kind follows
//! - **Normalized to the effective configuration**: what AWS enforces, not the raw response
//!   shape (a bucket without a public-access-block configuration has every flag `false`).
//! - **Unknown is not false.** An attribute that could not be observed is absent from the JSON,
//!   named in the resource's `unknown` list, and the failed call is in [`Inventory::gaps`]. An
//!   absent *feature* is a value (`"versioning": "disabled"`, `[]`).
//! - **Deterministic**: every list is sorted (by ARN, then id), maps are `BTreeMap`s.
//! - **No secret values**: Secrets Manager is read through metadata calls only, and ECS
//!   environment values are replaced by a [`ecs::EnvVar`] that keeps the name only.

pub mod acm;
pub mod autoscaling;
pub mod cloudwatch;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod iam;
mod load;
pub mod logs;
mod map;
pub mod policy_doc;
pub mod rds;
pub mod registry;
mod values;

pub use load::{LoadError, REFERENCE_FIXTURE};
pub use map::SortedMap;
pub use registry::{Terraform, CHILD_KINDS};

/// Whether `kind` is an account-level setting (one per account: S3's public access block)
/// rather than a list of resources, as its registration declares.
pub fn is_account_setting(kind: &str) -> bool {
    terraform_kinds().any(|(k, how)| k == kind && matches!(how, Terraform::Setting { .. }))
}
pub mod s3;
pub mod secretsmanager;

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the inventory's JSON shape; bumped on any breaking change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything archaudit knows about one account, as the policies see it (`input`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Version of this document's shape ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Where and when the inventory was collected, and how each service fared.
    pub meta: ScanMeta,
    /// The resources, one object per service.
    pub aws: Aws,
    /// Every call that failed and what it left unknown. Empty means the collection is complete.
    #[serde(default)]
    pub gaps: Vec<Gap>,
}

/// Provenance of an inventory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanMeta {
    /// The 12-digit AWS account id the credentials belong to.
    pub account_id: String,
    /// The AWS partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// Regions that were collected, sorted.
    pub regions: Vec<String>,
    /// When collection started (RFC 3339, UTC).
    pub collected_at: String,
    /// The archaudit version that wrote this inventory.
    pub tool_version: String,
    /// Per `<service>/<region>` (`global` for IAM and S3's bucket list): outcome, calls, duration.
    #[serde(default)]
    pub services: BTreeMap<String, ServiceStatus>,
}

/// How collecting one service in one region went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceStatus {
    /// `ok` (nothing missing), `incomplete` (some calls failed, see `gaps`) or `failed`
    /// (the service's inventory could not be listed at all).
    pub status: CollectStatus,
    /// API calls made, including every page of a paginated list and every retry-free attempt.
    pub api_calls: u32,
    /// Wall time spent on this service in this region.
    pub duration_ms: u64,
    /// Attempts the SDK repeated (throttling, server errors, timeouts); absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// Answers that asked archaudit to slow down; absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub throttled: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Outcome of collecting one service in one region.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CollectStatus {
    /// Every call succeeded.
    #[default]
    Ok,
    /// Some calls failed; what they would have told is listed in `gaps`.
    Incomplete,
    /// The service's resources could not be listed at all.
    Failed,
}

/// One failed call and what it left unknown.
///
/// - `resource` and `attribute` set: that attribute of that resource is unknown.
/// - only `attribute` set: that attribute is unknown on every resource of `kind` in `region`.
/// - neither set: the kind could not be (fully) listed in `region`, so its list in the
///   inventory is *not* evidence that nothing else exists.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// Service key in `aws` (`ec2`, `s3`, …).
    pub service: String,
    /// Region of the call (`global` for IAM).
    pub region: String,
    /// The API operation that failed (`GetBucketVersioning`).
    pub operation: String,
    /// Inventory path of the kind affected (`s3.buckets`).
    pub kind: String,
    /// ARN (or id when no ARN exists) of the resource whose attribute is unknown; absent when
    /// the whole kind could not be listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The attribute left unknown (`versioning`); absent when the whole resource or kind is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// The AWS error code (`AccessDenied`, `ThrottlingException`) or the SDK's failure class
    /// (`DispatchFailure`, `TimeoutError`).
    pub code: String,
    /// The error message, as AWS or the SDK gave it.
    pub message: String,
    /// The account the call was made in (filled from the inventory's account when a file
    /// written before archaudit recorded it lacks it).
    #[serde(default)]
    pub account_id: String,
}

/// A resource's tags: key → value.
pub type Tags = SortedMap<String, String>;

/// Fields every resource has, flattened into the resource's JSON object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceMeta {
    /// The resource's ARN (for EC2 kinds built from account, region and id).
    pub arn: String,
    /// Service-native id: `vpc-…`, `sg-…`, bucket name, role name.
    pub id: String,
    /// Region, or `global` for IAM.
    pub region: String,
    /// Owning account.
    pub account_id: String,
    /// Tags. Absent for kinds whose tags need one extra call per resource and are not collected
    /// (documented per kind); `{}` means "observed, none".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    /// Attribute names that could not be collected for this resource (see `gaps`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unknown: BTreeSet<String>,
    /// Rejects a key that is neither the kind's nor one of these (see [`NoOtherKeys`]).
    #[serde(flatten)]
    #[schemars(skip)]
    pub no_other_keys: NoOtherKeys,
}

/// Takes the place of `deny_unknown_fields`, which serde cannot apply to a struct with a
/// flattened field: flattened last into [`ResourceMeta`] (itself flattened into every
/// resource), it receives the keys neither the resource nor the common fields took, and
/// rejects the first. A misspelt attribute in an inventory is an error at its resource, not a
/// silently missing value. It writes nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoOtherKeys;

impl Serialize for NoOtherKeys {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for NoOtherKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = NoOtherKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("no keys besides the resource's attributes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<NoOtherKeys, A::Error> {
                match map.next_key::<String>()? {
                    Some(key) => Err(serde::de::Error::custom(format_args!(
                        "unknown field `{key}`: not an attribute of this resource kind (see schema/inventory.schema.json)"
                    ))),
                    None => Ok(NoOtherKeys),
                }
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

impl ResourceMeta {
    /// Metadata for a resource whose tags were observed (possibly none).
    pub fn new(arn: String, id: String, region: &str, account_id: &str, tags: Tags) -> Self {
        ResourceMeta {
            arn,
            id,
            region: region.to_owned(),
            account_id: account_id.to_owned(),
            tags: Some(tags),
            unknown: BTreeSet::new(),
            no_other_keys: NoOtherKeys,
        }
    }

    /// Metadata for a kind whose tags are not collected.
    pub fn untagged(arn: String, id: String, region: &str, account_id: &str) -> Self {
        ResourceMeta {
            tags: None,
            ..ResourceMeta::new(arn, id, region, account_id, Tags::new())
        }
    }
}

/// All collected resources, one field per service. Keys mirror `input.aws.<service>.<kind>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    /// VPC networking.
    #[serde(default)]
    pub ec2: ec2::Ec2,
    /// Application load balancers.
    #[serde(default)]
    pub elbv2: elbv2::Elbv2,
    /// ECS clusters, services and the task definitions they run.
    #[serde(default)]
    pub ecs: ecs::Ecs,
    /// IAM (global).
    #[serde(default)]
    pub iam: iam::Iam,
    /// S3 buckets and the account's public access block.
    #[serde(default)]
    pub s3: s3::S3,
    /// CloudWatch metric alarms.
    #[serde(default)]
    pub cloudwatch: cloudwatch::CloudWatch,
    /// CloudWatch Logs log groups.
    #[serde(default)]
    pub logs: logs::Logs,
    /// Secrets Manager secrets (metadata only).
    #[serde(default)]
    pub secretsmanager: secretsmanager::SecretsManager,
    /// ECR repositories.
    #[serde(default)]
    pub ecr: ecr::Ecr,
    /// Application Auto Scaling targets and policies (ECS namespace).
    #[serde(default)]
    pub autoscaling: autoscaling::AutoScaling,
    /// ACM certificates.
    #[serde(default)]
    pub acm: acm::Acm,
    /// RDS instances, clusters and subnet groups.
    #[serde(default)]
    pub rds: rds::Rds,
}

impl Inventory {
    /// Puts every list in its canonical order so output is byte-for-byte reproducible.
    pub fn sort(&mut self) {
        self.meta.regions.sort();
        self.meta.regions.dedup();
        self.aws.sort();
        self.own_gaps();
        self.gaps.sort();
        self.gaps.dedup();
    }

    /// Every gap names its account: this inventory's, where it does not.
    pub fn own_gaps(&mut self) {
        for g in self.gaps.iter_mut().filter(|g| g.account_id.is_empty()) {
            g.account_id.clone_from(&self.meta.account_id);
        }
    }

    /// Whether any call failed during collection.
    pub fn is_complete(&self) -> bool {
        self.gaps.is_empty()
    }
}

/// Sorts a list of resources by (arn, id).
pub(crate) fn sort_resources<T>(items: &mut [T], key: impl Fn(&T) -> &ResourceMeta) {
    items.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        (a.arn.as_str(), a.id.as_str()).cmp(&(b.arn.as_str(), b.id.as_str()))
    });
}

registry::registry! {
    /// VPCs, subnets, route tables, gateways, Elastic IPs, security groups.
    Ec2 => ec2: ec2::Ec2,
    /// Load balancers, listeners, rules, target groups.
    Elbv2 => elbv2: elbv2::Elbv2,
    /// Clusters, services, task definitions.
    Ecs => ecs: ecs::Ecs,
    /// Roles, policies, users, OIDC providers (global).
    Iam => iam: iam::Iam,
    /// Buckets and the account public access block (global list).
    S3 => s3: s3::S3,
    /// Metric alarms.
    Cloudwatch => cloudwatch: cloudwatch::CloudWatch,
    /// Log groups.
    Logs => logs: logs::Logs,
    /// Secrets (metadata only).
    Secretsmanager => secretsmanager: secretsmanager::SecretsManager,
    /// Repositories.
    Ecr => ecr: ecr::Ecr,
    /// Application Auto Scaling targets and policies.
    Autoscaling => autoscaling: autoscaling::AutoScaling,
    /// Certificates.
    Acm => acm: acm::Acm,
    /// DB instances, clusters, subnet groups.
    Rds => rds: rds::Rds,
}

/// Gap code for the kinds of services left out with `--services`.
pub const NOT_COLLECTED: &str = "NotCollected";

/// The gaps that record every kind of `service` as not collected (left out with `--services`).
pub fn not_collected_gaps(service: Service) -> impl Iterator<Item = Gap> {
    service_gaps(
        service,
        "all",
        "(not collected)",
        NOT_COLLECTED,
        "left out with --services",
    )
}

/// One whole-kind gap for every kind of `service` in `region`: nothing of it is known.
pub fn service_gaps(
    service: Service,
    region: &str,
    operation: &str,
    code: &str,
    message: &str,
) -> impl Iterator<Item = Gap> {
    let (region, operation, code, message) = (
        region.to_owned(),
        operation.to_owned(),
        code.to_owned(),
        message.to_owned(),
    );
    service.kinds().iter().map(move |kind| Gap {
        service: service.key().to_owned(),
        region: region.clone(),
        operation: operation.clone(),
        kind: (*kind).to_owned(),
        resource: None,
        attribute: None,
        code: code.clone(),
        message: message.clone(),
        account_id: String::new(),
    })
}

/// The JSON Schema of [`Inventory`], as committed at `schema/inventory.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Inventory);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
