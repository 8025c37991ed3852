package archaudit.database.database_public_test

import data.archaudit.database.database_public as policy
import data.archaudit.lib.testing as t

test_a_private_database_passes if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_a_public_database_is_found_on_its_component if {
	findings := policy.deny with input as t.with_db({"publicly_accessible": true})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.component == "databases.main"
	contains(f.cli, "--no-publicly-accessible")
}

test_undocumented_accessibility_is_not_judged if {
	count(policy.deny) == 0 with input as t.with_db({"publicly_accessible": true})
		with data.archaudit.architecture as t.db_spec_without(["publicly_accessible"])
}

# Unread: the attribute is absent (and a gap names it): no finding is concluded.
test_unknown_accessibility_concludes_nothing if {
	count(policy.deny) == 0 with input as t.db_unread("publicly_accessible")
		with data.archaudit.architecture as t.db_arch
}

# A cluster is public when one member instance is.
test_a_cluster_with_a_public_member_is_found if {
	member := object.union(t.db_instance, {
		"cluster": "orders", "publicly_accessible": true,
		"id": "orders-1", "arn": "arn:aws:rds:us-east-1:123456789012:db:orders-1",
	})
	cluster := {
		"arn": "arn:aws:rds:us-east-1:123456789012:cluster:orders", "id": "orders", "region": "us-east-1",
		"account_id": "123456789012", "engine": "postgres", "status": "available", "members": ["orders-1"],
		"storage_encrypted": true, "backup_retention_period": 7, "deletion_protection": true, "port": 5432,
		"subnet_group": "archaudit-db", "security_groups": ["sg-0db"], "master_user_secret": "arn:x",
	}
	inp := object.union(t.db_ref, {"aws": {"rds": {"db_instances": [member], "db_clusters": [cluster]}}})
	findings := policy.deny with input as inp
		with data.archaudit.architecture as t.db_spec_with({"identifier": "orders"})
	count(findings) == 1
	some f in findings
	f.arn == cluster.arn
	contains(f.cli, "orders-1")
}
