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
#   expectation: [load_balancer.tls_policies, load_balancer.https_port]
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

port := arch.spec.load_balancer.https_port

https_listeners_by_lb := {l.load_balancer_arn: l | some l in arch.alb_listeners; l.port == port}

tls_policy := arch.spec.load_balancer.tls_policies[0]

# A command that needs the certificate: runnable when the account has one, else manual.
with_certificate(f, cmd) := object.union(
	f,
	{
		"cli": sprintf(cmd, [arch.certificate_arn]),
		"details": {"certificate_arn": arch.certificate_arn, "ssl_policy": tls_policy}
	}
) if arch.certificate_arn

with_certificate(f, cmd) := object.union(
	f,
	{"manual": sprintf("Request or import a certificate in ACM, then: %s", [sprintf(cmd, ["<certificate-arn>"])])}
) if not arch.certificate_arn

create_listener(lb) := sprintf(
	concat(" ", [
		"aws elbv2 create-listener --load-balancer-arn %s --protocol HTTPS",
		"--port %d --ssl-policy %s --certificates CertificateArn=%%s",
		"--default-actions Type=forward,TargetGroupArn=%s"
	]),
	[lb.arn, port, tls_policy, arch.app_target_group]
)

deny contains with_certificate(
	result.new(msg, lb.arn, "listener:https", {"port": port, "protocol": "HTTPS"}, null),
	create_listener(lb)
) if {
	arch.complete("elbv2.listeners")
	some lb in arch.albs
	not https_listeners_by_lb[lb.arn]
	msg := sprintf("Load balancer %s has no listener on port %d.", [lb.id, port])
}

deny contains with_certificate(result.new(msg, l.arn, "protocol", "HTTPS", l.protocol), cmd) if {
	some l in arch.alb_listeners
	l.port == port
	l.protocol != "HTTPS"
	cmd := sprintf(
		concat(" ", [
			"aws elbv2 modify-listener --listener-arn %s --protocol HTTPS --ssl-policy %s",
			"--certificates CertificateArn=%%s"
		]),
		[l.arn, tls_policy]
	)
	msg := sprintf("Listener on port %d speaks %s instead of HTTPS.", [port, l.protocol])
}

deny contains with_certificate(result.new(msg, l.arn, "certificates", "a certificate", []), cmd) if {
	some l in arch.alb_listeners
	l.port == port
	l.protocol == "HTTPS"
	count(l.certificates) == 0
	cmd := sprintf("aws elbv2 modify-listener --listener-arn %s --certificates CertificateArn=%%s", [l.arn])
	msg := sprintf("HTTPS listener on port %d has no certificate.", [port])
}

deny contains result.with_details(
	result.fixed(
		msg,
		l.arn,
		"ssl_policy",
		arch.spec.load_balancer.tls_policies,
		actual,
		sprintf("aws elbv2 modify-listener --listener-arn %s --ssl-policy %s", [l.arn, tls_policy])
	),
	{"ssl_policy": tls_policy}
) if {
	some l in arch.alb_listeners
	l.port == port
	l.protocol == "HTTPS"
	actual := object.get(l, "ssl_policy", null)
	not actual in arch.spec.load_balancer.tls_policies
	msg := sprintf(
		"HTTPS listener on port %d uses TLS policy %v, which allows protocols older than TLS 1.2.",
		[port, actual]
	)
}

deny contains result.fixed(
	msg,
	l.arn,
	"default_actions",
	"forward to the application target group",
	l.default_actions,
	sprintf(
		"aws elbv2 modify-listener --listener-arn %s --default-actions Type=forward,TargetGroupArn=%s",
		[l.arn, arch.app_target_group]
	)
) if {
	some l in arch.alb_listeners
	l.port == port
	not forwards(l)
	msg := sprintf("HTTPS listener on port %d does not forward to a target group.", [port])
}

forwards(l) if {
	some a in l.default_actions
	a.type == "forward"
	count(a.target_groups) > 0
}
