# METADATA
# title: Each documented ECS service exists and is registered with its load balancer on its own ports
# description: |
#   The application runs as an ECS service whose tasks register with the ALB's target group.
#   Without it the load balancer has nothing to send traffic to.
# custom:
#   id: AA-ECS-001
#   severity: high
#   resource_type: aws.ecs.service
#   component: services
#   expectation: [services.*.load_balancer, services.*.ports]
#   anchors: [load_balancer]
#   requires: [ecs.services, elbv2.target_groups, elbv2.load_balancers]
#   remediation:
#     summary: >-
#       Attach the service to the target group (ECS requires recreating a service to change its load balancers; do it
#       through Terraform).
#     terraform: |
#       load_balancer {
#         target_group_arn = aws_lb_target_group.app.arn
#         container_name   = "app"
#         container_port   = 3000
#       }
package archaudit.ecs.service_behind_alb

import data.archaudit.lib.arch
import data.archaudit.lib.result

attribute(name) := arch.qualified("ecs_service", "services", name)

# An unpinned service behind a found load balancer: it is found by its registration.
deny contains result.in_component(
	arch.component("services", name),
	result.new(msg, lb.arn, attribute(name), "an ECS service registered with the target group", null)
) if {
	arch.complete("ecs.services")
	some name, svc in arch.spec.services
	not svc.name
	count(arch.component_services[name]) == 0
	some lb in arch.component_albs[svc.load_balancer]
	msg := sprintf(
		"No ECS service is registered with a target group of load balancer %s%s.",
		[lb.id, arch.which("services", "service", name)]
	)
}

# A service pinned by name that does not exist.
deny contains result.in_component(
	arch.component("services", name),
	result.new(msg, arch.account_arn, attribute(name), svc.name, null)
) if {
	arch.complete("ecs.services")
	some name, svc in arch.spec.services
	svc.name
	count(arch.component_services[name]) == 0
	msg := sprintf("Documented service %s (ECS service %s%s) was not found.", [name, svc.name, in_cluster(svc)])
}

in_cluster(svc) := sprintf(" in cluster %s", [svc.cluster]) if svc.cluster

else := ""

# The target groups attached to each load-balancer component.
lb_target_groups[name] := {arn | some arn, names in arch.tg_components; name in names} if {
	some name, _ in arch.spec.load_balancers
}

# A service found by its name that is not registered with its documented load balancer: it
# is not reachable through it (never a silent drop from scope).
deny contains result.in_component(arch.service_of(s), result.manual(
	msg,
	s.arn,
	"load_balancers",
	sprintf("registered with load balancer %s", [svc.load_balancer]),
	[b.target_group_arn | some b in s.load_balancers],
	concat(" ", [
		"Register the service with a target group of its load balancer (recreate the",
		"service through Terraform: its load balancers cannot be changed in place)."
	])
)) if {
	arch.complete("elbv2.target_groups")
	some s in arch.services
	svc := arch.service_spec(s)
	svc.load_balancer
	count(arch.component_albs[svc.load_balancer]) > 0
	not registered(s, svc.load_balancer)
	msg := sprintf(
		"Service %s is not reachable through load balancer %s: it is registered with none of its target groups.",
		[s.id, svc.load_balancer]
	)
}

registered(s, lbname) if {
	some b in s.load_balancers
	b.target_group_arn in lb_target_groups[lbname]
}

deny contains result.in_component(arch.service_of(s), result.manual(
	msg,
	s.arn,
	"load_balancers.container_port",
	expected,
	b.container_port,
	concat(" ", [
		"A service's load balancer mapping cannot be changed in place: recreate",
		"the service with the documented container port (through Terraform)."
	])
)) if {
	some s in arch.services
	svc := arch.service_spec(s)
	count(svc.ports) > 0
	some b in s.load_balancers
	b.target_group_arn in arch.alb_target_groups
	not b.container_port in svc.ports
	expected := arch.one_or_all(svc.ports)
	msg := sprintf(
		"Service %s registers container port %d instead of %v.",
		[s.id, b.container_port, expected]
	)
}
