//! The digest a reviewer pins: SHA-256 over the canonical form of a typed plan.

use std::collections::BTreeMap;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{PlanFileError, Saved};
use crate::fix::plan::Plan;

/// `sha256:<hex>` of the plan's canonical form: its typed content as JSON with every
/// object's keys sorted and no whitespace. Two files that mean the same plan (whatever
/// their spacing or key order) have one digest; any change to what the plan asks changes it.
pub fn digest(plan: &Plan) -> String {
    let value = serde_json::to_value(plan).unwrap_or(Value::Null);
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let hash = Sha256::digest(canonical.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, &Value> = m.iter().collect();
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `--plan-digest`: the digest the reviewer approved, as given (`sha256:` optional, any
/// case), against the plan's.
pub fn check_digest(saved: &Saved, pinned: &str) -> Result<(), PlanFileError> {
    let pinned = pinned.trim().to_ascii_lowercase();
    let pinned = pinned.strip_prefix("sha256:").unwrap_or(&pinned);
    if saved.digest.strip_prefix("sha256:") == Some(pinned) {
        return Ok(());
    }
    Err(PlanFileError {
        location: saved.path.clone(),
        message: format!(
            "the plan's digest is {}, not the approved sha256:{pinned}: the file changed since it was reviewed; nothing applied",
            saved.digest
        ),
    })
}
