//! CloudWatch metric alarms.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// CloudWatch in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudWatch {
    /// Metric alarms (composite alarms are not collected). Tags are not collected.
    #[serde(default)]
    pub alarms: Vec<Alarm>,
}

super::registry::service!(
    CloudWatch,
    "cloudwatch",
    regional,
    [alarms => super::Terraform::declared(&["aws_cloudwatch_metric_alarm"], &["alarm_name", "arn"])],
    []
);

/// A metric alarm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Alarm {
    /// Common resource fields (`id` is the alarm name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Metric namespace (`AWS/ECS`); absent for metric-math alarms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Metric name (`CPUUtilization`); absent for metric-math alarms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// Dimensions (`ClusterName`, `ServiceName`).
    pub dimensions: super::SortedMap<String, String>,
    /// Statistic (`Average`, `Maximum`, …) or extended statistic (`p99`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// `GreaterThanThreshold`, `GreaterThanOrEqualToThreshold`, …
    pub comparison_operator: String,
    /// Threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Period in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
    /// Evaluation periods.
    pub evaluation_periods: i32,
    /// Whether actions are enabled.
    pub actions_enabled: bool,
    /// Actions on ALARM, sorted.
    pub alarm_actions: Vec<String>,
    /// Actions on OK, sorted.
    pub ok_actions: Vec<String>,
    /// Actions on INSUFFICIENT_DATA, sorted.
    pub insufficient_data_actions: Vec<String>,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub state: String,
}
