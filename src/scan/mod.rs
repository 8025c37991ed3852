//! `scan`: judge an inventory against the architecture and build the report.
//!
//! The stages stay apart: the inventory comes from `collect` or a file, [`crate::policy`]
//! judges it; here the baseline is compared ([`baseline`]), waivers from `archaudit.toml`
//! are applied and findings located ([`locate`]); [`crate::report`] presents.

mod baseline;
mod locate;

pub use baseline::BaselineMismatch;

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
    /// The baseline is of another account or regions.
    #[error(transparent)]
    Baseline(#[from] BaselineMismatch),
    /// The component rules returned something that is not a graph.
    #[error("data.archaudit.lib.components.graph is not a component graph: {0}")]
    Components(String),
}

/// The Mermaid diagram of the architecture as found, marked with `report`'s findings; `None`
/// when the loaded policy library has no component rules.
pub fn diagram(
    inventory: &Inventory,
    policies: &PolicySet,
    report: &Report,
) -> Result<Option<String>, ScanError> {
    let value = policies.components(inventory)?;
    let graph = crate::report::diagram::Graph::from_json(value)
        .map_err(|e| ScanError::Components(e.to_string()))?;
    if graph.nodes.is_empty() {
        return Ok(None);
    }
    Ok(Some(crate::report::diagram::mermaid(&graph, report)))
}
use crate::report::{PolicySources, Report, Summary, WaiverNote, REPORT_VERSION};
use crate::terraform::Terraform;

/// What a scan may be given besides the inventory, config and policies.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    /// Last night's report and its file name (`--baseline`).
    pub baseline: Option<(&'a Report, &'a str)>,
    /// The Terraform configuration that declares the resources (`--terraform`).
    pub terraform: Option<&'a Terraform>,
}

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
    scan_with(inventory, config, policies, today, Context::default())
}

/// [`scan`] with a baseline to compare with and Terraform to locate findings in.
pub fn scan_with(
    inventory: &Inventory,
    config: &Config,
    policies: &PolicySet,
    today: time::Date,
    context: Context<'_>,
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
    let baseline = match context.baseline {
        Some((report, file)) => Some(baseline::compare(
            &mut findings,
            &evaluation.rules,
            report,
            file,
            (&inventory.meta.account_id, &inventory.meta.regions),
        )?),
        None => None,
    };
    crate::finding::sort(&mut findings);
    locate::locate(&mut findings, &evaluation.rules, config, context.terraform);
    let mut notes = Vec::new();
    for w in &config.waivers {
        let expires = w.expires.get_ref().clone();
        let pattern = glob::Pattern::new(w.resource.get_ref()).ok();
        let attribute = w
            .attribute
            .as_ref()
            .map(|a| glob::Pattern::new(a.get_ref()).ok());
        let component = w
            .component
            .as_ref()
            .map(|c| glob::Pattern::new(c.get_ref()).ok());
        let expired = parse_date(&expires).is_none_or(|d| d < today);
        let id = policy_id(policies, w.policy.get_ref()).unwrap_or_default();
        let mut used = false;
        for f in findings
            .iter_mut()
            .filter(|f| f.policy_id == id && f.waived.is_none())
        {
            let resource = pattern
                .as_ref()
                .is_some_and(|p| p.matches(&f.resource.arn) || p.matches(&f.resource.id));
            // A waiver that names an attribute accepts only that drift: a new drift of the
            // same resource is still reported.
            let drift = match &attribute {
                None => true,
                Some(p) => p.as_ref().is_some_and(|p| p.matches(&f.attribute)),
            };
            let of_component = match &component {
                None => true,
                Some(p) => p
                    .as_ref()
                    .zip(f.component.as_deref())
                    .is_some_and(|(p, c)| p.matches(c)),
            };
            if resource && drift && of_component {
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
        baseline,
        drift: None,
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
