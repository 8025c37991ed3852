# METADATA
# title: The Terraform state bucket exists, versioned and encrypted
# description: |
#   Terraform state holds every resource id and often secrets. Versioning is the documented
#   recovery path ("restore from S3 versions"); encryption protects it at rest.
# custom:
#   id: AA-S3-001
#   severity: high
#   resource_type: aws.s3.bucket
#   expectation: [state_bucket.encryption, state_bucket.name_pattern]
#   requires: [s3.buckets]
#   remediation:
#     summary: Enable versioning and default encryption on the state bucket.
#     cli: >
#       aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled
#
#       aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration
#       '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}'
#     terraform: |
#       resource "aws_s3_bucket_versioning" "state" {
#         bucket = aws_s3_bucket.state.id
#         versioning_configuration { status = "Enabled" }
#       }
#     fix: s3.enable_versioning
package archaudit.state.state_bucket

import data.archaudit.lib.arch
import data.archaudit.lib.result

spec := arch.spec.state_bucket

deny contains result.manual(
	msg,
	arch.account_arn,
	"state_bucket",
	{"name": spec.name_pattern, "tag": {spec.tag_key: spec.tag_value}},
	null,
	concat(" ", [
		"Create the state bucket with the Terraform bootstrap configuration",
		"(versioned, encrypted, private), or correct",
		"[architecture.state_bucket]."
	])
) if {
	arch.complete("s3.buckets")
	count(arch.state_buckets) == 0
	msg := sprintf(
		"No Terraform state bucket (named %s or tagged %s=%s) exists.",
		[spec.name_pattern, spec.tag_key, spec.tag_value]
	)
}

deny contains result.fixed(
	msg,
	b.arn,
	"versioning",
	"enabled",
	b.versioning,
	sprintf("aws s3api put-bucket-versioning --bucket %s --versioning-configuration Status=Enabled", [b.id])
) if {
	some b in arch.state_buckets
	b.versioning != "enabled"
	msg := sprintf("State bucket %s has versioning %s: overwritten state cannot be recovered.", [b.id, b.versioning])
}

# Only reached when the bucket's default encryption is not one of the documented ones, so the
# command never overwrites a compliant setting (a customer KMS key stays).
encrypt(b) := sprintf(
	concat(" ", [
		"aws s3api put-bucket-encryption --bucket %s",
		"--server-side-encryption-configuration",
		"'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"%s\"},\"BucketKeyEnabled\":true}]}'"
	]),
	[b.id, spec.encryption[0]]
)

deny contains result.fixed(msg, b.arn, "encryption", spec.encryption, b.encryption.algorithm, encrypt(b)) if {
	some b in arch.state_buckets
	not b.encryption.algorithm in spec.encryption
	msg := sprintf("State bucket %s is not encrypted by default (%s).", [b.id, b.encryption.algorithm])
}
