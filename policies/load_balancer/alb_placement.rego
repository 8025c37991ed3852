# METADATA
# title: An internet-facing application load balancer runs in the public subnets
# description: |
#   The ALB is the architecture's only entry point: it must exist, face the internet, and have
#   nodes in both public subnets (one per AZ) so that one AZ's failure leaves it reachable.
# custom:
#   id: AA-LB-001
#   severity: high
#   resource_type: aws.elbv2.load_balancer
#   expectation: [load_balancer, subnets]
#   anchors: [vpc]
#   requires: [elbv2.load_balancers, ec2.subnets]
#   remediation:
#     summary: >-
#       Recreate or reconfigure the load balancer through Terraform with scheme internet-facing and both public subnets.
#     cli: aws elbv2 set-subnets --load-balancer-arn <alb-arn> --subnets <public-subnet-a> <public-subnet-b>
package archaudit.load_balancer.alb_placement

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.manual(
	msg,
	vpc.arn,
	"load_balancer",
	"an internet-facing application load balancer",
	null,
	"Recreate the load balancer, its listeners and target group from the Terraform configuration."
) if {
	arch.complete("elbv2.load_balancers")
	count(arch.albs) == 0
	some vpc in arch.vpcs
	msg := sprintf("VPC %s has no internet-facing application load balancer.", [vpc.id])
}

deny contains result.fixed(
	msg,
	lb.arn,
	"subnets",
	sort(arch.public_subnet_ids),
	lb.subnets,
	sprintf(
		"aws elbv2 set-subnets --load-balancer-arn %s --subnets %s",
		[lb.arn, concat(" ", sort(arch.public_subnet_ids))]
	)
) if {
	some lb in arch.albs
	count(arch.public_subnet_ids) > 0
	{s | some s in lb.subnets} != arch.public_subnet_ids
	msg := sprintf(
		"Load balancer %s runs in subnets %v instead of the public subnets %v.",
		[lb.id, lb.subnets, sort(arch.public_subnet_ids)]
	)
}

deny contains result.manual(
	msg,
	lb.arn,
	"scheme",
	"internet-facing",
	lb.scheme,
	"A load balancer's scheme cannot be changed: recreate it as internet-facing (through Terraform)."
) if {
	some lb in arch.albs
	lb.scheme != "internet-facing"
	msg := sprintf("Load balancer %s is %s, not internet-facing.", [lb.id, lb.scheme])
}
