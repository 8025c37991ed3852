//! S3: buckets and the account-level public access block.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy_doc::PolicyDocument;
use super::ResourceMeta;

/// S3 for the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    /// Buckets, with the region each lives in.
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// The account-level public access block (S3 Control). Absent when it could not be read
    /// (see `gaps`); all `false` when none is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_public_access_block: Option<PublicAccessBlock>,
}

super::registry::service!(
    S3,
    "s3",
    global,
    [buckets => super::Terraform::declared(&["aws_s3_bucket"], &["bucket", "id"])],
    [account_public_access_block => super::Terraform::setting("aws_s3_account_public_access_block")]
);

/// A bucket. Attributes read by a call that failed are absent and named in `unknown`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bucket {
    /// Common resource fields (`id` is the bucket name; `region` where it lives).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Versioning: `enabled`, `suspended`, or `disabled` (never enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<Versioning>,
    /// Whether MFA delete is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_delete: Option<bool>,
    /// Default encryption; `{"algorithm": "none"}` when no configuration exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
    /// Bucket-level public access block; all `false` when none is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
    /// Bucket policy; `{"statements": []}` when the bucket has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDocument>,
}

/// Versioning state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Versioning {
    /// Versioning is on.
    Enabled,
    /// Versioning was on and is now suspended.
    Suspended,
    /// Versioning was never enabled.
    #[default]
    Disabled,
}

/// Default encryption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Encryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`, or `none`.
    pub algorithm: String,
    /// KMS key for `aws:kms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether S3 Bucket Keys are enabled.
    pub bucket_key_enabled: bool,
}

/// The four public-access-block switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies.
    pub restrict_public_buckets: bool,
}

impl Versioning {
    /// From the status AWS reports and Terraform records (`Enabled`, `Suspended`; anything
    /// else, including none, is never-enabled).
    pub fn from_status(status: Option<&str>) -> Versioning {
        match status {
            Some("Enabled") => Versioning::Enabled,
            Some("Suspended") => Versioning::Suspended,
            _ => Versioning::Disabled,
        }
    }
}
