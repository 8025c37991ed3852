package archaudit.state.state_bucket_public_access_test

import data.archaudit.lib.testing as t
import data.archaudit.state.state_bucket_public_access as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

bucket := t.ref.aws.s3.buckets[0]

open := object.union(bucket.public_access_block, {"block_public_policy": false})

account_open := {
	"block_public_acls": false,
	"ignore_public_acls": false,
	"block_public_policy": false,
	"restrict_public_buckets": false
}

test_open_flag_is_found if {
	inp := object.union(
		t.patched("s3", "buckets", "id", bucket.id, {"public_access_block": open}),
		{"aws": {"s3": {"account_public_access_block": account_open}}}
	)
	count(policy.deny) == 1 with input as inp
}

test_account_block_covers_bucket if {
	count(policy.deny) == 0 with input as t.patched("s3", "buckets", "id", bucket.id, {"public_access_block": open})
}

test_unknown_account_block_still_reports_the_bucket if {
	inp := t.patched("s3", "buckets", "id", bucket.id, {"public_access_block": open})
	s3 := object.remove(inp.aws.s3, ["account_public_access_block"])
	no_account := object.union(
		object.remove(inp, ["aws"]),
		{"aws": object.union(object.remove(inp.aws, ["s3"]), {"s3": s3})}
	)
	findings := policy.deny with input as no_account
	count(findings) == 1
	some f in findings
	contains(f.msg, "could not be read")
}
