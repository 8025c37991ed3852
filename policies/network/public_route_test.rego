package archaudit.network.public_route_test

import data.archaudit.lib.testing as t
import data.archaudit.network.public_route as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

public_rt := rt if {
	some rt in t.ref.aws.ec2.route_tables
	t.subnet("10.0.1.0/24").id in rt.associations
}

# Both public subnets share the table: one finding (one fingerprint, one command), naming both.
test_missing_igw_route_is_found_once_per_table if {
	routes := [{"destination": "10.0.0.0/16", "target": {"type": "local"}, "state": "active"}]
	findings := policy.deny with input as t.patched("ec2", "route_tables", "id", public_rt.id, {"routes": routes})
	count(findings) == 1
	some f in findings
	contains(f.msg, "10.0.1.0/24, 10.0.2.0/24")
	startswith(f.cli, "aws ec2 create-route ")
}

test_detached_igw_is_found if {
	findings := policy.deny with input as t.patched(
		"ec2",
		"internet_gateways",
		"id",
		t.ref.aws.ec2.internet_gateways[0].id,
		{"attached_vpcs": []}
	)
	count(findings) == 1
	some f in findings
	f.manual
}
