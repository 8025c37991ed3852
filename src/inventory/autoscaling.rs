//! Application Auto Scaling for ECS services.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// Application Auto Scaling (namespace `ecs`) in every collected region. Tags are not collected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScaling {
    /// Scalable targets.
    #[serde(default)]
    pub targets: Vec<ScalableTarget>,
    /// Scaling policies.
    #[serde(default)]
    pub policies: Vec<ScalingPolicy>,
}

super::registry::service!(
    AutoScaling,
    "autoscaling",
    regional,
    [
        targets => super::Terraform::declared(&["aws_appautoscaling_target"], &["resource_id", "id"]),
        policies => super::Terraform::declared(&["aws_appautoscaling_policy"], &["name", "arn"]),
    ],
    []
);

/// A scalable target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScalableTarget {
    /// Common resource fields (`id` is the resource id, `service/<cluster>/<service>`).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Service namespace (`ecs`).
    pub service_namespace: String,
    /// Resource id (`service/<cluster>/<service>`).
    pub resource_id: String,
    /// Scalable dimension (`ecs:service:DesiredCount`).
    pub scalable_dimension: String,
    /// Minimum capacity.
    pub min_capacity: i32,
    /// Maximum capacity.
    pub max_capacity: i32,
}

/// A scaling policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScalingPolicy {
    /// Common resource fields (`id` is the policy name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// Resource id of the target it scales.
    pub resource_id: String,
    /// Scalable dimension.
    pub scalable_dimension: String,
    /// `TargetTrackingScaling`, `StepScaling`, `PredictiveScaling`.
    pub policy_type: String,
    /// For target tracking: the predefined metric (`ECSServiceAverageCPUUtilization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predefined_metric: Option<String>,
    /// For target tracking with a customized metric: its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_metric: Option<String>,
    /// For target tracking: the target value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
}
