//! The comparison itself: match declared objects to live resources by id or ARN within their
//! kind, then compare the attributes the adapter fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::live::{self, Live};
use super::{Drift, DriftIgnore, DriftSummary, KindCounts, Outcome};
use crate::inventory::{Inventory, Service};
use crate::tfstate::{Declarations, Declared};

/// What to report.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Report AWS defaults (default VPC, main route tables, …) as unmanaged too.
    pub include_defaults: bool,
    /// Show only managed drift (missing, changed).
    pub only_managed: bool,
    /// Show only unmanaged resources.
    pub only_unmanaged: bool,
    /// The state files, as given (for the summary).
    pub states: Vec<String>,
}

/// Where a kind could not be listed completely: `(kind, region)` pairs, `"*"` for every
/// region (a service left out).
struct Listing {
    incomplete: BTreeSet<(String, String)>,
    regions: Vec<String>,
}

impl Listing {
    fn new(inventory: &Inventory) -> Listing {
        let incomplete = inventory
            .gaps
            .iter()
            .filter(|g| g.resource.is_none() && g.attribute.is_none())
            .map(|g| (g.kind.clone(), g.region.clone()))
            .collect();
        Listing {
            incomplete,
            regions: inventory.meta.regions.clone(),
        }
    }

    fn is_global(kind: &str) -> bool {
        Service::of_kind(kind).is_some_and(Service::is_global)
    }

    /// Whether `kind` was listed completely in `region` (`None`: in every region).
    fn complete(&self, kind: &str, region: Option<&str>) -> bool {
        let hit = |r: &str| {
            self.incomplete.contains(&(kind.to_owned(), r.to_owned()))
                || self
                    .incomplete
                    .contains(&(kind.to_owned(), "all".to_owned()))
        };
        if Listing::is_global(kind) {
            return !self.incomplete.iter().any(|(k, _)| k == kind);
        }
        match region {
            Some(r) => self.regions.iter().any(|c| c == r) && !hit(r),
            None => !self.regions.iter().any(|r| hit(r)) && !hit("all"),
        }
    }
}

/// Compares the live inventory with the states' declarations.
pub fn compare(
    inventory: &Inventory,
    declared: &Declarations,
    ignore: &DriftIgnore,
    options: &Options,
) -> Outcome {
    let listing = Listing::new(inventory);
    let live = live::resources(&inventory.aws);
    // kind → key (id or ARN) → live index
    let mut index: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for (n, l) in live.iter().enumerate() {
        let keys = index.entry(l.r.kind).or_default();
        keys.entry(l.r.arn.as_str()).or_insert(n);
        keys.entry(l.r.id.as_str()).or_insert(n);
    }
    let mut out = Outcome::default();
    let mut kinds: BTreeMap<String, KindCounts> = BTreeMap::new();
    let mut managed = vec![false; live.len()];
    for d in &declared.objects {
        let counts = kinds.entry(d.kind.to_owned()).or_default();
        let id = d.keys.first().map(String::as_str).unwrap_or(&d.address);
        let hit = index
            .get(d.kind)
            .and_then(|keys| d.keys.iter().find_map(|k| keys.get(k.as_str())));
        if ignore.matches(d.kind, id) || ignore.matches(d.kind, &d.address) {
            // Left out on both sides: its live twin is not counted again below.
            counts.ignored += 1;
            if let Some(&n) = hit {
                managed[n] = true;
            }
            continue;
        }
        let Some(&n) = hit else {
            if let Some(why) = unlistable(d, &listing) {
                counts.unchecked += 1;
                out.unchecked_objects.push(format!(
                    "{} ({id}) could not be looked for: {why}",
                    d.address
                ));
            } else {
                counts.missing += 1;
                out.drifts.push(Drift::Missing(d.clone()));
            }
            continue;
        };
        if managed[n] {
            // Two declarations of one object (two states, or an import in both): one managed.
            continue;
        }
        managed[n] = true;
        counts.managed += 1;
        changes(d, &live[n], inventory, &mut out);
    }
    for (n, l) in live.iter().enumerate() {
        if managed[n] {
            continue;
        }
        let counts = kinds.entry(l.r.kind.to_owned()).or_default();
        if l.is_default && !options.include_defaults {
            counts.defaults += 1;
        } else if ignore.matches(l.r.kind, &l.r.id) || ignore.matches(l.r.kind, &l.r.arn) {
            counts.ignored += 1;
        } else {
            counts.unmanaged += 1;
            out.drifts.push(Drift::Unmanaged(l.r.clone()));
        }
    }
    // A kind with a listing gap cannot claim "nothing there", even with nothing seen.
    for (kind, _) in &listing.incomplete {
        if !crate::inventory::is_account_setting(kind)
            && crate::inventory::kinds().any(|k| k == kind)
        {
            kinds.entry(kind.clone()).or_default();
        }
    }
    for (kind, counts) in kinds.iter_mut() {
        counts.complete = listing.complete(kind, None);
    }
    let totals = kinds.values().fold(
        KindCounts {
            complete: true,
            ..Default::default()
        },
        |t, c| KindCounts {
            managed: t.managed + c.managed,
            unmanaged: t.unmanaged + c.unmanaged,
            missing: t.missing + c.missing,
            unchecked: t.unchecked + c.unchecked,
            defaults: t.defaults + c.defaults,
            ignored: t.ignored + c.ignored,
            complete: t.complete && c.complete,
        },
    );
    let covered = totals.managed + totals.unmanaged;
    let coverage =
        (covered > 0).then(|| (totals.managed as f64 * 1000.0 / covered as f64).round() / 10.0);
    let changed = out
        .drifts
        .iter()
        .filter(|d| matches!(d, Drift::Changed { .. }))
        .count();
    out.drifts.retain(|d| match d {
        Drift::Unmanaged(_) => !options.only_managed,
        Drift::Missing(_) | Drift::Changed { .. } => !options.only_unmanaged,
    });
    out.summary = DriftSummary {
        states: options.states.clone(),
        coverage,
        totals,
        kinds,
        changed,
        unchecked_attributes: out.unchecked_attributes.len(),
        folded: declared.folded.clone(),
        unsupported: declared.unsupported.clone(),
        filter: if options.only_managed {
            "managed"
        } else if options.only_unmanaged {
            "unmanaged"
        } else {
            "all"
        }
        .to_owned(),
    };
    out
}

