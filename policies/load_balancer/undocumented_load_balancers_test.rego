package archaudit.load_balancer.undocumented_load_balancers_test

import data.archaudit.lib.testing as t
import data.archaudit.load_balancer.undocumented_load_balancers as policy

test_reference_passes if count(policy.deny) == 0 with input as t.ref

alb := t.ref.aws.elbv2.load_balancers[0]

second_lb := object.union(
	alb,
	{"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shadow/1", "id": "shadow"}
)

listener(protocol, actions) := {
	"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shadow/1/2",
	"id": "2", "region": "us-east-1", "account_id": "123456789012",
	"load_balancer_arn": second_lb.arn, "port": 80, "protocol": protocol,
	"certificates": [], "default_actions": actions,
}

with_second(l) := object.union(t.ref, {"aws": {"elbv2": {
	"load_balancers": array.concat(t.ref.aws.elbv2.load_balancers, [second_lb]),
	"listeners": array.concat(t.ref.aws.elbv2.listeners, [l]),
}}})

forward := [{"type": "forward", "target_groups": ["arn:tg"]}]

redirect := [
	{
		"type": "redirect",
		"redirect": {
			"protocol": "HTTPS",
			"port": "443",
			"host": "#{host}",
			"path": "/#{path}",
			"query": "#{query}",
			"status_code": "HTTP_301"
		}
	}
]

# With the documented ALB named in archaudit.toml, a second one in the VPC is undocumented.
named := object.union(
	data.archaudit.architecture,
	{"load_balancers": {"public": object.union(data.archaudit.architecture.load_balancers.public, {"name": alb.id})}}
)

test_second_http_load_balancer_is_found if {
	inp := with_second(listener("HTTP", forward))
	findings := policy.deny with input as inp with data.archaudit.architecture as named
	count(findings) == 1
}

test_redirecting_listener_passes if {
	inp := with_second(listener("HTTP", redirect))
	count(policy.deny) == 0 with input as inp with data.archaudit.architecture as named
}

test_https_listener_passes if {
	inp := with_second(listener("HTTPS", forward))
	count(policy.deny) == 0 with input as inp with data.archaudit.architecture as named
}
