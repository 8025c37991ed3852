//! The drift section of a report (`archaudit drift`): coverage per kind and what the states
//! hold, in the JSON envelope and as a block of the table and Markdown outputs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Counts for one inventory kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KindCounts {
    /// Live and declared.
    pub managed: usize,
    /// Live, declared by no state.
    pub unmanaged: usize,
    /// Declared, not live.
    pub missing: usize,
    /// Declared, but the kind could not be listed where it lives: neither found nor missing.
    pub unchecked: usize,
    /// Live AWS defaults left out (`--include-defaults` counts them).
    pub defaults: usize,
    /// Left out by `.driftignore`.
    pub ignored: usize,
    /// Whether the kind was listed completely in every collected region.
    pub complete: bool,
}

/// The drift section of a report: coverage and what the states hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DriftSummary {
    /// The state files read, as given (`s3://…` for remote ones).
    pub states: Vec<String>,
    /// Managed resources over managed + unmanaged, in percent (one decimal); `null` when
    /// there is no live resource to cover.
    pub coverage: Option<f64>,
    /// Totals over every kind.
    pub totals: KindCounts,
    /// Per inventory kind, only kinds with something in them.
    pub kinds: BTreeMap<String, KindCounts>,
    /// Changed attributes found.
    pub changed: usize,
    /// Attribute comparisons that could not be made (the live value is unknown).
    pub unchecked_attributes: usize,
    /// Sub-resources folded into the object they configure, by Terraform type.
    pub folded: BTreeMap<String, usize>,
    /// Terraform types archaudit does not map, with their addresses: not compared.
    pub unsupported: BTreeMap<String, Vec<String>>,
    /// Which lists the report shows (`all`, `managed`, `unmanaged`).
    pub filter: String,
}

/// The coverage block for the table output.
pub fn table_section(d: &DriftSummary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let t = &d.totals;
    let _ = writeln!(
        out,
        "Terraform coverage: {} — {} managed, {} unmanaged, {} missing, {} changed attribute(s){}{}{}",
        coverage(d),
        t.managed,
        t.unmanaged,
        t.missing,
        d.changed,
        if t.unchecked > 0 { format!(", {} unchecked", t.unchecked) } else { String::new() },
        if t.defaults > 0 { format!("; {} AWS default(s) left out", t.defaults) } else { String::new() },
        if t.ignored > 0 { format!("; {} ignored (.driftignore)", t.ignored) } else { String::new() },
    );
    let _ = writeln!(out, "States: {}", d.states.join(", "));
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY);
    table.set_header(vec![
        "kind",
        "managed",
        "unmanaged",
        "missing",
        "unchecked",
        "defaults",
        "ignored",
        "listed",
    ]);
    for (kind, c) in &d.kinds {
        table.add_row(vec![
            kind.clone(),
            c.managed.to_string(),
            c.unmanaged.to_string(),
            c.missing.to_string(),
            c.unchecked.to_string(),
            c.defaults.to_string(),
            c.ignored.to_string(),
            if c.complete { "yes" } else { "INCOMPLETE" }.to_owned(),
        ]);
    }
    let _ = writeln!(out, "{table}");
    if !d.unsupported.is_empty() {
        let n: usize = d.unsupported.values().map(Vec::len).sum();
        let _ = writeln!(
            out,
            "Not compared: {n} resource(s) of {} Terraform type(s) archaudit does not map: {}",
            d.unsupported.len(),
            unsupported_list(d)
        );
    }
    out
}

/// The coverage block for the Markdown output.
pub fn markdown_section(d: &DriftSummary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let t = &d.totals;
    let _ = writeln!(
        out,
        "### Terraform coverage: {}\n\n{} managed · {} unmanaged · {} missing · {} changed attribute(s) · {} unchecked · {} AWS default(s) left out · {} ignored\n",
        coverage(d),
        t.managed,
        t.unmanaged,
        t.missing,
        d.changed,
        t.unchecked,
        t.defaults,
        t.ignored
    );
    out.push_str("| kind | managed | unmanaged | missing | unchecked | listed |\n|---|---:|---:|---:|---:|---|\n");
    for (kind, c) in &d.kinds {
        let _ = writeln!(
            out,
            "| `{kind}` | {} | {} | {} | {} | {} |",
            c.managed,
            c.unmanaged,
            c.missing,
            c.unchecked,
            if c.complete {
                "yes"
            } else {
                "⚠️ incomplete"
            }
        );
    }
    let _ = writeln!(out, "\n<sub>States: {}</sub>\n", d.states.join(", "));
    if !d.unsupported.is_empty() {
        let _ = writeln!(
            out,
            "Not compared (types archaudit does not map): {}\n",
            unsupported_list(d)
        );
    }
    out
}

fn coverage(d: &DriftSummary) -> String {
    d.coverage.map_or_else(
        || "n/a (no live resource)".to_owned(),
        |c| format!("{c:.1}%"),
    )
}

fn unsupported_list(d: &DriftSummary) -> String {
    d.unsupported
        .iter()
        .map(|(t, a)| format!("{t} ×{}", a.len()))
        .collect::<Vec<_>>()
        .join(", ")
}
