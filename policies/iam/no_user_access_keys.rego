# METADATA
# title: No IAM user has an active access key
# description: |
#   CI deploys through GitHub OIDC with short-lived credentials. A long-lived access key is a
#   standing credential that leaks through laptops, logs and CI secrets.
# custom:
#   id: AA-IAM-003
#   severity: high
#   resource_type: aws.iam.user
#   expectation: [iam]
#   requires: [iam.users.access_keys]
#   remediation:
#     summary: Deactivate and delete the key; move its user to role-based or OIDC access.
#     cli: aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive
#     fix: iam.deactivate_access_key
package archaudit.iam.no_user_access_keys

import data.archaudit.lib.result

deny contains result.new(
	msg,
	u.arn,
	sprintf("access_keys:%s", [k.access_key_id]),
	"no active access key",
	k.access_key_id
) if {
	some u in input.aws.iam.users
	some k in u.access_keys
	k.status == "Active"
	msg := sprintf("User %s has an active access key %s.", [u.id, k.access_key_id])
}
