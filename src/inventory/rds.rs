//! RDS: DB instances, Aurora clusters and DB subnet groups. Passwords are never read; a
//! master password that Secrets Manager manages is recorded by its secret's ARN only.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// RDS in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rds {
    /// DB instances, including the members of Aurora clusters.
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    /// Aurora (and Multi-AZ DB) clusters.
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    /// DB subnet groups: where instances and clusters are placed.
    #[serde(default)]
    pub db_subnet_groups: Vec<DbSubnetGroup>,
}

super::registry::service!(
    Rds,
    "rds",
    regional,
    [
        db_instances => super::Terraform::declared(&["aws_db_instance", "aws_rds_cluster_instance"], &["arn", "identifier"]),
        db_clusters => super::Terraform::declared(&["aws_rds_cluster"], &["arn", "cluster_identifier"]),
        db_subnet_groups => super::Terraform::declared(&["aws_db_subnet_group"], &["arn", "name"]),
    ],
    []
);

/// A DB instance (`id` is its identifier).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DbInstance {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Engine (`postgres`, `mysql`, `aurora-postgresql`, …).
    pub engine: String,
    /// Engine version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// `available`, `creating`, `modifying`, …
    pub status: String,
    /// The Aurora cluster it is a member of (its identifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Whether it has a public DNS name that resolves to a public address.
    pub publicly_accessible: bool,
    /// Whether its storage is encrypted.
    pub storage_encrypted: bool,
    /// Days automated backups are kept (0: none).
    pub backup_retention_period: i32,
    /// Whether deletion protection is on.
    pub deletion_protection: bool,
    /// Whether it runs in several availability zones.
    pub multi_az: bool,
    /// The port it listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Its DB subnet group's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_group: Option<String>,
    /// Its VPC security groups, sorted.
    pub security_groups: Vec<String>,
    /// The Secrets Manager secret holding its master password, when RDS manages it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_user_secret: Option<String>,
}

/// An Aurora or Multi-AZ DB cluster (`id` is its identifier).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DbCluster {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Engine (`aurora-postgresql`, `aurora-mysql`, …).
    pub engine: String,
    /// Engine version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
    /// `available`, …
    pub status: String,
    /// Its member instances' identifiers, sorted.
    pub members: Vec<String>,
    /// Whether the cluster itself is publicly accessible (Multi-AZ DB clusters; Aurora says it
    /// per member instance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// Whether its storage is encrypted.
    pub storage_encrypted: bool,
    /// Days automated backups are kept.
    pub backup_retention_period: i32,
    /// Whether deletion protection is on.
    pub deletion_protection: bool,
    /// The port it listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Its DB subnet group's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_group: Option<String>,
    /// Its VPC security groups, sorted.
    pub security_groups: Vec<String>,
    /// The Secrets Manager secret holding its master password, when RDS manages it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_user_secret: Option<String>,
}

/// A DB subnet group (`id` is its name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DbSubnetGroup {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Its VPC.
    pub vpc_id: String,
    /// Its subnets' ids, sorted.
    pub subnets: Vec<String>,
}
