//! ECR repositories.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// ECR in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ecr {
    /// Private repositories. Tags are not collected.
    #[serde(default)]
    pub repositories: Vec<Repository>,
}

super::registry::service!(
    Ecr,
    "ecr",
    regional,
    [repositories => super::Terraform::declared(&["aws_ecr_repository"], &["name", "arn"])],
    []
);

/// A repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Repository {
    /// Common resource fields (`id` is the repository name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Registry URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`).
    pub uri: String,
    /// Basic scanning on push.
    pub scan_on_push: bool,
    /// `MUTABLE` or `IMMUTABLE` (or the `_WITH_EXCLUSION` variants).
    pub image_tag_mutability: String,
    /// `AES256` or `KMS`.
    pub encryption_type: String,
    /// KMS key for `KMS` encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
}
