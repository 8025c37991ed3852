package archaudit.load_balancer.target_group_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.target_group as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

tg := t.ref.aws.elbv2.target_groups[0]

test_wrong_port_is_found if count(policy.deny) == 1 with input as t.patched(
	"elbv2",
	"target_groups",
	"arn",
	tg.arn,
	{"port": 8080}
)

test_disabled_health_check_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"elbv2",
		"target_groups",
		"arn",
		tg.arn,
		{"health_check": {"enabled": false}}
	)
}
