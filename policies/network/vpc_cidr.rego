# METADATA
# title: The documented VPC exists with its documented CIDR
# description: |
#   Every other component lives in this VPC. If it is missing, or its address range differs,
#   the deployment is not the documented one.
# custom:
#   id: AA-NET-001
#   severity: critical
#   resource_type: aws.ec2.vpc
#   expectation: [vpc.cidr]
#   requires: [ec2.vpcs]
#   remediation:
#     summary: >-
#       Recreate the VPC from the Terraform configuration, or correct archaudit.toml if the documentation is out of
#       date.
#     terraform: |
#       resource "aws_vpc" "main" {
#         cidr_block           = "10.0.0.0/16"
#         enable_dns_support   = true
#         enable_dns_hostnames = true
#       }
package archaudit.network.vpc_cidr

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.manual(
	msg,
	arch.account_arn,
	"vpc",
	arch.spec.vpc.cidr,
	actual,
	concat(" ", [
		"Recreate the VPC from the Terraform configuration, or correct",
		"[architecture.vpc] in archaudit.toml if the documentation is out of",
		"date."
	])
) if {
	arch.complete("ec2.vpcs")
	count(arch.vpcs) == 0
	actual := sort([v.cidr_block | some v in input.aws.ec2.vpcs])
	msg := sprintf("No VPC with the documented CIDR %s exists.", [arch.spec.vpc.cidr])
}

deny contains result.manual(
	msg,
	v.arn,
	"cidr_block",
	arch.spec.vpc.cidr,
	v.cidr_block,
	"A VPC's primary CIDR cannot change: recreate the VPC (through Terraform) or correct archaudit.toml."
) if {
	some v in arch.vpcs
	v.cidr_block != arch.spec.vpc.cidr
	msg := sprintf("VPC %s has CIDR %s instead of %s.", [v.id, v.cidr_block, arch.spec.vpc.cidr])
}
