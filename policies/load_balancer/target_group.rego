# METADATA
# title: The target group sends traffic to the application port with health checks on
# description: |
#   The load balancer must route to the port the containers listen on and stop sending traffic
#   to unhealthy tasks.
# custom:
#   id: AA-LB-005
#   severity: medium
#   resource_type: aws.elbv2.target_group
#   component: load_balancers
#   expectation: [services.*.ports]
#   anchors: [load_balancer]
#   requires: [elbv2.target_groups, elbv2.listeners]
#   remediation:
#     summary: >-
#       Point the target group at the application port and enable health checks (Terraform recreates target groups whose
#       port changes).
#     cli: aws elbv2 modify-target-group --target-group-arn <tg-arn> --health-check-enabled --health-check-path /health
package archaudit.load_balancer.target_group

import data.archaudit.lib.arch
import data.archaudit.lib.result

forwarded := {tg | some l in arch.alb_listeners; some a in l.default_actions; some tg in a.target_groups}

# Target groups an ECS service registers its tasks with: the registration names the port,
# so the target group's own port is not where traffic goes (service_behind_alb judges it).
registered := {b.target_group_arn | some s in input.aws.ecs.services; some b in s.load_balancers}

# The ports documented for the services behind a load-balancer component.
lb_ports(name) := {p | some _, svc in arch.spec.services; svc.load_balancer == name; some p in svc.ports}

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, tg.arn, "port", expected, tg.port)
) if {
	some arn in forwarded
	arch.complete("ecs.services")
	not arn in registered
	tg := arch.target_groups_by_arn[arn]
	tg.target_type != "lambda"
	some name in arch.tg_components[arn]
	ports := lb_ports(name)
	count(ports) > 0
	not tg.port in ports
	expected := arch.one_or_all(ports)
	msg := sprintf("Target group %s sends traffic to port %d instead of %v.", [tg.id, tg.port, expected])
}

deny contains result.new(msg, tg.arn, "health_check.enabled", true, false) if {
	some arn in forwarded
	tg := arch.target_groups_by_arn[arn]
	tg.health_check.enabled == false
	msg := sprintf("Target group %s has health checks disabled.", [tg.id])
}
