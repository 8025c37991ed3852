# METADATA
# title: Task and execution roles grant no wildcard actions and no wildcard resources
# description: |
#   The application's roles may do only what the application needs. `Action: "*"` or
#   `service:*` grants every present and future API; `Resource: "*"` extends a grant to every
#   resource, except for the few actions AWS only grants that way (see archaudit.toml).
# custom:
#   id: AA-IAM-001
#   severity: high
#   resource_type: aws.iam.role
#   component: services
#   expectation: [iam.wildcard_resource_actions]
#   anchors: [ecs_service]
#   requires: [iam.roles, iam.policies, ecs.task_definitions]
#   remediation:
#     summary: Replace the wildcard with the specific actions and resource ARNs the application uses.
#     cli: aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://least-privilege.json
#     fix: iam.delete_role_policy
package archaudit.iam.app_roles_least_privilege

import data.archaudit.lib.arch
import data.archaudit.lib.result

# Every (role, policy name, statement) the application's roles are granted.
grants contains {"role": r, "policy": p.name, "inline": true, "arn": "", "statement": st} if {
	some r in arch.app_roles
	some p in r.inline_policies
	some st in p.document.statements
	st.effect == "Allow"
}

grants contains {"role": r, "policy": a.name, "inline": false, "arn": a.arn, "statement": st} if {
	some r in arch.app_roles
	some a in r.attached_policies
	not a.aws_managed
	some st in arch.managed_policies_by_arn[a.arn].document.statements
	st.effect == "Allow"
}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

# Inline policies are replaced with put-role-policy; managed ones get a new default version.
how(g) := sprintf(
	concat(" ", [
		"Write a least-privilege document for %s (the actions and resource ARNs",
		"the application needs), then: aws iam put-role-policy --role-name %s",
		"--policy-name %s --policy-document file://<least-privilege.json>"
	]),
	[g.policy, g.role.id, g.policy]
) if g.inline

how(g) := sprintf(
	concat(" ", [
		"Write a least-privilege document for %s (the actions and resource ARNs",
		"the application needs), then: aws iam create-policy-version",
		"--policy-arn %s --set-as-default --policy-document",
		"file://<least-privilege.json>"
	]),
	[g.policy, g.arn]
) if not g.inline

# Which policy a finding is about: `archaudit fix` deletes an inline policy that grants every
# action and nothing narrower; anything else needs a least-privilege document from a person.
source(g) := {"inline_policy": g.policy} if g.inline

source(g) := {"managed_policy": g.arn} if not g.inline

deny contains arch.with_services(result.with_details(
	result.manual(msg, g.role.arn, sprintf("%s:action:%s", [g.policy, a]), "specific actions", a, how(g)),
	source(g)
), object.get(arch.role_components, g.role.arn, set())) if {
	arch.spec.iam
	some g in grants
	some a in g.statement.action
	wildcard_action(a)
	msg := sprintf("Role %s is granted %s by policy %s.", [g.role.id, a, g.policy])
}

deny contains arch.with_services(result.with_details(
	result.manual(
		msg,
		g.role.arn,
		sprintf("%s:resource:*", [g.policy]),
		"specific resource ARNs",
		{"actions": actions, "resource": "*"},
		how(g)
	),
	source(g)
), object.get(arch.role_components, g.role.arn, set())) if {
	arch.spec.iam
	some g in grants
	"*" in g.statement.resource
	actions := [a | some a in g.statement.action; not a in arch.spec.iam.wildcard_resource_actions]
	count(actions) > 0
	msg := sprintf("Role %s is granted %v on every resource by policy %s.", [g.role.id, actions, g.policy])
}
