# METADATA
# title: The Terraform state bucket blocks all public access
# description: |
#   Each of the four public-access-block switches must be on for the state bucket, either on the
#   bucket or account-wide. One switch off is enough for a policy or ACL to publish the state.
# custom:
#   id: AA-S3-002
#   severity: critical
#   resource_type: aws.s3.bucket
#   expectation: [state_bucket]
#   anchors: [state_bucket]
#   requires: [s3.buckets.public_access_block, s3.account_public_access_block]
#   remediation:
#     summary: Turn on all four public-access-block settings on the bucket.
#     cli: >-
#       aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration
#       BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
#     fix: s3.block_public_access
package archaudit.state.state_bucket_public_access

import data.archaudit.lib.arch
import data.archaudit.lib.result

flags := ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

# The account-level block only counts when it was read.
account_blocks(flag) if input.aws.s3.account_public_access_block[flag] == true

deny contains result.new(msg, b.arn, sprintf("public_access_block.%s", [flag]), true, false) if {
	some b in arch.state_buckets
	some flag in flags
	b.public_access_block[flag] == false
	input.aws.s3.account_public_access_block
	not account_blocks(flag)
	msg := sprintf("State bucket %s does not have %s on, on the bucket or the account.", [b.id, flag])
}

# The bucket's own block is off and the account-level block could not be read: the bucket is
# reported (its rule is marked incomplete by the gap), not hidden behind what is unknown.
deny contains result.new(msg, b.arn, sprintf("public_access_block.%s", [flag]), true, false) if {
	some b in arch.state_buckets
	some flag in flags
	b.public_access_block[flag] == false
	not input.aws.s3.account_public_access_block
	msg := sprintf(
		concat(" ", [
			"State bucket %s does not have %s on; the account-level block could not",
			"be read, so nothing is known to make up for it."
		]),
		[b.id, flag]
	)
}
