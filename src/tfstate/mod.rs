//! Terraform state (format version 4), the other side of `archaudit drift`: read from bytes
//! (local files, globs, or an S3 object fetched by `collect::state_object`), kept in memory
//! only, and mapped to inventory kinds and ids by [`adapter`].
//!
//! # Secrets
//! A state holds every attribute of every resource, secrets included (a secret's value, a
//! certificate's private key). This module reads only the attributes the adapter names, never
//! one that the instance lists in `sensitive_attributes`, and its error messages never quote
//! the file's content: a parse error names the file, line and column and what was expected.

pub mod adapter;
mod fold;
mod values;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

/// One state file, parsed.
#[derive(Debug, Clone)]
pub struct State {
    /// Where it came from (`infra/terraform.tfstate`, `s3://bucket/key`).
    pub source: String,
    /// Terraform version that wrote it.
    pub terraform_version: String,
    /// Its resources (managed and data), as recorded.
    pub resources: Vec<Resource>,
}

/// A `resources[]` entry: one block (all its instances).
#[derive(Debug, Clone, Deserialize)]
pub struct Resource {
    /// `module.network` for a resource inside a module; absent at the root.
    #[serde(default)]
    pub module: Option<String>,
    /// `managed` or `data`.
    pub mode: String,
    /// `aws_vpc`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// `main`.
    pub name: String,
    /// `provider["registry.terraform.io/hashicorp/aws"]`.
    #[serde(default)]
    pub provider: String,
    /// Its instances (`count`/`for_each` give several).
    #[serde(default)]
    pub instances: Vec<Instance>,
}

/// One instance of a resource.
#[derive(Debug, Clone, Deserialize)]
pub struct Instance {
    /// The `count` index or `for_each` key.
    #[serde(default)]
    pub index_key: Option<Value>,
    /// The attributes as Terraform last saw them.
    #[serde(default)]
    attributes: Option<Map<String, Value>>,
    /// Paths of the attributes Terraform marks sensitive (`[[{"type":"get_attr","value":"password"}]]`).
    #[serde(default)]
    sensitive_attributes: Value,
    /// Set for an instance replaced with create-before-destroy but not yet destroyed.
    #[serde(default)]
    deposed: Option<String>,
}

impl Instance {
    /// A top-level attribute, unless Terraform marks it (or anything under it) sensitive.
    pub fn attr(&self, name: &str) -> Option<&Value> {
        if self.is_sensitive(name) {
            return None;
        }
        self.attributes.as_ref()?.get(name).filter(|v| !v.is_null())
    }

    /// A string attribute, non-empty.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.attr(name)?.as_str().filter(|s| !s.is_empty())
    }

    /// Whether `name` (a top-level attribute) is, or contains, a sensitive value.
    pub fn is_sensitive(&self, name: &str) -> bool {
        self.sensitive_attributes
            .as_array()
            .into_iter()
            .flatten()
            .any(|path| {
                path.as_array()
                    .and_then(|steps| steps.first())
                    .and_then(|step| step.get("value"))
                    .and_then(Value::as_str)
                    == Some(name)
            })
    }

    /// Whether this is a deposed object (being replaced), not the current one.
    pub fn is_deposed(&self) -> bool {
        self.deposed.is_some()
    }
}

impl Resource {
    /// The Terraform address of instance `i` (`module.net.aws_subnet.public["a"]`).
    pub fn address(&self, instance: &Instance) -> String {
        let mut out = String::new();
        if let Some(m) = &self.module {
            out.push_str(m);
            out.push('.');
        }
        if self.mode == "data" {
            out.push_str("data.");
        }
        out.push_str(&self.resource_type);
        out.push('.');
        out.push_str(&self.name);
        match &instance.index_key {
            Some(Value::String(k)) => out.push_str(&format!("[{k:?}]")),
            Some(Value::Number(n)) => out.push_str(&format!("[{n}]")),
            _ => {}
        }
        out
    }
}

/// One object a state declares, as the inventory would hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    /// Inventory kind (`ec2.security_groups`).
    pub kind: &'static str,
    /// Terraform address (`aws_security_group.alb`).
    pub address: String,
    /// Terraform type (`aws_security_group`).
    pub resource_type: String,
    /// The state file it came from.
    pub source: String,
    /// Ids and ARNs that identify it, best first (the first is shown).
    pub keys: Vec<String>,
    /// Region, from its ARN when it has one.
    pub region: Option<String>,
    /// Attributes whose live value must equal this one (normalized inventory form).
    pub expected: BTreeMap<&'static str, Value>,
    /// For attributes a folded sub-resource set, that sub-resource's address
    /// (`versioning` → `aws_s3_bucket_versioning.state`).
    pub set_by: BTreeMap<&'static str, String>,
}

/// What the states declare, sorted into the three classes.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// Objects of inventory kinds.
    pub objects: Vec<Declared>,
    /// Sub-resources folded into their parent object, by type.
    pub folded: BTreeMap<String, usize>,
    /// Resource types archaudit does not map, with their addresses (`file: address`).
    pub unsupported: BTreeMap<String, Vec<String>>,
}

