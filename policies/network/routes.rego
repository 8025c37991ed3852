# METADATA
# title: Private subnets reach the internet only as their network's NAT model documents
# description: |
#   A private subnet with a route to the internet gateway is public in all but name; a default
#   route through another AZ's NAT gateway couples the AZs, so one AZ's outage takes both down.
# custom:
#   id: AA-NET-005
#   severity: high
#   resource_type: aws.ec2.route_table
#   component: networks
#   expectation: [networks.*.subnets, networks.*.nat]
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

# Private subnets and the egress model of their network (`per_az`, `single`, `none`; a network
# that documents none has only the no-internet-gateway rule).
private contains [s, m] if {
	some s in arch.private_subnets
	m := object.get(arch.subnet_network(s), "nat", "")
}

expected(m) := "a NAT gateway in the same AZ" if m == "per_az"

expected(m) := "the network's NAT gateway" if m == "single"

# Points the default route of `rt` (used by private subnet `s`) at the NAT gateway the
# network's model gives it; `verb` is create-route or replace-route.
to_nat(verb, rt, s) := {
	"cli": sprintf(
		"aws ec2 %s --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id %s",
		[verb, rt.id, arch.nat_for(s)]
	),
	"details": {
		"route_table_id": rt.id,
		"destination": "0.0.0.0/0",
		"nat_gateway_id": arch.nat_for(s),
		"route_exists": verb == "replace-route"
	}
} if arch.nat_for(s)

to_nat(_, _, s) := {
	"manual": sprintf(
		concat(" ", [
			"There is no available NAT gateway in %s: create one in the AZ's public",
			"subnet (through Terraform), then point the route at it."
		]),
		[s.availability_zone]
	)
} if not arch.nat_for(s)

route_fix(r, rt, s) := to_nat("replace-route", rt, s) if {
	r.destination == "0.0.0.0/0"
	object.get(arch.subnet_network(s), "nat", "") in {"per_az", "single"}
}

route_fix(r, rt, _) := {
	"cli": sprintf("aws ec2 delete-route --route-table-id %s --destination-cidr-block %s", [rt.id, r.destination])
} if {
	r.destination != "0.0.0.0/0"
}

route_fix(r, rt, s) := {
	"cli": sprintf("aws ec2 delete-route --route-table-id %s --destination-cidr-block %s", [rt.id, r.destination])
} if {
	r.destination == "0.0.0.0/0"
	not object.get(arch.subnet_network(s), "nat", "") in {"per_az", "single"}
}

finding(s, f) := result.in_component(arch.network_of(s.vpc_id), f)

deny contains finding(s, object.union(
	result.new(msg, rt.arn, sprintf("route:%s", [r.destination]), "no route to an internet gateway", r.target.id),
	route_fix(r, rt, s)
)) if {
	some [s, _] in private
	rt := arch.route_table(s)
	some r in rt.routes
	r.target.type == "internet_gateway"
	msg := sprintf(
		"Private subnet %s routes %s to internet gateway %s through %s.",
		[s.cidr_block, r.destination, r.target.id, rt.id]
	)
}

deny contains finding(s, object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", expected(m), actual),
	to_nat("create-route", rt, s)
)) if {
	some [s, m] in private
	m in {"per_az", "single"}
	rt := arch.route_table(s)
	not arch.default_route(rt)
	actual := null
	msg := sprintf("Private subnet %s has no default route (route table %s).", [s.cidr_block, rt.id])
}

deny contains finding(s, object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", expected(m), r.target),
	to_nat("replace-route", rt, s)
)) if {
	some [s, m] in private
	m in {"per_az", "single"}
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type != "nat_gateway"
	r.target.type != "internet_gateway"
	msg := sprintf(
		"Private subnet %s sends its default route to %s instead of a NAT gateway.",
		[s.cidr_block, r.target.type]
	)
}

deny contains finding(s, object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", s.availability_zone, nat_subnet.availability_zone),
	to_nat("replace-route", rt, s)
)) if {
	some [s, "per_az"] in private
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

deny contains finding(s, object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", expected(m), r.target.id),
	to_nat("replace-route", rt, s)
)) if {
	some [s, m] in private
	m in {"per_az", "single"}
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type == "nat_gateway"
	arch.complete("ec2.nat_gateways")
	not nat_of_network(r.target.id, s)
	msg := sprintf(
		concat(" ", [
			"Private subnet %s routes through NAT gateway %s, which does not exist,",
			"is not available or is outside its network."
		]),
		[s.cidr_block, r.target.id]
	)
}

nat_of_network(id, s) if {
	n := arch.nats_by_id[id]
	n.state == "available"
	arch.subnets_by_id[n.subnet_id].vpc_id == s.vpc_id
}

# `nat = "none"`: the network's private subnets have no route to the internet at all.
deny contains finding(s, result.fixed(
	msg,
	rt.arn,
	"route:0.0.0.0/0",
	"no route to the internet (nat = none)",
	r.target.id,
	sprintf("aws ec2 delete-route --route-table-id %s --destination-cidr-block 0.0.0.0/0", [rt.id])
)) if {
	some [s, "none"] in private
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	r.target.type != "internet_gateway"
	msg := sprintf(
		"Private subnet %s routes 0.0.0.0/0 to %s %s; its network documents no NAT (nat = \"none\").",
		[s.cidr_block, r.target.type, r.target.id]
	)
}
