package archaudit.iam.no_user_access_keys_test

import data.archaudit.iam.no_user_access_keys as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

user(keys) := {"arn": "arn:aws:iam::123456789012:user/ci", "id": "ci", "access_keys": keys}

test_active_key_is_found if {
	count(policy.deny) == 1 with input as t.added(
		"iam",
		"users",
		user([{"access_key_id": "AKIAEXAMPLE", "status": "Active"}])
	)
}

test_inactive_key_is_fine if {
	count(policy.deny) == 0 with input as t.added(
		"iam",
		"users",
		user([{"access_key_id": "AKIAEXAMPLE", "status": "Inactive"}])
	)
}

test_unknown_keys_give_no_finding if {
	count(policy.deny) == 0 with input as t.added(
		"iam",
		"users",
		{"arn": "arn:aws:iam::123456789012:user/ci", "id": "ci", "unknown": ["access_keys"]}
	)
}
