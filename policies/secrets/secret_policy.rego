# METADATA
# title: No secret's resource policy grants access to everyone
# description: |
#   A resource policy with `Principal: "*"` and no condition lets any AWS account read the
#   secret. Application secrets are read only by the execution role.
# custom:
#   id: AA-SEC-001
#   severity: critical
#   resource_type: aws.secretsmanager.secret
#   expectation: [services]
#   requires: [secretsmanager.secrets.resource_policy]
#   remediation:
#     summary: >-
#       Remove the public statement from the secret's resource policy (or delete the policy) and rotate the secret.
#     cli: aws secretsmanager delete-resource-policy --secret-id <secret-arn>
#     fix: secretsmanager.delete_resource_policy
package archaudit.secrets.secret_policy

import data.archaudit.lib.result

deny contains result.new(msg, s.arn, sprintf("resource_policy:%d", [i]), "no public statement", st) if {
	some s in input.aws.secretsmanager.secrets
	some i, st in s.resource_policy.statements
	st.effect == "Allow"
	"*" in object.get(st.principal, "aws", [])
	count(object.get(st, "condition", {})) == 0
	msg := sprintf("Secret %s has a resource policy that lets any AWS principal %v.", [s.id, st.action])
}
