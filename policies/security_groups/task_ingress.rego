# METADATA
# title: Each service's tasks accept only its own ports, only from its documented sources (its load balancer)
# description: |
#   The ECS tasks sit behind the ALB. Any other source or port bypasses the load balancer's
#   TLS termination and exposes the application directly.
# custom:
#   id: AA-SG-002
#   severity: critical
#   resource_type: aws.ec2.security_group
#   component: services
#   expectation: [services.*.ports, services.*.reachable_from_services, services.*.reachable_from_cidrs]
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

# The security groups each service component may be reached from: its load balancer's, and
# the tasks' of the services it documents as its callers.
source_groups(name) := lbs | callers if {
	svc := arch.spec.services[name]
	lbs := {g | some g in object.get(arch.lb_security_groups, object.get(svc, "load_balancer", ""), set())}
	callers := {g | some other in svc.reachable_from_services; some g in arch.component_task_groups[other]}
}

documented(r, name) if {
	svc := arch.spec.services[name]
	r.protocol == "tcp"
	r.from_port == r.to_port
	r.from_port in svc.ports
	arch.peer_in(r.peer, source_groups(name), svc.reachable_from_cidrs)
}

# A rule is documented when some service using the group documents it.
documented_for_any(r, names) if {
	some name in names
	documented(r, name)
}

expected(names) := concat("; ", [describe(name) | some name in sort(names)])

describe(name) := sprintf("tcp %s from %v", [ports_text(svc.ports), sort(sources)]) if {
	svc := arch.spec.services[name]
	sources := source_groups(name) | {c | some c in svc.reachable_from_cidrs}
}

# Each task security group, with the service components using it.
groups contains [g, names] if {
	some id, names in arch.sg_services
	g := arch.security_groups_by_id[id]
}

# The documented sources of the services using a group that were not found (their callers,
# their load balancers): a rule from them is left to a person.
unfound(names) := {u |
	some name in names
	svc := arch.spec.services[name]
	lbs := {l | l := svc.load_balancer}
	some u in arch.unfound_sources(svc.reachable_from_services, lbs)
}

deny contains result.in_component(
	arch.services_component(names),
	result.new(
		msg,
		g.arn,
		arch.ingress_attribute("ingress:", r, unfound(names)),
		expected(names),
		arch.describe_rule(r)
	)
) if {
	some [g, names] in groups
	some r in g.ingress
	not documented_for_any(r, names)
	msg := sprintf(
		"Task security group %s allows %s %d-%d from %s %s; only %s is documented%s.",
		[
			g.id, r.protocol, r.from_port, r.to_port, r.peer.type, r.peer.value, expected_text(names),
			arch.unconfirmed(unfound(names)),
		]
	)
}

expected_text(names) := sprintf("tcp %d from the load balancer", [p]) if {
	count(names) == 1
	some name in names
	svc := arch.spec.services[name]
	count(svc.ports) == 1
	p := svc.ports[0]
	count(svc.reachable_from_services) == 0
	count(svc.reachable_from_cidrs) == 0
	svc.load_balancer
}

else := expected(names)

# A service whose group has none of its documented rules: restore them (its load balancer's
# groups on each of its ports).
deny contains result.in_component(arch.component("services", name), result.with_details(
	result.fixed(msg, g.arn, "ingress:missing", expected(names), null, cmd),
	{"authorize": [{"protocol": "tcp", "port": p, "source_group": src} |
		some p in svc.ports
		some src in sort(source_groups(name))
	]}
)) if {
	some [g, names] in groups
	some name in names
	svc := arch.spec.services[name]
	count(svc.ports) > 0
	count(source_groups(name)) > 0
	g.ingress
	not any_documented(g, name)
	cmd := result.steps(
		[
			sprintf(
				"aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port %d --source-group %s",
				[g.id, p, src]
			) | some p in svc.ports; some src in sort(source_groups(name))
		]
	)
	msg := sprintf("Task security group %s does not allow %s.", [g.id, missing_text(svc)])
}

missing_text(svc) := sprintf("tcp %d from the load balancer", [svc.ports[0]]) if count(svc.ports) == 1

else := sprintf("tcp %v from its documented sources", [svc.ports])

any_documented(g, name) if {
	some r in g.ingress
	documented(r, name)
}

ports_text(ports) := sprintf("%d", [ports[0]]) if count(ports) == 1

else := sprintf("%v", [ports])
