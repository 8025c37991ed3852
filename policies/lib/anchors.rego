# Anchors: the documented components other rules hang on. When one is not found, the rules
# anchored on it (METADATA `custom.anchors`) found nothing because there was nothing to look
# at: they are reported as not evaluated ("blocked: …"), never as passed. The rule that
# reports the missing component itself is not anchored on it. An anchor is missing when the
# spec documents components of its kind and none of them is found; a section the spec leaves
# out is never missing (its rules have nothing to judge). One documented component of several
# that is not found is that component's own finding (AA-NET-001, AA-LB-001, AA-ECS-001).
#
# A user's policy library may add anchors of its own: `missing["name"] := "message" if { … }`
# in this package, in any file.
package archaudit.lib.anchors

import data.archaudit.lib.arch

missing["vpc"] := sprintf("documented VPC %s not found", [cidrs]) if {
	count(arch.spec.networks) > 0
	count(arch.vpcs) == 0
	cidrs := concat(", ", [n.cidr | some _, n in arch.spec.networks])
}

missing["load_balancer"] := sprintf(
	"documented %s application load balancer not found%s",
	[schemes, because_vpc]
) if {
	count(arch.spec.load_balancers) > 0
	count(arch.albs) == 0
	schemes := concat(" or ", sort({lb.scheme | some _, lb in arch.spec.load_balancers}))
}

missing["ecs_service"] := sprintf(
	"documented ECS service (registered with the load balancer's target group) not found%s",
	[because_lb]
) if {
	count(arch.spec.services) > 0
	count(arch.services) == 0
}

missing["state_bucket"] := sprintf(
	"documented Terraform state bucket (%s, or tagged %s=%s) not found",
	[s.name_pattern, s.tag_key, s.tag_value]
) if {
	s := arch.spec.state_bucket
	count(arch.state_buckets) == 0
}

missing["deploy_role"] := sprintf(
	"no role trusts the GitHub OIDC provider %s",
	[arch.spec.github_oidc.provider_url]
) if {
	count(arch.deploy_roles) == 0
}

because_vpc := " (the documented VPC was not found)" if count(arch.vpcs) == 0

else := ""

because_lb := " (the documented load balancer was not found)" if {
	count(arch.spec.load_balancers) > 0
	count(arch.albs) == 0
}

else := ""
