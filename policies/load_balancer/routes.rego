# METADATA
# title: Each documented route of a load balancer reaches its service
# description: |
#   A load balancer's documented routing (a path or host pattern to a service, or its default
#   action) is what makes each service reachable. A deleted or retargeted listener rule takes
#   a service off the internet while every other resource still looks right.
# custom:
#   id: AA-LB-007
#   severity: high
#   resource_type: aws.elbv2.load_balancer
#   component: load_balancers
#   expectation: [load_balancers.*.routes]
#   anchors: [load_balancer]
#   requires: [elbv2.load_balancers, elbv2.listeners, elbv2.listener_rules, elbv2.target_groups, ecs.services]
#   remediation:
#     summary: >-
#       Restore the listener rule (or default action) that forwards the documented path or host to a target group the
#       service is registered with, through Terraform.
#     cli: >-
#       aws elbv2 create-rule --listener-arn <listener-arn> --priority <priority> --conditions
#       Field=path-pattern,Values='<path>' --actions Type=forward,TargetGroupArn=<target-group-arn>
#     terraform: |
#       resource "aws_lb_listener_rule" "reporting" {
#         listener_arn = aws_lb_listener.https.arn
#         condition {
#           path_pattern { values = ["/reporting*"] }
#         }
#         action {
#           type             = "forward"
#           target_group_arn = aws_lb_target_group.reporting.arn
#         }
#       }
package archaudit.load_balancer.routes

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The target groups each documented service's tasks are registered with.
service_target_groups[name] := {b.target_group_arn |
	some s in arch.component_services[name]
	some b in s.load_balancers
} if {
	some name, _ in arch.spec.services
}

# The serving listeners of each load-balancer component (not the ones that only redirect).
serving(l) if {
	some a in l.default_actions
	a.type == "forward"
}

serving(l) if {
	some r in input.aws.elbv2.listener_rules
	r.listener_arn == l.arn
}

forwards_to(actions, tgs) if {
	some a in actions
	a.type == "forward"
	some tg in a.target_groups
	tg in tgs
}

# A listener rule's values for one condition field (`path-pattern` → {"/reporting*"}).
values(rule, field) := {v |
	some c in rule.conditions
	startswith(c, sprintf("%s: ", [field]))
	some v in split(substring(c, count(field) + 2, -1), ",")
}

matches(rule, route) if {
	route_field_ok(rule, "path-pattern", object.get(route, "path", null))
	route_field_ok(rule, "host-header", object.get(route, "host", null))
}

route_field_ok(_, _, v) if v == null

route_field_ok(rule, field, v) if {
	v != null
	v in values(rule, field)
}

rules_of(l) := [r | some r in input.aws.elbv2.listener_rules; r.listener_arn == l.arn]

# Whether the route is served by the listener `l`: by a rule for a path or host, by the
# default action otherwise.
routed(l, route, tgs) if {
	not route.path
	not route.host
	forwards_to(l.default_actions, tgs)
}

routed(l, route, tgs) if {
	conditional(route)
	some r in rules_of(l)
	matches(r, route)
	forwards_to(r.actions, tgs)
}

# A route is judged only from complete lists: a listener or rule that could not be listed is
# not concluded missing (the engine reports the rule not evaluated).
listed(route) if {
	arch.complete("elbv2.listeners")
	not conditional(route)
}

listed(route) if {
	arch.complete("elbv2.listeners")
	arch.complete("elbv2.listener_rules")
}

conditional(route) if route.path

conditional(route) if route.host

describe(route) := sprintf("path %s", [route.path]) if {
	route.path
	not route.host
}

describe(route) := sprintf("host %s", [route.host]) if {
	route.host
	not route.path
}

describe(route) := sprintf("host %s and path %s", [route.host, route.path]) if {
	route.host
	route.path
}

describe(route) := "the default action" if {
	not route.host
	not route.path
}

deny contains result.in_component(arch.component("load_balancers", name), result.new(
	msg,
	lb.arn,
	sprintf("route:%s", [describe(route)]),
	sprintf("%s forwards to service %s", [describe(route), route.service]),
	null
)) if {
	some name, spec in arch.spec.load_balancers
	some route in spec.routes
	listed(route)
	count(arch.component_services[route.service]) > 0
	tgs := service_target_groups[route.service]
	some lb in arch.component_albs[name]
	listeners := [l | some l in arch.alb_listeners; l.load_balancer_arn == lb.arn; serving(l)]
	not any_routed(listeners, route, tgs)
	msg := sprintf(
		concat(" ", [
			"Load balancer %s does not route %s to service %s: no listener forwards it",
			"to a target group the service is registered with."
		]),
		[lb.id, describe(route), route.service]
	)
}

any_routed(listeners, route, tgs) if {
	some l in listeners
	routed(l, route, tgs)
}
