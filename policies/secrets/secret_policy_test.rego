package archaudit.secrets.secret_policy_test

import data.archaudit.lib.testing as t
import data.archaudit.secrets.secret_policy as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

public := {
	"statements": [
		{"effect": "Allow", "principal": {"aws": ["*"]}, "action": ["secretsmanager:GetSecretValue"], "resource": ["*"]}
	]
}

test_public_policy_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"secretsmanager",
		"secrets",
		"id",
		"archaudit/app/db",
		{"resource_policy": public}
	)
}

test_conditioned_policy_is_fine if {
	st := object.union(public.statements[0], {"condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-123"]}}})
	count(policy.deny) == 0 with input as t.patched(
		"secretsmanager",
		"secrets",
		"id",
		"archaudit/app/db",
		{"resource_policy": {"statements": [st]}}
	)
}

test_unknown_policy_gives_no_finding if {
	count(policy.deny) == 0 with input as t.unknown(
		"secretsmanager",
		"secrets",
		"id",
		"archaudit/app/db",
		"resource_policy"
	)
}
