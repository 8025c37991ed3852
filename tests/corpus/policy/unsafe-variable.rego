# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-017
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus17

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	walk(input.aws, [path, v])
	count(path) == 3
}
