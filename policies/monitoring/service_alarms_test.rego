package archaudit.monitoring.service_alarms_test

import data.archaudit.lib.testing as t
import data.archaudit.monitoring.service_alarms as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_memory_alarm_is_found if {
	findings := policy.deny with input as t.without("cloudwatch", "alarms", "id", "archaudit-app-memory-high")
	count(findings) == 1
}

test_alarm_without_actions_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"cloudwatch",
		"alarms",
		"id",
		"archaudit-app-cpu-high",
		{"actions_enabled": false}
	)
}

test_threshold_out_of_range_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"cloudwatch",
		"alarms",
		"id",
		"archaudit-app-cpu-high",
		{"threshold": 99.0}
	)
}
