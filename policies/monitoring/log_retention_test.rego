package archaudit.monitoring.log_retention_test

import data.archaudit.lib.testing as t
import data.archaudit.monitoring.log_retention as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

group := "/ecs/archaudit-app"

# A group that never expires is fixed to the longest documented retention: the fix deletes
# nothing younger than the architecture allows.
test_no_retention_is_found_and_fixed_to_the_longest_documented if {
	g := object.remove(t.ref.aws.logs.log_groups[0], ["retention_in_days"])
	findings := policy.deny with input as object.union(t.ref, {"aws": {"logs": {"log_groups": [g]}}})
	count(findings) == 1
	some f in findings
	f.actual == "never expire"
	f.details.retention_in_days == 3653
}

# Too short: raised to the shortest documented retention (it only keeps more).
test_too_short_is_found_and_raised_to_the_shortest_documented if {
	findings := policy.deny with input as t.patched("logs", "log_groups", "id", group, {"retention_in_days": 1})
	count(findings) == 1
	some f in findings
	f.details.retention_in_days == 7
}

# Too long (past the upper bound): lowered to the longest documented retention.
test_too_long_is_lowered_to_the_longest_documented if {
	findings := policy.deny with input as t.patched("logs", "log_groups", "id", group, {"retention_in_days": 5000})
	count(findings) == 1
	some f in findings
	f.details.retention_in_days == 3653
}

test_missing_log_group_is_found if count(policy.deny) == 1 with input as t.without("logs", "log_groups", "id", group)

test_unknown_retention_gives_no_finding if count(policy.deny) == 0 with input as t.unknown(
	"logs",
	"log_groups",
	"id",
	group,
	"retention_in_days"
)
