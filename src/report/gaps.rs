//! The gap summary: one paragraph naming what could not be read, so an incomplete run is never
//! silent (stderr of `collect`, the table of `scan`).

use std::collections::{BTreeMap, BTreeSet};

use crate::inventory::{Gap, NOT_COLLECTED};

/// Summarizes gaps: how many, by service/region, error code and operation; services left out
/// with `--services` are named separately.
pub fn gap_summary(gaps: &[Gap]) -> String {
    let skipped: BTreeSet<&str> = gaps
        .iter()
        .filter(|g| g.code == NOT_COLLECTED)
        .map(|g| g.service.as_str())
        .collect();
    let failed: Vec<&Gap> = gaps.iter().filter(|g| g.code != NOT_COLLECTED).collect();
    let mut groups: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for g in &failed {
        *groups
            .entry((
                format!("{}/{}", g.service, g.region),
                g.operation.clone(),
                g.code.clone(),
            ))
            .or_default() += 1;
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|((at, op, code), n)| {
            if *n == 1 {
                format!("{at} {op} ({code})")
            } else {
                format!("{at} {op} ({code}) x{n}")
            }
        })
        .collect();
    let mut out = Vec::new();
    if !failed.is_empty() {
        out.push(format!(
            "archaudit: collection incomplete: {} failed call(s): {}. What they would have shown is absent from the inventory and listed under `gaps`; nothing was assumed.",
            failed.len(),
            parts.join("; ")
        ));
    }
    if !skipped.is_empty() {
        out.push(format!(
            "archaudit: not collected (left out with --services): {}; rules that need them are not evaluated.",
            skipped.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    out.join("\n")
}
