package archaudit.ecs.service_behind_alb_test

import data.archaudit.ecs.service_behind_alb as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

svc := t.ref.aws.ecs.services[0]

test_detached_service_is_found if count(policy.deny) == 1 with input as t.patched(
	"ecs",
	"services",
	"arn",
	svc.arn,
	{"load_balancers": []}
)

test_wrong_container_port_is_found if {
	lbs := [object.union(b, {"container_port": 8080}) | some b in svc.load_balancers]
	count(policy.deny) == 1 with input as t.patched("ecs", "services", "arn", svc.arn, {"load_balancers": lbs})
}
