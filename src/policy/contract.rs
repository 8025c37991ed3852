//! The fix contract ([`crate::finding::fix`]), checked when the policies load: a policy that
//! names an automated fix must be about the fix's resource type, spell at least one attribute
//! the fix acts on, and emit every `details` key the fix cannot do without. Otherwise renaming
//! a key or an attribute prefix in the Rego would compile, load and quietly turn every one of
//! its findings into a manual one (or worse, into the wrong call).
//!
//! What a policy "spells" is read from regorus's AST of its own module and of the modules it
//! imports: every string literal (attributes are built from them: `sprintf("ingress:%s", …)`)
//! and every literal object key. The check is necessary, not sufficient; the other half is the
//! typed parse of each finding's `details` when it is made (`result::to_finding`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::deps::chain;
use super::{invalid, Policy, PolicyError, Source};
use crate::finding::fix::FixId;

/// String literals and literal object keys of a module.
#[derive(Debug, Default)]
struct Spelled {
    literals: BTreeSet<String>,
    keys: BTreeSet<String>,
}

fn string_value(expr: &Value) -> Option<&str> {
    ["String", "RawString"]
        .iter()
        .find_map(|k| expr.get(*k))
        .and_then(|s| s["value"].as_str())
}

/// Collects the literals and object keys under `node` (a literal key counts as a key only).
fn walk(node: &Value, out: &mut Spelled) {
    match node {
        Value::Object(m) => {
            if let Some(s) = string_value(node) {
                out.literals.insert(s.to_owned());
                return;
            }
            if let Some(fields) = m.get("Object").and_then(|o| o["fields"].as_array()) {
                for f in fields {
                    match f.get(1).and_then(string_value) {
                        Some(key) => {
                            out.keys.insert(key.to_owned());
                        }
                        None => walk(&f[1], out),
                    }
                    walk(&f[2], out);
                }
                return;
            }
            m.values().for_each(|v| walk(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
        _ => {}
    }
}

/// `data.a.b` of a module's `package` or an `import` reference.
fn path_of(refr: &Value) -> Option<String> {
    let (base, segs) = chain(refr)?;
    let mut parts = vec![base];
    parts.extend(segs.into_iter().map(Option::unwrap_or_default));
    Some(parts.join("."))
}

/// The 1-based line of the first METADATA line starting with `key:`, else `fallback`.
fn metadata_line(text: &str, key: &str, fallback: usize) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix('#')
                .is_some_and(|l| l.trim_start().starts_with(key))
        })
        .map_or(fallback, |i| i + 1)
}