/// A state that cannot be used, with the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct StateError {
    /// The file or URL.
    pub source_name: String,
    /// What is wrong (never a quoted attribute value).
    pub message: String,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    version: Option<Value>,
    #[serde(default)]
    resources: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct V4 {
    #[serde(default)]
    terraform_version: String,
    #[serde(default)]
    resources: Vec<Resource>,
}

/// The format version this reader understands (Terraform ≥ 0.12 writes it).
pub const STATE_VERSION: u64 = 4;

/// Parses a state file's bytes; `source` names it in errors.
pub fn parse(source: &str, bytes: Vec<u8>) -> Result<State, StateError> {
    let fail = |message: String| StateError {
        source_name: source.to_owned(),
        message,
    };
    let text = crate::text::utf8(bytes).map_err(|e| {
        fail(format!(
            "line {}, column {}: {}",
            e.line, e.column, e.message
        ))
    })?;
    let text = text.as_str();
    let probe: Probe = serde_json::from_str(text).map_err(|e| fail(json_error(&e)))?;
    match probe.version.as_ref().and_then(Value::as_u64) {
        Some(STATE_VERSION) => {}
        Some(v @ 0..=3) => {
            return Err(fail(format!(
                "state format version {v} (written by Terraform before 0.12) is not supported: \
                 upgrade it with a current Terraform (`terraform state pull` after `terraform init`) \
                 to version {STATE_VERSION}"
            )))
        }
        Some(v) => {
            return Err(fail(format!(
                "state format version {v} is newer than this archaudit reads ({STATE_VERSION})"
            )))
        }
        None if probe.version.is_some() => {
            return Err(fail(
                "`version` is not a number: not a Terraform state".to_owned(),
            ))
        }
        None => {
            return Err(fail(
                "no `version` field: not a Terraform state (an inventory, plan or report?)"
                    .to_owned(),
            ))
        }
    }
    if probe.resources.is_none() {
        return Err(fail(
            "no `resources` list: not a Terraform state (`terraform show -json` output is a \
             different format; give the state file itself or `terraform state pull`)"
                .to_owned(),
        ));
    }
    let v4: V4 = serde_json::from_str(text).map_err(|e| fail(json_error(&e)))?;
    unique_addresses(&v4.resources, text.as_bytes()).map_err(fail)?;
    Ok(State {
        source: source.to_owned(),
        terraform_version: v4.terraform_version,
        resources: v4.resources,
    })
}

/// Refuses a state that declares one address twice: two `resources[]` entries of the same
/// module, mode, type and name, or two current (or two equally deposed) instances of one
/// resource with the same index key. Terraform never writes either; judging such a state
/// would compare the live object with whichever copy came last. The error gives the line and
/// column of the second.
fn unique_addresses(resources: &[Resource], bytes: &[u8]) -> Result<(), String> {
    use crate::text::JsonStep::{Index, Key};
    let located =
        |path: &[crate::text::JsonStep<'_>], what: String| match crate::text::json_position(
            bytes, path,
        ) {
            Some((line, column)) => format!("line {line}, column {column}: {what}"),
            None => what,
        };
    let mut blocks = std::collections::HashMap::with_capacity(resources.len());
    for (i, r) in resources.iter().enumerate() {
        let key = (
            r.module.as_deref(),
            r.mode.as_str(),
            r.resource_type.as_str(),
            r.name.as_str(),
        );
        if let Some(first) = blocks.insert(key, i) {
            let address = r.instances.first().map_or_else(
                || format!("{}.{}", r.resource_type, r.name),
                |inst| r.address(inst),
            );
            return Err(located(
                &[Key("resources"), Index(i)],
                format!(
                    "resource {} is declared twice (resources[{first}] and resources[{i}]): not a state Terraform wrote",
                    address.split('[').next().unwrap_or_default()
                ),
            ));
        }
        let mut keys = std::collections::HashSet::with_capacity(r.instances.len());
        for (j, inst) in r.instances.iter().enumerate() {
            let index = inst.index_key.as_ref().map(Value::to_string);
            if !keys.insert((index, inst.deposed.clone())) {
                return Err(located(
                    &[Key("resources"), Index(i), Key("instances"), Index(j)],
                    format!(
                        "instance {} is recorded twice: not a state Terraform wrote",
                        r.address(inst)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A JSON error without the values serde quotes (which could be secrets): its class, line
/// and column, and what was expected.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut in_quote = false;
    for c in text.chars() {
        match c {
            '"' if !in_quote => {
                in_quote = true;
                out.push_str("\"…");
            }
            '"' => {
                in_quote = false;
                out.push('"');
            }
            _ if in_quote => {}
            c => out.push(c),
        }
    }
    let class = match e.classify() {
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Data => "not the shape of a Terraform state",
        serde_json::error::Category::Io => "cannot read",
    };
    format!("{class}: {out}")
}

#[cfg(test)]
mod tests;
