//! `archaudit fix`: planned, shown, applied only on request, then verified.
//!
//! - [`action`]: the closed set of changes, each with its API call, IAM permission, AWS CLI
//!   equivalent and blast radius; [`catalogue`]: an example of each (docs and tests);
//! - [`limits`]: what an action may carry (AWS's identifier shapes and limits, the documented
//!   architecture's values), checked on every planned and every saved step;
//! - [`plan`]: the pure planner (findings + inventory + architecture → plan) and the stale-plan
//!   check;
//! - [`apply`]: the applier, the only code that changes the account, and only what the plan
//!   names;
//! - [`run`]: `fix --apply` end to end through one session: one collection before the first
//!   change, one after the last;
//! - [`verify`]: how each finding ended, a pure function of the plan, the report before, the
//!   steps' outcomes and the report after.
//!
//! The command line only parses flags, asks for confirmation and prints.

pub mod action;
pub mod apply;
pub mod catalogue;
pub mod limits;
pub mod plan;
pub mod run;
pub mod verify;

pub use action::Action;
pub use plan::trust::{PlanFileError, Saved};
pub use plan::{offer_fixes, plan, stale, Entry, EntryKind, Plan, Step, PLAN_VERSION};
