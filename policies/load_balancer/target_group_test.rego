package archaudit.load_balancer.target_group_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.target_group as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

tg := t.ref.aws.elbv2.target_groups[0]

# ECS registers the tasks with their container port: a target group a service registers with
# sends traffic there, whatever its own port (service_behind_alb judges the registration).
test_registered_target_group_port_is_not_where_traffic_goes if count(policy.deny) == 0 with input as t.patched(
	"elbv2",
	"target_groups",
	"arn",
	tg.arn,
	{"port": 80}
)

# A target group nothing registers with sends traffic to its own port.
test_wrong_port_of_an_unregistered_target_group_is_found if {
	inp := t.patched("elbv2", "target_groups", "arn", tg.arn, {"port": 8080})
	findings := policy.deny with input as object.union(inp, {"aws": {"ecs": {"services": []}}})
	count(findings) == 1
	some f in findings
	f.expected == 3000
}

test_disabled_health_check_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"elbv2",
		"target_groups",
		"arn",
		tg.arn,
		{"health_check": {"enabled": false}}
	)
}

# Services that could not be listed: whether anything registers with the group is unknown, so
# its port is not judged (the engine reports the rule not evaluated).
test_unlisted_services_leave_the_port_unjudged if {
	inp := t.patched("elbv2", "target_groups", "arn", tg.arn, {"port": 8080})
	unread := object.union(inp, {"aws": {"ecs": {"services": []}}, "gaps": [{"kind": "ecs.services"}]})
	count(policy.deny) == 0 with input as unread
}
