package archaudit.database.database_placement_test

import data.archaudit.database.database_placement as policy
import data.archaudit.lib.testing as t

test_private_subnets_pass if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_a_subnet_group_reaching_public_subnets_is_found if {
	group := object.union(t.db_subnet_group, {"subnets": [t.subnet("10.0.1.0/24").id, t.subnet("10.0.2.0/24").id]})
	findings := policy.deny with input as object.union(t.db_ref, {"aws": {"rds": {"db_subnet_groups": [group]}}})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.attribute == "subnet_group"
	contains(f.manual, "create-db-subnet-group")
}

test_another_vpc_is_found if {
	group := object.union(t.db_subnet_group, {"vpc_id": "vpc-other"})
	findings := policy.deny with input as object.union(t.db_ref, {"aws": {"rds": {"db_subnet_groups": [group]}}})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.attribute == "network"
}

test_undocumented_tier_is_not_judged if {
	group := object.union(t.db_subnet_group, {"subnets": [t.subnet("10.0.1.0/24").id]})
	count(policy.deny) == 0 with input as object.union(t.db_ref, {"aws": {"rds": {"db_subnet_groups": [group]}}})
		with data.archaudit.architecture as t.db_spec_without(["tier"])
}

# An unread subnet group: neither "another VPC" nor "outside the tier" is concluded.
test_an_unread_subnet_group_concludes_nothing if {
	inp := object.union(t.db_ref, {
		"aws": {"rds": {"db_subnet_groups": []}},
		"gaps": [{"kind": "rds.db_subnet_groups"}],
	})
	count(policy.deny) == 0 with input as inp
		with data.archaudit.architecture as t.db_arch
}
