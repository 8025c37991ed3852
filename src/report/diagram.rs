//! The architecture as found, drawn as a Mermaid flowchart: the components and edges the
//! policy library's component rules (`policies/lib/components.rego`) found, with drifted ones
//! in red, documented components that were not found dashed grey, and documented components
//! that could not be looked for (a collection gap) dotted amber, labelled "unknown": a gap is
//! never drawn as absence.
//!
//! A node is drifted when an unwaived finding is about its resource; an edge when an unwaived
//! finding is about the security-group rule or route it stands for (same ARN and attribute).

use std::collections::BTreeSet;
use std::fmt::Write;

use serde::Deserialize;

use super::Report;

/// The component graph.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Graph {
    /// Components.
    pub nodes: Vec<Node>,
    /// Connections.
    pub edges: Vec<Edge>,
}

/// A component.
#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    /// Unique id.
    pub id: String,
    /// `vpc`, `subnet`, `load_balancer`, …
    pub kind: String,
    /// What to print (`<br/>` breaks lines).
    pub label: String,
    /// The resource; `None` for the internet and for missing components.
    pub arn: Option<String>,
    /// `vpc`, `az:<zone>` or "".
    pub group: String,
    /// A documented component that is not in the inventory.
    pub missing: bool,
    /// With `missing`: its kind could not be listed completely, so it may exist.
    #[serde(default)]
    pub unknown: bool,
}

/// A connection.
#[derive(Debug, Clone, Deserialize)]
pub struct Edge {
    /// Node id.
    pub from: String,
    /// Node id.
    pub to: String,
    /// Ports or route.
    pub label: String,
    /// The resource holding the rule or route.
    pub arn: Option<String>,
    /// The finding attribute it corresponds to (`ingress:sgr-…`, `route:0.0.0.0/0`).
    pub attribute: Option<String>,
}

impl Graph {
    /// Reads the component rules' output; an empty graph for `null` (no component rules).
    pub fn from_json(value: serde_json::Value) -> Result<Graph, serde_json::Error> {
        if value.is_null() {
            return Ok(Graph::default());
        }
        serde_json::from_value(value)
    }
}

/// A Mermaid-safe id (`n_` keeps ids clear of keywords such as `end`).
fn id(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("n_{clean}")
}

/// A label for `["…"]`: our `<br/>` line breaks kept, everything else that Mermaid or HTML
/// would read as markup escaped.
fn label(text: &str) -> String {
    text.split("<br/>")
        .map(|part| {
            part.replace('&', "#amp;")
                .replace('"', "#quot;")
                .replace('<', "#lt;")
                .replace('>', "#gt;")
        })
        .collect::<Vec<_>>()
        .join("<br/>")
}

/// The Mermaid flowchart of `graph`, marked with `report`'s findings.
pub fn mermaid(graph: &Graph, report: &Report) -> String {
    let active = report.findings.iter().filter(|f| f.waived.is_none());
    let drifted_arns: BTreeSet<&str> = active.clone().map(|f| f.resource.arn.as_str()).collect();
    let drifted_rules: BTreeSet<(&str, &str)> = active
        .map(|f| (f.resource.arn.as_str(), f.attribute.as_str()))
        .collect();
    let known: BTreeSet<&str> = graph.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut out = String::from("flowchart LR\n");
    let vpc = graph.nodes.iter().find(|n| n.kind == "vpc");
    let shape = |n: &Node| match n.kind.as_str() {
        "internet" => format!("{}((\"{}\"))", id(&n.id), label(&n.label)),
        "state_bucket" => format!("{}[(\"{}\")]", id(&n.id), label(&n.label)),
        _ => format!("{}[\"{}\"]", id(&n.id), label(&n.label)),
    };
    for n in graph.nodes.iter().filter(|n| n.group.is_empty()) {
        let _ = writeln!(out, "  {}", shape(n));
    }
    let in_vpc: Vec<&Node> = graph
        .nodes
        .iter()
        .filter(|n| !n.group.is_empty() && n.kind != "vpc")
        .collect();
    if let Some(v) = vpc {
        let _ = writeln!(out, "  subgraph {}[\"{}\"]", id(&v.id), label(&v.label));
    }
    for n in in_vpc.iter().filter(|n| n.group == "vpc") {
        let _ = writeln!(out, "    {}", shape(n));
    }
    let zones: BTreeSet<&str> = in_vpc
        .iter()
        .filter_map(|n| n.group.strip_prefix("az:"))
        .collect();
    for zone in zones {
        let _ = writeln!(
            out,
            "    subgraph {}[\"{}\"]",
            id(&format!("az_{zone}")),
            label(zone)
        );
        for n in in_vpc
            .iter()
            .filter(|n| n.group.strip_prefix("az:") == Some(zone))
        {
            let _ = writeln!(out, "      {}", shape(n));
        }
        out.push_str("    end\n");
    }
    if vpc.is_some() {
        out.push_str("  end\n");
    }
    let mut red_links = Vec::new();
    let mut link = 0usize;
    for e in &graph.edges {
        if !known.contains(e.from.as_str()) || !known.contains(e.to.as_str()) {
            continue;
        }
        let arrow = if e.label.is_empty() {
            "-->".to_owned()
        } else {
            format!("-->|\"{}\"|", label(&e.label))
        };
        let _ = writeln!(out, "  {} {arrow} {}", id(&e.from), id(&e.to));
        if let (Some(arn), Some(attr)) = (&e.arn, &e.attribute) {
            if drifted_rules.contains(&(arn.as_str(), attr.as_str())) {
                red_links.push(link.to_string());
            }
        }
        link += 1;
    }
    out.push_str("  classDef drift fill:#ffe0e0,stroke:#d00000,stroke-width:3px,color:#600000\n");
    out.push_str(
        "  classDef missing fill:#ffffff,stroke:#888888,stroke-width:2px,stroke-dasharray:5 5,color:#666666\n",
    );
    out.push_str(
        "  classDef unknown fill:#fff8d0,stroke:#b08000,stroke-width:2px,stroke-dasharray:2 4,color:#6b4e00\n",
    );
    let is_drifted = |n: &Node| n.arn.as_deref().is_some_and(|a| drifted_arns.contains(a));
    let drifted: Vec<String> = graph
        .nodes
        .iter()
        .filter(|n| n.kind != "vpc" && is_drifted(n))
        .map(|n| id(&n.id))
        .collect();
    let missing: Vec<String> = graph
        .nodes
        .iter()
        .filter(|n| n.kind != "vpc" && n.missing && !n.unknown)
        .map(|n| id(&n.id))
        .collect();
    let unknown: Vec<String> = graph
        .nodes
        .iter()
        .filter(|n| n.kind != "vpc" && n.missing && n.unknown)
        .map(|n| id(&n.id))
        .collect();
    if !drifted.is_empty() {
        let _ = writeln!(out, "  class {} drift", drifted.join(","));
    }
    if !missing.is_empty() {
        let _ = writeln!(out, "  class {} missing", missing.join(","));
    }
    if !unknown.is_empty() {
        let _ = writeln!(out, "  class {} unknown", unknown.join(","));
    }
    if let Some(v) = vpc {
        if v.missing {
            let _ = writeln!(
                out,
                "  style {} stroke:#888888,stroke-dasharray:5 5",
                id(&v.id)
            );
        } else if is_drifted(v) {
            let _ = writeln!(out, "  style {} stroke:#d00000,stroke-width:3px", id(&v.id));
        }
    }
    if !red_links.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#d00000,stroke-width:3px",
            red_links.join(",")
        );
    }
    out
}
