//! The flags of runs over many accounts (`--org`, `--accounts`, `--shard`…) and `merge`.

use std::path::PathBuf;

use clap::Args;

use super::{FailOn, OutputArgs};

/// Scanning many accounts (docs/org.md).
#[derive(Debug, Args, Default)]
pub struct OrgArgs {
    /// Scan every active account of the organization (organizations:ListAccounts, from the
    /// management account or a delegated administrator), assuming --role-name in each.
    #[arg(long, conflicts_with = "accounts")]
    pub org: bool,
    /// Scan the accounts of FILE (TOML or YAML: id, name, role_arn, regions, tags, config).
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Only this account (repeat or comma-separate); with --org or --accounts, one of theirs.
    #[arg(long = "account", value_name = "ID", value_delimiter = ',')]
    pub only: Vec<String>,
    /// The role assumed in each account that names none [default: archaudit-readonly].
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// The external id the member roles' trust policy requires.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Accounts in flight (1–64) [default: 4]; calls in flight inside each account are
    /// --calls-in-flight.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: Option<u16>,
    /// This job's share of the accounts: the I-th of N shards (1-based); `job/N` in a
    /// Kubernetes Indexed Job's pod takes I from its 0-based JOB_COMPLETION_INDEX (+ 1).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::org::Shard>,
    /// The scheduler's run id (GITHUB_RUN_ID, the Job's uid): shards of one run share it, and
    /// `merge` refuses shards of another.
    #[arg(long, env = "ARCHAUDIT_RUN_ID", value_name = "ID")]
    pub run_id: Option<String>,
    /// Write each account's inventory to DIR/<account>.json as it is collected.
    #[arg(long, value_name = "DIR")]
    pub inventory_dir: Option<PathBuf>,
}

impl OrgArgs {
    /// Whether the run is over many accounts.
    pub fn is_org(&self) -> bool {
        self.org || self.accounts.is_some() || !self.only.is_empty() || self.shard.is_some()
    }

    /// The role assumed in accounts that name none.
    pub fn role(&self) -> String {
        self.role_name
            .clone()
            .unwrap_or_else(|| "archaudit-readonly".to_owned())
    }

    /// Accounts in flight.
    pub fn accounts_in_flight(&self) -> usize {
        usize::from(self.concurrency.unwrap_or(4))
    }

    /// Refuses the flags that only mean something over many accounts when the run is over
    /// one: `--concurrency` in particular, which counted calls in flight before runs over
    /// many accounts existed (now `--calls-in-flight`), must not be silently ignored.
    pub fn check_single_account(&self) -> anyhow::Result<()> {
        let given = [
            ("--concurrency", self.concurrency.is_some()),
            ("--role-name", self.role_name.is_some()),
            ("--external-id", self.external_id.is_some()),
            ("--inventory-dir", self.inventory_dir.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, on)| *on) {
            let also = if *flag == "--concurrency" {
                " (calls in flight inside one account: --calls-in-flight N)"
            } else {
                ""
            };
            anyhow::bail!(
                "{flag} applies to runs over many accounts (--org, --accounts, --account, --shard, \
                 or --inventory DIR){also}"
            );
        }
        Ok(())
    }
}

/// `archaudit merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard reports (`scan --org --shard i/n --format json`), every shard of the run.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format and files.
    #[command(flatten)]
    pub out: OutputArgs,
    /// Exit 1 when a finding at or above this severity is not waived (`never`: report only).
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Do not exit 2 when an account had gaps or rules could not be evaluated.
    #[arg(long)]
    pub allow_incomplete: bool,
}
