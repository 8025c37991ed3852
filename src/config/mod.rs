//! `archaudit.toml`: the documented architecture as data, and waivers.
//!
//! Parsed with spans ([`toml::Spanned`]) and then validated ([`Config::parse`]), so every error
//! names the file, line and column. The architecture becomes the policies'
//! `data.archaudit.architecture`. The built-in default (`src/archaudit.default.toml`, written
//! by `archaudit init`) is exactly the reference architecture in `docs/architecture.md`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

mod legacy;
mod locate;
mod overlay;
mod patterns;
mod spec;
mod validate;

use patterns::glob_to_regex;

pub use legacy::{LEGACY_LOAD_BALANCER, LEGACY_NETWORK, LEGACY_SERVICE};
pub use spec::*;

/// The built-in configuration, commented, as `archaudit init` writes it.
pub const DEFAULT_TOML: &str = include_str!("../archaudit.default.toml");

/// A validated `archaudit.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The documented architecture.
    pub architecture: Architecture,
    /// Accepted findings.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Free-form settings for users' own policies, exposed to Rego as
    /// `data.archaudit.params` (the built-in architecture keeps its typed section).
    #[serde(default)]
    pub params: BTreeMap<String, Spanned<toml::Value>>,
    /// The file it was read from and its text, to locate later errors (a waiver naming a
    /// policy that does not exist is only known once the policies are loaded).
    #[serde(skip)]
    source: (String, String),
    /// Whether the file is written in the singular shape (lifted into named components).
    #[serde(skip)]
    singular: bool,
    /// For an overlay (`extends`): the file and line each line of the merged text came from.
    #[serde(skip)]
    merged: Option<std::sync::Arc<overlay::Merged>>,
}

/// An accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// Policy id or one of its aliases.
    pub policy: Spanned<String>,
    /// Resource ARN glob.
    pub resource: Spanned<String>,
    /// Glob over the drifted attribute (`ingress:sgr-0abc*`, `retention_in_days`): with it,
    /// the waiver accepts only that drift of the resource, and new drift of another attribute
    /// of the same resource is still reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<Spanned<String>>,
    /// Glob over the finding's component (`services.reporting`): with it, the waiver accepts
    /// only findings of that component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Spanned<String>>,
    /// Why.
    pub reason: String,
    /// Who owns the decision.
    pub owner: String,
    /// Last day it applies (`YYYY-MM-DD`, quoted or a TOML date).
    #[serde(deserialize_with = "date_or_string")]
    pub expires: Spanned<String>,
}

/// A TOML date (`2026-01-01`) or a string, as text; other types are an error naming both.
fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Spanned<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        String(String),
        Date(toml::value::Datetime),
        Other(toml::Value),
    }
    let v = Spanned::<Text>::deserialize(d)?;
    let span = v.span();
    match v.into_inner() {
        Text::String(s) => Ok(Spanned::new(span, s)),
        Text::Date(date) => Ok(Spanned::new(span, date.to_string())),
        Text::Other(other) => Err(serde::de::Error::custom(format!(
            "expires must be a date (YYYY-MM-DD), got {}",
            match other.type_str() {
                t @ ("integer" | "array") => format!("an {t}"),
                t => format!("a {t}"),
            }
        ))),
    }
}

/// An invalid configuration, located (line 0: the file as a whole, e.g. unreadable).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", at(path, *line, *column))]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

fn at(path: &str, line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => path.to_owned(),
        (l, 0) => format!("{path}:{l}"),
        (l, c) => format!("{path}:{l}:{c}"),
    }
}

