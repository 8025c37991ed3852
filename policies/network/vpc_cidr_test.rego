package archaudit.network.vpc_cidr_test

import data.archaudit.lib.testing as t
import data.archaudit.network.vpc_cidr as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_vpc_is_found if {
	findings := policy.deny with input as t.patched(
		"ec2",
		"vpcs",
		"cidr_block",
		"10.0.0.0/16",
		{"cidr_block": "10.9.0.0/16"}
	)
	count(findings) == 1
	some f in findings
	f.expected == "10.0.0.0/16"
	"10.9.0.0/16" in f.actual
}

test_unlisted_vpcs_are_not_missing if {
	inp := object.union(t.without("ec2", "vpcs", "cidr_block", "10.0.0.0/16"), {"gaps": [{"kind": "ec2.vpcs"}]})
	count(policy.deny) == 0 with input as inp
}
