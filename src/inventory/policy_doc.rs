//! IAM policy documents, normalized so policies never deal with the JSON's optional shapes.
//!
//! AWS returns documents percent-encoded from most IAM calls (and raw from some), and the
//! grammar lets `Statement`, `Action`, `Resource`, `Principal` and condition values be a single
//! value or an array. [`PolicyDocument::parse`] accepts all of it and produces one shape:
//! every list is a sorted array, principals are grouped by type, and condition values are
//! strings.

use super::SortedMap;

use percent_encoding::percent_decode_str;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A parsed IAM policy document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The `Version` element (`2012-10-17`), when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Statements, in document order.
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// Statement id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// `Action`, as an array (empty when the statement uses `NotAction`).
    pub action: Vec<String>,
    /// `NotAction`, as an array.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_action: Vec<String>,
    /// `Resource`, as an array (empty in trust policies and with `NotResource`).
    pub resource: Vec<String>,
    /// `NotResource`, as an array.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_resource: Vec<String>,
    /// `Principal` grouped by type: keys `aws`, `service`, `federated`, `canonical_user`;
    /// `"Principal": "*"` becomes `{"aws": ["*"]}`. Empty for identity policies.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub principal: SortedMap<String, Vec<String>>,
    /// `NotPrincipal`, grouped the same way.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub not_principal: SortedMap<String, Vec<String>>,
    /// `Condition`: operator → condition key → values (always strings, always arrays).
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub condition: SortedMap<String, SortedMap<String, Vec<String>>>,
}

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IAM policy document: {0}")]
pub struct PolicyDocError(pub String);

impl PolicyDocument {
    /// Parses a document as IAM returns it: percent-encoded or raw JSON.
    ///
    /// ```
    /// use archaudit::inventory::policy_doc::PolicyDocument;
    /// let doc = PolicyDocument::parse("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%7D").unwrap();
    /// assert_eq!(doc.statements[0].action, vec!["s3:*"]);
    /// assert_eq!(doc.statements[0].resource, vec!["*"]);
    /// ```
    pub fn parse(text: &str) -> Result<PolicyDocument, PolicyDocError> {
        let trimmed = text.trim_start();
        let decoded;
        let json = if trimmed.starts_with('{') {
            trimmed
        } else {
            decoded = percent_decode_str(trimmed)
                .decode_utf8()
                .map_err(|e| PolicyDocError(format!("not UTF-8 after percent-decoding: {e}")))?;
            decoded.as_ref()
        };
        let value: Value = serde_json::from_str(json).map_err(|e| PolicyDocError(e.to_string()))?;
        Self::from_value(&value)
    }

    /// Normalizes an already-parsed JSON document.
    pub fn from_value(value: &Value) -> Result<PolicyDocument, PolicyDocError> {
        let obj = value
            .as_object()
            .ok_or_else(|| PolicyDocError("the document is not a JSON object".into()))?;
        let version = obj
            .get("Version")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let statements = match obj.get("Statement") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(statement).collect::<Result<_, _>>()?,
            Some(single) => vec![statement(single)?],
        };
        Ok(PolicyDocument {
            version,
            statements,
        })
    }
}

fn statement(value: &Value) -> Result<Statement, PolicyDocError> {
    let obj = value
        .as_object()
        .ok_or_else(|| PolicyDocError("a statement is not a JSON object".into()))?;
    let effect = obj
        .get("Effect")
        .and_then(Value::as_str)
        .ok_or_else(|| PolicyDocError("a statement has no Effect".into()))?
        .to_owned();
    Ok(Statement {
        sid: obj.get("Sid").and_then(Value::as_str).map(str::to_owned),
        effect,
        action: strings(obj.get("Action")),
        not_action: strings(obj.get("NotAction")),
        resource: strings(obj.get("Resource")),
        not_resource: strings(obj.get("NotResource")),
        principal: principals(obj.get("Principal")),
        not_principal: principals(obj.get("NotPrincipal")),
        condition: conditions(obj.get("Condition")),
    })
}

/// A string or an array of scalars, as a sorted, de-duplicated array of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(scalar).collect(),
        Some(other) => vec![scalar(other)],
    };
    out.sort();
    out.dedup();
    out
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn principals(value: Option<&Value>) -> SortedMap<String, Vec<String>> {
    let mut out = SortedMap::new();
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (kind, ids) in map {
                let key = match kind.as_str() {
                    "AWS" => "aws".to_owned(),
                    "Service" => "service".to_owned(),
                    "Federated" => "federated".to_owned(),
                    "CanonicalUser" => "canonical_user".to_owned(),
                    other => other.to_ascii_lowercase(),
                };
                out.insert(key, strings(Some(ids)));
            }
        }
        Some(other) => {
            out.insert("aws".to_owned(), strings(Some(other)));
        }
    }
    out
}

fn conditions(value: Option<&Value>) -> SortedMap<String, SortedMap<String, Vec<String>>> {
    let mut out = SortedMap::new();
    if let Some(Value::Object(ops)) = value {
        for (op, keys) in ops {
            let mut by_key = SortedMap::new();
            if let Value::Object(keys) = keys {
                for (key, values) in keys {
                    by_key.insert(key.clone(), strings(Some(values)));
                }
            }
            out.insert(op.clone(), by_key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_single_values_and_principal_star() {
        let doc = PolicyDocument::parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert_eq!(*s.principal.get("aws").unwrap(), vec!["*"]);
        assert_eq!(s.action, vec!["sts:AssumeRole"]);
        assert!(s.resource.is_empty());
        assert_eq!(
            *s.condition
                .get("Bool")
                .unwrap()
                .get("aws:SecureTransport")
                .unwrap(),
            vec!["false"]
        );
    }

    #[test]
    fn decodes_percent_encoding_only_when_needed() {
        let raw = r#"{"Statement":[{"Effect":"Allow","Action":["b","a"],"Resource":"arn:aws:s3:::x%20y"}]}"#;
        let doc = PolicyDocument::parse(raw).unwrap();
        assert_eq!(doc.statements[0].action, vec!["a", "b"]);
        // A raw document keeps its literal percent signs.
        assert_eq!(doc.statements[0].resource, vec!["arn:aws:s3:::x%20y"]);
    }

    #[test]
    fn groups_federated_principals() {
        let doc = PolicyDocument::parse(
            "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A1%3Aoidc-provider%2Ftoken.actions.githubusercontent.com%22%7D%7D%5D%7D",
        )
        .unwrap();
        assert_eq!(
            *doc.statements[0].principal.get("federated").unwrap(),
            vec!["arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"]
        );
    }

    #[test]
    fn rejects_statement_without_effect() {
        assert!(PolicyDocument::parse(r#"{"Statement":[{"Action":"*"}]}"#).is_err());
        assert!(PolicyDocument::parse("not json").is_err());
    }
}
