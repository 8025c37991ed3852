package archaudit.ecs.service_config_test

import data.archaudit.ecs.service_config as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

svc := t.ref.aws.ecs.services[0]

test_single_task_is_found if {
	findings := policy.deny with input as t.patched("ecs", "services", "arn", svc.arn, {"desired_count": 1})
	count(findings) == 1
	some f in findings
	f.actual == 1
}

test_ec2_launch_type_is_found if count(policy.deny) == 1 with input as t.patched(
	"ecs",
	"services",
	"arn",
	svc.arn,
	{"launch_type": "EC2"}
)
