package archaudit.iam.app_roles_least_privilege_test

import data.archaudit.iam.app_roles_least_privilege as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

with_inline(statement) := t.patched(
	"iam",
	"roles",
	"id",
	"archaudit-app-task",
	{"inline_policies": [{"name": "drift", "document": {"statements": [statement]}}]}
)

test_star_action_is_found if {
	findings := policy.deny with input as with_inline(
		{"effect": "Allow", "action": ["s3:*"], "resource": ["arn:aws:s3:::b/*"]}
	)
	count(findings) == 1
	some f in findings
	f.actual == "s3:*"
}

test_star_resource_is_found if {
	count(policy.deny) == 1 with input as with_inline(
		{"effect": "Allow", "action": ["s3:GetObject"], "resource": ["*"]}
	)
}

test_star_resource_allowed_where_aws_requires_it if {
	count(policy.deny) == 0 with input as with_inline(
		{"effect": "Allow", "action": ["ecr:GetAuthorizationToken"], "resource": ["*"]}
	)
}

test_deny_statements_are_not_grants if {
	count(policy.deny) == 0 with input as with_inline({"effect": "Deny", "action": ["*"], "resource": ["*"]})
}
