//! The scan of a run's accounts: at most `concurrency` accounts in flight, each through its
//! own assumed-role session (its own per-service limiters, as AWS throttles per account,
//! under the run's shared cap), collected, judged, its inventory written when asked and then
//! dropped, so memory follows the largest account rather than the number of accounts.
//!
//! An account whose role cannot be assumed (or whose regions cannot be resolved) is not an
//! error of the run: it becomes a report of its own in which every kind is a gap with the
//! reason, every rule is `not_evaluated`, and the baseline's findings are carried over.

use std::path::PathBuf;
use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::{Account, Plan};
use crate::aws::{Session, SessionError};
use crate::collect;
use crate::config::Config;
use crate::finding::RuleStatus;
use crate::inventory::{self, Inventory, ScanMeta, Service};
use crate::policy::PolicySet;
use crate::report::org::{AccountReport, AccountStatus, OrgReport, RunInfo};
use crate::report::{Report, Summary};

/// How to reach and judge the accounts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Collection settings for every account (`--region` is the default of an account that
    /// names none).
    pub collect: collect::Options,
    /// `--role-name`: the role assumed in an account the listing gives no role for.
    pub role_name: String,
    /// `--external-id`.
    pub external_id: Option<String>,
    /// Accounts in flight.
    pub concurrency: usize,
    /// Write each account's inventory to `<dir>/<account>.json`.
    pub inventory_dir: Option<PathBuf>,
}

/// What judges an account: the architecture and policies (one per distinct archaudit.toml),
/// the day, last night's report.
#[derive(Clone)]
pub struct Judge {
    /// The run's configuration and policies.
    pub default: Arc<(Config, PolicySet)>,
    /// Accounts with their own archaudit.toml (accounts file): account id → its own.
    pub own: std::collections::BTreeMap<String, Arc<(Config, PolicySet)>>,
    /// Today, for waivers.
    pub today: time::Date,
    /// Last night's run (`--baseline`): each account is compared with its own entry.
    pub baseline: Option<Arc<OrgReport>>,
}

impl std::fmt::Debug for Judge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Judge")
            .field("own", &self.own.len())
            .finish()
    }
}

impl Judge {
    fn of(&self, account: &str) -> Arc<(Config, PolicySet)> {
        self.own
            .get(account)
            .cloned()
            .unwrap_or_else(|| self.default.clone())
    }

    /// Judges one account's inventory (compared with its baseline entry, if any).
    pub fn judge(&self, inventory: &Inventory) -> Result<Report, crate::scan::ScanError> {
        let judge = self.of(&inventory.meta.account_id);
        let (config, policies) = (&judge.0, &judge.1);
        let baseline = self.baseline.as_ref().and_then(|b| {
            b.accounts
                .iter()
                .find(|a| a.account_id == inventory.meta.account_id)
                .map(|a| &a.report)
        });
        let context = crate::scan::Context {
            baseline: baseline.map(|r| (r, "the baseline's entry of this account")),
            terraform: None,
        };
        let mut report = crate::scan::scan_with(inventory, config, policies, self.today, context)?;
        crate::fix::offer_fixes(&mut report.findings, inventory, &config.architecture);
        Ok(report)
    }
}

/// The role of `account`: its own, or `role_name` in it.
pub fn role_of(account: &Account, partition: &str, role_name: &str) -> String {
    account
        .role_arn
        .clone()
        .unwrap_or_else(|| format!("arn:{partition}:iam::{}:role/{role_name}", account.id))
}

/// Scans this job's accounts of `plan` through `base` (the caller's session).
pub async fn scan(
    base: &Session,
    plan: &Plan,
    source: &str,
    opts: &Options,
    judge: &Judge,
) -> anyhow::Result<OrgReport> {
    let shard = plan.shard.unwrap_or(super::Shard { index: 1, count: 1 });
    let results: Vec<anyhow::Result<AccountReport>> = stream::iter(plan.mine.iter())
        .map(|a| account(base, a, opts, judge, plan.shard))
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    let accounts = results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let run = RunInfo {
        id: plan.run_id.clone(),
        source: source.to_owned(),
        accounts: plan.accounts.iter().map(|a| a.id.clone()).collect(),
        skipped: plan.skipped.clone(),
        shard_count: shard.count,
        shards: vec![shard],
    };
    Ok(OrgReport::new(run, accounts))
}

