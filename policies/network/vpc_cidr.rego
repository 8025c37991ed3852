# METADATA
# title: The documented VPC exists with its documented CIDR
# description: |
#   Every other component lives in this VPC. If it is missing, or its address range differs,
#   the deployment is not the documented one.
# custom:
#   id: AA-NET-001
#   severity: critical
#   resource_type: aws.ec2.vpc
#   component: networks
#   expectation: [networks.*.cidr]
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

deny contains result.in_component(arch.component("networks", name), result.manual(
	msg,
	arch.account_arn,
	arch.qualified("vpc", "networks", name),
	n.cidr,
	actual,
	concat(" ", [
		"Recreate the VPC from the Terraform configuration, or correct",
		sprintf("[architecture.networks.%s] in archaudit.toml if the documentation is out of", [name]),
		"date."
	])
)) if {
	arch.complete("ec2.vpcs")
	some name, n in arch.spec.networks
	count(arch.network_vpc_ids[name]) == 0
	actual := sort([v.cidr_block | some v in input.aws.ec2.vpcs; v.region == n.region])
	msg := sprintf("No VPC with the documented CIDR %s exists in %s (network %s).", [n.cidr, n.region, name])
}

deny contains result.in_component(arch.network_of(v.id), result.manual(
	msg,
	v.arn,
	"cidr_block",
	n.cidr,
	v.cidr_block,
	"A VPC's primary CIDR cannot change: recreate the VPC (through Terraform) or correct archaudit.toml."
)) if {
	some v in arch.vpcs
	n := arch.spec.networks[arch.vpc_network[v.id]]
	v.cidr_block != n.cidr
	msg := sprintf("VPC %s has CIDR %s instead of %s.", [v.id, v.cidr_block, n.cidr])
}
