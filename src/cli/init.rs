//! `archaudit init`: the reference architecture, or (`--from-inventory`, `--live`) the spec of
//! a deployment, for review.

use super::{collect, runtime, InitArgs, EXIT_INCOMPLETE, EXIT_OK};
use crate::inventory::{Inventory, NOT_COLLECTED};

pub(super) fn run(args: &InitArgs) -> anyhow::Result<u8> {
    if args.output.exists() && !args.force {
        anyhow::bail!(
            "{} exists; pass --force to overwrite it",
            args.output.display()
        );
    }
    let aws = &args.aws;
    let given: Vec<&str> = [
        ("--profile", aws.profile.is_some()),
        ("--region", !aws.regions.is_empty()),
        ("--max-rps", aws.max_rps.is_some()),
        ("--max-rps-total", aws.max_rps_total.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, set)| set.then_some(flag))
    .collect();
    if !args.live && !given.is_empty() {
        anyhow::bail!(
            "{} only go with `init --live` (the account it reads)",
            given.join(", ")
        );
    }
    let inventory = if let Some(path) = &args.from_inventory {
        Some(Inventory::load(path)?)
    } else if args.live {
        let options = collect::options(&args.aws, Vec::new())?;
        Some(runtime()?.block_on(crate::collect::collect(&options))?)
    } else {
        None
    };
    let text = match &inventory {
        Some(inv) => crate::infer::spec(inv),
        None => crate::config::DEFAULT_TOML.to_owned(),
    };
    // What is written must load: a deployment the spec cannot describe is an error here, not
    // at the first scan.
    crate::config::Config::parse(&text, &args.output.display().to_string())?;
    std::fs::write(&args.output, &text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    let Some(inv) = inventory else {
        eprintln!(
            "wrote {}: the documented reference architecture; edit it to match yours.",
            args.output.display()
        );
        return Ok(EXIT_OK);
    };
    eprintln!(
        "wrote {}: what is deployed in account {}; review it against your architecture document before enforcing it.",
        args.output.display(),
        inv.meta.account_id
    );
    let unread = inv.gaps.iter().filter(|g| g.code != NOT_COLLECTED).count();
    if !inv.gaps.is_empty() {
        eprintln!(
            "archaudit: the inventory has {} gap(s) ({unread} failed call(s)): what could not be read is not described.",
            inv.gaps.len()
        );
        return Ok(EXIT_INCOMPLETE);
    }
    Ok(EXIT_OK)
}
