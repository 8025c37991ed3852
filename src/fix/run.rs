//! `fix --apply`, end to end, through one AWS session: the account is collected once before
//! the first change (the plan is checked against it) and once after the last (what the
//! touched rules read), and verification is [`super::verify::verify`] over the two reports.
//!
//! Ctrl-C: the call in flight finishes (dropping it would leave unknown whether AWS applied
//! it), no further call is made, what ran is still verified; a second Ctrl-C aborts at once.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::apply::{apply_step, StepOutcome};
use super::plan::trust::{replan, Saved};
use super::plan::{stale, EntryKind, Plan};
use super::verify::{verify, Applied, EntryResult};
use crate::aws::{Session, SessionError};
use crate::collect;
use crate::config::Config;
use crate::inventory::{Inventory, Service};
use crate::policy::PolicySet;
use crate::report::Report;
use crate::scan::ScanError;

/// Why `fix --apply` stopped before or without changing anything.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The session could not be opened, or a collection could not start.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The account could not be judged.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// The plan is for another account.
    #[error(
        "the plan is for account {plan}, the credentials are of {credentials}: nothing applied"
    )]
    OtherAccount {
        /// The plan's account.
        plan: String,
        /// The credentials' account.
        credentials: String,
    },
    /// A planned resource changed since the plan was made.
    #[error("the account changed since the plan was made; nothing applied. Plan again.\n{}", .0.iter().map(|(arn, what)| format!("  {arn}: {what}")).collect::<Vec<_>>().join("\n"))]
    Stale(Vec<(String, String)>),
    /// A saved plan's entries are not what archaudit plans for the account now.
    #[error("the saved plan is not what archaudit plans for this account now; nothing applied (plan again and review that plan):\n{}", .0.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"))]
    NotPlanned(Vec<String>),
    /// A saved plan of other regions than the run collects.
    #[error("the plan covers region(s) {plan}, this run collects {run}: nothing applied (give --region {plan})")]
    OtherRegions {
        /// The plan's regions.
        plan: String,
        /// The run's.
        run: String,
    },
}

/// The account as collected and judged.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The inventory.
    pub inventory: Inventory,
    /// Its report.
    pub report: Report,
}

/// What `fix` needs to change and re-judge an account.
#[derive(Debug, Clone, Copy)]
pub struct Fixer<'a> {
    /// The one session every call goes through.
    pub session: &'a Session,
    /// What to collect (regions, services, limits, deadline).
    pub options: &'a collect::Options,
    /// The architecture and waivers.
    pub config: &'a Config,
    /// The policies.
    pub policies: &'a PolicySet,
    /// Today, for waivers.
    pub today: time::Date,
}

impl Fixer<'_> {
    /// Collects `services` (all when empty) and judges the account.
    pub async fn observe(&self, services: Vec<Service>) -> Result<Observed, FixError> {
        let mut options = self.options.clone();
        options.services = services;
        let inventory = collect::collect_with(self.session, &options).await?;
        let report = crate::scan::scan(&inventory, self.config, self.policies, self.today)?;
        Ok(Observed { inventory, report })
    }

    /// The plan to apply for a saved one: checked against the account as `before` shows it
    /// (its account, its regions, its resources unchanged since planning) and planned again
    /// from it; refused, changing nothing, unless every entry is what archaudit plans now.
    pub fn accept(&self, saved: &Saved, before: &Observed) -> Result<Plan, FixError> {
        let plan = &saved.plan;
        self.same_account(plan)?;
        let (mut a, mut b) = (plan.regions.clone(), before.inventory.meta.regions.clone());
        a.sort();
        b.sort();
        if a != b {
            return Err(FixError::OtherRegions {
                plan: plan.regions.join(","),
                run: before.inventory.meta.regions.join(","),
            });
        }
        let drifted = stale(plan, &before.inventory);
        if !drifted.is_empty() {
            return Err(FixError::Stale(drifted));
        }
        replan(
            saved,
            &before.report,
            &before.inventory,
            &self.config.architecture,
        )
        .map_err(FixError::NotPlanned)
    }

    /// Refuses a plan of another account than the session's.
    pub fn same_account(&self, plan: &Plan) -> Result<(), FixError> {
        if self.session.account_id != plan.account_id {
            return Err(FixError::OtherAccount {
                plan: plan.account_id.clone(),
                credentials: self.session.account_id.clone(),
            });
        }
        Ok(())
    }

    /// Applies `plan` (made from `before`, or a saved plan [`Fixer::accept`]ed against it) to
    /// the account, collects what its rules read, and verifies. Refuses, changing nothing, a
    /// plan of another account.
    pub async fn apply(
        &self,
        plan: &Plan,
        before: &Observed,
    ) -> Result<Vec<EntryResult>, FixError> {
        // A plan made from `before` cannot be stale; a saved one was checked by `accept`.
        self.same_account(plan)?;
        let interrupt = Arc::new(AtomicBool::new(false));
        let watcher = tokio::spawn(watch_interrupts(interrupt.clone()));
        let applied = apply_all(self.session, plan, &before.report, &interrupt).await;
        watcher.abort();
        // Re-judged after an interrupt too: what ran is verified, what did not is not run.
        let after = self.observe(services_for(plan, &before.report)).await?;
        Ok(verify(plan, &before.report, &applied, &after.report))
    }
}

