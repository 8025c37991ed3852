# The architecture as found: its components and how traffic and routes connect them, for the
# diagram in the Markdown report (`archaudit diagram`). It uses the same component rules as
# the policies (`arch.albs`, `arch.services`, …): one definition of "which ALB is ours".
#
# graph.nodes: {id, kind, label, arn, group, missing, unknown}; `group` is `vpc`, `az:<zone>`
# (inside the VPC) or "" (outside); `missing` marks a documented component that is not in the
# inventory (its `arn` is null), `unknown` that it may exist but could not be listed (a gap). graph.edges: {from, to,
# label, arn, attribute}: `arn` and `attribute` name
# the security-group rule (or route) the edge stands for, so a finding on it marks the edge.
package archaudit.lib.components

import data.archaudit.lib.arch

graph := {
	"nodes": sort_nodes(nodes),
	"edges": sort_edges(edges),
}

sort_nodes(s) := [n | some k in sort([n.id | some n in s]); some n in s; n.id == k]

sort_edges(s) := [
	e | some k in sort([[e.from, e.to, e.label] | some e in s]); some e in s; [e.from, e.to, e.label] == k
]

node(id, kind, label, arn, group) := {
	"id": id,
	"kind": kind,
	"label": label,
	"arn": arn,
	"group": group,
	"missing": false,
	"unknown": false
}

# A documented component not in the inventory: "not found" when every kind it is looked up in
# was listed completely, else "unknown" (a gap: it may well exist).
absent(id, kind, what, group, kinds) := {
	"id": id,
	"kind": kind,
	"label": sprintf("%s<br/>%s", [what, seen(kinds)]),
	"arn": null,
	"group": group,
	"missing": true,
	"unknown": unknown(kinds)
}

seen(kinds) := "not found" if not unknown(kinds)

else := "unknown: not collected"

unknown(kinds) if {
	some k in kinds
	not arch.complete(k)
}

else := false

edge(from, to, label) := {"from": from, "to": to, "label": label, "arn": null, "attribute": null}

rule_edge(from, to, g, r) := {
	"from": from,
	"to": to,
	"label": sprintf("%s %s", [r.protocol, arch.port_range(r)]),
	"arn": g.arn,
	"attribute": sprintf("ingress:%s", [r.rule_id])
}

nodes contains node("internet", "internet", "Internet", null, "")

# --- network ---------------------------------------------------------------------------------

nodes contains node(
	sprintf("vpc_%s", [v.id]),
	"vpc",
	sprintf("VPC %s<br/>%s", [v.id, v.cidr_block]),
	v.arn,
	"vpc"
) if some v in arch.vpcs

nodes contains absent(
	"vpc_missing",
	"vpc",
	sprintf("VPC %s", [concat(", ", [n.cidr | some _, n in arch.spec.networks])]),
	"vpc",
	["ec2.vpcs"]
) if {
	count(arch.spec.networks) > 0
	count(arch.vpcs) == 0
}

nodes contains node(
	sprintf("subnet_%s", [s.id]),
	"subnet",
	sprintf("%s subnet %s<br/>%s", [tier(s), s.cidr_block, s.id]),
	s.arn,
	sprintf("az:%s", [s.availability_zone])
) if some s in arch.subnets

tier(s) := arch.subnet_spec(s).tier

tier(s) := "undocumented" if not arch.subnet_spec(s)

nodes contains absent(
	sprintf("subnet_missing_%s", [safe(d.cidr)]),
	"subnet",
	sprintf("%s subnet %s", [d.tier, d.cidr]),
	sprintf("az:%s", [d.az]),
	["ec2.vpcs", "ec2.subnets"]
) if {
	some _, n in arch.spec.networks
	some d in n.subnets
	not found_cidrs[d.cidr]
}

found_cidrs := {s.cidr_block | some s in arch.subnets}

nodes contains node(
	sprintf("nat_%s", [n.id]),
	"nat_gateway",
	sprintf("NAT gateway %s", [n.id]),
	n.arn,
	sprintf("az:%s", [arch.subnets_by_id[n.subnet_id].availability_zone])
) if {
	some n in input.aws.ec2.nat_gateways
	n.state == "available"
	arch.subnets_by_id[n.subnet_id]
}

nodes contains absent(
	sprintf("nat_missing_%s", [safe(az)]),
	"nat_gateway",
	sprintf("NAT gateway in %s", [az]),
	sprintf("az:%s", [az]),
	["ec2.subnets", "ec2.nat_gateways"]
) if {
	some v in arch.vpcs
	n := arch.spec.networks[arch.vpc_network[v.id]]
	n.nat == "per_az"
	some az in n.availability_zones
	not arch.available_nats[[v.id, az]][0]
}

nodes contains node(
	sprintf("igw_%s", [id]),
	"internet_gateway",
	sprintf("Internet gateway %s", [id]),
	igw_arn(id),
	"vpc"
) if some id in arch.attached_igws

