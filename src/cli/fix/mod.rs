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
use crate::fix::run::{Fixer, Observed};
use crate::fix::verify::all_manual;
use crate::fix::{plan, Plan, PLAN_VERSION};
use crate::inventory::Inventory;
use crate::policy::PolicySet;
use crate::report::Report;

pub(super) fn run(args: FixArgs) -> anyhow::Result<u8> {
    let (config, policies) = load_policies(&args.policy)?;
    check_flags(&args)?;
    let options = super::collect::options(&args.aws, Vec::new())?;
    // Every input is read before the first call, so a bad file fails fast.
    let given = args.report.as_deref().map(Report::load).transpose()?;
    let saved = args.plan.as_deref().map(load_plan).transpose()?;
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
    let (plan, before) = match saved {
        // A saved plan: the one collection before any change is the one it is checked on.
        Some(plan) => (plan, None),
        None => {
            let before = rt.block_on(fixer.observe(Vec::new()))?;
            let report = match given {
                Some(_) => findings_report(&args, given, &before.inventory, &config, &policies)?,
                None => before.report.clone(),
            };
            let plan = plan_of(&args, &report, &before.inventory, &config);
            (plan, Some(before))
        }
    };
    if !args.apply {
        return show_or_save(&args, &plan);
    }
    apply(&args, &rt, &fixer, &plan, before)
}

/// `--apply`: shows the plan, asks, applies through `fixer`, prints the results. `before` is
/// the collection the plan was made from (`None` for a saved plan: collected first).
fn apply(
    args: &FixArgs,
    rt: &tokio::runtime::Runtime,
    fixer: &Fixer<'_>,
    plan: &Plan,
    before: Option<Observed>,
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
    let results = rt.block_on(async {
        let before = match before {
            Some(b) => b,
            None => fixer.observe(Vec::new()).await?,
        };
        fixer.apply(plan, &before).await
    })?;
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
    let home = inventory
        .meta
        .regions
        .first()
        .map_or("us-east-1", String::as_str);
    plan(&selected, inventory, &config.architecture, home)
}

fn save_plan(args: &FixArgs, plan: &Plan) -> anyhow::Result<()> {
    if let Some(out) = &args.plan_out {
        let mut text = serde_json::to_string_pretty(plan)?;
        text.push('\n');
        write_output(Some(out), text.as_bytes())?;
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

fn load_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read plan {}: {e}", path.display()))?;
    let invalid = |e: serde_json::Error| {
        anyhow::anyhow!(
            "invalid plan {}:{}:{}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    };
    let probe: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
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
    serde_json::from_str(&text).map_err(invalid)
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
