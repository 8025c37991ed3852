//! The inventory's resources as JSON values, keyed by kind and ARN: what `diff` compares and
//! what a fix plan snapshots to detect a stale plan.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Inventory;

/// Resource values by `(kind, key)`: the key is the ARN, or the kind again for an
/// account-level singleton (S3's public access block).
pub type ResourceValues = BTreeMap<(String, String), Value>;

impl Inventory {
    /// Every resource as `(kind, arn) → value`; an account-level singleton is keyed by its kind
    /// twice.
    pub fn resource_values(&self) -> ResourceValues {
        self.values_where(&|_| true)
    }

    /// [`Self::resource_values`] of only the resources whose key is in `keys`: a finding or
    /// plan names a handful of resources, and serializing the other 100,000 would cost seconds
    /// and a gigabyte.
    pub fn resource_values_of(&self, keys: &BTreeSet<&str>) -> ResourceValues {
        self.values_where(&|k| keys.contains(k))
    }

    fn values_where(&self, wanted: &dyn Fn(&str) -> bool) -> ResourceValues {
        let mut out = BTreeMap::new();
        self.aws.each_value(wanted, |kind, key, value| {
            out.insert((kind.to_owned(), key.to_owned()), value);
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the values were before they were built per resource: the whole `aws` serialized
    /// once and cut into resources.
    fn by_whole_document(inventory: &Inventory) -> ResourceValues {
        let mut out = BTreeMap::new();
        let aws = serde_json::to_value(&inventory.aws).unwrap();
        for (service, kinds) in aws.as_object().unwrap() {
            for (kind, v) in kinds.as_object().unwrap() {
                let kind = format!("{service}.{kind}");
                match v {
                    Value::Array(items) => {
                        for item in items {
                            let arn = item["arn"].as_str().unwrap().to_owned();
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

    #[test]
    fn every_resource_and_singleton_has_its_value() {
        let inventory = Inventory::reference();
        let values = inventory.resource_values();
        assert_eq!(values, by_whole_document(&inventory));
        let singleton = "s3.account_public_access_block".to_owned();
        assert!(values.contains_key(&(singleton.clone(), singleton)));
    }

    #[test]
    fn only_the_resources_asked_for_are_serialized() {
        let inventory = Inventory::reference();
        let all = inventory.resource_values();
        let ((kind, arn), value) = all.iter().nth(3).unwrap();
        let keys: BTreeSet<&str> = [arn.as_str(), "arn:aws:ec2:nowhere"].into_iter().collect();
        let some = inventory.resource_values_of(&keys);
        assert_eq!(some.len(), 1);
        assert_eq!(some.get(&(kind.clone(), arn.clone())), Some(value));
        assert!(inventory.resource_values_of(&BTreeSet::new()).is_empty());
    }
}