/// Sets `interrupt` on the first Ctrl-C; exits on the second.
async fn watch_interrupts(interrupt: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        interrupt.store(true, Ordering::SeqCst);
        eprintln!("archaudit: interrupted: finishing the call in flight, then stopping (Ctrl-C again aborts now)");
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    }
}

/// Makes the steps of every entry whose finding `before` still holds, one call at a time: a
/// step shared by two entries (one rule that two policies flag) runs once; after a failed
/// step the entry's others are not run, after an interrupt no further step is.
async fn apply_all(
    session: &Session,
    plan: &Plan,
    before: &Report,
    interrupt: &AtomicBool,
) -> Applied {
    let present: std::collections::BTreeSet<&str> = before
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut done: BTreeMap<String, StepOutcome> = BTreeMap::new();
    let mut applied = Applied::new();
    for (i, e) in plan.entries.iter().enumerate() {
        if e.kind == EntryKind::Manual || !present.contains(e.fingerprint.as_str()) {
            continue;
        }
        let mut failed = false;
        let mut steps = Vec::new();
        for s in &e.steps {
            let key = format!("{}|{}", s.region, s.api_call());
            let outcome = if let Some(o) = done.get(&key) {
                o.clone()
            } else if interrupt.load(Ordering::SeqCst) || failed {
                StepOutcome::NotRun
            } else {
                let o = match apply_step(session, s).await {
                    Ok(()) => StepOutcome::Applied,
                    Err(f) => StepOutcome::Failed {
                        code: f.code,
                        message: f.message,
                    },
                };
                done.insert(key, o.clone());
                o
            };
            failed |= matches!(outcome, StepOutcome::Failed { .. });
            steps.push((s.api_call(), outcome));
        }
        applied.insert(i, steps);
    }
    applied
}

/// Services to collect again to re-judge the plan's findings: those the steps touched and
/// those their rules read (from the report before) — every rule's, when an entry is about a
/// documented component, since its whole component is judged again.
pub fn services_for(plan: &Plan, before: &Report) -> Vec<Service> {
    let whole = plan.entries.iter().any(|e| e.component.is_some());
    let touched = plan
        .entries
        .iter()
        .flat_map(|e| e.steps.iter())
        .filter_map(|s| {
            Service::ALL
                .iter()
                .copied()
                .find(|x| x.key() == s.action.service())
        });
    let read = plan.entries.iter().flat_map(|e| {
        before
            .rules
            .iter()
            .filter(move |r| whole || r.id == e.policy_id)
            .flat_map(|r| r.reads.iter().filter_map(|k| Service::of_kind(k)))
    });
    let mut out: Vec<Service> = touched.chain(read).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::synthetic;

    #[test]
    fn what_is_collected_again_is_what_the_steps_touch_and_the_rules_read() {
        let mut before = synthetic(1);
        before.rules[0].reads = vec!["ec2.vpcs".into(), "logs.log_groups".into()];
        let fixture = serde_json::json!({
            "version": 1, "tool_version": "0", "account_id": "1", "regions": ["us-east-1"],
            "collected_at": "t",
            "entries": [{
                "fingerprint": before.findings[0].fingerprint, "policy_id": "AA-NET-001",
                "severity": "high", "message": "m",
                "resource": {"arn": "a", "id": "b", "type": "s3.buckets", "region": "us-east-1", "account_id": "1"},
                "kind": "fix",
                "steps": [{"action": "enable_versioning", "bucket": "b", "region": "us-east-1",
                    "api_call": "x", "cli": "y", "permission": "s3:PutBucketVersioning", "blast_radius": "z"}]
            }]
        });
        let plan: Plan = serde_json::from_value(fixture).unwrap();
        assert_eq!(
            services_for(&plan, &before),
            vec![Service::Ec2, Service::S3, Service::Logs]
        );
        // An entry about a component: its whole component is judged again, so every rule's
        // reads are collected.
        let mut plan = plan;
        plan.entries[0].component = Some("services.app".into());
        let mut every: Vec<Service> = before
            .rules
            .iter()
            .flat_map(|r| r.reads.iter().filter_map(|k| Service::of_kind(k)))
            .chain([Service::S3])
            .collect();
        every.sort();
        every.dedup();
        assert_eq!(services_for(&plan, &before), every);
    }
}
