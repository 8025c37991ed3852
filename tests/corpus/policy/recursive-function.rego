# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-003
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus3

f(x) := f(x + 1)

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	f(1) > 0
	some v in input.aws.ec2.vpcs
}
