//! archaudit audits a live AWS account against its documented architecture.
//!
//! The crate is organised as the pipeline it runs — gather, judge, present:
//!
//! - [`collect`] reads the account through the AWS SDK into an [`inventory::Inventory`]
//!   (typed, normalized, versioned JSON). Failed calls become [`inventory::Gap`]s, never
//!   guessed values.
//! - [`inventory`] is the contract between gathering and everything after it; its JSON Schema
//!   is committed at `schema/inventory.schema.json`.
//! - [`config`] reads `archaudit.toml`: the documented architecture as data, and waivers.
//! - [`policy`] judges the inventory with the Rego policies (regorus, in process) and yields
//!   [`finding::Finding`]s; [`scan`] applies waivers and builds the [`report::Report`].
//! - [`tfstate`] reads Terraform state (the other side of `archaudit drift`) and maps its
//!   resources to inventory kinds; [`drift`] judges the inventory against it (managed,
//!   unmanaged, missing, changed) into the same [`report::Report`].
//! - [`report`] presents a finished report (table, JSON); it never calls AWS or the engine.
//! - [`cli`] wires the stages to the `archaudit` command and maps outcomes to exit codes.
//!
//! Only [`collect`] (and `fix`) talk to AWS; a state in S3 is read by `collect::state_object`.
//!
//! ```
//! use archaudit::inventory::Inventory;
//! let inv = Inventory::from_json(r#"{"schema_version": 1, "meta": {"account_id": "123456789012",
//!     "partition": "aws", "regions": ["us-east-1"], "collected_at": "2026-01-01T00:00:00Z",
//!     "tool_version": "0.1.0"}, "aws": {}, "gaps": []}"#, "example").unwrap();
//! // `aws` names no service, so none was read: every kind is a gap, never "nothing there".
//! assert!(!inv.is_complete());
//! assert!(inv.gaps.iter().any(|g| g.kind == "ec2.vpcs"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod aws;
pub mod cidr;
pub mod cli;
pub mod collect;
pub mod config;
pub mod diff;
pub mod drift;
pub mod finding;
pub mod fix;
pub mod infer;
pub mod inventory;
pub mod names;
pub mod org;
pub mod policy;
pub mod report;
pub mod scan;
pub mod terraform;
pub mod text;
pub mod tfstate;
