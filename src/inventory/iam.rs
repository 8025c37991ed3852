//! IAM (global): roles, customer-managed policies, users, OIDC providers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy_doc::PolicyDocument;
use super::ResourceMeta;

/// IAM for the account. Every resource's region is `global`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Iam {
    /// Roles, including service-linked roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Customer-managed policies, and AWS-managed policies attached to a role or user.
    #[serde(default)]
    pub policies: Vec<ManagedPolicy>,
    /// Users.
    #[serde(default)]
    pub users: Vec<User>,
    /// OpenID Connect identity providers.
    #[serde(default)]
    pub oidc_providers: Vec<OidcProvider>,
}

super::registry::service!(
    Iam,
    "iam",
    global,
    [
        roles => super::Terraform::declared(&["aws_iam_role"], &["name", "arn"]),
        policies => super::Terraform::declared(&["aws_iam_policy"], &["arn"]),
        users => super::Terraform::declared(&["aws_iam_user"], &["name", "arn"]),
        oidc_providers => super::Terraform::declared(&["aws_iam_openid_connect_provider"], &["arn"]),
    ],
    []
);

/// A role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Role {
    /// Common resource fields (`id` is the role name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Path (`/`, `/service-role/`).
    pub path: String,
    /// The trust policy (who may assume the role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_policy: Option<PolicyDocument>,
    /// Managed policies attached to the role, sorted by ARN.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies, sorted by name.
    pub inline_policies: Vec<InlinePolicy>,
    /// Permissions boundary policy ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
}

/// A managed policy attached to a role, user or group.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    /// Policy ARN (its document is in `iam.policies`).
    pub arn: String,
    /// Policy name.
    pub name: String,
    /// Whether AWS manages the policy (`arn:<partition>:iam::aws:policy/…`).
    pub aws_managed: bool,
}

/// An inline policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    /// Policy name.
    pub name: String,
    /// The document.
    pub document: PolicyDocument,
}

/// A managed policy with its default version's document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ManagedPolicy {
    /// Common resource fields (`id` is the policy name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Whether AWS manages the policy.
    pub aws_managed: bool,
    /// Path.
    pub path: String,
    /// Default version id (`v3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_version_id: Option<String>,
    /// How many roles, users and groups it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_count: Option<i32>,
    /// The default version's document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<PolicyDocument>,
}

/// A user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// Common resource fields (`id` is the user name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Path.
    pub path: String,
    /// Managed policies attached to the user, sorted by ARN.
    pub attached_policies: Vec<AttachedPolicy>,
    /// Inline policies, sorted by name.
    pub inline_policies: Vec<InlinePolicy>,
    /// Groups the user belongs to, sorted.
    pub groups: Vec<String>,
    /// Access keys (metadata only; secrets are never returned by IAM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_keys: Option<Vec<AccessKey>>,
}

/// An access key's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// Access key id.
    pub access_key_id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// When it was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// An OpenID Connect identity provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OidcProvider {
    /// Common resource fields (`id` is the provider URL without scheme).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Issuer URL (`token.actions.githubusercontent.com`, as IAM stores it: without scheme).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Audiences (client ids), sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ids: Option<Vec<String>>,
    /// Server certificate thumbprints, sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprints: Option<Vec<String>>,
}
