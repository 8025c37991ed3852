# METADATA
# title: Only the load balancer is reachable from the internet
# description: |
#   In the architecture's VPC the load balancer is the one entry point from the internet, and
#   it speaks HTTPS. Any other security group that admits internet traffic, on any port, is a
#   path around it. (The load balancer's and the tasks' own groups are checked by AA-SG-001 and
#   AA-SG-002, administrative ports anywhere by AA-SG-003.)
# custom:
#   id: AA-SG-004
#   severity: high
#   resource_type: aws.ec2.security_group
#   component: networks
#   expectation: [load_balancers.*.ingress_cidrs]
#   anchors: [vpc]
#   remediation:
#     summary: Revoke the rule; reach the workload through the load balancer instead.
#     cli: aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>
#     terraform: |
#       # Remove the ingress block (or aws_vpc_security_group_ingress_rule) with the internet
#       # CIDR; allow the load balancer's security group instead.
#     fix: ec2.revoke_ingress
package archaudit.security_groups.internet_ingress

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(arch.network_of(g.vpc_id), result.new(
	msg,
	g.arn,
	sprintf("ingress:%s", [r.rule_id]),
	"not reachable from the internet",
	arch.describe_rule(r)
)) if {
	some g in input.aws.ec2.security_groups
	g.vpc_id in arch.vpc_ids
	# Whether it is the load balancer's or the tasks' own group is only known from complete
	# lists: it is never concluded "another group" from a list that was not read.
	arch.complete("elbv2.load_balancers")
	arch.complete("ecs.services")
	not g.id in arch.component_security_groups
	some r in g.ingress
	arch.from_internet(r.peer)
	not arch.exposed_admin_ports(r)
	msg := sprintf(
		concat(" ", [
			"Security group %s (%s) in the architecture's VPC admits %s %s from %s;",
			"only the load balancer is reachable from the internet."
		]),
		[g.id, g.name, r.protocol, arch.port_range(r), r.peer.value]
	)
}
