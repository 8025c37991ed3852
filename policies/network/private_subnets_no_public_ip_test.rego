package archaudit.network.private_subnets_no_public_ip_test

import data.archaudit.lib.testing as t
import data.archaudit.network.private_subnets_no_public_ip as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_public_ip_on_private_subnet_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"ec2",
		"subnets",
		"cidr_block",
		"10.0.101.0/24",
		{"map_public_ip_on_launch": true}
	)
}

test_public_subnets_may_assign if {
	count(policy.deny) == 0 with input as t.patched(
		"ec2",
		"subnets",
		"cidr_block",
		"10.0.1.0/24",
		{"map_public_ip_on_launch": true}
	)
}

test_unknown_attribute_gives_no_finding if {
	count(policy.deny) == 0 with input as t.unknown(
		"ec2",
		"subnets",
		"cidr_block",
		"10.0.101.0/24",
		"map_public_ip_on_launch"
	)
}
