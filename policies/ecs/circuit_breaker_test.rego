package archaudit.ecs.circuit_breaker_test

import data.archaudit.ecs.circuit_breaker as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

svc := t.ref.aws.ecs.services[0]

test_no_rollback_is_found if {
	dep := object.union(svc.deployment, {"circuit_breaker_rollback": false})
	count(policy.deny) == 1 with input as t.patched("ecs", "services", "arn", svc.arn, {"deployment": dep})
}
