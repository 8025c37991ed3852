//! The report per documented component instance (`services.api`): its findings by severity,
//! and the rules judged for it that passed or could not look. The table and the Markdown both
//! print it, so a team reads each component's state in one line, and a component some rule
//! could not judge never reads as clean.

use std::collections::BTreeMap;

use super::Report;
use crate::finding::{RuleStatus, Severity};

/// One component's lines of the report.
#[derive(Debug, Default, PartialEq)]
pub struct ComponentView<'a> {
    /// Qualified name (`services.api`).
    pub name: &'a str,
    /// Findings not waived, by severity.
    pub findings: BTreeMap<Severity, usize>,
    /// Findings waived.
    pub waived: usize,
    /// Rules judged for it that passed.
    pub passed: usize,
    /// Rules that could not judge it fully: (rule id, reason, whether it still found some).
    pub blind: Vec<(&'a str, &'a str, bool)>,
}

impl ComponentView<'_> {
    /// Whether nothing is wrong and nothing was left unjudged.
    pub fn clean(&self) -> bool {
        self.findings.is_empty() && self.blind.is_empty()
    }

    /// One line: `2 finding(s): 1 critical, 1 high; not evaluated: AA-ECS-003 (why)`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let n: usize = self.findings.values().sum();
        if n > 0 {
            let by: Vec<String> = self
                .findings
                .iter()
                .rev()
                .map(|(s, c)| format!("{c} {}", s.as_str()))
                .collect();
            parts.push(format!("{n} finding(s): {}", by.join(", ")));
        }
        if self.waived > 0 {
            parts.push(format!("{} waived", self.waived));
        }
        if !self.blind.is_empty() {
            let rules: Vec<String> = self
                .blind
                .iter()
                .map(|(id, why, partial)| {
                    let partly = if *partial { "partly, " } else { "" };
                    format!("{id} ({partly}{why})")
                })
                .collect();
            parts.push(format!("not evaluated: {}", rules.join(", ")));
        }
        if parts.is_empty() {
            return format!("clean: {} rule(s) passed", self.passed);
        }
        parts.join("; ")
    }
}

/// Every component the report knows (judged by a rule or named by a finding), in name order.
pub fn by_component(report: &Report) -> Vec<ComponentView<'_>> {
    let mut views: BTreeMap<&str, ComponentView<'_>> = BTreeMap::new();
    for r in &report.rules {
        for c in &r.components {
            let v = views.entry(&c.component).or_default();
            v.name = &c.component;
            match (c.status, &c.reason) {
                (RuleStatus::Passed, _) => v.passed += 1,
                (status, Some(why)) => v.blind.push((&r.id, why, status == RuleStatus::Failed)),
                _ => {}
            }
        }
    }
    for f in &report.findings {
        let Some(name) = f.component.as_deref() else {
            continue;
        };
        let v = views.entry(name).or_default();
        v.name = name;
        if f.waived.is_some() {
            v.waived += 1;
        } else {
            *v.findings.entry(f.severity).or_default() += 1;
        }
    }
    views.into_values().collect()
}
