package archaudit.lib.components_test

import data.archaudit.lib.components
import data.archaudit.lib.testing as t

ref := t.ref

kinds(g) := {n.kind | some n in g.nodes}

test_reference_draws_every_component if {
	g := components.graph with input as ref
	kinds(g) == {
		"internet",
		"vpc",
		"subnet",
		"nat_gateway",
		"internet_gateway",
		"load_balancer",
		"listener",
		"target_group",
		"ecs_service",
		"state_bucket",
		"alarm"
	}
	count([n | some n in g.nodes; n.missing]) == 0
	count([n | some n in g.nodes; n.kind == "subnet"]) == 4
}

test_reference_edges_follow_traffic if {
	g := components.graph with input as ref
	edges := {[e.from, e.label] | some e in g.edges; e.from == "internet"}
	edges == {["internet", "tcp 443"], ["internet", "tcp 80"]}
	some e in g.edges
	startswith(e.from, "tg_")
	e.label == "port 3000"
}

test_deleted_load_balancer_is_drawn_missing if {
	g := components.graph with input as t.emptied("elbv2", "load_balancers")
	some n in g.nodes
	n.id == "alb_missing"
	n.missing
	not n.unknown
	endswith(n.label, "not found")
}

test_unlisted_load_balancers_are_unknown_not_missing if {
	inv := object.union(
		t.emptied("elbv2", "load_balancers"),
		{
			"gaps": [
				{
					"service": "elbv2",
					"region": "us-east-1",
					"kind": "elbv2.load_balancers",
					"operation": "DescribeLoadBalancers",
					"code": "AccessDenied",
					"message": "denied"
				}
			]
		}
	)
	g := components.graph with input as inv
	some n in g.nodes
	n.id == "alb_missing"
	n.unknown
	endswith(n.label, "unknown: not collected")
	some m in g.nodes
	m.id == "gaps"
	contains(m.label, "elbv2.load_balancers")
}

# A section the spec leaves out is never drawn missing: without a documented state bucket,
# no "state bucket not found" node; without a documented internet gateway, none either.
test_undocumented_components_are_not_drawn_missing if {
	spec := object.remove(data.archaudit.architecture, ["state_bucket"])
	nets := {name: object.remove(n, ["internet_gateway"]) | some name, n in spec.networks}
	g := components.graph with input as t.emptied("s3", "buckets")
		with data.archaudit.architecture as object.union(spec, {"networks": nets})
	every n in g.nodes {
		not n.id in {"bucket_missing", "igw_missing"}
	}
}

test_a_documented_state_bucket_not_found_is_drawn_missing if {
	g := components.graph with input as t.emptied("s3", "buckets")
	some n in g.nodes
	n.id == "bucket_missing"
}
