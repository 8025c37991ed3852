package archaudit.ecs.task_definition_test

import data.archaudit.ecs.task_definition as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

td := t.ref.aws.ecs.task_definitions[0]

with_container(patch) := t.patched(
	"ecs",
	"task_definitions",
	"arn",
	td.arn,
	{"containers": [object.union(td.containers[0], patch)]}
)

test_public_image_is_found if {
	findings := policy.deny with input as with_container({"image": "docker.io/library/node:20"})
	count(findings) == 1
	some f in findings
	f.actual == "docker.io/library/node:20"
}

test_missing_logging_is_found if {
	c := object.remove(td.containers[0], ["log_configuration"])
	count(policy.deny) == 1 with input as t.patched("ecs", "task_definitions", "arn", td.arn, {"containers": [c]})
}
