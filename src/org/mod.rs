//! Beyond one account: the accounts of an organization (or of an accounts file), which of
//! them this job scans (`--account`, `--shard`), and the run they belong to.
//!
//! - [`accounts`]: `--accounts FILE` (TOML or YAML);
//! - [`shard`]: `--shard i/n`, a balanced, stable share of the accounts;
//! - [`run`]: the scan of many accounts through assumed roles, a few at a time, each
//!   collected, judged and dropped before the next is taken (memory follows the largest
//!   account, not their number);
//! - [`merge`]: shard reports combined into one, refusing missing, overlapping or foreign
//!   shards.
//!
//! How it keeps the first law: an account that could not be read (its role not assumable, a
//! region disabled, throttled out) is a gap of that account, reported with every rule not
//! evaluated and its baseline findings carried over; it never passes, never disappears from a
//! merged report, and makes the run exit 2.

pub mod accounts;
pub mod merge;
pub mod run;
pub mod shard;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::report::org::Skipped;
pub use shard::Shard;

/// An account to scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Account {
    /// Twelve digits.
    pub id: String,
    /// Its name (the Organizations name, the accounts file's, else the id).
    pub name: String,
    /// The role to assume; `None`: `--role-name` in the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// Regions to collect; empty: `--region`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Tags (from the accounts file).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Its own archaudit.toml (from the accounts file); `None`: the run's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<PathBuf>,
}

/// The accounts of a run, and this job's share of them.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every account of the run (all shards), sorted by id.
    pub accounts: Vec<Account>,
    /// Listed but not scanned (suspended accounts).
    pub skipped: Vec<Skipped>,
    /// This job's shard, when sharded.
    pub shard: Option<Shard>,
    /// The accounts this job scans, sorted by id.
    pub mine: Vec<Account>,
    /// The run's identity (see [`run_id`]).
    pub run_id: String,
}

/// Why the accounts could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// `--account ID` names an account the listing does not hold.
    #[error("--account {0}: no such account in {1} (accounts: {2})")]
    UnknownAccount(String, String, String),
    /// `--account ID` is not an account id.
    #[error("--account `{0}` is not an account id (twelve digits)")]
    NotAnId(String),
    /// Nothing to scan.
    #[error("no account to scan: {0}")]
    Empty(String),
}

