# METADATA
# title: An internet-facing application load balancer runs in the public subnets
# description: |
#   The ALB is the architecture's only entry point: it must exist, face the internet, and have
#   nodes in both public subnets (one per AZ) so that one AZ's failure leaves it reachable.
# custom:
#   id: AA-LB-001
#   severity: high
#   resource_type: aws.elbv2.load_balancer
#   anchors: [vpc]
#   requires: [elbv2.load_balancers, ec2.subnets]
#   remediation:
#     summary: Recreate or reconfigure the load balancer through Terraform with scheme internet-facing and both public subnets.
#     cli: aws elbv2 set-subnets --load-balancer-arn <alb-arn> --subnets <public-subnet-a> <public-subnet-b>
package archaudit.load_balancer.alb_placement

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.new(msg, vpc.arn, "load_balancer", "an internet-facing application load balancer", null) if {
	arch.complete("elbv2.load_balancers")
	count(arch.albs) == 0
	some vpc in arch.vpcs
	msg := sprintf("VPC %s has no internet-facing application load balancer.", [vpc.id])
}

deny contains result.new(msg, lb.arn, "subnets", sort(arch.public_subnet_ids), lb.subnets) if {
	some lb in arch.albs
	count(arch.public_subnet_ids) > 0
	{s | some s in lb.subnets} != arch.public_subnet_ids
	msg := sprintf("Load balancer %s runs in subnets %v instead of the public subnets %v.", [lb.id, lb.subnets, sort(arch.public_subnet_ids)])
}

deny contains result.new(msg, lb.arn, "scheme", "internet-facing", lb.scheme) if {
	some lb in arch.albs
	lb.scheme != "internet-facing"
	msg := sprintf("Load balancer %s is %s, not internet-facing.", [lb.id, lb.scheme])
}
