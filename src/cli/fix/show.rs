//! The plan for people.

use std::fmt::Write as _;

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
                s.api_call,
                s.region,
                s.cli,
                s.permission,
                s.blast_radius
            );
            if let Some(w) = &s.warning {
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
