//! Folded sub-resources (`aws_security_group_rule`, `aws_s3_bucket_versioning`, …): what each
//! adds to the expected attributes of the object it configures.

use std::collections::BTreeMap;

use serde_json::Value;

use super::values::{blocks, direction_key, inline_rules, to_value, vpc_rule};
use super::{Declared, Instance};
use crate::inventory::ec2::{rule_set, SecurityGroupRule};
use crate::inventory::s3::{Encryption, PublicAccessBlock, Versioning};

/// Folded sub-resources' contributions, keyed by their parent's id.
#[derive(Default)]
pub(super) struct Folds {
    /// Security group id → (direction, rules).
    rules: BTreeMap<String, Vec<(&'static str, SecurityGroupRule)>>,
    /// Bucket name → attribute → (value, address of the sub-resource).
    buckets: BTreeMap<String, BTreeMap<&'static str, (Value, String)>>,
}

impl Folds {
    pub(super) fn add(&mut self, resource_type: &str, i: &Instance, address: &str) {
        match resource_type {
            "aws_security_group_rule" => {
                let (Some(group), Some(attrs)) = (i.str("security_group_id"), i.attributes())
                else {
                    return;
                };
                let direction = direction_key(i.str("type").unwrap_or("ingress"));
                let rules = inline_rules(attrs, group);
                self.rules
                    .entry(group.to_owned())
                    .or_default()
                    .extend(rules.into_iter().map(|r| (direction, r)));
            }
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                let (Some(group), Some(rule)) = (i.str("security_group_id"), vpc_rule(i)) else {
                    return;
                };
                let direction = if resource_type.ends_with("egress_rule") {
                    "egress"
                } else {
                    "ingress"
                };
                self.rules
                    .entry(group.to_owned())
                    .or_default()
                    .push((direction, rule));
            }
            "aws_s3_bucket_versioning" => {
                let status = blocks(i.attr("versioning_configuration"))
                    .next()
                    .and_then(|c| c.get("status").and_then(Value::as_str));
                self.bucket(
                    i,
                    "versioning",
                    to_value(&Versioning::from_status(status)),
                    address,
                );
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                let Some(rule) = blocks(i.attr("rule")).next() else {
                    return;
                };
                let default = blocks(rule.get("apply_server_side_encryption_by_default")).next();
                let s = |k: &str| {
                    default
                        .and_then(|d| d.get(k))
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                };
                let encryption = Encryption {
                    algorithm: s("sse_algorithm").unwrap_or_default().to_owned(),
                    kms_key_id: s("kms_master_key_id").map(str::to_owned),
                    bucket_key_enabled: rule
                        .get("bucket_key_enabled")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                };
                self.bucket(i, "encryption", to_value(&encryption), address);
            }
            "aws_s3_bucket_public_access_block" => {
                let flag = |k: &str| i.attr(k).and_then(Value::as_bool).unwrap_or(false);
                let block = PublicAccessBlock {
                    block_public_acls: flag("block_public_acls"),
                    ignore_public_acls: flag("ignore_public_acls"),
                    block_public_policy: flag("block_public_policy"),
                    restrict_public_buckets: flag("restrict_public_buckets"),
                };
                self.bucket(i, "public_access_block", to_value(&block), address);
            }
            _ => {}
        }
    }

    fn bucket(&mut self, i: &Instance, attribute: &'static str, value: Value, address: &str) {
        if let Some(bucket) = i.str("bucket") {
            self.buckets
                .entry(bucket.to_owned())
                .or_default()
                .insert(attribute, (value, address.to_owned()));
        }
    }

    pub(super) fn apply(&self, object: &mut Declared) {
        let Some(id) = object.keys.first() else {
            return;
        };
        match object.kind {
            "ec2.security_groups" => {
                let Some(extra) = self.rules.get(id) else {
                    return;
                };
                for direction in ["ingress", "egress"] {
                    let mut rules: Vec<SecurityGroupRule> =
                        match object.expected.get(direction).and_then(Value::as_array) {
                            Some(existing) => existing
                                .iter()
                                .filter_map(|v| serde_json::from_value(rule_json(v)).ok())
                                .collect(),
                            None => Vec::new(),
                        };
                    rules.extend(
                        extra
                            .iter()
                            .filter(|(d, _)| *d == direction)
                            .map(|(_, r)| r.clone()),
                    );
                    object
                        .expected
                        .insert(direction_key(direction), rule_set(rules));
                }
            }
            "s3.buckets" => {
                for (attribute, (value, address)) in self.buckets.get(id).into_iter().flatten() {
                    object.expected.insert(attribute, value.clone());
                    object.set_by.insert(attribute, address.clone());
                }
            }
            _ => {}
        }
    }
}

/// A [`rule_set`] element back as a full rule (empty id) for merging.
fn rule_json(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("rule_id".to_owned(), Value::from(""));
    }
    v
}

impl Instance {
    /// All attributes, for folding a rule block (the caller reads only non-secret rule fields).
    fn attributes(&self) -> Option<&serde_json::Map<String, Value>> {
        self.attributes.as_ref()
    }
}
