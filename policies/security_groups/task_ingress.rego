# METADATA
# title: Tasks accept only the application port, only from the load balancer's security group
# description: |
#   The ECS tasks sit behind the ALB. Any other source or port bypasses the load balancer's
#   TLS termination and exposes the application directly.
# custom:
#   id: AA-SG-002
#   severity: critical
#   resource_type: aws.ec2.security_group
#   expectation: [app_port]
#   anchors: [ecs_service]
#   requires: [ecs.services, elbv2.load_balancers, ec2.security_groups]
#   remediation:
#     summary: >-
#       Revoke every ingress rule on the task security group except the application port from the load balancer's
#       security group.
#     cli: aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>
#     terraform: |
#       resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
#         security_group_id            = aws_security_group.ecs.id
#         ip_protocol                  = "tcp"
#         from_port                    = 3000
#         to_port                      = 3000
#         referenced_security_group_id = aws_security_group.alb.id
#       }
#     fix: ec2.revoke_ingress
package archaudit.security_groups.task_ingress

import data.archaudit.lib.arch
import data.archaudit.lib.result

port := arch.spec.app_port

documented(r) if {
	r.protocol == "tcp"
	r.from_port == port
	r.to_port == port
	r.peer.type == "security_group"
	r.peer.value in arch.alb_security_groups
}

expected := sprintf("tcp %d from %v", [port, sort(arch.alb_security_groups)])

deny contains result.new(msg, g.arn, sprintf("ingress:%s", [r.rule_id]), expected, arch.describe_rule(r)) if {
	some id in arch.task_security_groups
	g := arch.security_groups_by_id[id]
	some r in g.ingress
	not documented(r)
	msg := sprintf(
		"Task security group %s allows %s %d-%d from %s %s; only tcp %d from the load balancer is documented.",
		[g.id, r.protocol, r.from_port, r.to_port, r.peer.type, r.peer.value, port]
	)
}

deny contains result.with_details(
	result.fixed(msg, g.arn, "ingress:missing", expected, null, cmd),
	{"authorize": [{"protocol": "tcp", "port": port, "source_group": alb} | some alb in sort(arch.alb_security_groups)]}
) if {
	some id in arch.task_security_groups
	g := arch.security_groups_by_id[id]
	g.ingress
	not any_documented(g)
	cmd := result.steps(
		[
			sprintf(
				"aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port %d --source-group %s",
				[g.id, port, alb]
			) | some alb in sort(arch.alb_security_groups)
		]
	)
	msg := sprintf("Task security group %s does not allow tcp %d from the load balancer.", [g.id, port])
}

any_documented(g) if {
	some r in g.ingress
	documented(r)
}
