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
#   component: services
#   expectation: [services.*.assign_public_ip, services.*.tier, networks.*.subnets]
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

# The spec an in-scope service is judged by, and the subnets it documents.
svc_spec(s) := arch.spec.services[arch.scope_component[s.arn]]

component(s) := arch.component("services", arch.scope_component[s.arn])

documented_subnets(s) := arch.tier_subnet_ids[[svc.network, svc.tier]] if svc := svc_spec(s)

# The documented network configuration, as one command: the documented subnets, the service's
# own security groups, the documented public-IP setting.
network_fix(s) := sprintf(
	concat(" ", [
		"aws ecs update-service --cluster %s --service %s",
		"--network-configuration",
		"'awsvpcConfiguration={subnets=[%s],securityGroups=[%s],assignPublicIp=DISABLED}'"
	]),
	[
		arch.cluster_name(s),
		s.id,
		concat(",", subnets_or_current(s)),
		concat(",", sort(s.network.security_groups))
	]
)

subnets_or_current(s) := sort(documented_subnets(s)) if count(documented_subnets(s)) > 0

else := sort(s.network.subnets)

# The parameters of the fix, for `archaudit fix`.
network_details(s) := {
	"subnets": subnets_or_current(s),
	"security_groups": sort(s.network.security_groups),
	"assign_public_ip": false
}

# The fix turns public IPs off: for a service documented with public IPs, moving its subnets
# is left to a person (the fix must not take away what the spec documents).
subnet_fix(s, f) := result.with_details(object.union(f, {"cli": network_fix(s)}), network_details(s)) if {
	not svc_spec(s).assign_public_ip == true
}

subnet_fix(s, f) := object.union(f, {"manual": sprintf(
	"Move service %s to the subnets %v through Terraform (keeping its public IPs, as documented).",
	[s.id, subnets_or_current(s)]
)}) if {
	svc_spec(s).assign_public_ip == true
}

deny contains result.in_component(component(s), subnet_fix(
	s,
	result.new(msg, s.arn, "network.subnets", sort(want), s.network.subnets)
)) if {
	some s in arch.scope_services
	want := documented_subnets(s)
	count(want) > 0
	{x | some x in s.network.subnets} != want
	msg := sprintf(
		"Service %s runs in subnets %v instead of the %s subnets %v.",
		[s.id, s.network.subnets, svc_spec(s).tier, sort(want)]
	)
}

deny contains result.in_component(component(s), result.with_details(
	result.fixed(msg, s.arn, "network.assign_public_ip", false, true, network_fix(s)),
	network_details(s)
)) if {
	some s in arch.scope_services
	s.network.assign_public_ip == true
	svc_spec(s).assign_public_ip == false
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
