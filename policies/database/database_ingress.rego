# METADATA
# title: Each database is reachable only from the services the document names, on its port
# description: |
#   A database's security groups are its only fence inside the VPC. A rule from another
#   service's tasks, a CIDR or another port lets what the document does not name read the data.
# custom:
#   id: AA-DB-008
#   severity: critical
#   resource_type: aws.ec2.security_group
#   component: databases
#   expectation: [databases.*.reachable_from_services, databases.*.reachable_from_cidrs, databases.*.port]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups, ecs.services, ec2.security_groups]
#   remediation:
#     summary: >-
#       Revoke every ingress rule of the database's security groups except its port from the
#       documented services' task security groups (and documented CIDRs).
#     cli: aws ec2 revoke-security-group-ingress --group-id <sg-id> --security-group-rule-ids <sgr-id>
#     fix: ec2.revoke_ingress
package archaudit.database.database_ingress

import data.archaudit.lib.arch
import data.archaudit.lib.databases as db
import data.archaudit.lib.result

# Whether the document states who may reach the database (either key, even empty).
fenced(spec) if "reachable_from_services" in object.keys(spec)

fenced(spec) if "reachable_from_cidrs" in object.keys(spec)

# The task security groups of the services a database documents as its clients.
source_groups(name) := {g |
	some svc in object.get(db.spec[name], "reachable_from_services", [])
	some g in arch.component_task_groups[svc]
}

documented(r, d, name) if {
	r.protocol == "tcp"
	r.from_port == db.port(d)
	r.to_port == db.port(d)
	arch.peer_in(r.peer, source_groups(name), object.get(db.spec[name], "reachable_from_cidrs", []))
}

expected(d, name) := sprintf("tcp %d from %v", [db.port(d), sort(sources)]) if {
	sources := source_groups(name) | {c | some c in object.get(db.spec[name], "reachable_from_cidrs", [])}
}

# Documented client services that were not found: their rules are left to a person.
unfound(name) := arch.unfound_sources(object.get(db.spec[name], "reachable_from_services", []), [])

deny contains result.in_component(db.of(d), result.new(
	sprintf(
		"Database %s's security group %s allows %s; only %s is documented%s.",
		[d.id, g.id, arch.describe_rule(r), expected(d, name), arch.unconfirmed(unfound(name))]
	),
	g.arn,
	arch.ingress_attribute("ingress:", r, unfound(name)),
	expected(d, name),
	arch.describe_rule(r)
)) if {
	some d in db.databases
	name := db.component[d.arn]
	fenced(db.spec[name])
	some id in d.security_groups
	g := db.groups_by_id[id]
	some r in g.ingress
	not documented(r, d, name)
}

# A documented client service whose tasks have no rule to reach the database.
deny contains result.in_component(db.of(d), result.fixed(
	sprintf(
		"Database %s's security groups do not let service %s (%s) reach port %d.",
		[d.id, svc, concat(", ", sort(groups)), db.port(d)]
	),
	g.arn,
	sprintf("reachable_from:%s", [svc]),
	expected(d, name),
	null,
	result.steps([sprintf(
		"aws ec2 authorize-security-group-ingress --group-id %s --protocol tcp --port %d --source-group %s",
		[g.id, db.port(d), src]
	) | some src in sort(groups)])
)) if {
	some d in db.databases
	name := db.component[d.arn]
	some svc in object.get(db.spec[name], "reachable_from_services", [])
	groups := arch.component_task_groups[svc]
	count(groups) > 0
	g := db.groups_by_id[sort(d.security_groups)[0]]
	ingress_read(d)
	not reached(d, groups)
}

# Every group of the database was listed with its rules: only then is "no rule lets it reach"
# a finding (an unread group proves nothing).
ingress_read(d) if {
	count([id | some id in d.security_groups; is_array(db.groups_by_id[id].ingress)]) == count(d.security_groups)
}

reached(d, groups) if {
	some id in d.security_groups
	some r in db.groups_by_id[id].ingress
	arch.peer_in(r.peer, groups, [])
	r.protocol == "tcp"
	arch.covers_port(r, db.port(d))
}
