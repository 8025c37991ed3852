# METADATA
# title: Each availability zone has its own NAT gateway with an Elastic IP
# description: |
#   One NAT gateway per AZ keeps the private subnets' outbound traffic working when an AZ
#   fails. A single shared NAT gateway is a single point of failure.
# custom:
#   id: AA-NET-006
#   severity: high
#   resource_type: aws.ec2.nat_gateway
#   expectation: [availability_zones]
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

deny contains result.new(msg, s.arn, "nat_gateway", "an available public NAT gateway with an Elastic IP", null) if {
	arch.complete("ec2.nat_gateways")
	some s in arch.public_subnets
	not s.id in nat_subnets
	msg := sprintf("Public subnet %s in %s has no NAT gateway with an Elastic IP.", [s.cidr_block, s.availability_zone])
}
