package archaudit.iam.deploy_role_trust_test

import data.archaudit.iam.deploy_role_trust as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

role := r if {
	some r in t.ref.aws.iam.roles
	r.id == "archaudit-app-deploy"
}

st := role.trust_policy.statements[0]

with_statement(s) := t.patched("iam", "roles", "id", role.id, {"trust_policy": {"statements": [s]}})

test_wildcard_subject_is_found if {
	cond := object.union(
		st.condition,
		{"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:example-org/*"]}}
	)
	findings := policy.deny with input as with_statement(object.union(st, {"condition": cond}))
	count(findings) == 1
	some f in findings
	f.actual == "repo:example-org/*"
}

test_missing_subject_condition_is_found if {
	cond := {"StringEquals": st.condition.StringEquals}
	count(policy.deny) == 1 with input as with_statement(
		object.union(object.remove(st, ["condition"]), {"condition": cond})
	)
}

test_missing_audience_is_found if {
	cond := {"StringLike": st.condition.StringLike}
	count(policy.deny) == 1 with input as with_statement(
		object.union(object.remove(st, ["condition"]), {"condition": cond})
	)
}

test_extra_principal_is_found if {
	principal := object.union(st.principal, {"aws": ["arn:aws:iam::999999999999:root"]})
	count(policy.deny) == 1 with input as with_statement(object.union(st, {"principal": principal}))
}

test_no_conditions_at_all_is_found if {
	count(policy.deny) == 2 with input as with_statement(object.remove(st, ["condition"]))
}

# `*` in the documented subject stops at `:` (as in OPA's glob.match with [":"]): a subject
# that adds claims after the environment is broader than documented.
test_subject_with_extra_claims_is_found if {
	v := "repo:example-org/archaudit-app:environment:prod:job_workflow_ref:other/repo/.github/workflows/x.yml@main"
	cond := object.union(st.condition, {"StringLike": {"token.actions.githubusercontent.com:sub": [v]}})
	findings := policy.deny with input as with_statement(object.union(st, {"condition": cond}))
	count(findings) == 1
	some f in findings
	f.actual == v
}

test_documented_environment_subject_passes if {
	cond := object.union(
		st.condition,
		{"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:example-org/archaudit-app:environment:prod"]}}
	)
	count(policy.deny) == 0 with input as with_statement(object.union(st, {"condition": cond}))
}
