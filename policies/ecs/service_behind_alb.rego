# METADATA
# title: An ECS service is registered with the load balancer's target group
# description: |
#   The application runs as an ECS service whose tasks register with the ALB's target group.
#   Without it the load balancer has nothing to send traffic to.
# custom:
#   id: AA-ECS-001
#   severity: high
#   resource_type: aws.ecs.service
#   expectation: [ecs]
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

deny contains result.new(msg, lb.arn, "ecs_service", "an ECS service registered with the target group", null) if {
	arch.complete("ecs.services")
	count(arch.services) == 0
	some lb in arch.albs
	msg := sprintf("No ECS service is registered with a target group of load balancer %s.", [lb.id])
}

deny contains result.manual(
	msg,
	s.arn,
	"load_balancers.container_port",
	arch.spec.app_port,
	b.container_port,
	concat(" ", [
		"A service's load balancer mapping cannot be changed in place: recreate",
		"the service with the documented container port (through Terraform)."
	])
) if {
	some s in arch.services
	some b in s.load_balancers
	b.target_group_arn in arch.alb_target_groups
	b.container_port != arch.spec.app_port
	msg := sprintf(
		"Service %s registers container port %d instead of %d.",
		[s.id, b.container_port, arch.spec.app_port]
	)
}
