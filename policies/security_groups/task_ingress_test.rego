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

# A documented caller service that was not found: a rule from any group may be its tasks', so
# the rule is reported (never passed) under an attribute the automated revoke does not act on.
test_a_rule_that_may_be_an_unfound_callers_is_left_to_a_person if {
	spec := object.union(data.archaudit.architecture, {"services": {
		"app": {"reachable_from_services": ["billing"]},
		"billing": {"name": "billing", "cluster": "x", "network": "main", "tier": "private"},
	}})
	sg := t.security_group("archaudit-ecs")
	caller := {
		"protocol": "tcp", "from_port": 3000, "to_port": 3000,
		"peer": {"type": "security_group", "value": "sg-0billing"}, "rule_id": "sgr-0billing",
	}
	inp := t.patched("ec2", "security_groups", "id", sg.id, {"ingress": array.concat(sg.ingress, [caller])})
	findings := policy.deny with input as inp with data.archaudit.architecture as spec
	count(findings) == 1
	some f in findings
	f.attribute == "unconfirmed-ingress:sgr-0billing"
	contains(f.msg, "documented source service billing was not found")
}
