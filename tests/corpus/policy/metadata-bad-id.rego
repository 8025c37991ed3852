# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: X-006
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus6

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	some v in input.aws.ec2.vpcs
}
