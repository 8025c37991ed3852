package archaudit.network.no_undocumented_subnets_test

import data.archaudit.lib.testing as t
import data.archaudit.network.no_undocumented_subnets as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_extra_subnet_is_found if {
	extra := object.union(
		t.subnet("10.0.1.0/24"),
		{
			"id": "subnet-extra",
			"arn": "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-extra",
			"cidr_block": "10.0.50.0/24"
		}
	)
	findings := policy.deny with input as t.added("ec2", "subnets", extra)
	count(findings) == 1
	some f in findings
	f.actual == "10.0.50.0/24"
}

test_overlap_with_documented_cidr_is_named if {
	extra := object.union(
		t.subnet("10.0.1.0/24"),
		{"id": "subnet-x", "arn": "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-x", "cidr_block": "10.0.0.0/20"}
	)
	findings := policy.deny with input as t.added("ec2", "subnets", extra)
	some f in findings
	contains(f.msg, "overlaps documented [\"10.0.1.0/24\", \"10.0.2.0/24\"]")
}
