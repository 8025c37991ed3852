# METADATA
# title: The load balancer's security group allows exactly HTTPS and HTTP from the documented sources
# description: |
#   The ALB is the only public entry point. Its security group must admit the HTTPS port and the
#   HTTP (redirect) port from the documented sources, and nothing else.
# custom:
#   id: AA-SG-001
#   severity: high
#   resource_type: aws.ec2.security_group
#   component: load_balancers
#   expectation: [load_balancers.*.ingress_cidrs]
#   anchors: [load_balancer]
#   requires: [elbv2.load_balancers, ec2.security_groups]
#   remediation:
#     summary: Revoke the undocumented rule (or add the missing one) on the load balancer's security group.
#     cli: aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>
#     terraform: |
#       resource "aws_vpc_security_group_ingress_rule" "https" {
#         security_group_id = aws_security_group.alb.id
#         ip_protocol       = "tcp"
#         from_port         = 443
#         to_port           = 443
#         cidr_ipv4         = "0.0.0.0/0"
#       }
#     fix: ec2.revoke_ingress
package archaudit.security_groups.alb_ingress

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The documented sources of each load-balancer component.
cidrs(name) := arch.spec.load_balancers[name].ingress_cidrs

documented(r, name) if {
	r.protocol == "tcp"
	r.from_port == r.to_port
	r.from_port in arch.listener_ports(name)
	r.peer.type in {"cidr_ipv4", "cidr_ipv6"}
	r.peer.value in cidrs(name)
}

# Each load-balancer component's security groups, with the component's name.
groups contains [g, name] if {
	some name, ids in arch.lb_security_groups
	some id in ids
	g := arch.security_groups_by_id[id]
}

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, g.arn, sprintf("ingress:%s", [r.rule_id]), expected, arch.describe_rule(r))
) if {
	some [g, name] in groups
	some r in g.ingress
	not documented(r, name)
	expected := sprintf("tcp %v from %v", [sort(arch.listener_ports(name)), cidrs(name)])
	msg := sprintf(
		"Load balancer security group %s allows undocumented ingress: %s %d-%d from %s.",
		[g.id, r.protocol, r.from_port, r.to_port, r.peer.value]
	)
}

authorize(g, port, cidr) := sprintf(
	"aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port %d --cidr %s",
	[g.id, port, cidr]
) if not contains(cidr, ":")

authorize(g, port, cidr) := sprintf(
	concat(" ", [
		"aws ec2 authorize-security-group-ingress --group-id %s",
		"--ip-permissions",
		"'IpProtocol=tcp,FromPort=%d,ToPort=%d,Ipv6Ranges=[{CidrIpv6=%s}]'"
	]),
	[g.id, port, port, cidr]
) if contains(cidr, ":")

deny contains result.in_component(arch.component("load_balancers", name), result.with_details(
	result.fixed(
		msg,
		g.arn,
		sprintf("ingress:missing:%d:%s", [port, cidr]),
		sprintf("tcp %d from %s", [port, cidr]),
		null,
		authorize(g, port, cidr)
	),
	{"authorize": [{"protocol": "tcp", "port": port, "cidr": cidr}]}
)) if {
	some [g, name] in groups
	g.ingress
	some port in arch.listener_ports(name)
	some cidr in cidrs(name)
	not allows(g, port, cidr, name)
	msg := sprintf("Load balancer security group %s does not allow tcp %d from %s.", [g.id, port, cidr])
}

allows(g, port, cidr, name) if {
	some r in g.ingress
	documented(r, name)
	r.from_port == port
	r.peer.value == cidr
}
