package archaudit.database.database_master_secret_test

import data.archaudit.database.database_master_secret as policy
import data.archaudit.lib.testing as t

test_a_managed_password_passes if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_a_password_set_by_hand_is_found if {
	d := object.remove(t.db_instance, ["master_user_secret"])
	findings := policy.deny with input as object.union(t.db_ref, {"aws": {"rds": {"db_instances": [d]}}})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	contains(f.manual, "--manage-master-user-password")
}

test_undocumented_is_not_judged if {
	d := object.remove(t.db_instance, ["master_user_secret"])
	count(policy.deny) == 0 with input as object.union(t.db_ref, {"aws": {"rds": {"db_instances": [d]}}})
		with data.archaudit.architecture as t.db_spec_without(["manage_master_user_password"])
}

test_unknown_secret_concludes_nothing if {
	count(policy.deny) == 0 with input as t.db_unread("master_user_secret")
		with data.archaudit.architecture as t.db_arch
}
