//! A step of a plan: the typed action and its region. What a plan shows and writes about a
//! step is rendered from the action; what a plan file says about it is kept only to be
//! checked ([`super::trust`]).

use serde::{Deserialize, Serialize};

use crate::fix::action::Action;

/// A planned change: the typed action and the region it is sent to. Everything shown about
/// it (the API call, the CLI, the permission, the blast radius, the warning) is rendered from
/// the action, never taken from a file: a saved plan's texts are kept only to be checked
/// against the rendering ([`trust`]).
#[derive(Debug, Clone)]
pub struct Step {
    /// The change.
    pub action: Action,
    /// Region the call goes to (`global` services: the home region).
    pub region: String,
    /// The texts a saved plan gave for this step, as written (checked, never shown).
    written: Option<Box<Texts>>,
}

/// A step's texts as a plan file holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Texts {
    api_call: String,
    cli: String,
    permission: String,
    blast_radius: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

impl PartialEq for Step {
    /// Steps are equal when they send the same call to the same region.
    fn eq(&self, other: &Step) -> bool {
        self.action == other.action && self.region == other.region
    }
}

impl Step {
    /// A step of `action` in `region`.
    pub fn new(action: Action, region: String) -> Step {
        Step {
            action,
            region,
            written: None,
        }
    }

    /// `ec2:RevokeSecurityGroupIngress(group_id="sg-…", rule_id="sgr-…")`.
    pub fn api_call(&self) -> String {
        self.action.api_call()
    }

    /// The texts of this step as rendered from its action.
    fn texts(&self) -> Texts {
        Texts {
            api_call: self.action.api_call(),
            cli: self.action.cli(),
            permission: self.action.permission().to_owned(),
            blast_radius: self.action.blast_radius().to_owned(),
            warning: self.action.warning().map(str::to_owned),
        }
    }

    /// The first text a saved plan wrote for this step that is not what its action renders,
    /// as `(field, written, rendered)`.
    pub fn text_mismatch(&self) -> Option<(&'static str, String, String)> {
        let written = self.written.as_deref()?;
        let r = self.texts();
        let pairs = [
            ("api_call", &written.api_call, &r.api_call),
            ("cli", &written.cli, &r.cli),
            ("permission", &written.permission, &r.permission),
            ("blast_radius", &written.blast_radius, &r.blast_radius),
        ];
        if let Some((field, w, r)) = pairs.into_iter().find(|(_, w, r)| w != r) {
            return Some((field, w.clone(), r.clone()));
        }
        (written.warning != r.warning).then(|| {
            let show = |w: &Option<String>| w.clone().unwrap_or_else(|| "(none)".to_owned());
            ("warning", show(&written.warning), show(&r.warning))
        })
    }
}

/// A step as written: the action's fields, the region, then the rendered texts.
#[derive(Serialize)]
struct StepOut<'a> {
    #[serde(flatten)]
    action: &'a Action,
    region: &'a str,
    #[serde(flatten)]
    texts: Texts,
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StepOut {
            action: &self.action,
            region: &self.region,
            texts: self.texts(),
        }
        .serialize(s)
    }
}

/// A step as read: unknown keys are refused by [`Action`]'s variants.
#[derive(Deserialize)]
struct StepIn {
    #[serde(flatten)]
    action: Action,
    region: String,
    api_call: String,
    cli: String,
    permission: String,
    blast_radius: String,
    #[serde(default)]
    warning: Option<String>,
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Step, D::Error> {
        let s = StepIn::deserialize(d)?;
        Ok(Step {
            action: s.action,
            region: s.region,
            written: Some(Box::new(Texts {
                api_call: s.api_call,
                cli: s.cli,
                permission: s.permission,
                blast_radius: s.blast_radius,
                warning: s.warning,
            })),
        })
    }
}
