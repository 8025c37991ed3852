//! `archaudit fix`: planned, shown, applied only on request, then verified.
//!
//! - [`action`]: the closed set of changes, each with its API call, IAM permission, AWS CLI
//!   equivalent and blast radius;
//! - [`plan`]: the pure planner (findings + inventory + architecture → plan) and the stale-plan
//!   check;
//! - [`apply`]: the applier, the only code that changes the account, and only what the plan
//!   names.
//!
//! Verification (re-collect, re-judge) is orchestrated by the command line, which owns the
//! stages.

pub mod action;
pub mod apply;
pub mod plan;

pub use action::Action;
pub use plan::{offer_fixes, plan, stale, Entry, EntryKind, Plan, Step, PLAN_VERSION};
