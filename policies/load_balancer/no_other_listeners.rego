# METADATA
# title: The load balancer has no listeners besides HTTPS and the HTTP redirect
# description: |
#   Every extra listener is another way in that the documented security model does not cover.
# custom:
#   id: AA-LB-004
#   severity: high
#   resource_type: aws.elbv2.listener
#   expectation: [load_balancer.https_port, load_balancer.http_port]
#   anchors: [load_balancer]
#   requires: [elbv2.listeners]
#   remediation:
#     summary: Delete the undocumented listener.
#     cli: aws elbv2 delete-listener --listener-arn <listener-arn>
#     fix: elbv2.delete_listener
package archaudit.load_balancer.no_other_listeners

import data.archaudit.lib.arch
import data.archaudit.lib.result

ports := {arch.spec.load_balancer.https_port, arch.spec.load_balancer.http_port}

deny contains result.new(msg, l.arn, "port", sort(ports), l.port) if {
	some l in arch.alb_listeners
	not l.port in ports
	msg := sprintf("Load balancer listener on port %d (%s) is not documented.", [l.port, l.protocol])
}
