# METADATA
# title: The deploy role trusts only GitHub OIDC for the documented repository
# description: |
#   The deploy role can change the whole stack. It must be assumable only through the GitHub
#   OIDC provider, only for the `sts.amazonaws.com` audience, and only by workflows of the
#   documented repository (and refs). A missing or wildcard `sub` condition lets any GitHub
#   repository deploy into the account.
# custom:
#   id: AA-IAM-004
#   severity: critical
#   resource_type: aws.iam.role
#   expectation: [github_oidc.allowed_subjects, github_oidc.repository]
#   anchors: [deploy_role]
#   requires: [iam.roles, iam.oidc_providers]
#   remediation:
#     summary: >-
#       Restore the trust policy's StringEquals on aud and StringLike/StringEquals on sub limited to the repository.
#     cli: aws iam update-assume-role-policy --role-name <role> --policy-document file://github-trust.json
#     terraform: |
#       condition {
#         test     = "StringLike"
#         variable = "token.actions.githubusercontent.com:sub"
#         values   = ["repo:example-org/archaudit-app:ref:refs/heads/main"]
#       }
#     fix: iam.restore_trust_policy
package archaudit.iam.deploy_role_trust

import data.archaudit.lib.arch
import data.archaudit.lib.result

gh := arch.spec.github_oidc

aud_key := sprintf("%s:aud", [gh.provider_url])

sub_key := sprintf("%s:sub", [gh.provider_url])

# The documented trust policy: only the GitHub OIDC provider, the audience, the documented
# subjects.
trust_document := {
	"Version": "2012-10-17",
	"Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": sort(arch.github_provider_arns)[0]},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {
			"StringEquals": {aud_key: gh.audience},
			"StringLike": {sub_key: gh.allowed_subjects},
		},
	}],
}

restore(f, role) := object.union(
	f,
	{
		"cli": sprintf(
			"aws iam update-assume-role-policy --role-name %s --policy-document %s",
			[role.id, result.quote(json.marshal(trust_document))]
		),
		"details": {"trust_policy": trust_document}
	}
)

allow_statements contains {"role": r, "st": st} if {
	some r in arch.deploy_roles
	some st in r.trust_policy.statements
	st.effect == "Allow"
}

deny contains restore(
	result.new(msg, s.role.arn, "trust_policy.principal", {"federated": [gh.provider_url]}, s.st.principal),
	s.role
) if {
	some s in allow_statements
	some kind, ids in s.st.principal
	kind != "federated"
	count(ids) > 0
	msg := sprintf("Deploy role %s also trusts %s principals %v.", [s.role.id, kind, ids])
}

deny contains restore(
	result.new(
		msg,
		s.role.arn,
		"trust_policy.condition.aud",
		gh.audience,
		object.get(cond(s.st), ["StringEquals", aud_key], null)
	),
	s.role
) if {
	some s in allow_statements
	not s.st.condition.StringEquals[aud_key] == [gh.audience]
	msg := sprintf("Deploy role %s does not require the audience %s.", [s.role.id, gh.audience])
}

cond(st) := object.get(st, "condition", {})

subjects(st) := array.concat(
	object.get(cond(st), ["StringEquals", sub_key], []),
	object.get(cond(st), ["StringLike", sub_key], [])
)

deny contains restore(result.new(msg, s.role.arn, "trust_policy.condition.sub", gh.allowed_subjects, null), s.role) if {
	some s in allow_statements
	count(subjects(s.st)) == 0
	msg := sprintf(
		"Deploy role %s does not restrict which repository may assume it (no %s condition).",
		[s.role.id, sub_key]
	)
}

deny contains restore(
	result.new(msg, s.role.arn, sprintf("trust_policy.condition.sub:%s", [v]), gh.allowed_subjects, v),
	s.role
) if {
	some s in allow_statements
	some v in subjects(s.st)
	not allowed(v)
	msg := sprintf(
		"Deploy role %s accepts the subject %s, which is broader than the documented repository.",
		[s.role.id, v]
	)
}

allowed(v) if {
	# Anchored regexes made from the documented globs (`*` stops at `:`): glob.match differs
	# between regorus and OPA on the `:` delimiter.
	some pattern in gh.allowed_subject_regexes
	regex.match(pattern, v)
}
