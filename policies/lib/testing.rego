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

# --- a database beside the reference (policies/database) ----------------------------------

db_sg := {
	"arn": "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0db",
	"id": "sg-0db",
	"region": "us-east-1",
	"account_id": "123456789012",
	"name": "archaudit-db",
	"description": "the database",
	"vpc_id": security_group("archaudit-ecs").vpc_id,
	"ingress": [{
		"protocol": "tcp",
		"from_port": 5432,
		"to_port": 5432,
		"peer": {"type": "security_group", "value": security_group("archaudit-ecs").id},
		"rule_id": "sgr-0app",
	}],
	"egress": [],
}

db_instance := {
	"arn": "arn:aws:rds:us-east-1:123456789012:db:archaudit-db",
	"id": "archaudit-db",
	"region": "us-east-1",
	"account_id": "123456789012",
	"tags": {},
	"engine": "postgres",
	"status": "available",
	"publicly_accessible": false,
	"storage_encrypted": true,
	"backup_retention_period": 7,
	"deletion_protection": true,
	"multi_az": true,
	"port": 5432,
	"subnet_group": "archaudit-db",
	"security_groups": ["sg-0db"],
	"master_user_secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1",
}

db_subnet_group := {
	"arn": "arn:aws:rds:us-east-1:123456789012:subgrp:archaudit-db",
	"id": "archaudit-db",
	"region": "us-east-1",
	"account_id": "123456789012",
	"vpc_id": security_group("archaudit-ecs").vpc_id,
	"subnets": sort([subnet("10.0.101.0/24").id, subnet("10.0.102.0/24").id]),
}

# The reference with the database, its subnet group and its security group; `instance` patched.
with_db(patch) := object.union(ref, {"aws": {
	"ec2": {"security_groups": array.concat(ref.aws.ec2.security_groups, [db_sg])},
	"rds": {
		"db_instances": [object.union(db_instance, patch)],
		"db_clusters": [],
		"db_subnet_groups": [db_subnet_group],
	},
}})

db_ref := with_db({})

# The database with `attr` unread: absent, and listed unknown (a gap names it).
db_unread(attr) := object.union(db_ref, {"aws": {"rds": {"db_instances": [object.union(
	object.remove(db_instance, [attr]),
	{"unknown": [attr]}
)]}}})

# An ingress rule of the database's group: tcp `port` from CIDR `cidr`.
db_cidr_rule(port, cidr, id) := {
	"protocol": "tcp",
	"from_port": port,
	"to_port": port,
	"peer": {"type": "cidr_ipv4", "value": cidr},
	"rule_id": id,
}

# The reference spec with the database documented, `patch` merged into its table.
db_spec_with(patch) := object.union(data.archaudit.architecture, {"databases": {"main": object.union(
	{
		"network": "main",
		"engine": "postgres",
		"identifier": "archaudit-db",
		"tier": "private",
		"publicly_accessible": false,
		"storage_encrypted": true,
		"min_backup_retention_days": 7,
		"max_backup_retention_days": 35,
		"deletion_protection": true,
		"manage_master_user_password": true,
		"reachable_from_services": ["app"],
	},
	patch,
)}})

db_arch := db_spec_with({})

# The reference spec with the database documented without the keys `keys` (as a team that does
# not state them writes it).
db_spec_without(keys) := object.union(
	object.remove(data.archaudit.architecture, ["databases"]),
	{"databases": {"main": object.remove(db_arch.databases.main, keys)}}
)
