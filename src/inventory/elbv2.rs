//! Elastic Load Balancing v2: load balancers, listeners, listener rules, target groups.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ResourceMeta;

/// Load balancing in every collected region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Elbv2 {
    /// Load balancers (application, network, gateway).
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    /// Listeners of every load balancer.
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// Non-default listener rules.
    #[serde(default)]
    pub listener_rules: Vec<ListenerRule>,
    /// Target groups.
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
}

super::registry::service!(
    Elbv2,
    "elbv2",
    regional,
    [
        load_balancers => super::Terraform::declared(&["aws_lb", "aws_alb"], &["arn", "name"]),
        listeners => super::Terraform::declared(&["aws_lb_listener", "aws_alb_listener"], &["arn"]),
        listener_rules => super::Terraform::declared(&["aws_lb_listener_rule", "aws_alb_listener_rule"], &["arn"]),
        target_groups => super::Terraform::declared(&["aws_lb_target_group", "aws_alb_target_group"], &["arn", "name"]),
    ],
    []
);

/// A load balancer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoadBalancer {
    /// Common resource fields (`id` is the load balancer's name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "type")]
    pub lb_type: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// The VPC.
    pub vpc_id: String,
    /// DNS name.
    pub dns_name: String,
    /// `ipv4` or `dualstack`.
    pub ip_address_type: String,
    /// `active`, `provisioning`, `failed`, …
    pub state: String,
    /// Subnets it has nodes in, sorted.
    pub subnets: Vec<String>,
    /// Availability zones it has nodes in, sorted.
    pub availability_zones: Vec<String>,
    /// Security groups, sorted (network load balancers may have none).
    pub security_groups: Vec<String>,
}

/// A listener.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Listener {
    /// Common resource fields (`id` is the listener ARN's last segment).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The load balancer's ARN.
    pub load_balancer_arn: String,
    /// Port.
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    /// TLS security policy (only for HTTPS and TLS listeners).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// Certificate ARNs (default certificate first).
    pub certificates: Vec<String>,
    /// Default actions in evaluation order.
    pub default_actions: Vec<Action>,
}

/// A listener rule (default rules are represented by the listener's `default_actions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListenerRule {
    /// Common resource fields.
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The listener's ARN.
    pub listener_arn: String,
    /// Priority (as a string, as AWS reports it).
    pub priority: String,
    /// Conditions as `field: values` strings (`path-pattern: /api/*`).
    pub conditions: Vec<String>,
    /// Actions in evaluation order.
    pub actions: Vec<Action>,
}

/// A listener or rule action, typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, `authenticate-cognito`.
    #[serde(rename = "type")]
    pub action_type: String,
    /// Order, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i32>,
    /// For `forward`: target group ARNs (sorted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_groups: Vec<String>,
    /// For `redirect`: where to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    /// For `fixed-response`: the status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_response_status: Option<String>,
}

/// A redirect action's target. `#{protocol}`-style placeholders are kept as AWS reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    /// `HTTP`, `HTTPS` or `#{protocol}`.
    pub protocol: String,
    /// Port or `#{port}`.
    pub port: String,
    /// Host or `#{host}`.
    pub host: String,
    /// Path or `/#{path}`.
    pub path: String,
    /// Query or `#{query}`.
    pub query: String,
    /// `HTTP_301` or `HTTP_302`.
    pub status_code: String,
}

/// A target group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TargetGroup {
    /// Common resource fields (`id` is the target group's name).
    #[serde(flatten)]
    pub meta: ResourceMeta,
    /// The VPC (absent for Lambda targets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Target port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Target protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `instance`, `ip`, `lambda` or `alb`.
    pub target_type: String,
    /// Load balancers that route to it, sorted.
    pub load_balancer_arns: Vec<String>,
    /// Health check settings.
    pub health_check: HealthCheck,
}

/// A target group's health check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// Whether health checks are enabled.
    pub enabled: bool,
    /// Protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Port (`traffic-port` or a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// HTTP path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Seconds between checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_seconds: Option<i32>,
    /// Seconds before a check times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Consecutive successes before healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthy_threshold: Option<i32>,
    /// Consecutive failures before unhealthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_threshold: Option<i32>,
    /// Expected HTTP codes (`200`, `200-299`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matcher: Option<String>,
}

impl Redirect {
    /// A redirect in its one form: a part AWS (or Terraform) leaves unset keeps the request's
    /// own value, written as the placeholder AWS uses for it (`#{host}`).
    pub fn normalized(
        protocol: Option<&str>,
        port: Option<&str>,
        host: Option<&str>,
        path: Option<&str>,
        query: Option<&str>,
        status_code: &str,
    ) -> Redirect {
        let or = |v: Option<&str>, default: &str| {
            v.filter(|v| !v.is_empty()).unwrap_or(default).to_owned()
        };
        Redirect {
            protocol: or(protocol, "#{protocol}"),
            port: or(port, "#{port}"),
            host: or(host, "#{host}"),
            path: or(path, "/#{path}"),
            query: or(query, "#{query}"),
            status_code: status_code.to_owned(),
        }
    }
}

impl Action {
    /// An action in its one form: target groups sorted and deduplicated (the single target
    /// group and the forward configuration usually name the same group twice).
    pub fn normalized(
        action_type: &str,
        order: Option<i32>,
        mut target_groups: Vec<String>,
        redirect: Option<Redirect>,
        fixed_response_status: Option<String>,
    ) -> Action {
        target_groups.retain(|g| !g.is_empty());
        target_groups.sort_unstable();
        target_groups.dedup();
        Action {
            action_type: action_type.to_owned(),
            order,
            target_groups,
            redirect,
            fixed_response_status: fixed_response_status.filter(|s| !s.is_empty()),
        }
    }
}

/// Actions in evaluation order (by `order`, unordered last).
pub fn sort_actions(actions: &mut [Action]) {
    actions.sort_by_key(|a| a.order.unwrap_or(i32::MAX));
}
