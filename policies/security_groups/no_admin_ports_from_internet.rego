# METADATA
# title: No security group opens administrative ports or all traffic to the internet
# description: |
#   SSH, RDP, database and cache ports reachable from the internet are the most common way into
#   a cloud account. This applies to every security group in every VPC, documented or not.
# custom:
#   id: AA-SG-003
#   severity: critical
#   resource_type: aws.ec2.security_group
#   expectation: [network.admin_ports]
#   requires: [ec2.security_groups]
#   remediation:
#     summary: Revoke the rule; reach instances through SSM Session Manager or a VPN instead.
#     cli: aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>
#     fix: ec2.revoke_ingress
package archaudit.security_groups.no_admin_ports_from_internet

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.new(
	msg,
	g.arn,
	sprintf("ingress:%s", [r.rule_id]),
	"not reachable from the internet",
	arch.describe_rule(r)
) if {
	some g in input.aws.ec2.security_groups
	some r in g.ingress
	ports := arch.exposed_admin_ports(r)
	arch.from_internet(r.peer)
	msg := sprintf(
		"Security group %s (%s) opens %s %d-%d to %s, including administrative ports %v.",
		[g.id, g.name, r.protocol, r.from_port, r.to_port, r.peer.value, ports]
	)
}
