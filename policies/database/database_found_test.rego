package archaudit.database.database_found_test

import data.archaudit.database.database_found as policy
import data.archaudit.lib.testing as t

test_a_found_database_passes if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_no_databases_documented_nothing_to_find if count(policy.deny) == 0 with input as t.ref

test_a_missing_database_is_found_on_its_component if {
	findings := policy.deny with input as t.with_db({"id": "other-db"}) with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.component == "databases.main"
}

# Unpinned: the one database of its engine in its network.
test_an_unpinned_database_is_found_by_network_and_engine if {
	count(policy.deny) == 0 with input as t.with_db({"id": "whatever"})
		with data.archaudit.architecture as t.db_spec_without(["identifier"])
	count(policy.deny) == 1 with input as t.with_db({"id": "whatever", "engine": "mysql"})
		with data.archaudit.architecture as t.db_spec_without(["identifier"])
}

# A list that could not be read: "not found" is not concluded (the engine reports the rule not
# evaluated).
test_unlisted_databases_are_never_missing if {
	inp := object.union(t.with_db({"id": "other-db"}), {"gaps": [{"kind": "rds.db_instances"}]})
	count(policy.deny) == 0 with input as inp with data.archaudit.architecture as t.db_arch
}
