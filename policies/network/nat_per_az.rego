# METADATA
# title: NAT gateways are as the network's egress model documents (one per AZ, one, or none)
# description: |
#   One NAT gateway per AZ keeps the private subnets' outbound traffic working when an AZ
#   fails. A single shared NAT gateway is a single point of failure.
# custom:
#   id: AA-NET-006
#   severity: high
#   resource_type: aws.ec2.nat_gateway
#   component: networks
#   expectation: [networks.*.nat, networks.*.availability_zones]
#   anchors: [vpc]
#   requires: [ec2.subnets, ec2.nat_gateways]
#   remediation:
#     summary: >-
#       Create a NAT gateway with its own Elastic IP in the AZ's public subnet, then route that AZ's private subnet
#       through it. Drift of this kind is best fixed through Terraform.
#     cli: >-
#       aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id $(aws ec2 allocate-address --domain
#       vpc --query AllocationId --output text)
#     terraform: |
#       resource "aws_nat_gateway" "b" {
#         subnet_id     = aws_subnet.public_b.id
#         allocation_id = aws_eip.nat_b.id
#       }
package archaudit.network.nat_per_az

import data.archaudit.lib.arch
import data.archaudit.lib.result

nat_subnets := {n.subnet_id |
	some n in input.aws.ec2.nat_gateways
	n.state in {"available", "pending"}
	n.connectivity_type == "public"
	count(n.allocation_ids) > 0
}

model(vpc_id) := object.get(arch.spec.networks[arch.vpc_network[vpc_id]], "nat", "")

# `per_az`: every public subnet holds its zone's NAT gateway.
deny contains result.in_component(
	arch.network_of(s.vpc_id),
	result.new(msg, s.arn, "nat_gateway", "an available public NAT gateway with an Elastic IP", null)
) if {
	arch.complete("ec2.nat_gateways")
	some s in arch.public_subnets
	model(s.vpc_id) == "per_az"
	not s.id in nat_subnets
	msg := sprintf("Public subnet %s in %s has no NAT gateway with an Elastic IP.", [s.cidr_block, s.availability_zone])
}

# `single`: the network has one.
deny contains result.in_component(
	arch.network_of(v.id),
	result.new(msg, v.arn, "nat_gateway", "one available public NAT gateway with an Elastic IP", null)
) if {
	arch.complete("ec2.nat_gateways")
	some v in arch.vpcs
	model(v.id) == "single"
	count({s | some s in arch.public_subnets; s.vpc_id == v.id; s.id in nat_subnets}) == 0
	msg := sprintf("VPC %s has no NAT gateway with an Elastic IP in a public subnet.", [v.id])
}

# `none`: it has none.
deny contains result.in_component(
	arch.network_of(s.vpc_id),
	result.manual(
		msg,
		n.arn,
		"nat_gateway",
		"no NAT gateway (nat = none)",
		n.id,
		"Delete the NAT gateway through Terraform, or document the network's egress (nat) in archaudit.toml."
	)
) if {
	some n in input.aws.ec2.nat_gateways
	n.state in {"available", "pending"}
	s := arch.subnets_by_id[n.subnet_id]
	model(s.vpc_id) == "none"
	msg := sprintf("NAT gateway %s runs in %s, whose network documents no NAT (nat = \"none\").", [n.id, s.cidr_block])
}
