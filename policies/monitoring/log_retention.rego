# METADATA
# title: Log groups keep events for the documented period, and the application's log group exists
# description: |
#   Logs that never expire grow cost without bound; logs kept too briefly are gone when an
#   incident needs them. The task definition's log group must exist or logging fails.
# custom:
#   id: AA-MON-002
#   severity: medium
#   resource_type: aws.logs.log_group
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

deny contains result.new(msg, g.arn, "retention_in_days", bounds, "never expire") if {
	some g in input.aws.logs.log_groups
	not g.retention_in_days
	not "retention_in_days" in object.get(g, "unknown", [])
	msg := sprintf("Log group %s keeps events forever.", [g.id])
}

deny contains result.new(msg, g.arn, "retention_in_days", bounds, g.retention_in_days) if {
	some g in input.aws.logs.log_groups
	out_of_bounds(g.retention_in_days)
	msg := sprintf("Log group %s keeps events %d days, outside %s.", [g.id, g.retention_in_days, bounds])
}

out_of_bounds(days) if days < arch.spec.logs.min_retention_days

out_of_bounds(days) if days > arch.spec.logs.max_retention_days

group_names := {g.id | some g in input.aws.logs.log_groups}

deny contains result.new(msg, td.arn, "log_group", name, null) if {
	arch.complete("logs.log_groups")
	some td in arch.task_definitions
	some c in td.containers
	c.log_configuration.driver == "awslogs"
	name := c.log_configuration.options["awslogs-group"]
	not name in group_names
	msg := sprintf("Task definition %s logs to %s, which does not exist.", [td.id, name])
}
