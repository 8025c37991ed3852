package archaudit.network.subnets_documented_test

import data.archaudit.lib.testing as t
import data.archaudit.network.subnets_documented as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_subnet_is_found if {
	findings := policy.deny with input as t.without("ec2", "subnets", "cidr_block", "10.0.102.0/24")
	count(findings) == 1
	some f in findings
	f.expected.cidr == "10.0.102.0/24"
	f.expected.az == "us-east-1b"
}

test_wrong_az_is_found if {
	findings := policy.deny with input as t.patched(
		"ec2",
		"subnets",
		"cidr_block",
		"10.0.101.0/24",
		{"availability_zone": "us-east-1c"}
	)
	count(findings) == 1
	some f in findings
	f.actual == "us-east-1c"
}

test_incomplete_subnet_list_is_not_evidence if {
	inp := object.union(t.without("ec2", "subnets", "cidr_block", "10.0.102.0/24"), {"gaps": [{"kind": "ec2.subnets"}]})
	count(policy.deny) == 0 with input as inp
}
