package archaudit.network.public_route_test

import data.archaudit.lib.testing as t
import data.archaudit.network.public_route as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

public_rt := rt if {
	some rt in t.ref.aws.ec2.route_tables
	t.subnet("10.0.1.0/24").id in rt.associations
}

test_missing_igw_route_is_found if {
	routes := [{"destination": "10.0.0.0/16", "target": {"type": "local"}, "state": "active"}]
	count(policy.deny) == 2 with input as t.patched("ec2", "route_tables", "id", public_rt.id, {"routes": routes})
}

test_detached_igw_is_found if {
	count(policy.deny) == 2 with input as t.patched("ec2", "internet_gateways", "id", t.ref.aws.ec2.internet_gateways[0].id, {"attached_vpcs": []})
}
