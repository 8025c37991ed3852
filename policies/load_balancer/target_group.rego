# METADATA
# title: The target group sends traffic to the application port with health checks on
# description: |
#   The load balancer must route to the port the containers listen on and stop sending traffic
#   to unhealthy tasks.
# custom:
#   id: AA-LB-005
#   severity: medium
#   resource_type: aws.elbv2.target_group
#   expectation: [app_port]
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

deny contains result.new(msg, tg.arn, "port", arch.spec.app_port, tg.port) if {
	some arn in forwarded
	tg := arch.target_groups_by_arn[arn]
	tg.target_type != "lambda"
	tg.port != arch.spec.app_port
	msg := sprintf("Target group %s sends traffic to port %d instead of %d.", [tg.id, tg.port, arch.spec.app_port])
}

deny contains result.new(msg, tg.arn, "health_check.enabled", true, false) if {
	some arn in forwarded
	tg := arch.target_groups_by_arn[arn]
	tg.health_check.enabled == false
	msg := sprintf("Target group %s has health checks disabled.", [tg.id])
}
