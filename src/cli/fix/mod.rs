//! `archaudit fix`: scan, plan, show; with `--apply`, confirm, apply, re-collect and re-judge.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

mod show;

use serde::Serialize;
use show::{finish, render_plan};

use super::{load_policies, runtime, today, write_output, FixArgs, EXIT_FINDINGS, EXIT_OK};
use crate::aws::Session;
use crate::collect;
use crate::config::Config;
use crate::finding::{Finding, RuleStatus};
use crate::fix::apply::{apply_step, StepOutcome};
use crate::fix::{plan, stale, EntryKind, Plan, PLAN_VERSION};
use crate::inventory::{Inventory, Service};
use crate::policy::PolicySet;
use crate::report::Report;

/// How one selected finding ended.
#[derive(Debug, Clone, Serialize)]
struct EntryResult {
    fingerprint: String,
    pub(super) policy_id: String,
    pub(super) resource: String,
    /// `verified`, `still_failing`, `unverified`, `failed`, `not_run`, `skipped`, `manual`.
    pub(super) status: &'static str,
    pub(super) detail: String,
    pub(super) steps: Vec<(String, StepOutcome)>,
}

pub(super) fn run(args: FixArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    if args.apply && args.inventory.is_some() {
        anyhow::bail!("--apply changes the live account: it cannot be combined with --inventory (plan from a file, apply against the account)");
    }
    let options = super::collect::options(&args.aws, Vec::new())?;
    let rt = runtime()?;
    let plan = match &args.plan {
        Some(path) => {
            if !args.apply {
                anyhow::bail!("--plan applies a saved plan: give --apply (to see a plan, run `archaudit fix` without --plan)");
            }
            load_plan(path)?
        }
        None => {
            let inventory = match &args.inventory {
                Some(path) => Inventory::load(path)?,
                None => rt.block_on(collect::collect(&options))?,
            };
            let report = match &args.report {
                Some(path) => {
                    let r = Report::load(path)?;
                    if r.account_id != inventory.meta.account_id {
                        anyhow::bail!(
                            "{} is a report of account {}, the inventory is of {}",
                            path.display(),
                            r.account_id,
                            inventory.meta.account_id
                        );
                    }
                    r
                }
                None => crate::scan::scan(&inventory, &config, &policies, today())?,
            };
            let selected = select(&report.findings, &args);
            let home = inventory
                .meta
                .regions
                .first()
                .cloned()
                .unwrap_or_else(|| "us-east-1".to_owned());
            plan(&selected, &inventory, &config.architecture, &home)
        }
    };
    if let Some(out) = &args.plan_out {
        let mut text = serde_json::to_string_pretty(&plan)?;
        text.push('\n');
        write_output(Some(out), text.as_bytes())?;
    }
    if !args.apply {
        let shown = if args.json {
            serde_json::to_string_pretty(&plan)? + "\n"
        } else {
            render_plan(&plan, true)
        };
        write_output(None, shown.as_bytes())?;
        return Ok(EXIT_OK);
    }
    eprint!("{}", render_plan(&plan, false));
    if plan.steps() == 0 {
        let results = verify_all_manual(&plan);
        return finish(&args, &plan, results);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "--apply changes the account: confirm with --yes when stdin is not a terminal"
            );
        }
        eprint!(
            "Apply {} step(s) to account {}? Type `yes` to continue: ",
            plan.steps(),
            plan.account_id
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            eprintln!("archaudit: nothing applied.");
            return Ok(EXIT_FINDINGS);
        }
    }
    let results = rt.block_on(apply_and_verify(&plan, &options, &config, &policies))?;
    finish(&args, &plan, results)
}

fn load_plan(path: &std::path::Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read plan {}: {e}", path.display()))?;
    let probe: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "invalid plan {}:{}:{}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match probe.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(PLAN_VERSION) => {}
        Some(v) => anyhow::bail!(
            "plan {} is version {v}; this archaudit reads version {PLAN_VERSION}: plan again",
            path.display()
        ),
        None => anyhow::bail!(
            "{} is not an archaudit plan (`fix --plan-out`): it has no `version`",
            path.display()
        ),
    }
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "invalid plan {}:{}:{}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// The unwaived findings `--policy`, `--finding` and `--severity` select.
fn select(findings: &[Finding], args: &FixArgs) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.waived.is_none())
        .filter(|f| {
            args.only_policies.is_empty() || args.only_policies.iter().any(|p| p == &f.policy_id)
        })
        .filter(|f| {
            args.findings.is_empty()
                || args
                    .findings
                    .iter()
                    .any(|p| f.fingerprint.starts_with(p.as_str()))
        })
        .filter(|f| args.severity.is_none_or(|s| f.severity >= s))
        .cloned()
        .collect()
}

fn verify_all_manual(plan: &Plan) -> Vec<EntryResult> {
    plan.entries
        .iter()
        .map(|e| EntryResult {
            fingerprint: e.fingerprint.clone(),
            policy_id: e.policy_id.clone(),
            resource: e.resource.arn.clone(),
            status: "manual",
            detail: e
                .manual
                .as_ref()
                .map(|m| m.reason.clone())
                .unwrap_or_default(),
            steps: Vec::new(),
        })
        .collect()
}