/// The run's identity: a digest of every account (with its regions) of the run, the shard
/// count, and the scheduler's own run id when given (`--run-id`: the workflow run, the Job),
/// so the shards of one run recognise each other and `merge` refuses a shard of another.
pub fn run_id(
    accounts: &[Account],
    regions: &[String],
    shards: u32,
    given: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for a in accounts {
        h.update(a.id.as_bytes());
        h.update([0]);
        for r in if a.regions.is_empty() {
            regions
        } else {
            &a.regions
        } {
            h.update(r.as_bytes());
            h.update([1]);
        }
        h.update([2]);
    }
    h.update(shards.to_be_bytes());
    h.update(given.unwrap_or_default().as_bytes());
    h.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Plans a run: `listed` (from Organizations or an accounts file, `origin` naming it),
/// narrowed to `only` (`--account`), this job's `shard` of it.
pub fn plan(
    mut listed: Vec<Account>,
    skipped: Vec<Skipped>,
    origin: &str,
    only: &[String],
    shard: Option<Shard>,
    regions: &[String],
    given_run_id: Option<&str>,
) -> Result<Plan, PlanError> {
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    for id in only {
        if !accounts::is_account_id(id) {
            return Err(PlanError::NotAnId(id.clone()));
        }
        if !listed.iter().any(|a| &a.id == id) {
            let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
            let why = skipped
                .iter()
                .find(|s| &s.id == id)
                .map(|s| format!("{origin}, where it is {}", s.status))
                .unwrap_or_else(|| origin.to_owned());
            return Err(PlanError::UnknownAccount(id.clone(), why, ids.join(", ")));
        }
    }
    if !only.is_empty() {
        listed.retain(|a| only.contains(&a.id));
    }
    if listed.is_empty() {
        return Err(PlanError::Empty(format!(
            "{origin} lists no active account"
        )));
    }
    let count = shard.map_or(1, |s| s.count);
    let run_id = run_id(&listed, regions, count, given_run_id);
    let mine = match shard {
        None => listed.clone(),
        Some(s) => {
            let ids: Vec<&str> = listed.iter().map(|a| a.id.as_str()).collect();
            let assigned = shard::assign(&ids, s.count);
            listed
                .iter()
                .zip(assigned)
                .filter(|(_, i)| *i == s.index)
                .map(|(a, _)| a.clone())
                .collect()
        }
    };
    Ok(Plan {
        accounts: listed,
        skipped,
        shard,
        mine,
        run_id,
    })
}

/// `--account` over a directory of inventories (`files`, named by account `ids`): those
/// accounts' inventories, every one of which must be there.
pub fn select_inventories(
    dir: &std::path::Path,
    files: Vec<std::path::PathBuf>,
    ids: Vec<String>,
    only: &[String],
) -> anyhow::Result<(Vec<std::path::PathBuf>, Vec<String>)> {
    if let Some(bad) = only.iter().find(|id| !accounts::is_account_id(id)) {
        return Err(PlanError::NotAnId(bad.clone()).into());
    }
    if let Some(missing) = only.iter().find(|id| !ids.contains(id)) {
        anyhow::bail!(
            "--account {missing}: {} holds no inventory of it (it holds {})",
            dir.display(),
            ids.join(", ")
        );
    }
    Ok(files
        .into_iter()
        .zip(ids)
        .filter(|(_, id)| only.contains(id))
        .unzip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> Account {
        Account {
            id: id.to_owned(),
            name: id.to_owned(),
            role_arn: None,
            regions: Vec::new(),
            tags: BTreeMap::new(),
            config: None,
        }
    }

    fn ids(n: u64) -> Vec<Account> {
        (0..n)
            .map(|i| account(&format!("{:012}", 200_000_000_000 + i)))
            .collect()
    }

    #[test]
    fn the_shards_of_a_run_cover_its_accounts_exactly_once() {
        let r = vec!["us-east-1".to_owned()];
        for n in [1, 3, 4] {
            let mut seen = Vec::new();
            let mut run_ids = std::collections::BTreeSet::new();
            for i in 1..=n {
                let shard = Shard { index: i, count: n };
                let p = plan(ids(10), vec![], "o", &[], Some(shard), &r, None).unwrap();
                run_ids.insert(p.run_id);
                seen.extend(p.mine.into_iter().map(|a| a.id));
            }
            seen.sort();
            assert_eq!(seen, ids(10).into_iter().map(|a| a.id).collect::<Vec<_>>());
            assert_eq!(run_ids.len(), 1, "one run id across shards");
        }
    }

    #[test]
    fn the_run_id_changes_with_the_accounts_the_regions_and_the_shard_count() {
        let r = vec!["us-east-1".to_owned()];
        let base = run_id(&ids(3), &r, 4, None);
        assert_ne!(base, run_id(&ids(4), &r, 4, None));
        assert_ne!(base, run_id(&ids(3), &["eu-west-1".to_owned()], 4, None));
        assert_ne!(base, run_id(&ids(3), &r, 3, None));
        assert_ne!(base, run_id(&ids(3), &r, 4, Some("12345")));
        assert_eq!(base, run_id(&ids(3), &r, 4, None));
    }

    #[test]
    fn account_selection_is_checked() {
        let r = vec![];
        let only = |ids_: &[&str]| ids_.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let p = plan(
            ids(3),
            vec![],
            "o",
            &only(&["200000000001"]),
            None,
            &r,
            None,
        )
        .unwrap();
        assert_eq!(p.mine.len(), 1);
        let suspended = vec![Skipped {
            id: "999999999999".into(),
            name: "old".into(),
            status: "SUSPENDED".into(),
        }];
        let e = plan(
            ids(3),
            suspended,
            "the organization",
            &only(&["999999999999"]),
            None,
            &r,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("where it is SUSPENDED"), "{e}");
        let e = plan(ids(3), vec![], "o", &only(&["12"]), None, &r, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an account id"), "{e}");
        assert!(plan(vec![], vec![], "o", &[], None, &r, None).is_err());
    }
}
