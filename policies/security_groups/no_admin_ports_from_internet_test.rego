package archaudit.security_groups.no_admin_ports_from_internet_test

import data.archaudit.lib.testing as t
import data.archaudit.security_groups.no_admin_ports_from_internet as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

sg := t.security_group("archaudit-ecs")

with_rule(r) := t.patched("ec2", "security_groups", "id", sg.id, {"ingress": array.concat(sg.ingress, [r])})

test_ssh_from_anywhere_is_found if {
	count(policy.deny) == 1 with input as with_rule(
		{
			"protocol": "tcp",
			"from_port": 22,
			"to_port": 22,
			"peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"},
			"rule_id": "sgr-ssh"
		}
	)
}

test_all_traffic_over_ipv6_is_found if {
	count(policy.deny) == 1 with input as with_rule(
		{
			"protocol": "all",
			"from_port": 0,
			"to_port": 65535,
			"peer": {"type": "cidr_ipv6", "value": "::/0"},
			"rule_id": "sgr-all"
		}
	)
}

test_ssh_from_private_range_is_allowed if {
	count(policy.deny) == 0 with input as with_rule(
		{
			"protocol": "tcp",
			"from_port": 22,
			"to_port": 22,
			"peer": {"type": "cidr_ipv4", "value": "10.20.0.0/16"},
			"rule_id": "sgr-vpn"
		}
	)
}

test_unknown_rules_give_no_finding if {
	count(policy.deny) == 0 with input as t.unknown("ec2", "security_groups", "id", sg.id, "ingress")
}