/// Services to re-collect to re-judge the plan's findings: those their rules read, and those
/// the steps touched. Everything when unsure.
fn services_for(plan: &Plan, report: Option<&Report>) -> Vec<Service> {
    let mut out: Vec<Service> = plan
        .entries
        .iter()
        .flat_map(|e| e.steps.iter())
        .filter_map(|s| {
            Service::ALL
                .iter()
                .copied()
                .find(|x| x.key() == s.action.service())
        })
        .collect();
    if let Some(r) = report {
        for e in &plan.entries {
            if let Some(rule) = r.rules.iter().find(|x| x.id == e.policy_id) {
                out.extend(rule.reads.iter().filter_map(|k| Service::of_kind(k)));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

async fn apply_and_verify(
    plan: &Plan,
    options: &collect::Options,
    config: &Config,
    policies: &PolicySet,
) -> anyhow::Result<Vec<EntryResult>> {
    let session = Session::connect(&options.aws).await?;
    if session.account_id != plan.account_id {
        anyhow::bail!(
            "the plan is for account {}, the credentials are of {}: nothing applied",
            plan.account_id,
            session.account_id
        );
    }
    // Before any change: the account must still be as planned, and the findings still there.
    let before = collect::collect_with(&session, options).await?;
    let drifted = stale(plan, &before);
    if !drifted.is_empty() {
        let list: Vec<String> = drifted
            .iter()
            .map(|(arn, what)| format!("  {arn}: {what}"))
            .collect();
        anyhow::bail!(
            "the account changed since the plan was made; nothing applied. Plan again.\n{}",
            list.join("\n")
        );
    }
    let report = crate::scan::scan(&before, config, policies, today())?;
    let present: std::collections::BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut done: BTreeMap<String, StepOutcome> = BTreeMap::new();
    let mut results = Vec::new();
    // Ctrl-C: the call in flight finishes (dropping it would leave unknown whether AWS applied
    // it), no further call is made; a second Ctrl-C aborts at once.
    let interrupt = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn({
        let interrupt = interrupt.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupt.store(true, Ordering::SeqCst);
                eprintln!("archaudit: interrupted: finishing the call in flight, then stopping (Ctrl-C again aborts now)");
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        }
    });
    for e in &plan.entries {
        let mut r = EntryResult {
            fingerprint: e.fingerprint.clone(),
            policy_id: e.policy_id.clone(),
            resource: e.resource.arn.clone(),
            status: "manual",
            detail: String::new(),
            steps: Vec::new(),
        };
        if e.kind == EntryKind::Manual {
            r.detail = e
                .manual
                .as_ref()
                .map(|m| m.reason.clone())
                .unwrap_or_default();
            results.push(r);
            continue;
        }
        if !present.contains(e.fingerprint.as_str()) {
            r.status = "skipped";
            r.detail = "already compliant: the finding is gone".to_owned();
            results.push(r);
            continue;
        }
        let mut failed = false;
        for s in &e.steps {
            let key = format!("{}|{}", s.region, s.api_call);
            let outcome = if let Some(o) = done.get(&key) {
                o.clone()
            } else if interrupt.load(Ordering::SeqCst) || failed {
                StepOutcome::NotRun
            } else {
                let o = match apply_step(&session, s).await {
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
            r.steps.push((s.api_call.clone(), outcome));
        }
        results.push(r);
    }
    watcher.abort();
    // Re-collect what the rules need and judge again (after an interrupt too: what ran is
    // verified, what did not is reported as not run).
    let mut again = options.clone();
    again.services = services_for(plan, Some(&report));
    let after = collect::collect_with(&session, &again).await?;
    let rescan = crate::scan::scan(&after, config, policies, today())?;
    let remaining: std::collections::BTreeSet<&str> = rescan
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    for r in results
        .iter_mut()
        .filter(|r| r.status == "manual" && !r.steps.is_empty())
    {
        let failed = r.steps.iter().find_map(|(_, o)| match o {
            StepOutcome::Failed { code, message } => Some(format!("{code}: {message}")),
            _ => None,
        });
        let not_run = r.steps.iter().any(|(_, o)| *o == StepOutcome::NotRun);
        let rule = rescan.rules.iter().find(|x| x.id == r.policy_id);
        (r.status, r.detail) = if let Some(f) = failed {
            ("failed", f)
        } else if not_run {
            ("not_run", "interrupted before this step".to_owned())
        } else if remaining.contains(r.fingerprint.as_str()) {
            (
                "still_failing",
                "applied, but the drift is still found".to_owned(),
            )
        } else if rule.is_none_or(|x| x.status == RuleStatus::NotEvaluated || x.reason.is_some()) {
            (
                "unverified",
                format!(
                    "applied, but the rule could not re-check it: {}",
                    rule.and_then(|x| x.reason.clone()).unwrap_or_default()
                ),
            )
        } else {
            (
                "verified",
                "applied and verified by a fresh scan".to_owned(),
            )
        };
    }
    Ok(results)
}
