package archaudit.security_groups.task_ingress_test

import data.archaudit.lib.testing as t
import data.archaudit.security_groups.task_ingress as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

ecs_sg := t.security_group("archaudit-ecs")

test_port_open_to_internet_is_found if {
	rules := array.concat(
		ecs_sg.ingress,
		[
			{
				"protocol": "tcp",
				"from_port": 3000,
				"to_port": 3000,
				"peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"},
				"rule_id": "sgr-open"
			}
		]
	)
	findings := policy.deny with input as t.patched("ec2", "security_groups", "id", ecs_sg.id, {"ingress": rules})
	count(findings) == 1
	some f in findings
	contains(f.actual, "0.0.0.0/0")
}

test_wrong_port_is_found if {
	rules := [object.union(r, {"from_port": 8080, "to_port": 8080}) | some r in ecs_sg.ingress]
	count(policy.deny) == 2 with input as t.patched("ec2", "security_groups", "id", ecs_sg.id, {"ingress": rules})
}

test_unknown_rules_give_no_finding if {
	count(policy.deny) == 0 with input as t.unknown("ec2", "security_groups", "id", ecs_sg.id, "ingress")
}
