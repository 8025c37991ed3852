//! CloudWatch Logs log groups.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// CloudWatch Logs in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logs {
    /// Log groups. Tags are not collected.
    #[serde(default)]
    pub log_groups: Vec<LogGroup>,
}

super::registry::service!(
    Logs,
    "logs",
    regional,
    [log_groups => super::Terraform::declared(&["aws_cloudwatch_log_group"], &["name", "arn"])],
    []
);

/// A log group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LogGroup {
    /// Common resource fields (`id` is the log group name; `arn` without the trailing `:*`).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Retention in days; `null`/absent means events never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i32>,
    /// KMS key encrypting the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Log group class (`STANDARD`, `INFREQUENT_ACCESS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_class: Option<String>,
    /// Stored bytes as last reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_bytes: Option<i64>,
}
