# METADATA
# title: No IAM user has an active access key, except the documented deploy users
# description: |
#   CI deploys through GitHub OIDC with short-lived credentials. A long-lived access key is a
#   standing credential that leaks through laptops, logs and CI secrets.
# custom:
#   id: AA-IAM-003
#   severity: high
#   resource_type: aws.iam.user
#   expectation: [iam.deploy_users, iam.access_keys]
#   requires: [iam.users.access_keys]
#   remediation:
#     summary: Deactivate and delete the key; move its user to role-based or OIDC access.
#     cli: aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive
#     fix: iam.deactivate_access_key
package archaudit.iam.no_user_access_keys

import data.archaudit.lib.arch
import data.archaudit.lib.result

# Keys are judged when the IAM guardrails are documented and do not allow them.
judged if {
	arch.spec.iam
	not arch.spec.iam.access_keys == true
}

deploy_users := {u | some u in object.get(arch.spec.iam, "deploy_users", [])}

deny contains result.new(
	msg,
	u.arn,
	sprintf("access_keys:%s", [k.access_key_id]),
	"no active access key",
	k.access_key_id
) if {
	judged
	some u in input.aws.iam.users
	not u.id in deploy_users
	some k in u.access_keys
	k.status == "Active"
	msg := sprintf("User %s has an active access key %s.", [u.id, k.access_key_id])
}
