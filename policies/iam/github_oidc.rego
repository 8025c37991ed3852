# METADATA
# title: GitHub Actions deploys through the OIDC provider and a deploy role
# description: |
#   CI authenticates with short-lived OIDC tokens: the GitHub provider must exist with the
#   `sts.amazonaws.com` audience, and a role must trust it.
# custom:
#   id: AA-IAM-005
#   severity: high
#   resource_type: aws.iam.oidc_provider
#   expectation: [github_oidc.provider_url]
#   requires: [iam.oidc_providers, iam.roles]
#   remediation:
#     summary: Create the GitHub OIDC provider and the deploy role through Terraform.
#     cli: >-
#       aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com --client-id-list
#       sts.amazonaws.com
package archaudit.iam.github_oidc

import data.archaudit.lib.arch
import data.archaudit.lib.result

gh := arch.spec.github_oidc

deny contains result.new(msg, arch.account_arn, "oidc_provider", gh.provider_url, null) if {
	arch.complete("iam.oidc_providers")
	count(arch.github_provider_arns) == 0
	msg := sprintf("The account has no OIDC provider for %s.", [gh.provider_url])
}

deny contains result.fixed(
	msg,
	p.arn,
	"client_ids",
	[gh.audience],
	p.client_ids,
	sprintf(
		"aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn %s --client-id %s",
		[p.arn, gh.audience]
	)
) if {
	some p in input.aws.iam.oidc_providers
	p.arn in arch.github_provider_arns
	not gh.audience in p.client_ids
	msg := sprintf("OIDC provider %s does not list the audience %s.", [p.id, gh.audience])
}

deny contains result.manual(
	msg,
	arch.account_arn,
	"deploy_role",
	"a role trusting the GitHub OIDC provider",
	null,
	concat(" ", [
		"Create the deploy role with its least-privilege permissions from the",
		"Terraform configuration (its trust policy: the GitHub OIDC provider,",
		"the audience and the documented subjects)."
	])
) if {
	arch.complete("iam.roles")
	count(arch.github_provider_arns) > 0
	count(arch.deploy_roles) == 0
	msg := sprintf("No role trusts the %s OIDC provider: CI cannot deploy without long-lived keys.", [gh.provider_url])
}
