# METADATA
# title: Private subnets reach the internet only through the NAT gateway of their own AZ
# description: |
#   A private subnet with a route to the internet gateway is public in all but name; a default
#   route through another AZ's NAT gateway couples the AZs, so one AZ's outage takes both down.
# custom:
#   id: AA-NET-005
#   severity: high
#   resource_type: aws.ec2.route_table
#   anchors: [vpc]
#   requires: [ec2.subnets, ec2.route_tables, ec2.nat_gateways]
#   remediation:
#     summary: Point the private route table's 0.0.0.0/0 route at the NAT gateway in the same availability zone, and remove any route to the internet gateway.
#     cli: aws ec2 replace-route --route-table-id <rtb-id> --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-id>
#     terraform: |
#       resource "aws_route" "private_a_default" {
#         route_table_id         = aws_route_table.private_a.id
#         destination_cidr_block = "0.0.0.0/0"
#         nat_gateway_id         = aws_nat_gateway.a.id
#       }
package archaudit.network.routes

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.new(msg, rt.arn, sprintf("route:%s", [r.destination]), "no route to an internet gateway", r.target.id) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	some r in rt.routes
	r.target.type == "internet_gateway"
	msg := sprintf("Private subnet %s routes %s to internet gateway %s through %s.", [s.cidr_block, r.destination, r.target.id, rt.id])
}

deny contains result.new(msg, rt.arn, "route:0.0.0.0/0", "a NAT gateway in the same AZ", actual) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	not arch.default_route(rt)
	actual := null
	msg := sprintf("Private subnet %s has no default route (route table %s).", [s.cidr_block, rt.id])
}

deny contains result.new(msg, rt.arn, "route:0.0.0.0/0", "a NAT gateway in the same AZ", r.target) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type != "nat_gateway"
	r.target.type != "internet_gateway"
	msg := sprintf("Private subnet %s sends its default route to %s instead of a NAT gateway.", [s.cidr_block, r.target.type])
}

deny contains result.new(msg, rt.arn, "route:0.0.0.0/0", s.availability_zone, nat_subnet.availability_zone) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type == "nat_gateway"
	nat := arch.nats_by_id[r.target.id]
	nat_subnet := arch.subnets_by_id[nat.subnet_id]
	nat_subnet.availability_zone != s.availability_zone
	msg := sprintf("Private subnet %s (%s) uses NAT gateway %s in %s.", [s.cidr_block, s.availability_zone, nat.id, nat_subnet.availability_zone])
}

deny contains result.new(msg, rt.arn, "route:0.0.0.0/0", "an available NAT gateway", r.target.id) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type == "nat_gateway"
	arch.complete("ec2.nat_gateways")
	not arch.nats_by_id[r.target.id].state == "available"
	msg := sprintf("Private subnet %s routes through NAT gateway %s, which does not exist or is not available.", [s.cidr_block, r.target.id])
}
