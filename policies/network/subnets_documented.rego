# METADATA
# title: Exactly the documented subnets exist, in their documented availability zones
# description: |
#   The architecture spreads public and private subnets over two availability zones. A missing
#   subnet loses an AZ; a subnet in the wrong AZ silently removes redundancy.
# custom:
#   id: AA-NET-002
#   severity: high
#   resource_type: aws.ec2.subnet
#   component: networks
#   expectation: [networks.*.subnets]
#   anchors: [vpc]
#   requires: [ec2.vpcs, ec2.subnets]
#   remediation:
#     summary: Create the missing subnet (or move it) in the documented availability zone through Terraform.
#     cli: aws ec2 create-subnet --vpc-id <vpc-id> --cidr-block <cidr> --availability-zone <az>
#     terraform: |
#       resource "aws_subnet" "private_a" {
#         vpc_id            = aws_vpc.main.id
#         cidr_block        = "10.0.101.0/24"
#         availability_zone = "us-east-1a"
#       }
package archaudit.network.subnets_documented

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(arch.network_of(vpc.id), result.fixed(
	msg,
	vpc.arn,
	sprintf("subnet:%s", [d.cidr]),
	d,
	null,
	sprintf("aws ec2 create-subnet --vpc-id %s --cidr-block %s --availability-zone %s", [vpc.id, d.cidr, d.az])
)) if {
	arch.complete("ec2.subnets")
	some vpc in arch.vpcs
	some d in arch.spec.networks[arch.vpc_network[vpc.id]].subnets
	not arch.subnet_in(vpc.id, d.cidr)
	msg := sprintf("Documented %s subnet %s (%s) is missing from VPC %s.", [d.tier, d.cidr, d.az, vpc.id])
}

deny contains result.in_component(arch.network_of(s.vpc_id), result.manual(
	msg,
	s.arn,
	"availability_zone",
	d.az,
	s.availability_zone,
	sprintf(
		concat(" ", [
			"A subnet cannot move between AZs: move its resources out, delete it",
			"(aws ec2 delete-subnet --subnet-id %s) and create it in %s."
		]),
		[s.id, d.az]
	)
)) if {
	some s in arch.subnets
	d := arch.subnet_spec(s)
	s.availability_zone != d.az
	msg := sprintf("Subnet %s (%s) is in %s instead of %s.", [s.id, s.cidr_block, s.availability_zone, d.az])
}
