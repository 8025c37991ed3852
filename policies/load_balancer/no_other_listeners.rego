# METADATA
# title: The load balancer has no listeners besides HTTPS and the HTTP redirect
# description: |
#   Every extra listener is another way in that the documented security model does not cover.
# custom:
#   id: AA-LB-004
#   severity: high
#   resource_type: aws.elbv2.listener
#   component: load_balancers
#   expectation: [load_balancers.*.https.port, load_balancers.*.http.port]
#   anchors: [load_balancer]
#   requires: [elbv2.listeners]
#   remediation:
#     summary: Delete the undocumented listener.
#     cli: aws elbv2 delete-listener --listener-arn <listener-arn>
#     fix: elbv2.delete_listener
package archaudit.load_balancer.no_other_listeners

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, l.arn, "port", sort(arch.listener_ports(name)), l.port)
) if {
	some l in arch.alb_listeners
	name := arch.listener_component(l)
	not l.port in arch.listener_ports(name)
	msg := sprintf("Load balancer listener on port %d (%s) is not documented.", [l.port, l.protocol])
}
