//! `diff` for people: plain text and Markdown.

use std::fmt::Write as _;

use serde_json::Value;

use super::Diff;

fn short(v: &Value) -> String {
    let s = crate::finding::display(v);
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(99).collect::<String>())
    } else {
        s
    }
}

fn plural(of: &str) -> &'static str {
    if of == "inventory" {
        "inventories"
    } else {
        "reports"
    }
}

/// Plain text: one line per entry, changes indented below.
pub fn render_text(d: &Diff) -> String {
    let mut out = format!(
        "archaudit diff of two {}: {} → {}\n",
        plural(&d.of),
        d.old,
        d.new
    );
    if d.entries.is_empty() {
        out.push_str("No differences.\n");
        return out;
    }
    for e in &d.entries {
        let _ = writeln!(out, "{:<13} {:<28} {}  {}", e.status, e.kind, e.arn, e.id);
        for c in &e.changes {
            let _ = writeln!(out, "    {}: {} → {}", c.path, short(&c.old), short(&c.new));
        }
    }
    let counts: Vec<String> = d.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(out, "\n{}.", counts.join(", "));
    if d.counts.contains_key("unseen") || d.counts.contains_key("not_rechecked") {
        out.push_str("`unseen` and `not_rechecked` entries were not observed in NEW (collection gaps or rules not evaluated): they are unknown, not gone.\n");
    }
    out
}

/// Markdown: a table per status.
pub fn render_markdown(d: &Diff) -> String {
    let mut out = format!(
        "### archaudit diff of two {}\n\n`{}` → `{}`\n\n",
        plural(&d.of),
        d.old,
        d.new
    );
    if d.entries.is_empty() {
        out.push_str("No differences.\n");
        return out;
    }
    for (status, n) in &d.counts {
        let _ = writeln!(
            out,
            "#### {status} ({n})\n\n| kind | resource | changes |\n|---|---|---|"
        );
        for e in d.entries.iter().filter(|e| &e.status == status) {
            let c: Vec<String> = e
                .changes
                .iter()
                .map(|c| format!("`{}`: {} → {}", c.path, short(&c.old), short(&c.new)))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                e.kind,
                format!("{} `{}`", e.id, e.arn).replace('|', "\\|"),
                c.join("<br>").replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out
}
