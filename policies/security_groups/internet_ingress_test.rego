package archaudit.security_groups.internet_ingress_test

import data.archaudit.lib.testing as t
import data.archaudit.security_groups.internet_ingress as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

vpc_id := t.ref.aws.ec2.vpcs[0].id

extra(rules) := t.added("ec2", "security_groups", {
	"arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-extra",
	"id": "sg-extra", "region": "us-east-1", "account_id": "123456789012", "tags": {},
	"name": "debug", "description": "console", "vpc_id": vpc_id,
	"ingress": rules, "egress": [],
})

rule(port, cidr) := {
	"protocol": "tcp",
	"from_port": port,
	"to_port": port,
	"peer": {"type": "cidr_ipv4", "value": cidr},
	"rule_id": sprintf("sgr-%d", [port])
}

test_undocumented_group_open_to_the_internet_is_found if {
	findings := policy.deny with input as extra([rule(8080, "0.0.0.0/0")])
	count(findings) == 1
	some f in findings
	f.actual == "tcp 8080 from 0.0.0.0/0 (sgr-8080)"
}

test_private_sources_are_fine if count(policy.deny) == 0 with input as extra([rule(8080, "10.0.0.0/16")])

# Administrative ports are AA-SG-003's: no second finding for the same rule.
test_admin_ports_are_left_to_aa_sg_003 if count(policy.deny) == 0 with input as extra([rule(22, "0.0.0.0/0")])

test_groups_outside_the_vpc_are_out_of_scope if {
	inp := t.added("ec2", "security_groups", {
		"arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-other",
		"id": "sg-other", "region": "us-east-1", "account_id": "123456789012", "tags": {},
		"name": "other", "description": "", "vpc_id": "vpc-elsewhere",
		"ingress": [rule(8080, "0.0.0.0/0")], "egress": [],
	})
	count(policy.deny) == 0 with input as inp
}

test_unknown_ingress_gives_no_finding if {
	inp := extra([rule(8080, "0.0.0.0/0")])
	g := object.remove(inp.aws.ec2.security_groups[count(inp.aws.ec2.security_groups) - 1], ["ingress"])
	count(policy.deny) == 0 with input as object.union(inp, {"aws": {"ec2": {"security_groups": [g]}}})
}
