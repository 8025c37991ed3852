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
#   expectation: [ecs.assign_public_ip, subnets]
#   anchors: [ecs_service]
#   requires: [ecs.services, ec2.subnets]
#   remediation:
#     summary: Update the service's network configuration to the two private subnets with public IPs disabled.
#     cli: >-
#       aws ecs update-service --cluster <cluster> --service <service> --network-configuration
#       'awsvpcConfiguration={subnets=[<private-subnets>],securityGroups=[<security-groups>],assignPublicIp=DISABLED}'
#     fix: ecs.set_network_configuration
package archaudit.ecs.service_network

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The documented network configuration, as one command: private subnets, the service's own
# security groups, no public IP.
network_fix(s) := sprintf(
	concat(" ", [
		"aws ecs update-service --cluster %s --service %s",
		"--network-configuration",
		"'awsvpcConfiguration={subnets=[%s],securityGroups=[%s],assignPublicIp=DISABLED}'"
	]),
	[arch.cluster_name(s), s.id, concat(",", subnets), concat(",", sort(s.network.security_groups))]
) if {
	private := sort(arch.private_subnet_ids)
	subnets := private_or_current(private, s)
}

private_or_current(private, _) := private if count(private) > 0

private_or_current(private, s) := sort(s.network.subnets) if count(private) == 0

# The parameters of the fix, for `archaudit fix`.
network_details(s) := {
	"subnets": private_or_current(sort(arch.private_subnet_ids), s),
	"security_groups": sort(s.network.security_groups),
	"assign_public_ip": false
}

deny contains result.with_details(
	result.fixed(msg, s.arn, "network.subnets", sort(arch.private_subnet_ids), s.network.subnets, network_fix(s)),
	network_details(s)
) if {
	some s in arch.scope_services
	count(arch.private_subnet_ids) > 0
	{x | some x in s.network.subnets} != arch.private_subnet_ids
	msg := sprintf(
		"Service %s runs in subnets %v instead of the private subnets %v.",
		[s.id, s.network.subnets, sort(arch.private_subnet_ids)]
	)
}

deny contains result.with_details(
	result.fixed(msg, s.arn, "network.assign_public_ip", arch.spec.ecs.assign_public_ip, true, network_fix(s)),
	network_details(s)
) if {
	some s in arch.scope_services
	s.network.assign_public_ip == true
	arch.spec.ecs.assign_public_ip == false
	msg := sprintf("Service %s gives its tasks public IP addresses.", [s.id])
}

deny contains result.manual(
	msg,
	s.arn,
	"network",
	"awsvpc network configuration",
	null,
	concat(" ", [
		"Recreate the service with the awsvpc network mode (through Terraform):",
		"a service's network mode cannot be changed in place."
	])
) if {
	some s in arch.scope_services
	not s.network
	msg := sprintf("Service %s has no awsvpc network configuration.", [s.id])
}
