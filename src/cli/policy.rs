//! `archaudit policy list` and `archaudit policy test`.

use super::ListFormat as Format;
use super::{load_policies, write_output, PolicyArgs, EXIT_FINDINGS, EXIT_OK};

pub(super) fn list(args: &PolicyArgs, format: Format) -> anyhow::Result<u8> {
    let (_, set) = load_policies(args)?;
    let bytes = match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = set
                .policies()
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.meta.custom.id,
                        "severity": p.meta.custom.severity,
                        "title": p.meta.title,
                        "resource_type": p.meta.custom.resource_type,
                        "requires": p.meta.custom.requires,
                        "reads": p.reads,
                        "anchors": p.meta.custom.anchors,
                        "fix": p.meta.custom.remediation.fix,
                        "source": format!("{}:{}", p.path, p.deny_line),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&rows)?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Table => {
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            if let Some(width) = crate::report::table::terminal_width() {
                table
                    .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                    .set_width(width);
            }
            table.set_header(vec!["Id", "Severity", "Title", "Fix"]);
            for p in set.policies() {
                table.add_row(vec![
                    p.meta.custom.id.clone(),
                    p.meta.custom.severity.as_str().to_owned(),
                    p.meta.title.clone(),
                    p.meta
                        .custom
                        .remediation
                        .fix
                        .map(|f| f.to_string())
                        .unwrap_or_default(),
                ]);
            }
            format!("{table}\n{} policies\n", set.policies().len()).into_bytes()
        }
    };
    write_output(None, &bytes)?;
    Ok(EXIT_OK)
}

pub(super) fn test(args: &PolicyArgs, coverage: bool) -> anyhow::Result<u8> {
    let (config, set) = load_policies(args)?;
    let (outcomes, files) =
        crate::policy::testing::run(&set, &config.architecture_json(), coverage)?;
    let mut out = String::new();
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    for f in &failed {
        out.push_str(&format!(
            "FAIL {} {}: {}\n",
            f.file,
            f.name,
            f.detail.as_deref().unwrap_or_default()
        ));
    }
    if coverage {
        for f in &files {
            let total = f.covered + f.not_covered.len();
            let pct = if total == 0 {
                100.0
            } else {
                100.0 * f.covered as f64 / total as f64
            };
            let lines: Vec<String> = f.not_covered.iter().map(u32::to_string).collect();
            out.push_str(&format!(
                "coverage {:5.1}% {}{}\n",
                pct,
                f.file,
                if lines.is_empty() {
                    String::new()
                } else {
                    format!(" (not covered: {})", lines.join(","))
                }
            ));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        outcomes.len() - failed.len(),
        failed.len()
    ));
    write_output(None, out.as_bytes())?;
    Ok(if failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// `archaudit policy lint`: every violation as `file:line: rule: message`; exit 1 when any.
pub(super) fn lint(args: &PolicyArgs) -> anyhow::Result<u8> {
    let (_, set) = load_policies(args)?;
    let lints = crate::policy::lint::lint(&set);
    let mut out: String = lints.iter().map(|l| format!("{l}\n")).collect();
    out.push_str(&format!(
        "{} file(s) checked, {} problem(s)\n",
        set.sources().len() + set.tests().len(),
        lints.len()
    ));
    write_output(None, out.as_bytes())?;
    Ok(if lints.is_empty() {
        EXIT_OK
    } else {
        super::EXIT_FINDINGS
    })
}
