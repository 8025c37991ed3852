//! `scan`: judge an inventory against the architecture and build the report.
//!
//! The stages stay apart: the inventory comes from `collect` or a file, [`crate::policy`]
//! judges it, waivers from `archaudit.toml` are applied here, and [`crate::report`] presents.

use crate::config::{parse_date, Config, ConfigError};
use crate::finding::Waived;
use crate::inventory::Inventory;
use crate::policy::{PolicyError, PolicySet};

/// Why a scan could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A policy failed to evaluate.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The config is inconsistent with the policies (a waiver for an unknown policy).
    #[error(transparent)]
    Config(#[from] ConfigError),
}
use crate::report::{PolicySources, Report, Summary, WaiverNote, REPORT_VERSION};

/// Evaluates `policies` (whose architecture is already set) on `inventory`, applies the
/// config's waivers as of `today`, and returns the report.
///
/// A waiver names a policy by id or alias (an unknown one is an error with its line) and
/// resources by a glob matched against the ARN or the id shown in the table.
pub fn scan(
    inventory: &Inventory,
    config: &Config,
    policies: &PolicySet,
    today: time::Date,
) -> Result<Report, ScanError> {
    for w in &config.waivers {
        if policy_id(policies, w.policy.get_ref()).is_none() {
            return Err(config
                .error_at(
                    w.policy.span(),
                    format!("waiver names policy `{}`, which no loaded policy has as id or alias (see `archaudit policy list`)", w.policy.get_ref()),
                )
                .into());
        }
    }
    let evaluation = policies.evaluate(inventory)?;
    let mut findings = evaluation.findings;
    let mut notes = Vec::new();
    for w in &config.waivers {
        let expires = w.expires.get_ref().clone();
        let pattern = glob::Pattern::new(w.resource.get_ref()).ok();
        let expired = parse_date(&expires).is_none_or(|d| d < today);
        let id = policy_id(policies, w.policy.get_ref()).unwrap_or_default();
        let mut used = false;
        for f in findings
            .iter_mut()
            .filter(|f| f.policy_id == id && f.waived.is_none())
        {
            if pattern
                .as_ref()
                .is_some_and(|p| p.matches(&f.resource.arn) || p.matches(&f.resource.id))
            {
                used = true;
                if !expired {
                    f.waived = Some(Waived {
                        reason: w.reason.clone(),
                        owner: w.owner.clone(),
                        expires: expires.clone(),
                    });
                }
            }
        }
        if expired || !used {
            notes.push(WaiverNote {
                policy: w.policy.get_ref().clone(),
                resource: w.resource.get_ref().clone(),
                problem: if expired { "expired" } else { "unused" }.to_owned(),
                expires,
            });
        }
    }
    let summary = Summary::of(&evaluation.rules, &findings, &inventory.gaps);
    Ok(Report {
        version: REPORT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        account_id: inventory.meta.account_id.clone(),
        regions: inventory.meta.regions.clone(),
        collected_at: inventory.meta.collected_at.clone(),
        config: config.origin().to_owned(),
        policies: PolicySources {
            builtin: policies.builtin(),
            dirs: policies.dirs().to_vec(),
        },
        summary,
        findings,
        rules: evaluation.rules,
        gaps: inventory.gaps.clone(),
        waivers: notes,
    })
}

/// The id of the policy `name` names (its id or an alias).
fn policy_id(policies: &PolicySet, name: &str) -> Option<String> {
    policies
        .policies()
        .iter()
        .find(|p| p.meta.custom.id == name || p.meta.custom.aliases.iter().any(|a| a == name))
        .map(|p| p.meta.custom.id.clone())
}
