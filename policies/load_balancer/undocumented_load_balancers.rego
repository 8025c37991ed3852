# METADATA
# title: No other internet-facing load balancer in the VPC serves plain HTTP
# description: |
#   The architecture has one internet-facing load balancer, HTTPS-only. A second one in the
#   same VPC (made in the console, or left over) that serves HTTP without redirecting to HTTPS,
#   or passes plain TCP through, exposes the workloads around the documented entry point.
# custom:
#   id: AA-LB-006
#   severity: high
#   resource_type: aws.elbv2.listener
#   component: networks
#   expectation: [load_balancers]
#   anchors: [vpc]
#   remediation:
#     summary: Delete the listener (or the load balancer), or make it redirect to HTTPS.
#     cli: aws elbv2 delete-listener --listener-arn <listener-arn>
#     terraform: |
#       # Remove the aws_lb_listener, or give it a redirect default_action to HTTPS.
#     fix: elbv2.delete_listener
package archaudit.load_balancer.undocumented_load_balancers

import data.archaudit.lib.arch
import data.archaudit.lib.result

undocumented_arns := {lb.arn: lb | some lb in arch.undocumented_load_balancers}

plaintext := {"HTTP", "TCP", "UDP", "TCP_UDP"}

deny contains result.in_component(
	arch.network_of(lb.vpc_id),
	result.new(msg, l.arn, "protocol", "HTTPS (or a redirect to HTTPS)", l.protocol)
) if {
	some l in input.aws.elbv2.listeners
	lb := undocumented_arns[l.load_balancer_arn]
	l.protocol in plaintext
	not redirects_to_https(l)
	msg := sprintf(
		concat(" ", [
			"Load balancer %s, not in the documentation, serves %s on port %d from",
			"the internet without redirecting to HTTPS."
		]),
		[lb.id, l.protocol, l.port]
	)
}

redirects_to_https(l) if {
	count(l.default_actions) == 1
	l.default_actions[0].type == "redirect"
	l.default_actions[0].redirect.protocol == "HTTPS"
}
