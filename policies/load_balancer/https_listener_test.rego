package archaudit.load_balancer.https_listener_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.https_listener as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

https := l if {
	some l in t.ref.aws.elbv2.listeners
	l.port == 443
}

test_weak_tls_policy_is_found if {
	findings := policy.deny with input as t.patched(
		"elbv2",
		"listeners",
		"arn",
		https.arn,
		{"ssl_policy": "ELBSecurityPolicy-2016-08"}
	)
	count(findings) == 1
	some f in findings
	f.actual == "ELBSecurityPolicy-2016-08"
}

test_plain_http_on_443_is_found if {
	count(policy.deny) == 1 with input as t.patched("elbv2", "listeners", "arn", https.arn, {"protocol": "HTTP"})
}

test_missing_listener_is_found if count(policy.deny) == 1 with input as t.without(
	"elbv2",
	"listeners",
	"arn",
	https.arn
)