/// Checks every policy that names a fix against the fix's contract.
pub(super) fn check(
    policies: &[Policy],
    sources: &[Source],
    modules: &[Value],
) -> Result<(), PolicyError> {
    // Each module's package, its file, what it spells and what it imports.
    let mut by_package: BTreeMap<String, (Spelled, Vec<String>)> = BTreeMap::new();
    let mut package_of_file: BTreeMap<&str, String> = BTreeMap::new();
    for m in modules {
        let ast = &m["ast"];
        let Some(package) = path_of(&ast["package"]["refr"]) else {
            continue;
        };
        let imports = ast["imports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| path_of(&i["refr"]))
            .collect();
        let entry = by_package.entry(package.clone()).or_default();
        walk(&ast["rules"], &mut entry.0);
        entry.1.extend::<Vec<String>>(imports);
        if let Some(file) = m["source"]["file"].as_str() {
            package_of_file.insert(file, package);
        }
    }
    for p in policies {
        let Some(fix) = p.meta.custom.remediation.fix else {
            continue;
        };
        let text = sources
            .iter()
            .find(|s| s.path == p.path)
            .map_or("", |s| s.text.as_str());
        let fix_line = metadata_line(text, "fix:", p.deny_line);
        if p.meta.custom.resource_type != fix.resource_type() {
            return Err(invalid(
                &p.path,
                metadata_line(text, "resource_type:", fix_line),
                &format!(
                    "fix `{fix}` changes {} resources, but this policy's findings are about {} (custom.resource_type)",
                    fix.resource_type(),
                    p.meta.custom.resource_type
                ),
            ));
        }
        let own = package_of_file
            .get(p.path.as_str())
            .cloned()
            .unwrap_or_default();
        let spelled = reachable(&by_package, &own);
        let missing = |what: &str| invalid(&p.path, fix_line, what);
        let acts_on = fix.acts_on();
        if !acts_on.is_empty()
            && !spelled.iter().any(|s| {
                s.literals
                    .iter()
                    .any(|l| acts_on.iter().any(|a| l.starts_with(a)))
            })
        {
            return Err(missing(&attribute_message(fix, acts_on)));
        }
        for key in fix.needed_keys() {
            if !spelled.iter().any(|s| s.keys.contains(*key)) {
                return Err(missing(&format!(
                    "fix `{fix}` reads `details.{key}` from its findings, and this policy never emits that key (the keys it reads are listed in docs/fix.md)"
                )));
            }
        }
    }
    Ok(())
}

fn attribute_message(fix: FixId, acts_on: &[&str]) -> String {
    format!(
        "fix `{fix}` acts on findings whose attribute is {}, and this policy spells none of them",
        acts_on
            .iter()
            .map(|a| format!("`{a}…`"))
            .collect::<Vec<_>>()
            .join(" or ")
    )
}

/// What `package` and the packages it imports spell.
fn reachable<'a>(
    by_package: &'a BTreeMap<String, (Spelled, Vec<String>)>,
    package: &str,
) -> Vec<&'a Spelled> {
    let mut out = Vec::new();
    if let Some((own, imports)) = by_package.get(package) {
        out.push(own);
        out.extend(
            imports
                .iter()
                .filter_map(|i| by_package.get(i))
                .map(|(s, _)| s),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::policy::{PolicyError, PolicySet};

    /// A user policy naming `fix`, about `rtype`, whose finding carries `details`.
    fn policy(fix: &str, rtype: &str, attribute: &str, details: &str) -> String {
        format!(
            "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: AA-USR-001\n#   severity: high\n#   resource_type: {rtype}\n#   remediation:\n#     summary: S\n#     fix: {fix}\npackage user.p\n\nimport data.archaudit.lib.result\n\ndeny contains result.with_details(result.new(\"m.\", g.arn, {attribute}, 1, 2), {details}) if {{\n\tsome g in input.aws.logs.log_groups\n}}\n"
        )
    }

    fn load(text: &str) -> Result<PolicySet, PolicyError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("p.rego"), text).unwrap();
        PolicySet::load(false, &[dir.path().to_owned()])
    }

    fn error(text: &str) -> (usize, String) {
        match load(text) {
            Err(PolicyError::Invalid { line, message, .. }) => (line, message),
            other => panic!("expected a load error, got {other:?}"),
        }
    }

    #[test]
    fn a_policy_keeping_the_contract_loads() {
        let ok = policy(
            "logs.put_retention",
            "aws.logs.log_group",
            "\"retention_in_days\"",
            "{\"retention_in_days\": 30}",
        );
        load(&ok).unwrap();
    }

    #[test]
    fn a_renamed_details_key_is_a_load_error_at_the_fix_line() {
        let renamed = policy(
            "logs.put_retention",
            "aws.logs.log_group",
            "\"retention_in_days\"",
            "{\"retention_days\": 30}",
        );
        let (line, message) = error(&renamed);
        assert_eq!(line, 10, "{message}");
        assert!(message.contains("`details.retention_in_days`"), "{message}");
    }

    #[test]
    fn an_attribute_the_fix_does_not_act_on_is_a_load_error() {
        let other = policy(
            "logs.put_retention",
            "aws.logs.log_group",
            "\"retention\"",
            "{\"retention_in_days\": 30}",
        );
        let (line, message) = error(&other);
        assert_eq!(line, 10, "{message}");
        assert!(message.contains("`retention_in_days…`"), "{message}");
    }

    #[test]
    fn a_fix_of_another_resource_type_is_a_load_error_at_its_line() {
        let wrong = policy(
            "logs.put_retention",
            "aws.ec2.vpc",
            "\"retention_in_days\"",
            "{\"retention_in_days\": 30}",
        );
        let (line, message) = error(&wrong);
        assert_eq!(line, 7, "{message}");
        assert!(message.contains("aws.logs.log_group"), "{message}");
    }

    #[test]
    fn a_renamed_fix_id_is_a_load_error_at_its_line() {
        let wrong = policy("logs.put_retentions", "aws.logs.log_group", "\"x\"", "{}");
        let (line, message) = error(&wrong);
        assert_eq!(line, 10, "{message}");
        assert!(
            message.contains("unknown fix `logs.put_retentions`"),
            "{message}"
        );
    }
}
