package archaudit.iam.no_admin_policies_test

import data.archaudit.iam.no_admin_policies as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

admin := {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "aws_managed": true}

test_admin_on_task_role_is_found if count(policy.deny) == 1 with input as t.patched(
	"iam",
	"roles",
	"id",
	"archaudit-app-task",
	{"attached_policies": [admin]}
)

test_admin_on_deploy_role_is_found if count(policy.deny) == 1 with input as t.patched(
	"iam",
	"roles",
	"id",
	"archaudit-app-deploy",
	{"attached_policies": [admin]}
)

test_admin_elsewhere_is_not_this_policy if {
	count(policy.deny) == 0 with input as t.patched("iam", "roles", "id", "unrelated", {"attached_policies": [admin]})
}
