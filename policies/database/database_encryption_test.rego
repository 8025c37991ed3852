package archaudit.database.database_encryption_test

import data.archaudit.database.database_encryption as policy
import data.archaudit.lib.testing as t

test_encrypted_passes if count(policy.deny) == 0 with input as t.db_ref with data.archaudit.architecture as t.db_arch

test_unencrypted_is_found_with_steps if {
	findings := policy.deny with input as t.with_db({"storage_encrypted": false})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.component == "databases.main"
	contains(f.manual, "copy-db-snapshot")
}

test_undocumented_encryption_is_not_judged if {
	count(policy.deny) == 0 with input as t.with_db({"storage_encrypted": false})
		with data.archaudit.architecture as t.db_spec_without(["storage_encrypted"])
}

test_unknown_encryption_concludes_nothing if {
	inp := t.db_ref
	d := object.union(object.remove(t.db_instance, ["storage_encrypted"]), {"unknown": ["storage_encrypted"]})
	count(policy.deny) == 0 with input as object.union(inp, {"aws": {"rds": {"db_instances": [d]}}})
		with data.archaudit.architecture as t.db_arch
}
