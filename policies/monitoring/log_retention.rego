# METADATA
# title: Log groups keep events for the documented period, and the application's log group exists
# description: |
#   Logs that never expire grow cost without bound; logs kept too briefly are gone when an
#   incident needs them. The task definition's log group must exist or logging fails.
# custom:
#   id: AA-MON-002
#   severity: medium
#   resource_type: aws.logs.log_group
#   component: services
#   expectation: [logs.min_retention_days, logs.max_retention_days]
#   anchors: [ecs_service]
#   requires: [logs.log_groups, ecs.task_definitions]
#   remediation:
#     summary: Set the log group's retention within the documented bounds.
#     cli: aws logs put-retention-policy --log-group-name <name> --retention-in-days 30
#     fix: logs.put_retention
package archaudit.monitoring.log_retention

import data.archaudit.lib.arch
import data.archaudit.lib.result

bounds := sprintf("%d..%d days", [arch.spec.logs.min_retention_days, arch.spec.logs.max_retention_days])

# The retention values CloudWatch Logs accepts. A fix never deletes what the architecture
# does not ask to delete: a group that keeps too much (forever, or past the upper bound) gets
# the longest retention within the bounds; one that keeps too little gets the shortest
# within them (it only keeps more).
allowed_days := [
	1,
	3,
	5,
	7,
	14,
	30,
	60,
	90,
	120,
	150,
	180,
	365,
	400,
	545,
	731,
	1096,
	1827,
	2192,
	2557,
	2922,
	3288,
	3653
]

within_bounds := [d |
	some d in allowed_days
	d >= arch.spec.logs.min_retention_days
	d <= arch.spec.logs.max_retention_days
]

longest := max(within_bounds)

shortest := min(within_bounds)

put_retention(name, days) := sprintf(
	"aws logs put-retention-policy --log-group-name %s --retention-in-days %d",
	[name, days]
)

deny contains arch.with_services(
	result.with_details(
		result.fixed(msg, g.arn, "retention_in_days", bounds, "never expire", put_retention(g.id, longest)),
		{"retention_in_days": longest}
	),
	object.get(arch.log_group_components, g.id, set())
) if {
	some g in input.aws.logs.log_groups
	not g.retention_in_days
	not "retention_in_days" in object.get(g, "unknown", [])
	msg := sprintf("Log group %s keeps events forever.", [g.id])
}

deny contains arch.with_services(
	result.with_details(
		result.fixed(msg, g.arn, "retention_in_days", bounds, g.retention_in_days, put_retention(g.id, days)),
		{"retention_in_days": days}
	),
	object.get(arch.log_group_components, g.id, set())
) if {
	some g in input.aws.logs.log_groups
	some days in [toward_bounds(g.retention_in_days)]
	msg := sprintf("Log group %s keeps events %d days, outside %s.", [g.id, g.retention_in_days, bounds])
}

# The retention a group outside the bounds is fixed to: kept too briefly, the shortest within
# them; kept too long, the longest.
toward_bounds(days) := shortest if days < arch.spec.logs.min_retention_days

toward_bounds(days) := longest if days > arch.spec.logs.max_retention_days

group_names := {g.id | some g in input.aws.logs.log_groups}

deny contains result.in_component(arch.services_component(arch.td_components[td.arn]), result.fixed(
	msg,
	td.arn,
	sprintf("log_group:%s", [name]),
	name,
	null,
	result.steps([sprintf("aws logs create-log-group --log-group-name %s", [name]), put_retention(name, longest)])
)) if {
	arch.complete("logs.log_groups")
	some td in arch.task_definitions
	some c in td.containers
	c.log_configuration.driver == "awslogs"
	name := c.log_configuration.options["awslogs-group"]
	not name in group_names
	msg := sprintf("Task definition %s logs to %s, which does not exist.", [td.id, name])
}
