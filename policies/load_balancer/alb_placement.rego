# METADATA
# title: Each documented load balancer exists with its scheme, in its network's subnets of that tier
# description: |
#   The ALB is the architecture's only entry point: it must exist, face the internet, and have
#   nodes in both public subnets (one per AZ) so that one AZ's failure leaves it reachable.
# custom:
#   id: AA-LB-001
#   severity: high
#   resource_type: aws.elbv2.load_balancer
#   component: load_balancers
#   expectation: [load_balancers.*.scheme, networks.*.subnets]
#   anchors: [vpc]
#   requires: [elbv2.load_balancers, ec2.subnets]
#   remediation:
#     summary: >-
#       Recreate or reconfigure the load balancer through Terraform with scheme internet-facing and both public subnets.
#     cli: aws elbv2 set-subnets --load-balancer-arn <alb-arn> --subnets <public-subnet-a> <public-subnet-b>
package archaudit.load_balancer.alb_placement

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(arch.component("load_balancers", name), result.manual(
	msg,
	vpc.arn,
	arch.qualified("load_balancer", "load_balancers", name),
	sprintf("an %s application load balancer", [lb.scheme]),
	null,
	"Recreate the load balancer, its listeners and target group from the Terraform configuration."
)) if {
	arch.complete("elbv2.load_balancers")
	some name, lb in arch.spec.load_balancers
	count(arch.component_albs[name]) == 0
	some vpc in arch.vpcs
	arch.vpc_network[vpc.id] == lb.network
	msg := sprintf(
		"VPC %s has no %s application load balancer%s.",
		[vpc.id, lb.scheme, arch.which("load_balancers", "load balancer", name)]
	)
}

deny contains result.in_component(arch.lb_of(lb.arn), result.fixed(
	msg,
	lb.arn,
	"subnets",
	sort(want),
	lb.subnets,
	sprintf(
		"aws elbv2 set-subnets --load-balancer-arn %s --subnets %s",
		[lb.arn, concat(" ", sort(want))]
	)
)) if {
	some lb in arch.albs
	want := arch.lb_subnet_ids(lb)
	count(want) > 0
	{s | some s in lb.subnets} != want
	msg := sprintf(
		"Load balancer %s runs in subnets %v instead of the %s subnets %v.",
		[lb.id, lb.subnets, tier(lb), sort(want)]
	)
}

tier(lb) := "public" if arch.lb_spec(lb).scheme == "internet-facing"

else := "private"

# A load balancer pinned by name with another scheme (an unpinned one is found by its scheme).
# An unread scheme (empty) is not judged here: the collection reported it as a gap.
deny contains result.in_component(arch.lb_of(lb.arn), result.manual(
	msg,
	lb.arn,
	"scheme",
	want,
	lb.scheme,
	sprintf("A load balancer's scheme cannot be changed: recreate it as %s (through Terraform).", [want])
)) if {
	some lb in arch.albs
	want := arch.lb_spec(lb).scheme
	object.get(lb, "scheme", "") != ""
	lb.scheme != want
	msg := sprintf("Load balancer %s is %s, not %s.", [lb.id, lb.scheme, want])
}