/// Why a declared object that was not found cannot be called missing, if it cannot.
fn unlistable(d: &Declared, listing: &Listing) -> Option<String> {
    if d.keys.is_empty() {
        return Some("the state records no id or ARN for it".to_owned());
    }
    if d.kind == "ecs.task_definitions" {
        // The collector reads the task definitions services run, not every registered one.
        return Some(
            "archaudit reads only the task definitions ECS services run, and no service runs this one"
                .to_owned(),
        );
    }
    if listing.complete(d.kind, d.region.as_deref()) {
        return None;
    }
    Some(match d.region.as_deref() {
        Some(r) if !Listing::is_global(d.kind) && !listing.regions.iter().any(|c| c == r) => {
            format!("its region {r} was not collected (--region)")
        }
        Some(r) => format!("{} was not listed completely in {r}", d.kind),
        None => format!("{} was not listed completely", d.kind),
    })
}

/// Pushes a `Changed` drift for every compared attribute that differs, and a line for every
/// comparison that could not be made (live value unknown).
fn changes(d: &Declared, live: &Live, inventory: &Inventory, out: &mut Outcome) {
    for (attribute, expected) in &d.expected {
        if *attribute == "desired_count" && is_autoscaled(&live.r.arn, &live.r.id, inventory) {
            // Application Auto Scaling moves the count; Terraform configurations ignore it.
            continue;
        }
        match live.attrs.get(attribute) {
            Some(Some(actual)) if same(expected, actual) => {}
            Some(Some(actual)) => out.drifts.push(Drift::Changed {
                live: live.r.clone(),
                address: d.set_by.get(attribute).unwrap_or(&d.address).clone(),
                source: d.source.clone(),
                resource_type: d.resource_type.clone(),
                attribute,
                expected: expected.clone(),
                actual: actual.clone(),
            }),
            Some(None) | None => {
                out.unchecked_attributes.push(format!(
                    "{}: {attribute} of {} is unknown (not collected), so it was not compared",
                    d.address, live.r.id
                ));
            }
        }
    }
}

/// Equal, with numbers compared as numbers (`80` and `80.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Whether an ECS service's desired count is managed by Application Auto Scaling.
fn is_autoscaled(service_arn: &str, name: &str, inventory: &Inventory) -> bool {
    // `arn:aws:ecs:region:account:service/cluster/name` → `service/cluster/name`.
    let resource = service_arn
        .split_once(":service/")
        .map(|(_, rest)| format!("service/{rest}"));
    inventory.aws.autoscaling.targets.iter().any(|t| {
        resource.as_deref() == Some(t.resource_id.as_str())
            || t.resource_id.ends_with(&format!("/{name}"))
    })
}
