//! Reading an inventory file: the version probed first without building a JSON tree, then
//! the typed parse; every error names the file and, where it has one, the position.

use std::path::Path;

use super::{Inventory, SCHEMA_VERSION};

/// Error reading an inventory file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read inventory {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error, as text (kept out of the error chain so it is printed once).
        message: String,
    },
    /// The file is not a valid inventory (with line and column).
    #[error("invalid inventory {path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The inventory was written by an incompatible archaudit.
    #[error("inventory {path} has schema_version {found}; this archaudit reads version {SCHEMA_VERSION}")]
    Version {
        /// The file.
        path: String,
        /// The version in the file, as written.
        found: String,
    },
}

/// The reference architecture's inventory (`fixtures/reference.json`): the data
/// `archaudit policy test` starts from, and the unit tests' reference.
pub const REFERENCE_FIXTURE: &str = include_str!("../../fixtures/reference.json");

impl Inventory {
    /// [`REFERENCE_FIXTURE`], parsed (for unit tests).
    #[cfg(test)]
    pub(crate) fn reference() -> Inventory {
        Inventory::from_json(REFERENCE_FIXTURE, "fixtures/reference.json").unwrap()
    }

    /// Reads and validates an inventory JSON file.
    pub fn load(path: &Path) -> Result<Inventory, LoadError> {
        let display = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LoadError::Io {
            path: display.clone(),
            message: e.to_string(),
        })?;
        Inventory::from_slice(&bytes, &display)
    }

    /// Parses an inventory from JSON text; `origin` names the source in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Inventory, LoadError> {
        Inventory::from_slice(text.as_bytes(), origin)
    }

    /// Parses an inventory from JSON bytes (invalid UTF-8 is an error with its position).
    ///
    /// The version is checked first, so an old or future file gets the clear message, by a
    /// pass that keeps nothing but `schema_version` (the rest is skipped while streaming):
    /// memory stays bounded by the typed inventory, never by a generic JSON tree of the file.
    pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Inventory, LoadError> {
        let at = |line: usize, column: usize, message: String| LoadError::Parse {
            path: origin.to_owned(),
            line,
            column,
            message,
        };
        let parse_err = |e: serde_json::Error| {
            // The position is given apart: drop serde's " at line L column C".
            let text = e.to_string();
            let message = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(m, _)| m);
            at(e.line(), e.column(), message.to_owned())
        };
        if let Some(message) = crate::text::byte_order_mark(bytes) {
            return Err(at(1, 1, message.to_owned()));
        }
        if let Some(i) = bytes.iter().position(|b| !b.is_ascii_whitespace()) {
            if bytes[i] != b'{' {
                let (line, column) = crate::text::position(bytes, i);
                return Err(at(line, column, "not an inventory: its top level must be a JSON object, as `archaudit collect` writes".to_owned()));
            }
        }
        #[derive(serde::Deserialize)]
        struct Probe {
            schema_version: Option<serde_json::Value>,
            aws: Option<ServiceKeys>,
        }
        let probe: Probe = serde_json::from_slice(bytes).map_err(parse_err)?;
        if let Some(found) = probe.schema_version {
            if found.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
                return Err(LoadError::Version {
                    path: origin.to_owned(),
                    found: found.to_string(),
                });
            }
        }
        let mut inventory: Inventory = serde_json::from_slice(bytes).map_err(parse_err)?;
        // A service the file does not mention was never looked at (an inventory written before
        // archaudit collected it, or edited): its kinds are gaps, never "nothing there".
        // (A kind the file already records as unread, an account that could not be entered,
        // keeps its own gap.)
        let present = probe.aws.map(|k| k.0).unwrap_or_default();
        let unread: std::collections::BTreeSet<String> = inventory
            .gaps
            .iter()
            .filter(|g| g.resource.is_none() && g.attribute.is_none())
            .map(|g| g.kind.clone())
            .collect();
        for service in super::Service::ALL {
            if !present.contains(service.key()) {
                inventory.gaps.extend(super::service_gaps(
                    *service,
                    "all",
                    "(not in the inventory)",
                    super::NOT_COLLECTED,
                    "the inventory has no entry for this service: collected by an archaudit that did not know it, or removed",
                ).filter(|g| !unread.contains(&g.kind)));
            }
        }
        inventory.own_gaps();
        Ok(inventory)
    }
}

/// The keys of the inventory's `aws` object, read without keeping the values.
struct ServiceKeys(std::collections::BTreeSet<String>);

impl<'de> serde::Deserialize<'de> for ServiceKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = ServiceKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of services")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ServiceKeys, A::Error> {
                let mut keys = std::collections::BTreeSet::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.insert(k);
                }
                Ok(ServiceKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An inventory that does not mention a service never looked at it: its kinds are gaps
    /// (first law), so a rule reading them is not evaluated rather than passed.
    #[test]
    fn a_service_absent_from_the_file_is_a_gap_never_empty() {
        let mut v: serde_json::Value = serde_json::from_str(REFERENCE_FIXTURE).unwrap();
        v["aws"].as_object_mut().unwrap().remove("rds");
        let inv = Inventory::from_json(&v.to_string(), "old.json").unwrap();
        let kinds: Vec<&str> = inv.gaps.iter().map(|g| g.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "rds.db_instances",
                "rds.db_clusters",
                "rds.db_subnet_groups"
            ]
        );
        assert!(inv
            .gaps
            .iter()
            .all(|g| g.code == crate::inventory::NOT_COLLECTED && g.account_id == "123456789012"));
        // The shipped reference states every service: no gap.
        assert!(Inventory::reference().gaps.is_empty());
        // A kind the file already records as unread keeps its own gap, not a second one.
        v["gaps"] = serde_json::json!([{"service": "rds", "region": "us-east-1",
            "operation": "AssumeRole", "kind": "rds.db_instances", "code": "AccessDenied",
            "message": "denied"}]);
        let inv = Inventory::from_json(&v.to_string(), "old.json").unwrap();
        let kinds: Vec<(&str, &str)> = inv
            .gaps
            .iter()
            .map(|g| (g.kind.as_str(), g.code.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("rds.db_instances", "AccessDenied"),
                ("rds.db_clusters", crate::inventory::NOT_COLLECTED),
                ("rds.db_subnet_groups", crate::inventory::NOT_COLLECTED)
            ]
        );
    }
}
