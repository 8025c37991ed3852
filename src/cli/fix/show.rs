//! The plan and its results for people (or as JSON), and the exit code they make.

use std::fmt::Write as _;

use super::super::{write_output, FixArgs, EXIT_BROKE, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::fix::apply::StepOutcome;
use crate::fix::verify::{EntryResult, Status};
use crate::fix::{EntryKind, Plan};

/// The plan as text: per finding its steps (API call, region, CLI, permission, blast radius,
/// warning) or why it is manual.
pub(super) fn render_plan(plan: &Plan, dry_run: bool) -> String {
    let manual = plan
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Manual)
        .count();
    let mut out = format!(
        "archaudit fix — plan for account {} ({}): {} finding(s), {} step(s), {} left to a person\n",
        plan.account_id,
        plan.regions.join(", "),
        plan.entries.len(),
        plan.steps(),
        manual
    );
    for e in &plan.entries {
        let _ = writeln!(
            out,
            "\n[{} {}] {} — {}\n    finding {}",
            e.policy_id,
            e.severity.as_str(),
            e.resource.id,
            e.message,
            e.fingerprint
        );
        for (i, s) in e.steps.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} [{}]\n     {}\n     permission {} · {}",
                i + 1,
                s.api_call(),
                s.region,
                s.action.cli(),
                s.action.permission(),
                s.action.blast_radius()
            );
            if let Some(w) = s.action.warning() {
                let _ = writeln!(out, "     WARNING: {w}");
            }
        }
        if let Some(m) = &e.manual {
            let _ = writeln!(out, "  MANUAL: {}", m.reason);
            if let Some(c) = &m.commands {
                let _ = writeln!(out, "     {}", c.replace('\n', "\n     "));
            }
        }
    }
    if plan.entries.is_empty() {
        out.push_str("\nNothing to fix.\n");
    } else if dry_run {
        out.push_str("\nDry run: nothing was changed. Apply with the same selection and --apply, or save it with --plan-out plan.json and apply it with `archaudit fix --plan plan.json --apply`.\n");
    }
    out
}

/// Prints the results and returns the exit code: 0 only when every finding is verified or
/// already compliant.
pub(super) fn finish(args: &FixArgs, plan: &Plan, results: Vec<EntryResult>) -> anyhow::Result<u8> {
    if args.json {
        let text =
            serde_json::to_string_pretty(&serde_json::json!({"plan": plan, "results": results}))?
                + "\n";
        write_output(None, text.as_bytes())?;
    } else {
        let mut out = String::from("\nResults:\n");
        for r in &results {
            let _ = writeln!(
                out,
                "  {:<13} {} {} — {}",
                r.status.as_str(),
                r.policy_id,
                r.resource,
                r.detail
            );
            for (call, o) in &r.steps {
                let o = match o {
                    StepOutcome::Applied => "applied".to_owned(),
                    StepOutcome::NotRun => "not run".to_owned(),
                    StepOutcome::Failed { code, .. } => format!("failed ({code})"),
                };
                let _ = writeln!(out, "      {o}: {call}");
            }
        }
        let ok = results.iter().filter(|r| r.status.is_done()).count();
        let _ = writeln!(
            out,
            "{ok} of {} finding(s) fixed and verified (or already compliant).",
            results.len()
        );
        write_output(None, out.as_bytes())?;
    }
    let all = !results.is_empty() && results.iter().all(|r| r.status.is_done());
    Ok(if all || plan.entries.is_empty() {
        EXIT_OK
    } else if results.iter().any(|r| r.status == Status::Broke) {
        EXIT_BROKE
    } else if results.iter().any(|r| r.status == Status::Failed) {
        EXIT_ERROR
    } else {
        EXIT_FINDINGS
    })
}
