package archaudit.network.nat_per_az_test

import data.archaudit.lib.testing as t
import data.archaudit.network.nat_per_az as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_nat_is_found if {
	findings := policy.deny with input as t.without("ec2", "nat_gateways", "subnet_id", t.subnet("10.0.2.0/24").id)
	count(findings) == 1
	some f in findings
	f.arn == t.subnet("10.0.2.0/24").arn
}

test_failed_nat_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"ec2",
		"nat_gateways",
		"subnet_id",
		t.subnet("10.0.1.0/24").id,
		{"state": "failed"}
	)
}

test_unlisted_nats_are_not_missing if {
	inp := object.union(
		t.without("ec2", "nat_gateways", "subnet_id", t.subnet("10.0.2.0/24").id),
		{"gaps": [{"kind": "ec2.nat_gateways"}]}
	)
	count(policy.deny) == 0 with input as inp
}
