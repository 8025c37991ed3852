//! Judge, for `archaudit drift`: the live inventory against what Terraform states declare.
//!
//! Every live resource of every kind is **managed** (a state declares it), **unmanaged**
//! (none does: click-ops) or an **AWS default** (the default VPC and its parts, main route
//! tables, `default` security groups, service-linked roles, AWS-managed policies,
//! target-tracking alarms; left out unless asked). Every declared object is managed or
//! **missing**. A managed object whose compared attributes differ is **changed**.
//!
//! # What could not be read is never reported as in order
//! A declared object whose kind could not be fully listed in its region (a whole-kind gap,
//! a service left out, a region not collected) is **unchecked**, never missing nor managed;
//! a kind with such a gap cannot claim "nothing unmanaged"; an attribute that is unknown on
//! the live side is an unchecked comparison, never "unchanged". Each makes its rule
//! `not_evaluated` (or `failed` and incomplete) and the run incomplete.

mod compare;
mod findings;
pub mod ignore;
mod live;
pub mod report;

pub use crate::report::drift::{DriftSummary, KindCounts};
pub use compare::{compare, Options};
pub use ignore::DriftIgnore;

/// Rule id: a declared object that is not live.
pub const MISSING: &str = "DRIFT-MISSING";
/// Rule id: a managed object whose compared attribute differs.
pub const CHANGED: &str = "DRIFT-CHANGED";
/// Rule id: a live resource no state declares.
pub const UNMANAGED: &str = "DRIFT-UNMANAGED";

/// One drift, before it becomes a finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Drift {
    /// A live resource no state declares.
    Unmanaged(LiveRef),
    /// A declared object that is not live.
    Missing(crate::tfstate::Declared),
    /// A managed object whose attribute differs from its state.
    Changed {
        /// The live resource.
        live: LiveRef,
        /// Its Terraform address and state file.
        address: String,
        /// The state file.
        source: String,
        /// The Terraform type.
        resource_type: String,
        /// The attribute.
        attribute: &'static str,
        /// What the state records.
        expected: serde_json::Value,
        /// What is live.
        actual: serde_json::Value,
    },
}

/// A live resource, as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRef {
    /// Inventory kind.
    pub kind: &'static str,
    /// ARN.
    pub arn: String,
    /// Id.
    pub id: String,
    /// Region.
    pub region: String,
    /// Account.
    pub account_id: String,
    /// `Name` tag.
    pub name: Option<String>,
}

/// Everything the comparison found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The drifts, in inventory order.
    pub drifts: Vec<Drift>,
    /// The summary.
    pub summary: DriftSummary,
    /// Declared objects that could not be looked for, and why (one line each).
    pub unchecked_objects: Vec<String>,
    /// Attribute comparisons that could not be made, and why (one line each).
    pub unchecked_attributes: Vec<String>,
}
