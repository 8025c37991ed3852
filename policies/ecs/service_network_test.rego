package archaudit.ecs.service_network_test

import data.archaudit.ecs.service_network as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

svc := t.ref.aws.ecs.services[0]

test_public_ip_is_found if {
	net := object.union(svc.network, {"assign_public_ip": true})
	count(policy.deny) == 1 with input as t.patched("ecs", "services", "arn", svc.arn, {"network": net})
}

test_public_subnet_is_found if {
	net := object.union(svc.network, {"subnets": [t.subnet("10.0.1.0/24").id, t.subnet("10.0.101.0/24").id]})
	findings := policy.deny with input as t.patched("ecs", "services", "arn", svc.arn, {"network": net})
	count(findings) == 1
}

test_single_az_is_found if {
	net := object.union(svc.network, {"subnets": [t.subnet("10.0.101.0/24").id]})
	count(policy.deny) == 1 with input as t.patched("ecs", "services", "arn", svc.arn, {"network": net})
}

# An undocumented service in the architecture's cluster, behind no load balancer, with public
# IPs in the public subnets: two findings on it, none on the documented service.
test_undocumented_service_in_the_cluster_is_checked if {
	extra := object.union(svc, {
		"arn": "arn:aws:ecs:us-east-1:123456789012:service/archaudit/debug",
		"id": "debug", "load_balancers": [],
		"network": object.union(
			svc.network,
			{"assign_public_ip": true, "subnets": [t.subnet("10.0.1.0/24").id, t.subnet("10.0.2.0/24").id]}
		),
	})
	findings := policy.deny with input as t.added("ecs", "services", extra)
	count(findings) == 2
	every f in findings { f.arn == extra.arn }
}

# A service in another cluster but in the architecture VPC's subnets is in scope too.
test_service_in_the_vpc_is_checked if {
	extra := object.union(svc, {
		"arn": "arn:aws:ecs:us-east-1:123456789012:service/other/worker",
		"id": "worker", "load_balancers": [],
		"cluster_arn": "arn:aws:ecs:us-east-1:123456789012:cluster/other",
		"network": object.union(svc.network, {"assign_public_ip": true}),
	})
	count(policy.deny) == 1 with input as t.added("ecs", "services", extra)
}
