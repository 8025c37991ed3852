# METADATA
# title: The HTTP listener does as documented (only redirects to HTTPS, or forwards)
# description: |
#   Port 80 exists only to send browsers to HTTPS with a permanent redirect. A listener that
#   forwards HTTP to the application serves it unencrypted.
# custom:
#   id: AA-LB-003
#   severity: high
#   resource_type: aws.elbv2.listener
#   component: load_balancers
#   expectation: [load_balancers.*.http.redirect_status, load_balancers.*.http.port]
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

# The documented HTTP listener of a load-balancer component.
http_spec(name) := arch.spec.load_balancers[name].http

expected(name) := sprintf("redirect to HTTPS:%d (%s)", [lb.https.port, lb.http.redirect_status]) if {
	lb := arch.spec.load_balancers[name]
	lb.http.action == "redirect"
}

expected(name) := "forward to a target group" if http_spec(name).action == "forward"

http_listeners_by_lb := {l.load_balancer_arn: l |
	some l in arch.alb_listeners
	l.port == http_spec(arch.listener_component(l)).port
}

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, lb.arn, "listener:http", expected(name), null)
) if {
	arch.complete("elbv2.listeners")
	some lb in arch.albs
	name := arch.lb_component[lb.arn]
	h := http_spec(name)
	not http_listeners_by_lb[lb.arn]
	msg := sprintf("Load balancer %s has no HTTP listener on port %d %s.", [lb.id, h.port, doing(h)])
}

doing(h) := "redirecting to HTTPS" if h.action == "redirect"

doing(h) := "forwarding to the application" if h.action == "forward"

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, l.arn, "default_actions", expected(name), actual)
) if {
	some l in arch.alb_listeners
	name := arch.listener_component(l)
	lb := arch.spec.load_balancers[name]
	l.port == lb.http.port
	lb.http.action == "redirect"
	not redirects(l, lb)
	actual := [a.type | some a in l.default_actions]
	msg := sprintf(
		"HTTP listener on port %d does not redirect to HTTPS:%d with %s.",
		[lb.http.port, lb.https.port, lb.http.redirect_status]
	)
}

deny contains result.in_component(
	arch.component("load_balancers", name),
	result.new(msg, l.arn, "default_actions", expected(name), actual)
) if {
	some l in arch.alb_listeners
	name := arch.listener_component(l)
	lb := arch.spec.load_balancers[name]
	l.port == lb.http.port
	lb.http.action == "forward"
	not arch.forwards(l)
	actual := [a.type | some a in l.default_actions]
	msg := sprintf("HTTP listener on port %d does not forward to a target group.", [lb.http.port])
}

redirects(l, lb) if {
	count(l.default_actions) == 1
	a := l.default_actions[0]
	a.type == "redirect"
	a.redirect.protocol == "HTTPS"
	a.redirect.port in {sprintf("%d", [lb.https.port]), "#{port}"}
	a.redirect.status_code == lb.http.redirect_status
}
