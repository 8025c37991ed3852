package archaudit.network.no_unassociated_eips_test

import data.archaudit.lib.testing as t
import data.archaudit.network.no_unassociated_eips as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_idle_eip_is_found if {
	eip := {
		"arn": "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1",
		"id": "eipalloc-1",
		"public_ip": "203.0.113.7",
		"associated": false
	}
	count(policy.deny) == 1 with input as t.added("ec2", "elastic_ips", eip)
}
