# METADATA
# title: Each ECS service runs on its documented launch type with the documented number of tasks
# description: |
#   Fargate removes the hosts the team would otherwise have to patch, and two or more tasks keep
#   the application up when one task or one AZ fails.
# custom:
#   id: AA-ECS-002
#   severity: high
#   resource_type: aws.ecs.service
#   component: services
#   expectation: [services.*.min_desired_count, services.*.launch_type, services.*.max_desired_count]
#   anchors: [ecs_service]
#   requires: [ecs.services]
#   remediation:
#     summary: Set the desired count back to the documented minimum (and the launch type to Fargate through Terraform).
#     cli: aws ecs update-service --cluster <cluster> --service <service> --desired-count 2
#     fix: ecs.set_desired_count
package archaudit.ecs.service_config

import data.archaudit.lib.arch
import data.archaudit.lib.result

fargate(s, want) if s.launch_type == want

fargate(s, want) if {
	not s.launch_type
	some p in s.capacity_providers
	startswith(p, want)
}

deny contains result.in_component(arch.service_of(s), result.manual(
	msg,
	s.arn,
	"launch_type",
	want,
	actual,
	sprintf(
		"Recreate the service on %s (through Terraform): the launch type cannot be changed in place.",
		[title(want)]
	)
)) if {
	some s in arch.services
	want := arch.service_spec(s).launch_type
	not fargate(s, want)
	actual := object.get(s, "launch_type", s.capacity_providers)
	msg := sprintf("Service %s runs on %v instead of %s.", [s.id, actual, want])
}

title(want) := "Fargate" if want == "FARGATE"

else := want

deny contains result.in_component(arch.service_of(s), result.fixed(
	msg,
	s.arn,
	"desired_count",
	sprintf(">= %d", [min]),
	s.desired_count,
	sprintf(
		"aws ecs update-service --cluster %s --service %s --desired-count %d",
		[arch.cluster_name(s), s.id, min]
	)
)) if {
	some s in arch.services
	min := arch.service_spec(s).min_desired_count
	s.desired_count < min
	msg := sprintf(
		"Service %s wants %d task(s); the architecture needs at least %d.",
		[s.id, s.desired_count, min]
	)
}

deny contains result.in_component(arch.service_of(s), result.fixed(
	msg,
	s.arn,
	"desired_count",
	sprintf("<= %d", [max]),
	s.desired_count,
	sprintf(
		"aws ecs update-service --cluster %s --service %s --desired-count %d",
		[arch.cluster_name(s), s.id, max]
	)
)) if {
	some s in arch.services
	max := arch.service_spec(s).max_desired_count
	s.desired_count > max
	msg := sprintf(
		"Service %s wants %d task(s); the architecture allows at most %d.",
		[s.id, s.desired_count, max]
	)
}
