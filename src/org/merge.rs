//! `archaudit merge REPORT...`: the shard reports of one run combined into the run's report,
//! exactly: the accounts' reports are taken as they are (no finding is re-judged, moved or
//! dropped) and the totals summed again.
//!
//! Refused, naming the files: reports of different runs (their run ids differ: another
//! account list, shard count or `--run-id`), a shard given twice, a shard missing, an account
//! in two reports, an account of the run in none. A merged report that quietly lacked a shard
//! would look clean for the accounts it never held.

use std::collections::BTreeMap;

use super::Shard;
use crate::report::org::{OrgReport, RunInfo};

/// Why reports cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("merge needs at least one report")]
    Empty,
    /// Reports of different runs.
    #[error("{file} belongs to run {found} ({what}), {first} to run {expected}: shards of different runs (or a different --run-id) cannot be merged")]
    OtherRun {
        /// The odd one.
        file: String,
        /// Its run id.
        found: String,
        /// How it differs.
        what: String,
        /// The first report.
        first: String,
        /// The first report's run id.
        expected: String,
    },
    /// The same shard twice.
    #[error("shard {shard} is given twice: {a} and {b}")]
    Duplicate {
        /// The shard.
        shard: Shard,
        /// One file.
        a: String,
        /// The other.
        b: String,
    },
    /// Shards missing.
    #[error("shard {} of the run is missing (given: {given}); every shard's report is needed, or the accounts it holds would look clean", missing.iter().map(Shard::to_string).collect::<Vec<_>>().join(", "))]
    Missing {
        /// The shards missing.
        missing: Vec<Shard>,
        /// The shards given.
        given: String,
    },
    /// An account in two reports.
    #[error("account {account} is in {a} and {b}: overlapping shards")]
    Overlap {
        /// The account.
        account: String,
        /// One file.
        a: String,
        /// The other.
        b: String,
    },
    /// An account of the run in no report.
    #[error("account {account} of run {run} is in no report given (shard {shard} should hold it)")]
    Lost {
        /// The account.
        account: String,
        /// The run.
        run: String,
        /// The shards of the report that should hold it.
        shard: String,
    },
}

/// Merges `reports` (file name, report) of one run.
pub fn merge(reports: Vec<(String, OrgReport)>) -> Result<OrgReport, MergeError> {
    let Some((first_file, first)) = reports.first() else {
        return Err(MergeError::Empty);
    };
    let (first_file, run) = (first_file.clone(), first.run.clone());
    let mut shards: BTreeMap<Shard, String> = BTreeMap::new();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut accounts = Vec::new();
    for (file, r) in reports {
        let differs = if r.run.id != run.id {
            Some("another run id")
        } else if r.run.shard_count != run.shard_count {
            Some("another shard count")
        } else if r.run.accounts != run.accounts {
            Some("another account list")
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(MergeError::OtherRun {
                file,
                found: r.run.id.clone(),
                what: format!("{what}, {} shard(s)", r.run.shard_count),
                first: first_file,
                expected: run.id,
            });
        }
        for s in &r.run.shards {
            if let Some(other) = shards.insert(*s, file.clone()) {
                return Err(MergeError::Duplicate {
                    shard: *s,
                    a: other,
                    b: file,
                });
            }
        }
        for a in r.accounts {
            if let Some(other) = owner.insert(a.account_id.clone(), file.clone()) {
                return Err(MergeError::Overlap {
                    account: a.account_id,
                    a: other,
                    b: file,
                });
            }
            accounts.push(a);
        }
    }
    let count = run.shard_count.max(1);
    let missing: Vec<Shard> = (1..=count)
        .map(|index| Shard { index, count })
        .filter(|s| !shards.contains_key(s))
        .collect();
    if !missing.is_empty() {
        let given: Vec<String> = shards.keys().map(Shard::to_string).collect();
        return Err(MergeError::Missing {
            missing,
            given: given.join(", "),
        });
    }
    if let Some(lost) = run.accounts.iter().find(|a| !owner.contains_key(*a)) {
        let ids: Vec<&str> = run.accounts.iter().map(String::as_str).collect();
        let assigned = super::shard::assign(&ids, count);
        let shard = ids
            .iter()
            .zip(assigned)
            .find(|(id, _)| **id == lost.as_str())
            .map(|(_, s)| Shard { index: s, count }.to_string())
            .unwrap_or_default();
        return Err(MergeError::Lost {
            account: lost.clone(),
            run: run.id,
            shard,
        });
    }
    let merged = RunInfo {
        shards: shards.into_keys().collect(),
        ..run
    };
    Ok(OrgReport::new(merged, accounts))
}
