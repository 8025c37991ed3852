# METADATA
# title: Private subnets reach the internet only through the NAT gateway of their own AZ
# description: |
#   A private subnet with a route to the internet gateway is public in all but name; a default
#   route through another AZ's NAT gateway couples the AZs, so one AZ's outage takes both down.
# custom:
#   id: AA-NET-005
#   severity: high
#   resource_type: aws.ec2.route_table
#   expectation: [subnets]
#   anchors: [vpc]
#   requires: [ec2.subnets, ec2.route_tables, ec2.nat_gateways]
#   remediation:
#     summary: >-
#       Point the private route table's 0.0.0.0/0 route at the NAT gateway in the same availability zone, and remove any
#       route to the internet gateway.
#     cli: aws ec2 replace-route --route-table-id <rtb-id> --destination-cidr-block 0.0.0.0/0 --nat-gateway-id <nat-id>
#     terraform: |
#       resource "aws_route" "private_a_default" {
#         route_table_id         = aws_route_table.private_a.id
#         destination_cidr_block = "0.0.0.0/0"
#         nat_gateway_id         = aws_nat_gateway.a.id
#       }
#     fix: ec2.route_to_nat
package archaudit.network.routes

import data.archaudit.lib.arch
import data.archaudit.lib.result

# Points the default route of `rt` (used by private subnet `s`) at the NAT gateway of the
# subnet's own AZ; `verb` is create-route or replace-route.
to_nat(verb, rt, s) := {
	"cli": sprintf(
		"aws ec2 %s --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id %s",
		[verb, rt.id, arch.nat_in_az(s.availability_zone)]
	),
	"details": {
		"route_table_id": rt.id,
		"destination": "0.0.0.0/0",
		"nat_gateway_id": arch.nat_in_az(s.availability_zone),
		"route_exists": verb == "replace-route"
	}
} if arch.nat_in_az(s.availability_zone)

to_nat(_, _, s) := {
	"manual": sprintf(
		concat(" ", [
			"There is no available NAT gateway in %s: create one in the AZ's public",
			"subnet (through Terraform), then point the route at it."
		]),
		[s.availability_zone]
	)
} if not arch.nat_in_az(s.availability_zone)

route_fix(r, rt, s) := to_nat("replace-route", rt, s) if r.destination == "0.0.0.0/0"

route_fix(r, rt, _) := {
	"cli": sprintf("aws ec2 delete-route --route-table-id %s --destination-cidr-block %s", [rt.id, r.destination])
} if r.destination != "0.0.0.0/0"

deny contains object.union(
	result.new(msg, rt.arn, sprintf("route:%s", [r.destination]), "no route to an internet gateway", r.target.id),
	route_fix(r, rt, s)
) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	some r in rt.routes
	r.target.type == "internet_gateway"
	msg := sprintf(
		"Private subnet %s routes %s to internet gateway %s through %s.",
		[s.cidr_block, r.destination, r.target.id, rt.id]
	)
}

deny contains object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", "a NAT gateway in the same AZ", actual),
	to_nat("create-route", rt, s)
) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	not arch.default_route(rt)
	actual := null
	msg := sprintf("Private subnet %s has no default route (route table %s).", [s.cidr_block, rt.id])
}

deny contains object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", "a NAT gateway in the same AZ", r.target),
	to_nat("replace-route", rt, s)
) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type != "nat_gateway"
	r.target.type != "internet_gateway"
	msg := sprintf(
		"Private subnet %s sends its default route to %s instead of a NAT gateway.",
		[s.cidr_block, r.target.type]
	)
}

deny contains object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", s.availability_zone, nat_subnet.availability_zone),
	to_nat("replace-route", rt, s)
) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type == "nat_gateway"
	nat := arch.nats_by_id[r.target.id]
	nat_subnet := arch.subnets_by_id[nat.subnet_id]
	nat_subnet.availability_zone != s.availability_zone
	msg := sprintf(
		"Private subnet %s (%s) uses NAT gateway %s in %s.",
		[s.cidr_block, s.availability_zone, nat.id, nat_subnet.availability_zone]
	)
}

deny contains object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", "an available NAT gateway", r.target.id),
	to_nat("replace-route", rt, s)
) if {
	some s in arch.private_subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type == "nat_gateway"
	arch.complete("ec2.nat_gateways")
	not arch.nats_by_id[r.target.id].state == "available"
	msg := sprintf(
		"Private subnet %s routes through NAT gateway %s, which does not exist or is not available.",
		[s.cidr_block, r.target.id]
	)
}
