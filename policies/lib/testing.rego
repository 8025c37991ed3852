# Helpers for policy tests: start from the reference inventory and add one drift.
package archaudit.lib.testing

ref := data.archaudit.testdata.reference

# The reference with every item of aws[svc][kind] whose `key` equals `value` merged with `patch`.
patched(svc, kind, key, value, patch) := object.union(ref, {"aws": {svc: {kind: [item |
	some x in ref.aws[svc][kind]
	item := merge_if(x, key, value, patch)
]}}})

merge_if(x, key, value, patch) := object.union(x, patch) if object.get(x, key, null) == value

merge_if(x, key, value, _) := x if object.get(x, key, null) != value

# The reference with those items' attribute `attr` removed and listed as unknown.
unknown(svc, kind, key, value, attr) := object.union(ref, {"aws": {svc: {kind: [item |
	some x in ref.aws[svc][kind]
	item := forget_if(x, key, value, attr)
]}}})

forget_if(x, key, value, attr) := object.union(
	object.remove(x, [attr]),
	{"unknown": [attr]}
) if object.get(x, key, null) == value

forget_if(x, key, value, _) := x if object.get(x, key, null) != value

# The reference without the items of aws[svc][kind] whose `key` equals `value`.
without(svc, kind, key, value) := object.union(ref, {"aws": {svc: {kind: [x |
	some x in ref.aws[svc][kind]
	object.get(x, key, null) != value
]}}})

# The reference with aws[svc][kind] empty (nothing of that kind exists).
emptied(svc, kind) := object.union(ref, {"aws": {svc: {kind: []}}})

# The reference with `item` added to aws[svc][kind].
added(svc, kind, item) := object.union(ref, {"aws": {svc: {kind: array.concat(ref.aws[svc][kind], [item])}}})

# Shortcut lookups into the reference.
subnet(cidr) := s if {
	some s in ref.aws.ec2.subnets
	s.cidr_block == cidr
}

security_group(name) := g if {
	some g in ref.aws.ec2.security_groups
	g.name == name
}
