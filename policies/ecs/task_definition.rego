# METADATA
# title: Containers log to CloudWatch Logs and run images from the account's ECR
# description: |
#   Logs go to CloudWatch Logs (awslogs) where retention and alarms apply; images come from the
#   account's own registry, where scan-on-push and immutability are enforced.
# custom:
#   id: AA-ECS-006
#   severity: medium
#   resource_type: aws.ecs.task_definition
#   component: services
#   expectation: [networks.*.region]
#   anchors: [ecs_service]
#   requires: [ecs.task_definitions]
#   remediation:
#     summary: >-
#       Register a new task definition revision with the awslogs driver and an image from the account's ECR, and deploy
#       it.
#     terraform: |
#       log_configuration = {
#         logDriver = "awslogs"
#         options   = { awslogs-group = "/ecs/app", awslogs-region = "us-east-1", awslogs-stream-prefix = "app" }
#       }
package archaudit.ecs.task_definition

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The account's ECR registry in the task definition's own region.
registry(td) := sprintf("%s.dkr.ecr.%s.amazonaws.com/", [input.meta.account_id, td.region])

component(td) := arch.services_component(arch.td_components[td.arn])

deny contains result.in_component(component(td), result.manual(
	msg,
	td.arn,
	sprintf("containers.%s.log_driver", [c.name]),
	"awslogs",
	actual,
	sprintf(
		concat(" ", [
			"Set the logConfiguration of container %s to awslogs and register a new",
			"revision of %s (through Terraform); then update the service to it."
		]),
		[c.name, td.family]
	)
)) if {
	some td in arch.task_definitions
	some c in td.containers
	actual := object.get(object.get(c, "log_configuration", {}), "driver", null)
	actual != "awslogs"
	msg := sprintf("Container %s of %s logs with %v instead of awslogs.", [c.name, td.id, actual])
}

deny contains result.in_component(component(td), result.manual(
	msg,
	td.arn,
	sprintf("containers.%s.image", [c.name]),
	sprintf("%s…", [registry(td)]),
	c.image,
	sprintf(
		concat(" ", [
			"Push the image to the account's ECR, point container %s at it and",
			"register a new revision of %s (through Terraform)."
		]),
		[c.name, td.family]
	)
)) if {
	some td in arch.task_definitions
	some c in td.containers
	not startswith(c.image, registry(td))
	msg := sprintf("Container %s of %s runs %s, not an image from the account's ECR.", [c.name, td.id, c.image])
}
