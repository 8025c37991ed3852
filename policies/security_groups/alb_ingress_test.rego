package archaudit.security_groups.alb_ingress_test

import data.archaudit.lib.testing as t
import data.archaudit.security_groups.alb_ingress as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

alb_sg := t.security_group("archaudit-alb")

test_extra_port_is_found if {
	rules := array.concat(
		alb_sg.ingress,
		[
			{
				"protocol": "tcp",
				"from_port": 8080,
				"to_port": 8080,
				"peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"},
				"rule_id": "sgr-x"
			}
		]
	)
	findings := policy.deny with input as t.patched("ec2", "security_groups", "id", alb_sg.id, {"ingress": rules})
	count(findings) == 1
	some f in findings
	contains(f.actual, "8080")
}

test_missing_https_is_found if {
	rules := [r | some r in alb_sg.ingress; r.from_port == 80]
	count(policy.deny) == 1 with input as t.patched("ec2", "security_groups", "id", alb_sg.id, {"ingress": rules})
}

test_unknown_rules_give_no_finding if {
	count(policy.deny) == 0 with input as t.unknown("ec2", "security_groups", "id", alb_sg.id, "ingress")
}
