package archaudit.load_balancer.routes_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.routes as policy

# The reference, documenting its default route to `app` and a path route to it.
routed := object.union(data.archaudit.architecture, {"load_balancers": {"public": object.union(
	data.archaudit.architecture.load_balancers.public,
	{"routes": [{"service": "app"}, {"path": "/reporting*", "service": "app"}]}
)}})

https := [l | some l in t.ref.aws.elbv2.listeners; l.port == 443][0]

tg := t.ref.aws.elbv2.target_groups[0].arn

rule := {
	"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/archaudit-alb/1/2/3",
	"id": "3",
	"region": "us-east-1",
	"account_id": "123456789012",
	"listener_arn": https.arn,
	"priority": "10",
	"conditions": ["path-pattern: /reporting*"],
	"actions": [{"type": "forward", "target_groups": [tg]}]
}

test_reference_passes if count(policy.deny) == 0 with input as t.ref

test_documented_routes_served_pass if {
	count(policy.deny) == 0 with input as t.added("elbv2", "listener_rules", rule)
		with data.archaudit.architecture as routed
}

test_a_deleted_path_rule_is_found if {
	findings := policy.deny with input as t.ref with data.archaudit.architecture as routed
	count(findings) == 1
	some f in findings
	f.attribute == "route:path /reporting*"
	f.component == "load_balancers.public"
}

test_a_rule_forwarding_elsewhere_is_found if {
	elsewhere := object.union(rule, {"actions": [{"type": "fixed-response"}]})
	count(policy.deny) == 1 with input as t.added("elbv2", "listener_rules", elsewhere)
		with data.archaudit.architecture as routed
}

test_a_default_action_that_stopped_forwarding_is_found if {
	inp := t.patched("elbv2", "listeners", "arn", https.arn, {"default_actions": [{"type": "fixed-response"}]})
	findings := policy.deny with input as object.union(inp, {"aws": {"elbv2": {"listener_rules": [rule]}}})
		with data.archaudit.architecture as routed
	count(findings) == 1
	some f in findings
	f.attribute == "route:the default action"
}

# Rules that could not be listed: a path route is not concluded missing (the engine reports
# the rule not evaluated); the default route, read from the listener, is still judged.
test_unknown_listener_rules_conclude_nothing_about_path_routes if {
	findings := policy.deny with input as object.union(t.ref, {"gaps": [{"kind": "elbv2.listener_rules"}]})
		with data.archaudit.architecture as routed
	count(findings) == 0
}

test_unknown_listeners_conclude_nothing if {
	inp := t.patched("elbv2", "listeners", "arn", https.arn, {"default_actions": [{"type": "fixed-response"}]})
	findings := policy.deny with input as object.union(inp, {"gaps": [{"kind": "elbv2.listeners"}]})
		with data.archaudit.architecture as routed
	count(findings) == 0
}
