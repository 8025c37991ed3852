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
#   component: networks
#   expectation: [networks.*.subnets]
#   anchors: [vpc]
#   requires: [ec2.subnets, ec2.route_tables, ec2.internet_gateways]
#   remediation:
#     summary: Add a 0.0.0.0/0 route to the VPC's internet gateway in the public route table.
#     cli: aws ec2 create-route --route-table-id <rtb-id> --destination-cidr-block 0.0.0.0/0 --gateway-id <igw-id>
package archaudit.network.public_route

import data.archaudit.lib.arch
import data.archaudit.lib.result

# Route tables of public subnets without a default route to the VPC's internet gateway, with
# the subnets that use them: one finding per table, however many subnets share it.
broken[rt.id] := {"table": rt, "subnets": subnets, "vpc": s.vpc_id} if {
	some s in arch.public_subnets
	rt := arch.route_table(s)
	not routes_to_igw(rt)
	subnets := sort([x.cidr_block | some x in arch.public_subnets; arch.route_table(x).id == rt.id])
}

igw_fix(rt) := {
	"cli": sprintf(
		"aws ec2 %s --route-table-id %s --destination-cidr-block 0.0.0.0/0 --gateway-id %s",
		[verb(rt), rt.id, sort(arch.vpc_igws[rt.vpc_id])[0]]
	)
} if count(object.get(arch.vpc_igws, rt.vpc_id, set())) > 0

igw_fix(rt) := {
	"manual": "Attach an internet gateway to the VPC (through Terraform), then route 0.0.0.0/0 to it."
} if count(object.get(arch.vpc_igws, rt.vpc_id, set())) == 0

verb(rt) := "replace-route" if arch.default_route(rt)

verb(rt) := "create-route" if not arch.default_route(rt)

deny contains result.in_component(arch.network_of(b.vpc), object.union(
	result.new(msg, rt.arn, "route:0.0.0.0/0", "an attached internet gateway", actual),
	igw_fix(rt)
)) if {
	some b in broken
	rt := b.table
	actual := default_target(rt)
	msg := sprintf(
		"Public subnet(s) %s have no default route to the VPC's internet gateway (route table %s).",
		[concat(", ", b.subnets), rt.id]
	)
}

routes_to_igw(rt) if {
	r := arch.default_route(rt)
	r.target.type == "internet_gateway"
	r.target.id in arch.vpc_igws[rt.vpc_id]
}

default_target(rt) := arch.default_route(rt).target

default_target(rt) := null if not arch.default_route(rt)
