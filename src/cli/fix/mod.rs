//! `archaudit fix`: flags, the confirmation prompt and printing. Planning, applying and
//! verifying are `crate::fix`'s; a live run goes through one session, with one collection
//! before the first change and one after the last (`crate::fix::run`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

mod show;

use show::{finish, render_plan};

use super::{load_policies, runtime, today, write_output, FixArgs, EXIT_FINDINGS, EXIT_OK};
use crate::aws::Session;
use crate::collect;
use crate::config::Config;
use crate::finding::Finding;
use crate::fix::plan::trust;
use crate::fix::run::{Fixer, Observed};
use crate::fix::verify::all_manual;
use crate::fix::{plan, Plan};
use crate::inventory::Inventory;
use crate::policy::PolicySet;
use crate::report::Report;

pub(super) fn run(mut args: FixArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    check_flags(&args)?;
    // Every input is read and checked before the first call, so a bad file fails fast.
    let given = args.report.as_deref().map(Report::load).transpose()?;
    let saved = args
        .plan
        .as_deref()
        .map(|p| trust::load(p, &config.architecture))
        .transpose()?;
    if let Some(s) = &saved {
        if let Some(pinned) = &args.plan_digest {
            trust::check_digest(s, pinned)?;
        }
        if args.aws.regions.is_empty() {
            // A saved plan is applied to the regions it was made for.
            args.aws.regions = s.plan.regions.clone();
        }
    }
    let options = super::collect::options_for(&args.aws, Vec::new(), &config.architecture)?;
    if let Some(path) = &args.inventory {
        // Offline: plan from the snapshot; --apply was refused above.
        let inventory = Inventory::load(path)?;
        let report = findings_report(&args, given, &inventory, &config, &policies)?;
        let plan = plan_of(&args, &report, &inventory, &config);
        return show_or_save(&args, &plan);
    }
    let rt = runtime()?;
    let session = rt.block_on(connect(&options))?;
    let fixer = Fixer {
        session: &session,
        options: &options,
        config: &config,
        policies: &policies,
        today: today(),
    };
    let (plan, before) = match &saved {
        // A saved plan: checked against, and planned again from, the one collection made
        // before any change; what is applied is what archaudit plans now.
        Some(s) => {
            fixer.same_account(&s.plan)?;
            let before = rt.block_on(fixer.observe(Vec::new()))?;
            let plan = fixer.accept(s, &before)?;
            eprintln!(
                "archaudit: {} (digest {}) is what archaudit plans for the account now.",
                s.path(),
                s.digest
            );
            (plan, before)
        }
        None => {
            let before = rt.block_on(fixer.observe(Vec::new()))?;
            let report = match given {
                Some(_) => findings_report(&args, given, &before.inventory, &config, &policies)?,
                None => before.report.clone(),
            };
            let plan = plan_of(&args, &report, &before.inventory, &config);
            (plan, before)
        }
    };
    if !args.apply {
        return show_or_save(&args, &plan);
    }
    apply(&args, &rt, &fixer, &plan, before)
}

/// `--apply`: shows the plan, asks, applies through `fixer`, prints the results. `before` is
/// the collection the plan was made from (or, for a saved plan, checked against).
fn apply(
    args: &FixArgs,
    rt: &tokio::runtime::Runtime,
    fixer: &Fixer<'_>,
    plan: &Plan,
    before: Observed,
) -> anyhow::Result<u8> {
    save_plan(args, plan)?;
    eprint!("{}", render_plan(plan, false));
    if plan.steps() == 0 {
        return finish(args, plan, all_manual(plan));
    }
    if !confirmed(args, plan)? {
        eprintln!("archaudit: nothing applied.");
        return Ok(EXIT_FINDINGS);
    }
    let results = rt.block_on(fixer.apply(plan, &before))?;
    finish(args, plan, results)
}

/// Flag combinations that cannot work, refused before anything is read or collected.
fn check_flags(args: &FixArgs) -> anyhow::Result<()> {
    if args.apply && args.inventory.is_some() {
        anyhow::bail!("--apply changes the live account: it cannot be combined with --inventory (plan from a file, apply against the account)");
    }
    if args.plan.is_some() && !args.apply {
        anyhow::bail!("--plan applies a saved plan: give --apply (to see a plan, run `archaudit fix` without --plan)");
    }
    Ok(())
}

/// The session of a live run, within the run's deadline.
async fn connect(options: &collect::Options) -> anyhow::Result<Session> {
    let seconds = options.timeout.as_secs();
    match tokio::time::timeout(options.timeout, Session::connect(&options.aws)).await {
        Ok(session) => Ok(session?),
        Err(_) => Err(crate::aws::SessionError::Deadline { seconds }.into()),
    }
}

/// The findings to plan from: `given` (`--report`, of the same account), else a scan of
/// `inventory`.
fn findings_report(
    args: &FixArgs,
    given: Option<Report>,
    inventory: &Inventory,
    config: &Config,
    policies: &PolicySet,
) -> anyhow::Result<Report> {
    let Some(r) = given else {
        return Ok(crate::scan::scan(inventory, config, policies, today())?);
    };
    if r.account_id != inventory.meta.account_id {
        anyhow::bail!(
            "{} is a report of account {}, the inventory is of {}",
            args.report
                .as_deref()
                .unwrap_or(Path::new("--report"))
                .display(),
            r.account_id,
            inventory.meta.account_id
        );
    }
    Ok(r)
}

/// The plan of the selected findings of `report`.
fn plan_of(args: &FixArgs, report: &Report, inventory: &Inventory, config: &Config) -> Plan {
    let selected = select(&report.findings, args);
    plan(&selected, inventory, &config.architecture)
}

/// `--plan-out`: the plan, and its digest on stderr for the reviewer to pin.
fn save_plan(args: &FixArgs, plan: &Plan) -> anyhow::Result<()> {
    if let Some(out) = &args.plan_out {
        let mut text = serde_json::to_string_pretty(plan)?;
        text.push('\n');
        write_output(Some(out), text.as_bytes())?;
        let digest = trust::digest(plan);
        eprintln!(
            "archaudit: plan written to {}, digest {digest}\n  apply exactly it: archaudit fix --plan {} --plan-digest {digest} --apply",
            out.display(),
            out.display()
        );
    }
    Ok(())
}

/// A dry run: the plan shown (and saved with --plan-out).
fn show_or_save(args: &FixArgs, plan: &Plan) -> anyhow::Result<u8> {
    save_plan(args, plan)?;
    let shown = if args.json {
        serde_json::to_string_pretty(plan)? + "\n"
    } else {
        render_plan(plan, true)
    };
    write_output(None, shown.as_bytes())?;
    Ok(EXIT_OK)
}

/// `--yes`, or `yes` typed on a terminal.
fn confirmed(args: &FixArgs, plan: &Plan) -> anyhow::Result<bool> {
    if args.yes {
        return Ok(true);
    }
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
    Ok(answer.trim() == "yes")
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
