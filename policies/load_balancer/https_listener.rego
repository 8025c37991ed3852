# METADATA
# title: The load balancer serves HTTPS with a certificate and a TLS 1.2+ policy
# description: |
#   Traffic is encrypted from the user to the load balancer. The HTTPS listener must exist, carry
#   a certificate, use one of the documented TLS 1.2+ security policies, and forward to the
#   application's target group.
# custom:
#   id: AA-LB-002
#   severity: high
#   resource_type: aws.elbv2.listener
#   component: load_balancers
#   expectation: [load_balancers.*.https.tls_policies, load_balancers.*.https.port]
#   anchors: [load_balancer]
#   requires: [elbv2.load_balancers, elbv2.listeners]
#   remediation:
#     summary: Configure the HTTPS listener with the certificate and a TLS 1.2+ policy.
#     cli: >-
#       aws elbv2 modify-listener --listener-arn <listener-arn> --protocol HTTPS --ssl-policy
#       ELBSecurityPolicy-TLS13-1-2-2021-06 --certificates CertificateArn=<cert-arn>
#     terraform: |
#       resource "aws_lb_listener" "https" {
#         port            = 443
#         protocol        = "HTTPS"
#         ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#         certificate_arn = aws_acm_certificate.app.arn
#       }
#     fix: elbv2.set_tls_policy
package archaudit.load_balancer.https_listener

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The documented HTTPS listener of each load-balancer component that has one.
https_spec(name) := arch.spec.load_balancers[name].https

tls_policy(name) := https_spec(name).tls_policies[0]

# A command that needs the certificate: runnable when the account has one, else manual.
with_certificate(f, cmd, name) := object.union(
	f,
	{
		"cli": sprintf(cmd, [arch.certificate_arn]),
		"details": {"certificate_arn": arch.certificate_arn, "ssl_policy": tls_policy(name)}
	}
) if arch.certificate_arn

with_certificate(f, cmd, _) := object.union(
	f,
	{"manual": sprintf("Request or import a certificate in ACM, then: %s", [sprintf(cmd, ["<certificate-arn>"])])}
) if not arch.certificate_arn

create_listener(lb, name) := sprintf(
	concat(" ", [
		"aws elbv2 create-listener --load-balancer-arn %s --protocol HTTPS",
		"--port %d --ssl-policy %s --certificates CertificateArn=%%s",
		"--default-actions Type=forward,TargetGroupArn=%s"
	]),
	[lb.arn, https_spec(name).port, tls_policy(name), object.get(arch.lb_target_group, lb.arn, "<target-group-arn>")]
)

# The HTTPS listeners of the architecture, with their component's name.
https_listeners contains [l, name] if {
	some l in arch.alb_listeners
	name := arch.listener_component(l)
	l.port == https_spec(name).port
}

deny contains result.in_component(arch.component("load_balancers", name), with_certificate(
	result.new(msg, lb.arn, "listener:https", {"port": port, "protocol": "HTTPS"}, null),
	create_listener(lb, name),
	name
)) if {
	arch.complete("elbv2.listeners")
	some lb in arch.albs
	name := arch.lb_component[lb.arn]
	port := https_spec(name).port
	not lb.arn in {l.load_balancer_arn | some [l, _] in https_listeners}
	msg := sprintf("Load balancer %s has no listener on port %d.", [lb.id, port])
}

deny contains result.in_component(
	arch.component("load_balancers", name),
	with_certificate(result.new(msg, l.arn, "protocol", "HTTPS", l.protocol), cmd, name)
) if {
	some [l, name] in https_listeners
	l.protocol != "HTTPS"
	cmd := sprintf(
		concat(" ", [
			"aws elbv2 modify-listener --listener-arn %s --protocol HTTPS --ssl-policy %s",
			"--certificates CertificateArn=%%s"
		]),
		[l.arn, tls_policy(name)]
	)
	msg := sprintf("Listener on port %d speaks %s instead of HTTPS.", [l.port, l.protocol])
}

deny contains result.in_component(
	arch.component("load_balancers", name),
	with_certificate(result.new(msg, l.arn, "certificates", "a certificate", []), cmd, name)
) if {
	some [l, name] in https_listeners
	l.protocol == "HTTPS"
	count(l.certificates) == 0
	cmd := sprintf("aws elbv2 modify-listener --listener-arn %s --certificates CertificateArn=%%s", [l.arn])
	msg := sprintf("HTTPS listener on port %d has no certificate.", [l.port])
}

deny contains result.in_component(arch.component("load_balancers", name), result.with_details(
	result.fixed(
		msg,
		l.arn,
		"ssl_policy",
		https_spec(name).tls_policies,
		actual,
		sprintf("aws elbv2 modify-listener --listener-arn %s --ssl-policy %s", [l.arn, tls_policy(name)])
	),
	{"ssl_policy": tls_policy(name)}
)) if {
	some [l, name] in https_listeners
	l.protocol == "HTTPS"
	actual := object.get(l, "ssl_policy", null)
	not actual in https_spec(name).tls_policies
	msg := sprintf(
		"HTTPS listener on port %d uses TLS policy %v, which allows protocols older than TLS 1.2.",
		[l.port, actual]
	)
}

deny contains result.in_component(arch.component("load_balancers", name), result.fixed(
	msg,
	l.arn,
	"default_actions",
	"forward to the application target group",
	l.default_actions,
	sprintf(
		"aws elbv2 modify-listener --listener-arn %s --default-actions Type=forward,TargetGroupArn=%s",
		[l.arn, object.get(arch.lb_target_group, l.load_balancer_arn, "<target-group-arn>")]
	)
)) if {
	some [l, name] in https_listeners
	not arch.forwards(l)
	msg := sprintf("HTTPS listener on port %d does not forward to a target group.", [l.port])
}