igw_arn(id) := g.arn if {
	some g in input.aws.ec2.internet_gateways
	g.id == id
}

# Only where a network documents one: a private-only network has none to miss.
nodes contains absent("igw_missing", "internet_gateway", "Internet gateway", "vpc", ["ec2.internet_gateways"]) if {
	some v in arch.vpcs
	arch.spec.networks[arch.vpc_network[v.id]].internet_gateway == true
	count(arch.vpc_igws[v.id]) == 0
}

# Routes: public subnets to the internet gateway, private subnets to a NAT gateway.
# The edge carries the route table's ARN: a finding on the table's default route marks it.
edges contains {
	"from": sprintf("subnet_%s", [s.id]),
	"to": target,
	"label": "0.0.0.0/0",
	"arn": rt.arn,
	"attribute": "route:0.0.0.0/0"
} if {
	some s in arch.subnets
	rt := arch.route_table(s)
	r := arch.default_route(rt)
	target := route_target(r)
}

route_target(r) := sprintf("igw_%s", [r.target.id]) if {
	r.target.type == "internet_gateway"
	r.target.id in arch.attached_igws
}

route_target(r) := sprintf("nat_%s", [r.target.id]) if {
	r.target.type == "nat_gateway"
	arch.nats_by_id[r.target.id].state == "available"
}

edges contains edge(sprintf("igw_%s", [id]), "internet", "") if some id in arch.attached_igws

# --- load balancer ---------------------------------------------------------------------------

nodes contains node(
	sprintf("alb_%s", [safe(lb.id)]),
	"load_balancer",
	sprintf("ALB %s", [lb.id]),
	lb.arn,
	"vpc"
) if some lb in arch.albs

# Each documented load balancer not found (the reference's single one keeps its short id).
nodes contains absent(
	missing_id("alb_missing", "load_balancers", name),
	"load_balancer",
	sprintf("%s ALB%s", [scheme_label[lb.scheme], named("load_balancers", name)]),
	"vpc",
	["ec2.vpcs", "elbv2.load_balancers"]
) if {
	some name, lb in arch.spec.load_balancers
	count(arch.component_albs[name]) == 0
}

scheme_label := {"internet-facing": "Internet-facing", "internal": "Internal"}

missing_id(prefix, kind, _) := prefix if count(arch.spec[kind]) == 1

missing_id(prefix, kind, name) := sprintf("%s_%s", [prefix, safe(name)]) if count(arch.spec[kind]) != 1

# " reporting" after a missing component's kind when the spec documents several of that kind.
named(kind, _) := "" if count(arch.spec[kind]) == 1

named(kind, name) := sprintf(" %s", [name]) if count(arch.spec[kind]) != 1

nodes contains node(
	sprintf("listener_%s", [l.id]),
	"listener",
	listener_label(l),
	l.arn,
	"vpc"
) if some l in arch.alb_listeners

listener_label(l) := sprintf("%s :%d<br/>%s", [l.protocol, l.port, action_label(l)])

action_label(l) := sprintf("redirect %s", [a.redirect.status_code]) if {
	some a in l.default_actions
	a.type == "redirect"
} else := sprintf("forward%s", [tls(l)]) if {
	some a in l.default_actions
	a.type == "forward"
} else := concat(", ", [a.type | some a in l.default_actions])

tls(l) := sprintf(" · %s", [l.ssl_policy]) if l.ssl_policy

else := ""

edges contains edge(sprintf("alb_%s", [safe(lb.id)]), sprintf("listener_%s", [l.id]), "") if {
	some lb in arch.albs
	some l in arch.alb_listeners
	l.load_balancer_arn == lb.arn
}

nodes contains node(
	sprintf("tg_%s", [safe(tg.id)]),
	"target_group",
	sprintf("Target group %s<br/>%s :%d", [tg.id, tg.protocol, tg.port]),
	tg.arn,
	"vpc"
) if {
	some arn in arch.alb_target_groups
	tg := arch.target_groups_by_arn[arn]
}

edges contains edge(
	sprintf("listener_%s", [l.id]),
	sprintf("tg_%s", [safe(arch.target_groups_by_arn[arn].id)]),
	"forward"
) if {
	some l in arch.alb_listeners
	some a in l.default_actions
	a.type == "forward"
	some arn in a.target_groups
	arn in arch.alb_target_groups
}

# Security-group edges: what the internet may reach on the load balancer.
edges contains rule_edge("internet", sprintf("alb_%s", [safe(lb.id)]), g, r) if {
	some lb in arch.albs
	some id in lb.security_groups
	g := arch.security_groups_by_id[id]
	some r in g.ingress
	arch.from_internet(r.peer)
}

# --- containers ------------------------------------------------------------------------------

