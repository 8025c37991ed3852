package archaudit.database.database_engine_test

import data.archaudit.database.database_engine as policy
import data.archaudit.lib.testing as t

test_the_documented_engine_passes if {
	count(policy.deny) == 0 with input as t.db_ref
		with data.archaudit.architecture as t.db_arch
}

test_another_engine_is_found if {
	findings := policy.deny with input as t.with_db({"engine": "mysql"}) with data.archaudit.architecture as t.db_arch
	count(findings) == 1
	some f in findings
	[f.expected, f.actual] == ["postgres", "mysql"]
}

test_an_unread_engine_concludes_nothing if {
	count(policy.deny) == 0 with input as t.with_db({"engine": ""}) with data.archaudit.architecture as t.db_arch
}
