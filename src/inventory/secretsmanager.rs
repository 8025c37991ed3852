//! Secrets Manager: secret metadata and resource policies. Secret values are never read.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy_doc::PolicyDocument;
use super::ResourceMeta;

/// Secrets Manager in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretsManager {
    /// Secrets.
    #[serde(default)]
    pub secrets: Vec<Secret>,
}

super::registry::service!(
    SecretsManager,
    "secretsmanager",
    regional,
    [secrets => super::Terraform::declared(&["aws_secretsmanager_secret"], &["arn", "name"])],
    []
);

/// A secret's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Secret {
    /// Common resource fields (`id` is the secret name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Customer KMS key; absent means the AWS managed key `aws/secretsmanager`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether rotation is enabled.
    pub rotation_enabled: bool,
    /// Rotation Lambda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_lambda_arn: Option<String>,
    /// Last rotation (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated_at: Option<String>,
    /// Last access (RFC 3339, day precision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_accessed_at: Option<String>,
    /// Resource policy; `{"statements": []}` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<PolicyDocument>,
}
