package archaudit.state.state_bucket_test

import data.archaudit.lib.testing as t
import data.archaudit.state.state_bucket as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

bucket := t.ref.aws.s3.buckets[0].id

test_suspended_versioning_is_found if {
	findings := policy.deny with input as t.patched("s3", "buckets", "id", bucket, {"versioning": "suspended"})
	count(findings) == 1
	some f in findings
	f.actual == "suspended"
}

test_no_encryption_is_found if count(policy.deny) == 1 with input as t.patched(
	"s3",
	"buckets",
	"id",
	bucket,
	{"encryption": {"algorithm": "none"}}
)

test_missing_bucket_is_found if count(policy.deny) == 1 with input as t.without("s3", "buckets", "id", bucket)

test_unknown_versioning_gives_no_finding if count(policy.deny) == 0 with input as t.unknown(
	"s3",
	"buckets",
	"id",
	bucket,
	"versioning"
)

# The name pattern matches across dots: an untagged bucket named like the pattern is the
# state bucket (glob.match's default `.` delimiter would have missed it).
test_dotted_bucket_name_matches_the_pattern if {
	inp := t.patched(
		"s3",
		"buckets",
		"id",
		bucket,
		{"id": "acme.terraform-state.prod", "tags": {}, "versioning": "suspended"}
	)
	findings := policy.deny with input as inp
	count(findings) == 1
	some f in findings
	contains(f.msg, "acme.terraform-state.prod")
}
