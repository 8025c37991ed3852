# Helpers every policy uses to build findings.
package archaudit.lib.result

# A finding about the resource with `arn`: what is wrong (`msg`, one sentence ending in a
# period), which attribute drifted (part of the stable fingerprint), and the documented
# (`expected`) and observed (`actual`) values.
new(msg, arn, attribute, expected, actual) := {
	"msg": msg,
	"arn": arn,
	"attribute": attribute,
	"expected": expected,
	"actual": actual,
}
