//! Many accounts: `scan --org` / `--accounts FILE` / `--account ID` / `--shard i/n`,
//! `collect --org -o DIR`, `scan --inventory DIR`, and `merge REPORT...`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;

use super::{load_policies_for, runtime, today, CollectArgs, MergeArgs, OrgArgs, ScanArgs};
use crate::aws::Session;
use crate::collect;
use crate::org::{self, Account, Plan, Skipped};
use crate::report::org::OrgReport;

/// The accounts the flags name, and where they came from (`file`: the accounts file, read
/// before any call).
async fn listed(
    base: &Session,
    args: &OrgArgs,
    file: Option<Vec<Account>>,
) -> anyhow::Result<(Vec<Account>, Vec<Skipped>, String)> {
    if let (Some(accounts), Some(path)) = (file, &args.accounts) {
        return Ok((accounts, Vec::new(), path.display().to_string()));
    }
    if !args.org {
        // `--account ID` alone: those accounts, through --role-name.
        let accounts = args
            .only
            .iter()
            .map(|id| Account {
                id: id.clone(),
                name: id.clone(),
                role_arn: None,
                regions: Vec::new(),
                tags: BTreeMap::new(),
                config: None,
            })
            .collect();
        return Ok((accounts, Vec::new(), "--account".to_owned()));
    }
    let all = collect::org::list_accounts(base).await.map_err(|f| {
        anyhow::anyhow!(
            "organizations:ListAccounts failed ({}): {} — --org needs the management account's credentials (or a delegated administrator's) with organizations:ListAccounts; without them, list the accounts in --accounts FILE",
            f.code,
            f.message
        )
    })?;
    let (active, skipped): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| a.status == "ACTIVE");
    let accounts = active
        .into_iter()
        .map(|a| Account {
            id: a.id,
            name: a.name,
            role_arn: None,
            regions: Vec::new(),
            tags: BTreeMap::new(),
            config: None,
        })
        .collect();
    let skipped = skipped
        .into_iter()
        .map(|a| Skipped {
            id: a.id,
            name: a.name,
            status: a.status,
        })
        .collect();
    Ok((accounts, skipped, "organizations:ListAccounts".to_owned()))
}

/// The base session and this job's plan.
async fn plan(
    options: &collect::Options,
    args: &OrgArgs,
) -> anyhow::Result<(Session, Plan, String)> {
    let file = args
        .accounts
        .as_deref()
        .map(org::accounts::load)
        .transpose()?;
    if let Some(bad) = args
        .only
        .iter()
        .find(|id| !org::accounts::is_account_id(id))
    {
        return Err(org::PlanError::NotAnId(bad.clone()).into());
    }
    let session = tokio::time::timeout(options.timeout, Session::connect(&options.aws))
        .await
        .map_err(|_| crate::aws::SessionError::Deadline {
            seconds: options.timeout.as_secs(),
        })??;
    let (accounts, skipped, source) = listed(&session, args, file).await?;
    let only = if args.org || args.accounts.is_some() {
        args.only.clone()
    } else {
        Vec::new()
    };
    let plan = org::plan(
        accounts,
        skipped,
        &source,
        &only,
        args.shard,
        &options.aws.regions,
        args.run_id.as_deref(),
    )?;
    Ok((session, plan, source))
}

/// What judges the accounts: the run's config and policies, and each account's own config.
fn judge(args: &ScanArgs, accounts: &[Account]) -> anyhow::Result<org::run::Judge> {
    let default = Arc::new(load_policies_for(
        &args.policy,
        args.policy.config.as_ref(),
    )?);
    let mut by_path: BTreeMap<std::path::PathBuf, Arc<_>> = BTreeMap::new();
    let mut own = BTreeMap::new();
    for a in accounts {
        if let Some(path) = &a.config {
            let loaded = match by_path.get(path) {
                Some(l) => Arc::clone(l),
                None => {
                    let l = Arc::new(load_policies_for(&args.policy, Some(path))?);
                    by_path.insert(path.clone(), Arc::clone(&l));
                    l
                }
            };
            own.insert(a.id.clone(), loaded);
        }
    }
    let baseline = args
        .baseline
        .as_deref()
        .map(OrgReport::load)
        .transpose()?
        .map(Arc::new);
    Ok(org::run::Judge {
        default,
        own,
        today: today(),
        baseline,
    })
}

