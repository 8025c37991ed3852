//! The inventory's resources as JSON values, keyed by kind and ARN: what `diff` compares and
//! what a fix plan snapshots to detect a stale plan.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Inventory;

impl Inventory {
    /// Every resource as `(kind, arn) → value`; an account-level singleton (S3's public
    /// access block) is keyed by its kind twice.
    pub fn resource_values(&self) -> BTreeMap<(String, String), Value> {
        let mut out = BTreeMap::new();
        let aws = serde_json::to_value(&self.aws).unwrap_or(Value::Null);
        for (service, kinds) in aws.as_object().into_iter().flatten() {
            for (kind, v) in kinds.as_object().into_iter().flatten() {
                let kind = format!("{service}.{kind}");
                match v {
                    Value::Array(items) => {
                        for item in items {
                            let arn = item["arn"]
                                .as_str()
                                .or_else(|| item["id"].as_str())
                                .unwrap_or_default()
                                .to_owned();
                            out.insert((kind.clone(), arn), item.clone());
                        }
                    }
                    Value::Null => {}
                    other => {
                        out.insert((kind.clone(), kind.clone()), other.clone());
                    }
                }
            }
        }
        out
    }
}
