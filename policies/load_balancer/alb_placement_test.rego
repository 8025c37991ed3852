package archaudit.load_balancer.alb_placement_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.alb_placement as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

lb := t.ref.aws.elbv2.load_balancers[0]

test_missing_alb_is_found if count(policy.deny) == 1 with input as t.without("elbv2", "load_balancers", "arn", lb.arn)

test_private_subnet_placement_is_found if {
	subnets := [t.subnet("10.0.101.0/24").id, t.subnet("10.0.102.0/24").id]
	count(policy.deny) == 1 with input as t.patched("elbv2", "load_balancers", "arn", lb.arn, {"subnets": subnets})
}

test_unlisted_albs_are_not_missing if {
	inp := object.union(
		t.without("elbv2", "load_balancers", "arn", lb.arn),
		{"gaps": [{"kind": "elbv2.load_balancers"}]}
	)
	count(policy.deny) == 0 with input as inp
}
