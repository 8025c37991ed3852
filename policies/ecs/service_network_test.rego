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
