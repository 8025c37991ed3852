//! `archaudit scan`.

use super::{
    load_policies, runtime, today, write_output, ScanArgs, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK,
};
use crate::collect;
use crate::finding::Severity;
use crate::inventory::Inventory;
use crate::report::{self, Report};
use crate::terraform::Terraform;

pub(super) fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    // Every input is read before the (slow) collection, so a bad file fails fast.
    let baseline = args.baseline.as_deref().map(Report::load).transpose()?;
    let baseline_name = args
        .baseline
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let terraform = args.terraform.as_deref().map(Terraform::load).transpose()?;
    let inventory = match &args.inventory {
        Some(path) => Inventory::load(path)?,
        None => {
            let options = super::collect::options_for(
                &args.aws,
                args.services.clone(),
                &config.architecture,
            )?;
            let inventory = runtime()?.block_on(collect::collect(&options))?;
            super::collect::report_retries(&inventory);
            inventory
        }
    };
    let context = crate::scan::Context {
        baseline: baseline.as_ref().map(|b| (b, baseline_name.as_str())),
        terraform: terraform.as_ref(),
    };
    let mut report = crate::scan::scan_with(&inventory, &config, &policies, today(), context)?;
    // Where the planner would apply a fix: the command it runs, and `archaudit fix --finding …`.
    crate::fix::offer_fixes(&mut report.findings, &inventory, &config.architecture);
    let diagram = if args.out.wants_markdown() {
        crate::scan::diagram(&inventory, &policies, &report)?
    } else {
        None
    };
    args.out.write(&report, diagram.as_deref())?;
    args.out.summarize(&report, args.fail_on, "");
    Ok(scan_exit_code(
        &report.summary,
        args.fail_on.threshold(),
        args.allow_incomplete,
    ))
}

/// `archaudit diagram`: the scan's diagram alone.
pub(super) fn diagram(args: super::DiagramArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    let inventory = match &args.inventory {
        Some(path) => Inventory::load(path)?,
        None => {
            let options = super::collect::options_for(&args.aws, Vec::new(), &config.architecture)?;
            runtime()?.block_on(collect::collect(&options))?
        }
    };
    let report = crate::scan::scan(&inventory, &config, &policies, today())?;
    let Some(d) = crate::scan::diagram(&inventory, &policies, &report)? else {
        anyhow::bail!("the loaded policies define no component rules (data.archaudit.lib.components.graph): nothing to draw");
    };
    write_output(args.output.as_deref(), d.as_bytes())?;
    Ok(EXIT_OK)
}

/// Findings at or above the threshold win (they are real whatever else is missing); then an
/// incomplete result exits 2 unless the user accepts it.
pub fn scan_exit_code(
    summary: &report::Summary,
    fail_on: Option<Severity>,
    allow_incomplete: bool,
) -> u8 {
    if fail_on.is_some_and(|t| summary.at_or_above(t) > 0) {
        EXIT_FINDINGS
    } else if !summary.complete && !allow_incomplete {
        EXIT_INCOMPLETE
    } else {
        EXIT_OK
    }
}
