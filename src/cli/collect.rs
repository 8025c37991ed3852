//! `archaudit collect`.

use std::io::IsTerminal;

use super::{runtime, write_output, AwsArgs, CollectArgs, EXIT_INCOMPLETE, EXIT_OK};
use crate::collect::{self, Service};
use crate::inventory::{Inventory, NOT_COLLECTED};

pub(super) fn options(aws: &AwsArgs, services: Vec<Service>) -> anyhow::Result<collect::Options> {
    if !aws.max_rps.is_finite() || aws.max_rps < 0.0 || (aws.max_rps > 0.0 && aws.max_rps < 0.1) {
        anyhow::bail!(
            "--max-rps must be 0 (no limit) or at least 0.1 calls per second, got {}",
            aws.max_rps
        );
    }
    Ok(collect::Options {
        aws: crate::aws::Options {
            profile: aws.profile.clone(),
            regions: aws
                .regions
                .iter()
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty())
                .collect(),
            endpoint_url: aws.endpoint_url.clone().filter(|u| !u.is_empty()),
            max_rps: aws.max_rps,
            max_attempts: aws.max_attempts.max(1),
        },
        services,
        concurrency: aws.concurrency.max(1),
        progress: std::io::stderr().is_terminal(),
    })
}

pub(super) fn run(args: CollectArgs) -> anyhow::Result<u8> {
    let options = options(&args.aws, args.services)?;
    let inventory = runtime()?.block_on(collect::collect(&options))?;
    let mut json = serde_json::to_string_pretty(&inventory)?;
    json.push('\n');
    write_output(args.output.as_deref(), json.as_bytes())?;
    report_gaps(&inventory);
    // Services the user left out are recorded (so scans of this inventory stay honest) but do
    // not make `collect` itself incomplete: everything asked for was read.
    let failed = inventory.gaps.iter().any(|g| g.code != NOT_COLLECTED);
    Ok(if failed { EXIT_INCOMPLETE } else { EXIT_OK })
}

/// One paragraph on stderr naming what could not be read, so an incomplete run is never silent.
fn report_gaps(inventory: &Inventory) {
    let failed: Vec<_> = inventory
        .gaps
        .iter()
        .filter(|g| g.code != NOT_COLLECTED)
        .cloned()
        .collect();
    if !failed.is_empty() {
        eprintln!("{}", crate::report::gap_summary(&failed));
    }
}
