package archaudit.lib.anchors_test

import data.archaudit.lib.anchors
import data.archaudit.lib.testing as t

ref := t.ref

test_reference_has_every_anchor if {
	count(anchors.missing) == 0 with input as ref
}

test_missing_vpc_blocks_what_hangs_on_it if {
	inv := t.emptied("ec2", "vpcs")
	m := anchors.missing with input as inv
	startswith(m.vpc, "documented VPC 10.0.0.0/16 not found")
	contains(m.load_balancer, "the documented VPC was not found")
	contains(m.ecs_service, "the documented load balancer was not found")
}

test_missing_state_bucket if {
	inv := t.emptied("s3", "buckets")
	m := anchors.missing with input as inv
	m.state_bucket
	not m.vpc
}

test_missing_deploy_role if {
	inv := t.emptied("iam", "roles")
	m := anchors.missing with input as inv
	m.deploy_role
}
