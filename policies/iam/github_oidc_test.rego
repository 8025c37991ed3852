package archaudit.iam.github_oidc_test

import data.archaudit.iam.github_oidc as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_missing_provider_is_found if {
	count(policy.deny) == 1 with input as t.without(
		"iam",
		"oidc_providers",
		"id",
		"token.actions.githubusercontent.com"
	)
}

test_missing_audience_is_found if {
	count(policy.deny) == 1 with input as t.patched(
		"iam",
		"oidc_providers",
		"id",
		"token.actions.githubusercontent.com",
		{"client_ids": ["sigstore"]}
	)
}

test_missing_deploy_role_is_found if count(policy.deny) == 1 with input as t.without(
	"iam",
	"roles",
	"id",
	"archaudit-app-deploy"
)

test_unknown_client_ids_give_no_finding if {
	count(policy.deny) == 0 with input as t.unknown(
		"iam",
		"oidc_providers",
		"id",
		"token.actions.githubusercontent.com",
		"client_ids"
	)
}
