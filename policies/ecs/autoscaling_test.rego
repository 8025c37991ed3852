package archaudit.ecs.autoscaling_test

import data.archaudit.ecs.autoscaling as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_memory_policy_is_found if {
	findings := policy.deny with input as t.without(
		"autoscaling",
		"policies",
		"predefined_metric",
		"ECSServiceAverageMemoryUtilization"
	)
	count(findings) == 1
	some f in findings
	f.expected == "ECSServiceAverageMemoryUtilization"
}

test_missing_target_is_found if {
	count(policy.deny) == 1 with input as t.without(
		"autoscaling",
		"targets",
		"resource_id",
		"service/archaudit/archaudit-app"
	)
}
