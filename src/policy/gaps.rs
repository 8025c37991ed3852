//! The gaps as rules see them: a failed listing's gap carried to the kinds listed through it,
//! whether a gap touches what a policy reads, and how a reason names a gap. Shared by the
//! rule-level status (`eval`) and the per-component one (`per_component`).

use super::Policy;
use crate::inventory::{Gap, CHILD_KINDS, NOT_COLLECTED};

/// The gaps plus, for every kind that could not be listed, the same gap on the kinds listed
/// through it (clusters → services → task definitions; load balancers → listeners → rules):
/// what was never listed was never read.
pub(super) fn with_child_gaps(gaps: &[Gap]) -> Vec<Gap> {
    let mut out = gaps.to_vec();
    let mut i = 0;
    while i < out.len() {
        let g = out[i].clone();
        if g.resource.is_none() && g.attribute.is_none() {
            for (parent, child) in CHILD_KINDS {
                if g.kind == *parent
                    && !out.iter().any(|o| {
                        o.kind == *child
                            && o.resource.is_none()
                            && o.attribute.is_none()
                            && o.region == g.region
                    })
                {
                    out.push(Gap {
                        kind: (*child).to_owned(),
                        ..g.clone()
                    });
                }
            }
        }
        i += 1;
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `gap` touches what `policy` reads.
pub(super) fn touches(policy: &Policy, gap: &Gap) -> bool {
    let Some(kind) = policy.reads.get(gap.kind.as_str()) else {
        return false;
    };
    match (policy.attributes.get(kind), gap.attribute.as_deref()) {
        // A whole kind (or resource) unknown, or no attribute-level narrowing.
        (_, None) | (None, _) => true,
        (Some(wanted), Some(got)) => wanted
            .iter()
            .any(|w| w == got || got.starts_with(&format!("{w}."))),
    }
}

/// A gap as a rule's reason names it.
pub(super) fn describe_gap(g: &Gap) -> String {
    if g.code == NOT_COLLECTED {
        return format!("{} not collected (left out with --services)", g.kind);
    }
    let what = match (&g.resource, &g.attribute) {
        (Some(r), Some(a)) => format!("{a} of {r}"),
        (None, Some(a)) => format!("{} {a}", g.kind),
        (Some(r), None) => r.clone(),
        (None, None) => format!("{} (not fully listed)", g.kind),
    };
    format!(
        "{what} unknown ({} {} in {})",
        g.operation, g.code, g.region
    )
}
