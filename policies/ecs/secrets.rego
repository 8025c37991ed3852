# METADATA
# title: Containers take credentials from Secrets Manager, never from plaintext environment variables
# description: |
#   Environment variables are visible to anyone who can describe the task definition and end up
#   in logs and crash dumps. Credentials belong in Secrets Manager, referenced by ARN.
# custom:
#   id: AA-ECS-007
#   severity: critical
#   resource_type: aws.ecs.task_definition
#   component: services
#   expectation: [services]
#   anchors: [ecs_service]
#   requires: [ecs.task_definitions, secretsmanager.secrets]
#   remediation:
#     summary: >-
#       Store the value in Secrets Manager, reference it under `secrets` in the container definition, remove the
#       plaintext variable, and rotate the exposed credential.
#     cli: aws secretsmanager create-secret --name <name> --secret-string <value>
#     terraform: |
#       secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
package archaudit.ecs.secrets

import data.archaudit.lib.arch
import data.archaudit.lib.result

secret_arns := {s.arn | some s in input.aws.secretsmanager.secrets}

# The secret's ARN from a valueFrom that may carry a JSON key suffix (`…:password::`).
secret_arn(value_from) := concat(":", array.slice(split(value_from, ":"), 0, 7))

deny contains result.in_component(arch.services_component(arch.td_components[td.arn]), result.manual(
	msg,
	td.arn,
	sprintf("containers.%s.environment.%s", [c.name, e.name]),
	"a Secrets Manager reference",
	"plaintext value",
	how
)) if {
	some td in arch.task_definitions
	some c in td.containers
	some e in c.environment
	e.looks_like_credential == true
	how := sprintf(
		concat(" ", [
			"Supply the value: aws secretsmanager create-secret --name %s/%s",
			"--secret-string <value>; then move %s from the container's environment",
			"to its secrets (valueFrom = the new secret's ARN) and register a new",
			"task definition revision (through Terraform)."
		]),
		[td.family, e.name, e.name]
	)
	msg := sprintf("Container %s of %s has a credential in plaintext environment variable %s.", [c.name, td.id, e.name])
}

deny contains result.in_component(arch.services_component(arch.td_components[td.arn]), result.manual(
	msg,
	td.arn,
	sprintf("containers.%s.secrets.%s", [c.name, r.name]),
	"secretsmanager",
	r.source,
	how
)) if {
	some td in arch.task_definitions
	some c in td.containers
	some r in c.secrets
	r.source != "secretsmanager"
	how := sprintf(
		concat(" ", [
			"Copy the value of %s into a Secrets Manager secret (aws secretsmanager",
			"create-secret --name %s/%s --secret-string <value>), point valueFrom",
			"at it and register a new task definition revision."
		]),
		[r.value_from, td.family, r.name]
	)
	msg := sprintf("Container %s of %s takes %s from %s instead of Secrets Manager.", [c.name, td.id, r.name, r.source])
}

deny contains result.in_component(arch.services_component(arch.td_components[td.arn]), result.manual(
	msg,
	td.arn,
	sprintf("containers.%s.secrets.%s", [c.name, r.name]),
	"an existing secret",
	r.value_from,
	how
)) if {
	arch.complete("secretsmanager.secrets")
	some td in arch.task_definitions
	some c in td.containers
	some r in c.secrets
	r.source == "secretsmanager"
	not secret_arn(r.value_from) in secret_arns
	how := sprintf(
		"Create the secret %s (its value is yours to supply) or correct the reference in the task definition.",
		[secret_arn(r.value_from)]
	)
	msg := sprintf(
		"Container %s of %s references secret %s, which does not exist.",
		[c.name, td.id, secret_arn(r.value_from)]
	)
}
