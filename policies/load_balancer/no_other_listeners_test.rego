package archaudit.load_balancer.no_other_listeners_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.no_other_listeners as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_extra_listener_is_found if {
	extra := object.union(
		t.ref.aws.elbv2.listeners[0],
		{
			"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2",
			"port": 8080,
			"protocol": "HTTP"
		}
	)
	count(policy.deny) == 1 with input as t.added("elbv2", "listeners", extra)
}
