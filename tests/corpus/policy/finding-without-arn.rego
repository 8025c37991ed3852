# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-015
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus15

deny contains {"msg": "m."} if true
