# METADATA
# title: Tasks run in both private subnets without public IP addresses
# description: |
#   The tasks belong in the private subnets of both AZs, reachable only through the load
#   balancer. A public IP or a public subnet exposes them directly; a single subnet loses an AZ.
#   This holds for every service in the architecture's scope: the documented one, any other
#   service in its cluster, and any service whose tasks run in the architecture's VPC.
# custom:
#   id: AA-ECS-003
#   severity: high
#   resource_type: aws.ecs.service
#   anchors: [ecs_service]
#   requires: [ecs.services, ec2.subnets]
#   remediation:
#     summary: Update the service's network configuration to the two private subnets with public IPs disabled.
#     cli: aws ecs update-service --cluster <cluster> --service <service> --network-configuration 'awsvpcConfiguration={subnets=[<private-a>,<private-b>],securityGroups=[<sg>],assignPublicIp=DISABLED}'
#     fix: ecs.set_network_configuration
package archaudit.ecs.service_network

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.new(msg, s.arn, "network.subnets", sort(arch.private_subnet_ids), s.network.subnets) if {
	some s in arch.scope_services
	count(arch.private_subnet_ids) > 0
	{x | some x in s.network.subnets} != arch.private_subnet_ids
	msg := sprintf("Service %s runs in subnets %v instead of the private subnets %v.", [s.id, s.network.subnets, sort(arch.private_subnet_ids)])
}

deny contains result.new(msg, s.arn, "network.assign_public_ip", arch.spec.ecs.assign_public_ip, true) if {
	some s in arch.scope_services
	s.network.assign_public_ip == true
	arch.spec.ecs.assign_public_ip == false
	msg := sprintf("Service %s gives its tasks public IP addresses.", [s.id])
}

deny contains result.new(msg, s.arn, "network", "awsvpc network configuration", null) if {
	some s in arch.scope_services
	not s.network
	msg := sprintf("Service %s has no awsvpc network configuration.", [s.id])
}
