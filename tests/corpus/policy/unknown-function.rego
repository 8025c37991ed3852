# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-018
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus18

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	some v in input.aws.ec2.vpcs
	not_a.function(v)
}
