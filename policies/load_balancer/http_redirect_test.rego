package archaudit.load_balancer.http_redirect_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.http_redirect as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

http := l if {
	some l in t.ref.aws.elbv2.listeners
	l.port == 80
}

test_forwarding_http_is_found if {
	actions := [{"type": "forward", "target_groups": [t.ref.aws.elbv2.target_groups[0].arn]}]
	findings := policy.deny with input as t.patched("elbv2", "listeners", "arn", http.arn, {"default_actions": actions})
	count(findings) == 1
	some f in findings
	f.actual == ["forward"]
}

test_temporary_redirect_is_found if {
	actions := [
		object.union(
			http.default_actions[0],
			{"redirect": object.union(http.default_actions[0].redirect, {"status_code": "HTTP_302"})}
		)
	]
	count(policy.deny) == 1 with input as t.patched("elbv2", "listeners", "arn", http.arn, {"default_actions": actions})
}
