# METADATA
# title: Deployments roll back automatically when they fail
# description: |
#   With the deployment circuit breaker and rollback, a bad image or failing health checks
#   restore the last working version instead of leaving the service down.
# custom:
#   id: AA-ECS-004
#   severity: medium
#   resource_type: aws.ecs.service
#   component: services
#   expectation: [services.*.circuit_breaker_rollback]
#   anchors: [ecs_service]
#   requires: [ecs.services]
#   remediation:
#     summary: Enable the deployment circuit breaker with rollback.
#     cli: >-
#       aws ecs update-service --cluster <cluster> --service <service> --deployment-configuration
#       'deploymentCircuitBreaker={enable=true,rollback=true}'
#     fix: ecs.enable_circuit_breaker
package archaudit.ecs.circuit_breaker

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(
	arch.service_of(s),
	result.new(msg, s.arn, "deployment.circuit_breaker", {"enabled": true, "rollback": true}, actual)
) if {
	some s in arch.services
	arch.service_spec(s).circuit_breaker_rollback == true
	s.deployment.controller == "ECS"
	not rolls_back(s)
	actual := {"enabled": s.deployment.circuit_breaker_enabled, "rollback": s.deployment.circuit_breaker_rollback}
	msg := sprintf("Service %s deploys without a circuit breaker that rolls back.", [s.id])
}

rolls_back(s) if {
	s.deployment.circuit_breaker_enabled == true
	s.deployment.circuit_breaker_rollback == true
}