/// One account's inventory, through its assumed role: what was collected, or (when nothing
/// could be read) an inventory in which everything is a gap, with the reason.
pub async fn collect_account(
    base: &Session,
    a: &Account,
    opts: &Options,
) -> (Inventory, Option<String>) {
    let mut options = opts.collect.clone();
    if !a.regions.is_empty() {
        options.aws.regions = a.regions.clone();
    }
    let role = role_of(a, &base.partition, &opts.role_name);
    let collected = async {
        let session = base
            .assume(&role, opts.external_id.as_deref(), &options.aws)
            .await?;
        collect::collect_with(&session, &options).await
    }
    .await;
    match collected {
        Ok(inv) => (inv, None),
        Err(e) => {
            let regions = requested_regions(&options, base);
            let inv = unreadable(a, &regions, &base.partition, &e);
            (inv, Some(e.to_string()))
        }
    }
}

/// Whether an inventory is one [`collect_account`] wrote for an account nothing could be
/// read from (no collector ran; only gaps), and why.
pub fn unreadable_reason(inventory: &Inventory) -> Option<String> {
    let nothing_ran = inventory.meta.services.is_empty() && !inventory.gaps.is_empty();
    nothing_ran.then(|| inventory.gaps[0].message.clone())
}

/// One account: collected, judged (on a blocking thread: evaluation is CPU-bound), its
/// inventory written and dropped.
async fn account(
    base: &Session,
    a: &Account,
    opts: &Options,
    judge: &Judge,
    shard: Option<super::Shard>,
) -> anyhow::Result<AccountReport> {
    let (inventory, error) = collect_account(base, a, opts).await;
    if let Some(dir) = &opts.inventory_dir {
        write_inventory(dir, &inventory)?;
    }
    let calls = api_calls(&inventory);
    let judge = judge.clone();
    let report = tokio::task::spawn_blocking(move || judge.judge(&inventory)).await??;
    Ok(entry(a, report, error, shard, calls))
}

/// The calls an inventory's collection made.
fn api_calls(inventory: &Inventory) -> u64 {
    inventory
        .meta
        .services
        .values()
        .map(|s| u64::from(s.api_calls))
        .sum()
}

/// An account's entry: an unreadable one has every rule not evaluated.
fn entry(
    a: &Account,
    mut report: Report,
    error: Option<String>,
    shard: Option<super::Shard>,
    api_calls: u64,
) -> AccountReport {
    let status = match &error {
        Some(e) => {
            blind(&mut report, e);
            AccountStatus::Unreadable
        }
        None => AccountStatus::Scanned,
    };
    AccountReport {
        account_id: a.id.clone(),
        name: a.name.clone(),
        tags: a.tags.clone(),
        status,
        error,
        shard,
        api_calls,
        report,
    }
}

/// The regions an account would have been collected in (`all` cannot be resolved without
/// reading it: the home region stands for them).
fn requested_regions(options: &collect::Options, base: &Session) -> Vec<String> {
    let mut r: Vec<String> = options
        .aws
        .regions
        .iter()
        .filter(|r| r.as_str() != "all")
        .cloned()
        .collect();
    if r.is_empty() {
        r.push(base.home_region().to_owned());
    }
    r.sort();
    r.dedup();
    r
}

