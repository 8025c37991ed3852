package archaudit.ecs.secrets_test

import data.archaudit.ecs.secrets as policy
import data.archaudit.lib.testing as t

test_reference_passes if count(policy.deny) == 0 with input as t.ref

td := t.ref.aws.ecs.task_definitions[0]

with_container(patch) := t.patched(
	"ecs",
	"task_definitions",
	"arn",
	td.arn,
	{"containers": [object.union(td.containers[0], patch)]}
)

test_plaintext_password_is_found if {
	env := array.concat(td.containers[0].environment, [{"name": "DB_PASSWORD", "looks_like_credential": true}])
	findings := policy.deny with input as with_container({"environment": env})
	count(findings) == 1
}

test_missing_secret_is_found if {
	count(policy.deny) == 1 with input as t.without("secretsmanager", "secrets", "id", "archaudit/app/db")
}

test_unlisted_secrets_are_not_missing if {
	inp := object.union(
		t.without("secretsmanager", "secrets", "id", "archaudit/app/db"),
		{"gaps": [{"kind": "secretsmanager.secrets"}]}
	)
	count(policy.deny) == 0 with input as inp
}
