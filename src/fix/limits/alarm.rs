//! An alarm the fix would put: a documented alarm of the component, within CloudWatch's limits.

use super::scope::Scope;
use super::shapes::{arn, cluster_and_service, fail, shown, within, Check};

pub(super) fn alarm(a: &crate::fix::action::Alarm, scope: &Scope<'_>) -> Check {
    if a.name.is_empty() || a.name.len() > 255 || a.name.chars().any(char::is_control) {
        return fail(format!("alarm name `{}` is not valid", shown(&a.name)));
    }
    cluster_and_service(&a.cluster, &a.service)?;
    let Some(doc) = scope
        .alarms()
        .find(|d| d.namespace == a.namespace && d.metric == a.metric)
    else {
        return fail(format!(
            "{} {} is not a documented alarm",
            shown(&a.namespace),
            shown(&a.metric)
        ));
    };
    if !doc.comparison.contains(&a.comparison) {
        return fail(format!(
            "comparison `{}` is not documented for {} (documented: {})",
            shown(&a.comparison),
            a.metric,
            doc.comparison.join(", ")
        ));
    }
    let max = *doc.threshold_max.get_ref();
    if !a.threshold.is_finite() || a.threshold < doc.threshold_min || a.threshold > max {
        return fail(format!(
            "threshold {} is outside the documented {}..={max}",
            a.threshold, doc.threshold_min
        ));
    }
    let stats = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
    if !stats.contains(&a.statistic.as_str()) {
        return fail(format!(
            "statistic `{}` is not a CloudWatch statistic",
            shown(&a.statistic)
        ));
    }
    if !([10, 20, 30].contains(&a.period) || (a.period >= 60 && a.period % 60 == 0)) {
        return fail(format!(
            "period {} s: CloudWatch takes 10, 20, 30 or a multiple of 60",
            a.period
        ));
    }
    within(
        "evaluation periods",
        i64::from(a.evaluation_periods),
        1,
        86_400,
        "at least one",
    )?;
    let total = i64::from(a.period) * i64::from(a.evaluation_periods);
    within(
        "period × evaluation periods",
        total,
        1,
        86_400,
        "at most a day",
    )?;
    if a.actions.is_empty() {
        return fail("the alarm notifies no one".to_owned());
    }
    for t in a.actions.iter().chain(&a.ok_actions) {
        arn("alarm action", t, "")?;
    }
    Ok(())
}
