package archaudit.database.database_backups_test

import data.archaudit.database.database_backups as policy
import data.archaudit.lib.testing as t

test_retention_within_bounds_passes if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_backups_off_is_found_and_set_to_the_minimum if {
	findings := policy.deny with input as t.with_db({"backup_retention_period": 0})
		with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	f.actual == 0
	endswith(f.cli, "--backup-retention-period 7 --apply-immediately")
}

test_too_long_is_set_to_the_maximum if {
	findings := policy.deny with input as t.with_db({"backup_retention_period": 35})
		with data.archaudit.architecture as t.db_spec_with({"max_backup_retention_days": 14})
	some f in findings
	endswith(f.cli, "--backup-retention-period 14 --apply-immediately")
}

bounds := ["min_backup_retention_days", "max_backup_retention_days"]

test_undocumented_bounds_are_not_judged if {
	count(policy.deny) == 0 with input as t.with_db({"backup_retention_period": 0})
		with data.archaudit.architecture as t.db_spec_without(bounds)
}

test_unknown_retention_concludes_nothing if {
	count(policy.deny) == 0 with input as t.db_unread("backup_retention_period")
		with data.archaudit.architecture as t.db_arch
}
