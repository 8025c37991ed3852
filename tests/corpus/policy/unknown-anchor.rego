# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-012
#   severity: low
#   resource_type: aws.ec2.vpc
#   anchors: [flux_capacitor]
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus12

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	some v in input.aws.ec2.vpcs
}
