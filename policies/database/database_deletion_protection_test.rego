package archaudit.database.database_deletion_protection_test

import data.archaudit.database.database_deletion_protection as policy
import data.archaudit.lib.testing as t

test_protected_passes if count(policy.deny) == 0 with input as t.db_ref with data.archaudit.architecture as t.db_arch

test_unprotected_is_found if {
	findings := policy.deny with input as t.with_db({"deletion_protection": false})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.cli == concat(" ", [
		"aws rds modify-db-instance --db-instance-identifier archaudit-db",
		"--deletion-protection --apply-immediately",
	])
}

test_undocumented_protection_is_not_judged if {
	count(policy.deny) == 0 with input as t.with_db({"deletion_protection": false})
		with data.archaudit.architecture as t.db_spec_without(["deletion_protection"])
}

test_unknown_protection_concludes_nothing if {
	count(policy.deny) == 0 with input as t.db_unread("deletion_protection")
		with data.archaudit.architecture as t.db_arch
}
