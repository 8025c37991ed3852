//! The part of the spec an action is checked against.

use crate::config::{AlarmSpec, Architecture, LoadBalancer, Service};

use super::MAX_TASKS;

/// What the checks hold an action to: the component's own spec (a finding's `component`), or
/// every documented component when the action's component is not known (a saved plan's step
/// is checked before it is planned again from its finding).
pub(super) struct Scope<'a> {
    pub(super) services: Vec<&'a Service>,
    pub(super) load_balancers: Vec<&'a LoadBalancer>,
}

impl<'a> Scope<'a> {
    pub(super) fn of(spec: &'a Architecture, component: Option<&str>) -> Scope<'a> {
        let all = || Scope {
            services: spec.services.values().collect(),
            load_balancers: spec.load_balancers.values().collect(),
        };
        let Some(c) = component else { return all() };
        if let Some(s) = spec.service(c) {
            let lb = s
                .load_balancer
                .as_ref()
                .and_then(|l| spec.load_balancers.get(l.get_ref()));
            return Scope {
                services: vec![s],
                load_balancers: lb.into_iter().collect(),
            };
        }
        if let Some(lb) = spec.load_balancer(c) {
            let name = c.trim_start_matches("load_balancers.");
            let services = spec
                .services
                .values()
                .filter(|s| {
                    s.load_balancer
                        .as_ref()
                        .is_some_and(|l| l.get_ref() == name)
                })
                .collect();
            return Scope {
                services,
                load_balancers: vec![lb],
            };
        }
        all()
    }

    pub(super) fn ports(&self) -> Vec<u16> {
        let mut p: Vec<u16> = self
            .services
            .iter()
            .flat_map(|s| s.ports.iter().copied())
            .collect();
        for lb in &self.load_balancers {
            p.extend(
                lb.https
                    .iter()
                    .map(|h| h.port)
                    .chain(lb.http.iter().map(|h| h.port)),
            );
        }
        p.sort_unstable();
        p.dedup();
        p
    }

    pub(super) fn sources(&self) -> impl Iterator<Item = &'a str> + '_ {
        let lbs = self.load_balancers.iter().flat_map(|lb| &lb.ingress_cidrs);
        let services = self.services.iter().flat_map(|s| &s.reachable_from_cidrs);
        lbs.chain(services).map(|c| c.get_ref().as_str())
    }

    pub(super) fn alarms(&self) -> impl Iterator<Item = &'a AlarmSpec> + '_ {
        self.services.iter().flat_map(|s| &s.alarms)
    }

    /// The fewest tasks the services in scope may want (none documented: `None`).
    pub(super) fn min_tasks(&self) -> Option<i64> {
        self.services
            .iter()
            .filter_map(|s| s.min_desired_count)
            .min()
            .map(i64::from)
    }

    /// The most tasks they may want: their documented maximum, else ECS's limit.
    pub(super) fn max_tasks(&self) -> i64 {
        self.services
            .iter()
            .map(|s| {
                s.max_desired_count.as_ref().map_or(MAX_TASKS, |m| {
                    i32::try_from(*m.get_ref()).unwrap_or(MAX_TASKS)
                })
            })
            .max()
            .map_or(i64::from(MAX_TASKS), i64::from)
    }
}
