# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-004
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus4

a := b + 1

b := a + 1

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	a > 0
	some v in input.aws.ec2.vpcs
}