nodes contains node(
	sprintf("svc_%s", [safe(s.id)]),
	"ecs_service",
	sprintf("ECS service %s<br/>%d task(s) · %s", [s.id, s.desired_count, s.launch_type]),
	s.arn,
	"vpc"
) if some s in arch.services

nodes contains absent(
	missing_id("svc_missing", "services", name),
	"ecs_service",
	sprintf("ECS service%s", [named("services", name)]),
	"vpc",
	["elbv2.load_balancers", "elbv2.target_groups", "ecs.clusters", "ecs.services"]
) if {
	some name, _ in arch.spec.services
	count(arch.component_services[name]) == 0
}

edges contains edge(
	sprintf("tg_%s", [safe(arch.target_groups_by_arn[b.target_group_arn].id)]),
	sprintf("svc_%s", [safe(s.id)]),
	sprintf("port %d", [b.container_port])
) if {
	some s in arch.services
	some b in s.load_balancers
	b.target_group_arn in arch.alb_target_groups
}

# Where the tasks run.
edges contains edge(sprintf("svc_%s", [safe(s.id)]), sprintf("subnet_%s", [x]), "tasks") if {
	some s in arch.services
	some x in s.network.subnets
	arch.subnets_by_id[x]
}

# Security-group edges into the tasks: from the load balancer's group, and anything else.
edges contains rule_edge(sprintf("alb_%s", [safe(lb.id)]), sprintf("svc_%s", [safe(s.id)]), g, r) if {
	some s in arch.services
	some id in s.network.security_groups
	g := arch.security_groups_by_id[id]
	some r in g.ingress
	r.peer.type == "security_group"
	some lb in arch.albs
	r.peer.value in lb.security_groups
}

edges contains rule_edge("internet", sprintf("svc_%s", [safe(s.id)]), g, r) if {
	some s in arch.services
	some id in s.network.security_groups
	g := arch.security_groups_by_id[id]
	some r in g.ingress
	arch.from_internet(r.peer)
}

# --- state and monitoring --------------------------------------------------------------------

nodes contains node(
	sprintf("bucket_%s", [safe(b.id)]),
	"state_bucket",
	sprintf("State bucket %s", [b.id]),
	b.arn,
	""
) if some b in arch.state_buckets

nodes contains absent(
	"bucket_missing",
	"state_bucket",
	"Terraform state bucket",
	"",
	["s3.buckets"]
) if {
	arch.spec.state_bucket
	count(arch.state_buckets) == 0
}

nodes contains node(
	sprintf("alarm_%s", [safe(a.id)]),
	"alarm",
	sprintf("Alarm %s<br/>%s %s %v", [a.id, a.metric_name, a.comparison_operator, a.threshold]),
	a.arn,
	""
) if {
	some a in service_alarms
}

service_alarms contains a if {
	some s in arch.services
	some a in input.aws.cloudwatch.alarms
	a.dimensions.ServiceName == s.id
	a.dimensions.ClusterName == arch.cluster_name(s)
	not startswith(a.id, "TargetTracking-")
}

edges contains edge(sprintf("alarm_%s", [safe(a.id)]), sprintf("svc_%s", [safe(s.id)]), "watches") if {
	some s in arch.services
	some a in service_alarms
	a.dimensions.ServiceName == s.id
}

nodes contains absent(
	sprintf("alarm_missing_%s", [safe(d.metric)]),
	"alarm",
	sprintf("%s alarm", [d.metric]),
	"",
	["cloudwatch.alarms"]
) if {
	count(arch.services) > 0
	some _, svc in arch.spec.services
	some d in svc.alarms
	not alarm_metrics[d.metric]
}

alarm_metrics := {a.metric_name | some a in service_alarms}

# --- what could not be seen --------------------------------------------------------------------

# The kinds drawn here that a gap touches: the picture may lack some of their components or
# connections, so the diagram says so in a node of its own rather than looking whole.
drawn_kinds := {
	"ec2.vpcs",
	"ec2.subnets",
	"ec2.route_tables",
	"ec2.nat_gateways",
	"ec2.internet_gateways",
	"ec2.security_groups",
	"elbv2.load_balancers",
	"elbv2.listeners",
	"elbv2.target_groups",
	"ecs.clusters",
	"ecs.services",
	"s3.buckets",
	"cloudwatch.alarms"
}

gapped := sort({gap_label(g) | some g in input.gaps; g.kind in drawn_kinds})

gap_label(g) := sprintf("%s %s", [g.kind, g.attribute]) if g.attribute

else := g.kind

nodes contains {
	"id": "gaps",
	"kind": "gaps",
	"label": sprintf("Not fully collected:<br/>%s", [concat("<br/>", gapped)]),
	"arn": null,
	"group": "",
	"missing": true,
	"unknown": true
} if count(gapped) > 0

# A Mermaid-safe id fragment.
safe(s) := regex.replace(s, "[^A-Za-z0-9_]", "_")
