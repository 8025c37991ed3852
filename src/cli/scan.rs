//! `archaudit scan`.

use super::{
    color_enabled, load_policies, runtime, today, write_output, ScanArgs, EXIT_FINDINGS,
    EXIT_INCOMPLETE, EXIT_OK,
};
use crate::collect;
use crate::finding::Severity;
use crate::inventory::Inventory;
use crate::report::{self, Format};

pub(super) fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    let inventory = match &args.inventory {
        Some(path) => Inventory::load(path)?,
        None => {
            let options = super::collect::options(&args.aws, args.services.clone())?;
            runtime()?.block_on(collect::collect(&options))?
        }
    };
    let report = crate::scan::scan(&inventory, &config, &policies, today())?;
    let bytes = match args.format {
        Format::Json => {
            let mut buf = Vec::new();
            report::write_json(&report, &mut buf)?;
            buf
        }
        Format::Table => {
            let color = args.output.is_none() && color_enabled();
            let width = if args.output.is_some() {
                None
            } else {
                report::table::terminal_width()
            };
            report::table::render(&report, color, width).into_bytes()
        }
    };
    write_output(args.output.as_deref(), &bytes)?;
    if args.output.is_some() || args.format != Format::Table {
        eprintln!(
            "archaudit: {} finding(s) at or above {}; {} rule(s) not evaluated; {} gap(s).",
            args.fail_on
                .threshold()
                .map_or(0, |t| report.summary.at_or_above(t)),
            args.fail_on
                .threshold()
                .map_or("never (report only)", |t| t.as_str()),
            report.summary.not_evaluated,
            report.summary.gaps
        );
    }
    Ok(scan_exit_code(
        &report.summary,
        args.fail_on.threshold(),
        args.allow_incomplete,
    ))
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
