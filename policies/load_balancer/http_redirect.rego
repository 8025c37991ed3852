# METADATA
# title: The HTTP listener only redirects to HTTPS
# description: |
#   Port 80 exists only to send browsers to HTTPS with a permanent redirect. A listener that
#   forwards HTTP to the application serves it unencrypted.
# custom:
#   id: AA-LB-003
#   severity: high
#   resource_type: aws.elbv2.listener
#   expectation: [load_balancer.redirect_status, load_balancer.http_port]
#   anchors: [load_balancer]
#   requires: [elbv2.load_balancers, elbv2.listeners]
#   remediation:
#     summary: Make the HTTP listener's default action a 301 redirect to HTTPS on port 443.
#     cli: >-
#       aws elbv2 modify-listener --listener-arn <listener-arn> --default-actions
#       'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'
#     terraform: |
#       default_action {
#         type = "redirect"
#         redirect {
#           protocol    = "HTTPS"
#           port        = "443"
#           status_code = "HTTP_301"
#         }
#       }
#     fix: elbv2.set_https_redirect
package archaudit.load_balancer.http_redirect

import data.archaudit.lib.arch
import data.archaudit.lib.result

lbspec := arch.spec.load_balancer

expected := sprintf("redirect to HTTPS:%d (%s)", [lbspec.https_port, lbspec.redirect_status])

http_listeners_by_lb := {l.load_balancer_arn: l | some l in arch.alb_listeners; l.port == lbspec.http_port}

deny contains result.new(msg, lb.arn, "listener:http", expected, null) if {
	arch.complete("elbv2.listeners")
	some lb in arch.albs
	not http_listeners_by_lb[lb.arn]
	msg := sprintf("Load balancer %s has no HTTP listener on port %d redirecting to HTTPS.", [lb.id, lbspec.http_port])
}

deny contains result.new(msg, l.arn, "default_actions", expected, actual) if {
	some l in arch.alb_listeners
	l.port == lbspec.http_port
	not redirects(l)
	actual := [a.type | some a in l.default_actions]
	msg := sprintf(
		"HTTP listener on port %d does not redirect to HTTPS:%d with %s.",
		[lbspec.http_port, lbspec.https_port, lbspec.redirect_status]
	)
}

redirects(l) if {
	count(l.default_actions) == 1
	a := l.default_actions[0]
	a.type == "redirect"
	a.redirect.protocol == "HTTPS"
	a.redirect.port in {sprintf("%d", [lbspec.https_port]), "#{port}"}
	a.redirect.status_code == lbspec.redirect_status
}
