# METADATA
# title: Application and deploy roles carry no administrator managed policies
# description: |
#   AdministratorAccess, PowerUserAccess or IAMFullAccess on a task, execution or deploy role
#   turns any compromise of the application or the pipeline into control of the account.
# custom:
#   id: AA-IAM-002
#   severity: critical
#   resource_type: aws.iam.role
#   component: services
#   expectation: [iam.admin_policies]
#   anchors: [ecs_service]
#   requires: [iam.roles]
#   remediation:
#     summary: Detach the managed policy and grant only the specific permissions the role needs.
#     cli: aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>
#     fix: iam.detach_role_policy
package archaudit.iam.no_admin_policies

import data.archaudit.lib.arch
import data.archaudit.lib.result

roles := arch.app_roles | arch.deploy_roles

# The admin policies in this account's partition.
admin := {
	regex.replace(p, "^arn:aws:", sprintf("arn:%s:", [input.meta.partition])) | some p in arch.spec.iam.admin_policies
}

deny contains arch.with_services(
	result.new(msg, r.arn, sprintf("attached_policies:%s", [a.arn]), "no administrator policy", a.arn),
	object.get(arch.role_components, r.arn, set())
) if {
	some r in roles
	some a in r.attached_policies
	a.arn in admin
	msg := sprintf("Role %s has the administrator policy %s attached.", [r.id, a.name])
}
