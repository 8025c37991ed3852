# METADATA
# title: The service scales on CPU and memory
# description: |
#   Target-tracking policies on CPU and memory add tasks under load and replace capacity; a
#   service without them runs at a fixed size.
# custom:
#   id: AA-ECS-005
#   severity: medium
#   resource_type: aws.ecs.service
#   component: services
#   expectation: [services.*.autoscaling_metrics]
#   anchors: [ecs_service]
#   requires: [ecs.services, autoscaling.targets, autoscaling.policies]
#   remediation:
#     summary: Register the service as a scalable target and add target-tracking policies on the documented metrics.
#     cli: >
#       aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id
#       service/<cluster>/<service> --scalable-dimension ecs:service:DesiredCount --min-capacity 2 --max-capacity 6
#
#       aws application-autoscaling put-scaling-policy --service-namespace ecs --resource-id service/<cluster>/<service>
#       --scalable-dimension ecs:service:DesiredCount --policy-name ECSServiceAverageCPUUtilization-target-tracking
#       --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration
#       '{"TargetValue":70,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"}}'
#     fix: autoscaling.restore_scaling
package archaudit.ecs.autoscaling

import data.archaudit.lib.arch
import data.archaudit.lib.result

resource_id(s) := sprintf("service/%s/%s", [arch.cluster_name(s), s.id])

targets := {t.resource_id | some t in input.aws.autoscaling.targets; t.scalable_dimension == "ecs:service:DesiredCount"}

# (resource id, metric) pairs with a target-tracking policy: a set, so lookups stay linear.
tracked := {sprintf("%s|%s", [p.resource_id, p.predefined_metric]) |
	some p in input.aws.autoscaling.policies
	p.policy_type == "TargetTrackingScaling"
}

min_capacity(s) := object.get(arch.service_spec(s), "min_desired_count", 1)

max_capacity(s) := arch.service_spec(s).max_desired_count

max_capacity(s) := max([6, 3 * min_capacity(s)]) if not arch.service_spec(s).max_desired_count

metrics(s) := arch.service_spec(s).autoscaling_metrics

register(s) := sprintf(
	concat(" ", [
		"aws application-autoscaling register-scalable-target",
		"--service-namespace ecs --resource-id %s --scalable-dimension",
		"ecs:service:DesiredCount --min-capacity %d --max-capacity %d"
	]),
	[resource_id(s), min_capacity(s), max_capacity(s)]
)

# Target tracking at 70 % of the metric.
put_policy(s, metric) := sprintf(
	concat(" ", [
		"aws application-autoscaling put-scaling-policy --service-namespace ecs",
		"--resource-id %s --scalable-dimension ecs:service:DesiredCount",
		"--policy-name %s-target-tracking --policy-type TargetTrackingScaling",
		"--target-tracking-scaling-policy-configuration",
		"'{\"TargetValue\":70,\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":\"%s\"}}'"
	]),
	[resource_id(s), metric, metric]
)

# The parameters of the fix, for `archaudit fix`.
scaling(s, register, metrics) := {
	"resource_id": resource_id(s),
	"register": register,
	"min_capacity": min_capacity(s),
	"max_capacity": max_capacity(s),
	"metrics": metrics,
	"target_value": 70
}

deny contains result.in_component(arch.service_of(s), result.with_details(
	result.fixed(msg, s.arn, "scalable_target", resource_id(s), null, cmd),
	{"scaling": scaling(s, true, metrics(s))}
)) if {
	arch.complete("autoscaling.targets")
	some s in arch.services
	count(metrics(s)) > 0
	not resource_id(s) in targets
	cmd := result.steps(array.concat([register(s)], [put_policy(s, m) | some m in metrics(s)]))
	msg := sprintf("Service %s is not registered for auto scaling.", [s.id])
}

deny contains result.in_component(arch.service_of(s), result.with_details(
	result.fixed(msg, s.arn, sprintf("scaling_policy:%s", [m]), m, null, put_policy(s, m)),
	{"scaling": scaling(s, false, [m])}
)) if {
	arch.complete("autoscaling.policies")
	some s in arch.services
	resource_id(s) in targets
	some m in metrics(s)
	not sprintf("%s|%s", [resource_id(s), m]) in tracked
	msg := sprintf("Service %s has no target-tracking policy on %s.", [s.id, m])
}
