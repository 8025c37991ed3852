//! ACM certificates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// ACM in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acm {
    /// Certificates of every key type. Tags are not collected.
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

super::registry::service!(
    Acm,
    "acm",
    regional,
    [certificates => super::Terraform::declared(&["aws_acm_certificate"], &["arn"])],
    []
);

/// A certificate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Certificate {
    /// Common resource fields (`id` is the certificate's UUID).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Primary domain name.
    pub domain_name: String,
    /// `AMAZON_ISSUED`, `IMPORTED`, `PRIVATE`.
    #[serde(rename = "type")]
    pub cert_type: String,
    /// `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, …
    pub status: String,
    /// Key algorithm (`RSA_2048`, `EC_prime256v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_algorithm: Option<String>,
    /// Expiry (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Resources using it (load balancer ARNs), sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_use_by: Option<Vec<String>>,
}