/// The inventory of an account nothing could be read from: every kind of every service in
/// every region a gap with the reason.
fn unreadable(a: &Account, regions: &[String], partition: &str, e: &SessionError) -> Inventory {
    let (operation, code) = match e {
        SessionError::AssumeRole { code, .. } => ("AssumeRole", code.clone()),
        SessionError::Identity { code, .. } => ("GetCallerIdentity", code.clone()),
        SessionError::Regions { code, .. } => ("DescribeRegions", code.clone()),
        SessionError::Deadline { .. } => ("(deadline)", collect::DEADLINE_EXCEEDED.to_owned()),
        SessionError::NoRegion => ("(configuration)", "NoRegion".to_owned()),
    };
    let message = e.to_string();
    let mut gaps = Vec::new();
    for s in Service::ALL {
        let places: Vec<&str> = if s.is_global() {
            vec!["global"]
        } else {
            regions.iter().map(String::as_str).collect()
        };
        for region in places {
            gaps.extend(inventory::service_gaps(
                *s, region, operation, &code, &message,
            ));
        }
    }
    for g in &mut gaps {
        g.account_id = a.id.clone();
    }
    Inventory {
        schema_version: inventory::SCHEMA_VERSION,
        meta: ScanMeta {
            account_id: a.id.clone(),
            partition: partition.to_owned(),
            regions: regions.to_vec(),
            collected_at: now(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            services: Default::default(),
        },
        gaps,
        ..Inventory::default()
    }
}

/// Every rule of an unreadable account is not evaluated, whatever it reads (a rule that
/// reads nothing the gaps name must not pass an account nobody looked at).
fn blind(report: &mut Report, error: &str) {
    for r in &mut report.rules {
        if r.status == RuleStatus::Passed {
            r.status = RuleStatus::NotEvaluated;
            r.reason = Some(format!("the account could not be read: {error}"));
        }
    }
    report.summary = Summary::of(&report.rules, &report.findings, &report.gaps);
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Writes `<dir>/<account>.json`.
pub fn write_inventory(dir: &std::path::Path, inventory: &Inventory) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("{}.json", inventory.meta.account_id));
    let mut text = serde_json::to_string_pretty(inventory)?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

/// Judges a directory of inventories (`collect --org -o DIR`, `--inventory-dir`) offline, this
/// job's `shard` of them: one account at a time, each read, judged and dropped.
pub fn judge_dir(
    dir: &std::path::Path,
    judge: &Judge,
    shard: Option<super::Shard>,
    only: &[String],
) -> anyhow::Result<OrgReport> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        anyhow::bail!("{} holds no *.json inventory", dir.display());
    }
    // The accounts are named by their inventories' files (`<account>.json`), so a shard can
    // take its share without reading the others.
    let mut ids: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    if !only.is_empty() {
        (files, ids) = super::select_inventories(dir, files, ids, only)?;
    }
    let count = shard.map_or(1, |s| s.count);
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let assigned = super::shard::assign(&refs, count);
    let mut listed = Vec::new();
    let mut reports = Vec::new();
    for ((f, id), s) in files.iter().zip(&ids).zip(assigned) {
        listed.push(Account {
            id: id.clone(),
            name: id.clone(),
            role_arn: None,
            regions: Vec::new(),
            tags: Default::default(),
            config: None,
        });
        if shard.is_some_and(|mine| mine.index != s) {
            continue;
        }
        let inventory = Inventory::load(f)?;
        if &inventory.meta.account_id != id {
            anyhow::bail!(
                "{} holds the inventory of account {}: name it {}.json",
                f.display(),
                inventory.meta.account_id,
                inventory.meta.account_id
            );
        }
        let error = unreadable_reason(&inventory);
        let calls = api_calls(&inventory);
        let report = judge.judge(&inventory)?;
        reports.push(entry(
            &listed[listed.len() - 1],
            report,
            error,
            shard,
            calls,
        ));
    }
    let shard = shard.unwrap_or(super::Shard { index: 1, count: 1 });
    let run = RunInfo {
        id: super::run_id(&listed, &[], shard.count, None),
        source: format!("inventories in {}", dir.display()),
        accounts: listed.iter().map(|a| a.id.clone()).collect(),
        skipped: Vec::new(),
        shard_count: shard.count,
        shards: vec![shard],
    };
    Ok(OrgReport::new(run, reports))
}