/// `scan` over many accounts (or a directory of inventories).
pub(super) fn scan(args: ScanArgs) -> anyhow::Result<u8> {
    if args.terraform.is_some() {
        anyhow::bail!("--terraform locates findings of one account's Terraform: scan the accounts one by one to use it");
    }
    let started = Instant::now();
    let report = match &args.inventory {
        Some(file) if !file.is_dir() => anyhow::bail!(
            "--inventory {} is one account's inventory: --account, --shard, --org and --accounts choose among many (give a directory of inventories, `collect --org -o DIR`)",
            file.display()
        ),
        Some(dir) if args.org.org || args.org.accounts.is_some() => anyhow::bail!(
            "--inventory {} judges the inventories in the directory: --org and --accounts list accounts to collect live (select inventories with --account ID)",
            dir.display()
        ),
        Some(dir) => {
            let judge = judge(&args, &[])?;
            org::run::judge_dir(dir, &judge, args.org.shard, &args.org.only)?
        }
        None => live(&args)?,
    };
    finish(
        &report,
        &args.out,
        args.fail_on,
        args.allow_incomplete,
        started,
    )
}

fn live(args: &ScanArgs) -> anyhow::Result<OrgReport> {
    let options = super::collect::options(&args.aws, args.services.clone())?;
    let rt = runtime()?;
    rt.block_on(async {
        let (base, plan, source) = plan(&options, &args.org).await?;
        let judge = judge(args, &plan.mine)?;
        let opts = org::run::Options {
            collect: options.clone(),
            role_name: args.org.role(),
            external_id: args.org.external_id.clone(),
            concurrency: args.org.accounts_in_flight(),
            inventory_dir: args.org.inventory_dir.clone(),
        };
        org::run::scan(&base, &plan, &source, &opts, &judge).await
    })
}

/// Writes the outputs, prints the run's line on stderr, returns the exit code.
fn finish(
    report: &OrgReport,
    out: &super::OutputArgs,
    fail_on: super::FailOn,
    allow_incomplete: bool,
    started: Instant,
) -> anyhow::Result<u8> {
    out.write_org(report)?;
    let s = &report.summary;
    eprintln!(
        "archaudit: {} account(s) ({} unreadable, {} incomplete) in {:.1} s; {} finding(s) at or above {}; {} rule result(s) not evaluated; {} gap(s).",
        s.accounts,
        s.unreadable,
        s.incomplete,
        started.elapsed().as_secs_f64(),
        fail_on.threshold().map_or(0, |t| s.total.at_or_above(t)),
        fail_on.threshold().map_or("never (report only)", |t| t.as_str()),
        s.total.not_evaluated,
        s.total.gaps
    );
    Ok(super::scan_exit_code(
        &s.total,
        fail_on.threshold(),
        allow_incomplete,
    ))
}

/// `collect --org -o DIR`: one inventory per account (an unreadable account's too: all gaps,
/// so a later `scan --inventory DIR` reports it, never forgets it).
pub(super) fn collect(args: CollectArgs) -> anyhow::Result<u8> {
    let Some(dir) = args.output.clone().filter(|d| d != Path::new("-")) else {
        anyhow::bail!("collecting many accounts writes one inventory per account: give -o DIR");
    };
    let options = super::collect::options(&args.aws, args.services.clone())?;
    let opts = org::run::Options {
        collect: options.clone(),
        role_name: args.org.role(),
        external_id: args.org.external_id.clone(),
        concurrency: args.org.accounts_in_flight(),
        inventory_dir: Some(dir.clone()),
    };
    let rt = runtime()?;
    let incomplete = rt.block_on(async {
        let (base, plan, _) = plan(&options, &args.org).await?;
        let results: Vec<anyhow::Result<bool>> = futures::stream::iter(plan.mine.iter())
            .map(|a| async {
                let (inv, error) = org::run::collect_account(&base, a, &opts).await;
                if let Some(e) = &error {
                    eprintln!("archaudit: {e}");
                }
                org::run::write_inventory(&dir, &inv)?;
                Ok(error.is_none()
                    && inv
                        .gaps
                        .iter()
                        .all(|g| g.code == crate::inventory::NOT_COLLECTED))
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
        let mut incomplete = 0usize;
        for r in results {
            incomplete += usize::from(!r?);
        }
        anyhow::Ok(incomplete)
    })?;
    Ok(if incomplete > 0 {
        super::EXIT_INCOMPLETE
    } else {
        super::EXIT_OK
    })
}

/// `merge REPORT...`.
pub(super) fn merge(args: MergeArgs) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut reports = Vec::new();
    for path in &args.reports {
        reports.push((path.display().to_string(), OrgReport::load(path)?));
    }
    let merged = org::merge::merge(reports)?;
    finish(
        &merged,
        &args.out,
        args.fail_on,
        args.allow_incomplete,
        started,
    )
}
