//! `archaudit merge REPORT...`: the shard reports of one run combined into the run's report,
//! exactly: the accounts' reports are taken as they are (no finding is re-judged, moved or
//! dropped) and the totals summed again.
//!
//! Refused, naming the files: reports of different runs (their run ids differ: another
//! account list, shard count or `--run-id`), a shard given twice, a shard missing, an account
//! in two reports, an account of the run in none. A merged report that quietly lacked a shard
//! would look clean for the accounts it never held.
//!
//! A shard's report is untrusted input (it comes back from another job, an artifact store):
//! nothing it says about itself is believed. Every account's summary, every rule's status and
//! count, and the run's totals are recomputed from the findings, rule results and gaps, and a
//! report whose stated counts disagree is refused; so are shard numbers outside 1..n, an
//! account not in the run's list or held by a shard it is not assigned to, a report of
//! another account under an account's entry, and a finding or rule given twice. The merged
//! report's counts (and so its exit code) are always those of its findings.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Shard;
use crate::finding::RuleStatus;
use crate::report::org::{AccountReport, AccountStatus, OrgReport, OrgSummary, RunInfo};
use crate::report::Summary;
use crate::text::json_position;
use crate::text::JsonStep::{self, Index, Key};

/// What is wrong, and where in the report's JSON.
pub type Located = (String, Vec<JsonStep<'static>>);

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
    /// A report that contradicts itself or the run.
    #[error("{file}: {what}: refused (a shard's report is checked, never believed)")]
    Inconsistent {
        /// The file.
        file: String,
        /// What does not hold.
        what: String,
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

/// What a report of a run must satisfy on its own: its shards are of the run, its accounts
/// are the run's and its shards', each account's report is of that account and says what its
/// findings, rules and gaps make, and its totals are the sums of its accounts.
pub fn consistent(r: &OrgReport) -> Result<(), Located> {
    let run = &r.run;
    if !(1..=1000).contains(&run.shard_count) {
        return Err((
            format!("shard count {} is outside 1..=1000", run.shard_count),
            vec![Key("run"), Key("shard_count")],
        ));
    }
    if run.shards.is_empty() {
        return Err((
            "it names no shard".to_owned(),
            vec![Key("run"), Key("shards")],
        ));
    }
    if let Some((i, s)) = run
        .shards
        .iter()
        .enumerate()
        .find(|(_, s)| s.count != run.shard_count || !(1..=s.count).contains(&s.index))
    {
        return Err((
            format!(
                "shard {s} is not a shard of a run of {} shard(s)",
                run.shard_count
            ),
            vec![Key("run"), Key("shards"), Index(i)],
        ));
    }
    let mut listed: HashMap<&str, usize> = HashMap::with_capacity(run.accounts.len());
    for (i, a) in run.accounts.iter().enumerate() {
        if listed.insert(a.as_str(), i).is_some() {
            return Err((
                format!("account {a} is listed twice in the run"),
                vec![Key("run"), Key("accounts"), Index(i)],
            ));
        }
    }
    let ids: Vec<&str> = run.accounts.iter().map(String::as_str).collect();
    let assigned = super::shard::assign(&ids, run.shard_count);
    let mut seen = HashSet::new();
    for (ai, a) in r.accounts.iter().enumerate() {
        let here = |what: String| (what, vec![Key("accounts"), Index(ai)]);
        let Some(&i) = listed.get(a.account_id.as_str()) else {
            return Err(here(format!(
                "account {} is not an account of the run",
                a.account_id
            )));
        };
        if !seen.insert(a.account_id.as_str()) {
            return Err(here(format!("account {} is given twice", a.account_id)));
        }
        let home = Shard {
            index: assigned[i],
            count: run.shard_count,
        };
        match a.shard {
            Some(s) if s != home || !run.shards.contains(&s) => {
                return Err(here(format!(
                    "account {} is marked as scanned by shard {s}; it belongs to shard {home}",
                    a.account_id
                )))
            }
            None if run.shard_count > 1 => {
                return Err(here(format!("account {} names no shard", a.account_id)))
            }
            _ if !run.shards.contains(&home) => {
                return Err(here(format!(
                    "account {} belongs to shard {home}, which this report does not hold",
                    a.account_id
                )))
            }
            _ => {}
        }
        if a.report.account_id != a.account_id {
            return Err(here(format!(
                "the entry of account {} holds a report of account {}",
                a.account_id, a.report.account_id
            )));
        }
        account_consistent(a).map_err(|(what, inner)| {
            let mut path = vec![Key("accounts"), Index(ai), Key("report")];
            path.extend(inner);
            (format!("account {}: {what}", a.account_id), path)
        })?;
    }
    let totals = OrgSummary::of(&r.accounts);
    if totals != r.summary {
        return Err((
            format!(
                "its totals are not the sums of its accounts (it says {} finding(s), {} not evaluated, {} incomplete account(s); its accounts make {}, {}, {})",
                r.summary.total.findings.values().sum::<usize>(),
                r.summary.total.not_evaluated,
                r.summary.incomplete,
                totals.total.findings.values().sum::<usize>(),
                totals.total.not_evaluated,
                totals.incomplete
            ),
            vec![Key("summary")],
        ));
    }
    Ok(())
}

/// One account's report says what its findings, rules and gaps make.
fn account_consistent(a: &AccountReport) -> Result<(), Located> {
    let report = &a.report;
    let mut fingerprints = HashSet::with_capacity(report.findings.len());
    let mut per_rule: HashMap<&str, usize> = HashMap::new();
    for (i, f) in report.findings.iter().enumerate() {
        if !fingerprints.insert(f.fingerprint.as_str()) {
            return Err((
                format!("finding {} is given twice", f.fingerprint),
                vec![Key("findings"), Index(i)],
            ));
        }
        if f.carried_over.is_none() {
            *per_rule.entry(f.policy_id.as_str()).or_default() += 1;
        }
    }
    let mut rules = HashSet::with_capacity(report.rules.len());
    for (i, r) in report.rules.iter().enumerate() {
        let here = |what: String| (what, vec![Key("rules"), Index(i)]);
        if !rules.insert(r.id.as_str()) {
            return Err(here(format!("rule {} is given twice", r.id)));
        }
        let count = per_rule.get(r.id.as_str()).copied().unwrap_or(0);
        let status = match (count, &r.reason) {
            (0, None) => RuleStatus::Passed,
            (0, Some(_)) => RuleStatus::NotEvaluated,
            _ => RuleStatus::Failed,
        };
        let incomplete = status == RuleStatus::Failed && r.reason.is_some();
        if r.findings != count || r.status != status || r.incomplete != incomplete {
            return Err(here(format!(
                "rule {} says {} with {} finding(s); its findings make it {} with {count}",
                r.id,
                r.status.as_str(),
                r.findings,
                status.as_str()
            )));
        }
    }
    if let Some((i, f)) = report
        .findings
        .iter()
        .enumerate()
        .find(|(_, f)| !rules.contains(f.policy_id.as_str()))
    {
        return Err((
            format!(
                "finding {} is of rule {}, which the report does not list",
                f.fingerprint, f.policy_id
            ),
            vec![Key("findings"), Index(i)],
        ));
    }
    if a.status == AccountStatus::Unreadable
        && report
            .rules
            .iter()
            .any(|r| r.status != RuleStatus::NotEvaluated)
    {
        return Err((
            "it is unreadable, yet some of its rules were evaluated".to_owned(),
            vec![Key("rules")],
        ));
    }
    let summary = Summary::of(&report.rules, &report.findings, &report.gaps);
    if summary != report.summary {
        return Err((format!(
            "its summary says {} finding(s), {} passed, {} not evaluated, complete {}; its findings, rules and gaps make {}, {}, {}, {}",
            report.summary.findings.values().sum::<usize>(),
            report.summary.passed,
            report.summary.not_evaluated,
            report.summary.complete,
            summary.findings.values().sum::<usize>(),
            summary.passed,
            summary.not_evaluated,
            summary.complete
        ), vec![Key("summary")]));
    }
    Ok(())
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
        if let Err((what, path)) = consistent(&r) {
            let at = std::fs::read(&file)
                .ok()
                .and_then(|bytes| json_position(&bytes, &path))
                .map_or(file.clone(), |(l, c)| format!("{file}:{l}:{c}"));
            return Err(MergeError::Inconsistent { file: at, what });
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
        let given: Vec<String> = shards.iter().map(|(s, f)| format!("{s} in {f}")).collect();
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

#[cfg(test)]
mod tests;
