# METADATA
# title: The ECS service runs on Fargate with at least the documented number of tasks
# description: |
#   Fargate removes the hosts the team would otherwise have to patch, and two or more tasks keep
#   the application up when one task or one AZ fails.
# custom:
#   id: AA-ECS-002
#   severity: high
#   resource_type: aws.ecs.service
#   expectation: [ecs.min_desired_count, ecs.launch_type]
#   anchors: [ecs_service]
#   requires: [ecs.services]
#   remediation:
#     summary: Set the desired count back to the documented minimum (and the launch type to Fargate through Terraform).
#     cli: aws ecs update-service --cluster <cluster> --service <service> --desired-count 2
#     fix: ecs.set_desired_count
package archaudit.ecs.service_config

import data.archaudit.lib.arch
import data.archaudit.lib.result

fargate(s) if s.launch_type == arch.spec.ecs.launch_type

fargate(s) if {
	not s.launch_type
	some p in s.capacity_providers
	startswith(p, arch.spec.ecs.launch_type)
}

deny contains result.manual(
	msg,
	s.arn,
	"launch_type",
	arch.spec.ecs.launch_type,
	actual,
	"Recreate the service on Fargate (through Terraform): the launch type cannot be changed in place."
) if {
	some s in arch.services
	not fargate(s)
	actual := object.get(s, "launch_type", s.capacity_providers)
	msg := sprintf("Service %s runs on %v instead of %s.", [s.id, actual, arch.spec.ecs.launch_type])
}

deny contains result.fixed(
	msg,
	s.arn,
	"desired_count",
	sprintf(">= %d", [arch.spec.ecs.min_desired_count]),
	s.desired_count,
	sprintf(
		"aws ecs update-service --cluster %s --service %s --desired-count %d",
		[arch.cluster_name(s), s.id, arch.spec.ecs.min_desired_count]
	)
) if {
	some s in arch.services
	s.desired_count < arch.spec.ecs.min_desired_count
	msg := sprintf(
		"Service %s wants %d task(s); the architecture needs at least %d.",
		[s.id, s.desired_count, arch.spec.ecs.min_desired_count]
	)
}
