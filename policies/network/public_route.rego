# METADATA
# title: Public subnets route to the internet through the VPC's internet gateway
# description: |
#   The load balancer and the NAT gateways live in the public subnets; without a default route
#   to an attached internet gateway, the application is unreachable and the private subnets
#   lose outbound access.
# custom:
#   id: AA-NET-007
#   severity: high
#   resource_type: aws.ec2.route_table
#   anchors: [vpc]
#   requires: [ec2.subnets, ec2.route_tables, ec2.internet_gateways]
#   remediation:
#     summary: Add a 0.0.0.0/0 route to the VPC's internet gateway in the public route table.
#     cli: aws ec2 create-route --route-table-id <rtb-id> --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-id>
package archaudit.network.public_route

import data.archaudit.lib.arch
import data.archaudit.lib.result

attached_igws := {g.id | some g in input.aws.ec2.internet_gateways; some v in g.attached_vpcs; v in arch.vpc_ids}

deny contains result.new(msg, rt.arn, "route:0.0.0.0/0", "an attached internet gateway", actual) if {
	some s in arch.public_subnets
	rt := arch.route_table(s)
	not routes_to_igw(rt)
	actual := default_target(rt)
	msg := sprintf("Public subnet %s has no default route to the VPC's internet gateway (route table %s).", [s.cidr_block, rt.id])
}

routes_to_igw(rt) if {
	r := arch.default_route(rt)
	r.target.type == "internet_gateway"
	r.target.id in attached_igws
}

default_target(rt) := arch.default_route(rt).target

default_target(rt) := null if not arch.default_route(rt)
