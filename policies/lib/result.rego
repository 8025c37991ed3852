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

# A finding with the command that fixes it, runnable as printed: every value filled in from
# the inventory or the spec. The steps of a multi-step fix are joined by `steps`.
fixed(msg, arn, attribute, expected, actual, cli) := object.union(
	new(msg, arn, attribute, expected, actual),
	{"cli": cli}
)

# A finding whose fix needs something only the user has (a secret's value, a least-privilege
# policy document) or is unsafe through the API: `text` says what to supply or do.
manual(msg, arn, attribute, expected, actual, text) := object.union(
	new(msg, arn, attribute, expected, actual),
	{"manual": text}
)

# Adds structured details (rule id, port, subnet ids…) to a finding.
with_details(finding, details) := object.union(finding, {"details": details})

# One shell sequence: each step runs only if the one before succeeded.
steps(cmds) := concat(" &&\n", cmds)

# A string quoted for a POSIX shell.
quote(s) := sprintf("'%s'", [replace(s, "'", "'\\''")])

# A finding about the documented component `component` (`services.api`, from
# `arch.component(kind, name)`): reports group and locate findings by it.
in_component(component, finding) := object.union(finding, {"component": component})
