# METADATA
# title: The VPC has no undocumented subnets
# description: |
#   A subnet added by hand in the console is outside the reviewed design: it may route to the
#   internet, hold resources nobody tracks, or break the CIDR plan.
# custom:
#   id: AA-NET-003
#   severity: medium
#   resource_type: aws.ec2.subnet
#   component: networks
#   expectation: [networks.*.subnets]
#   anchors: [vpc]
#   requires: [ec2.subnets]
#   remediation:
#     summary: Delete the subnet after moving its resources, or document it in archaudit.toml and the architecture.
#     cli: aws ec2 delete-subnet --subnet-id <subnet-id>
package archaudit.network.no_undocumented_subnets

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(
	arch.network_of(s.vpc_id),
	result.new(msg, s.arn, "cidr_block", documented, s.cidr_block)
) if {
	some s in arch.subnets
	not arch.subnet_spec(s)
	documented := sort([d.cidr | some d in arch.subnet_network(s).subnets])
	msg := sprintf(
		"Subnet %s (%s, %s) in the architecture VPC is not documented%s.",
		[s.id, s.cidr_block, s.availability_zone, overlap_note(s)]
	)
}

# Subnets cannot overlap within a VPC, but a documented CIDR may be carved differently.
overlap_note(s) := sprintf(" and overlaps documented %v", [overlaps]) if {
	overlaps := [d.cidr | some d in arch.subnet_network(s).subnets; net.cidr_intersects(d.cidr, s.cidr_block)]
	count(overlaps) > 0
} else := ""