fn locate(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Config {
    /// The built-in default: the reference architecture.
    pub fn default_config() -> Config {
        // The embedded file is validated by a unit test, so this cannot fail at run time.
        Config::parse(DEFAULT_TOML, locate::BUILTIN_ORIGIN).unwrap_or_else(unreachable_config)
    }

    /// Reads and validates a config file, with its bases when it `extends` one (overlay.rs).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let display = path.display().to_string();
        let text = read_text(path)?;
        let Some(merged) = overlay::merged(&text, &display)? else {
            return Config::parse(&text, &display);
        };
        match Config::parse(&merged.text, &display) {
            Ok(mut config) => {
                config.merged = Some(std::sync::Arc::new(merged));
                Ok(config)
            }
            Err(e) => Err(merged.relocate(e)),
        }
    }

    /// Parses and validates config text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let err_at = |span: Option<Range<usize>>, message: String| {
            let (line, column) = span.map_or((0, 0), |s| locate(text, s.start));
            ConfigError {
                path: origin.to_owned(),
                line,
                column,
                message,
            }
        };
        let mut config: Config =
            toml::from_str(text).map_err(|e| err_at(e.span(), e.message().to_owned()))?;
        config.source = (origin.to_owned(), text.to_owned());
        config.singular = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("architecture")?.get("vpc").cloned())
            .is_some();
        config
            .validate()
            .map_err(|(span, message)| err_at(Some(span), message))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), (Range<usize>, String)> {
        validate::architecture(&self.architecture)?;
        for (key, value) in &self.params {
            if !finite(value.get_ref()) {
                return Err((
                    value.span(),
                    format!("params.{key}: numbers must be finite (not nan or inf)"),
                ));
            }
        }
        for w in &self.waivers {
            if glob::Pattern::new(w.resource.get_ref()).is_err() {
                return Err((w.resource.span(), "not a valid glob pattern".to_owned()));
            }
            if let Some(a) = [&w.attribute, &w.component]
                .into_iter()
                .flatten()
                .find(|a| glob::Pattern::new(a.get_ref()).is_err())
            {
                return Err((a.span(), "not a valid glob pattern".to_owned()));
            }
            if parse_date(w.expires.get_ref()).is_none() {
                return Err((
                    w.expires.span(),
                    format!("`{}` is not a date (YYYY-MM-DD)", w.expires.get_ref()),
                ));
            }
        }
        Ok(())
    }

    /// Where this config was read from (`<built-in archaudit.toml>` for the default).
    pub fn origin(&self) -> &str {
        &self.source.0
    }

    /// An error about the value at `span` of this config's file (for an overlay: of the file
    /// that set the value).
    pub fn error_at(&self, span: Range<usize>, message: String) -> ConfigError {
        let (line, column) = locate(&self.source.1, span.start);
        let e = ConfigError {
            path: self.source.0.clone(),
            line,
            column,
            message,
        };
        match &self.merged {
            Some(m) => m.relocate(e),
            None => e,
        }
    }

    /// The file (`None`: the built-in default) and line that set 1-based `line` of this
    /// config's text.
    pub fn line_origin(&self, line: usize) -> (Option<String>, usize) {
        match self.merged.as_ref().and_then(|m| m.origin(line)) {
            Some(o) => (Some(o.file.clone()), o.line),
            None => (self.file().map(str::to_owned), line),
        }
    }

    /// The spec as the scan reads it, every line followed by the file and line that set it
    /// (`archaudit spec show`).
    pub fn annotated(&self) -> String {
        match &self.merged {
            Some(m) => m.annotated(),
            None => overlay::single(&self.source.1, &self.source.0)
                .map(|m| m.annotated())
                .unwrap_or_else(|| self.source.1.clone()),
        }
    }

    /// `[params]` as the policies see it (`data.archaudit.params`): TOML dates become strings.
    pub fn params_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.params
                .iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v.get_ref())))
                .collect(),
        )
    }

    /// The architecture as the policies see it (`data.archaudit.architecture`).
    ///
    /// Globs are also given as anchored regular expressions, so that policies match with
    /// `regex.match`, which regorus and OPA agree on (their `glob.match` do not: regorus ignores
    /// the `:` delimiter, and both treat `.` as one by default, so `*terraform-state*` would
    /// not match `acme.terraform-state.prod`): `state_bucket.name_regex` (no delimiter) and
    /// `github_oidc.allowed_subject_regexes` (`*` stops at `:`, `**` does not).
    pub fn architecture_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.architecture).unwrap_or(serde_json::Value::Null);
        let a = &self.architecture;
        if let Some(b) = &a.state_bucket {
            v["state_bucket"]["name_regex"] =
                serde_json::Value::String(glob_to_regex(b.name_pattern.get_ref(), None));
        }
        if let Some(g) = &a.github_oidc {
            v["github_oidc"]["allowed_subject_regexes"] = g
                .allowed_subjects
                .iter()
                .map(|p| serde_json::Value::String(glob_to_regex(p.get_ref(), Some(':'))))
                .collect();
        }
        v
    }
}

/// A config file's text: unreadable (line 0) or not UTF-8 (at the position) is an error naming it.
fn read_text(path: &Path) -> Result<String, ConfigError> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ConfigError {
        path: display.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
    })?;
    crate::text::utf8(bytes).map_err(|e| ConfigError {
        path: display,
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

fn finite(v: &toml::Value) -> bool {
    match v {
        toml::Value::Float(f) => f.is_finite(),
        toml::Value::Array(a) => a.iter().all(finite),
        toml::Value::Table(t) => t.values().all(finite),
        _ => true,
    }
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cold]
fn unreachable_config(e: ConfigError) -> Config {
    // Only reachable if the embedded default is broken, which `default_config_is_valid` rules out.
    eprintln!("archaudit: internal error: built-in configuration is invalid: {e}");
    std::process::exit(3)
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests;
