package archaudit.network.routes_test

import data.archaudit.lib.testing as t
import data.archaudit.network.routes as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

private_rt := rt if {
	some rt in t.ref.aws.ec2.route_tables
	t.subnet("10.0.101.0/24").id in rt.associations
}

other_nat := n if {
	some n in t.ref.aws.ec2.nat_gateways
	n.subnet_id == t.subnet("10.0.2.0/24").id
}

igw := t.ref.aws.ec2.internet_gateways[0].id

test_route_to_igw_is_found if {
	routes := [{"destination": "0.0.0.0/0", "target": {"type": "internet_gateway", "id": igw}, "state": "active"}]
	findings := policy.deny with input as t.patched("ec2", "route_tables", "id", private_rt.id, {"routes": routes})
	count(findings) == 1
	some f in findings
	f.actual == igw
}

test_cross_az_nat_is_found if {
	routes := [{"destination": "0.0.0.0/0", "target": {"type": "nat_gateway", "id": other_nat.id}, "state": "active"}]
	findings := policy.deny with input as t.patched("ec2", "route_tables", "id", private_rt.id, {"routes": routes})
	count(findings) == 1
	some f in findings
	f.actual == "us-east-1b"
}

test_missing_default_route_is_found if {
	routes := [{"destination": "10.0.0.0/16", "target": {"type": "local"}, "state": "active"}]
	count(policy.deny) == 1 with input as t.patched("ec2", "route_tables", "id", private_rt.id, {"routes": routes})
}

test_deleted_nat_is_found if {
	count(policy.deny) == 1 with input as t.without("ec2", "nat_gateways", "subnet_id", t.subnet("10.0.1.0/24").id)
}
