# The documented databases (`spec.databases`), found among the account's RDS databases: a DB
# instance outside any cluster, or an Aurora / Multi-AZ cluster with its member instances. Like
# the other component kinds in `arch`, every lookup is a complete rule over the account's RDS
# resources (an index computed once), so the database rules stay linear.
package archaudit.lib.databases

import data.archaudit.lib.arch

spec := object.get(arch.spec, "databases", {})

subnet_groups := {g.id: g | some g in input.aws.rds.db_subnet_groups}

instances_by_id := {i.id: i | some i in input.aws.rds.db_instances}

# Every database of the account, in one shape: `type` (`instance`, `cluster`), `member_arns`
# (the instances it is made of) and `publicly_accessible` (a cluster is when the cluster says
# so, or any member instance is).
found contains object.union(i, {"type": "instance", "member_arns": [i.arn]}) if {
	some i in input.aws.rds.db_instances
	not i.cluster
}

found contains object.union(c, {
	"type": "cluster",
	"member_arns": [instances_by_id[m].arn | some m in c.members; instances_by_id[m]],
	"publicly_accessible": cluster_public(c),
}) if {
	some c in input.aws.rds.db_clusters
}

cluster_public(c) := c.publicly_accessible if is_boolean(c.publicly_accessible)

else := true if {
	some m in c.members
	instances_by_id[m].publicly_accessible == true
}

else := false

# The VPC a database lives in: its DB subnet group's.
vpc_of(d) := subnet_groups[d.subnet_group].vpc_id

pinned := {d.identifier: name | some name, d in spec; is_string(d.identifier)}

unpinned := {[d.network, d.engine]: name | some name, d in spec; not is_string(object.get(d, "identifier", null))}

# The database component of each database of the architecture: by identifier pin, else the one
# unpinned component of its network and engine.
component[d.arn] := pinned[d.id] if {
	some d in found
	pinned[d.id]
}

component[d.arn] := name if {
	some d in found
	not pinned[d.id]
	network := arch.vpc_network[vpc_of(d)]
	name := unpinned[[network, d.engine]]
}

databases contains d if {
	some d in found
	component[d.arn]
}

# The databases found for each component.
component_databases[name] := {d | some d in databases; component[d.arn] == name} if some name, _ in spec

# The spec of a database, and the component id its findings carry.
db_spec(d) := spec[component[d.arn]]

of(d) := arch.component("databases", component[d.arn])

# The port clients reach it on: the documented one, else the one it reports.
port(d) := p if p := db_spec(d).port

else := d.port

# How to name it in an AWS CLI command.
modify(d) := sprintf("aws rds modify-db-instance --db-instance-identifier %s", [d.id]) if d.type == "instance"

else := sprintf("aws rds modify-db-cluster --db-cluster-identifier %s", [d.id])

# Whether "not found" may be concluded: every kind a database is looked up in was listed.
complete if {
	arch.complete("rds.db_instances")
	arch.complete("rds.db_clusters")
	arch.complete("rds.db_subnet_groups")
	arch.complete("ec2.vpcs")
}

# The security groups of each database component.
component_groups[name] := {g | some d in component_databases[name]; some g in d.security_groups} if {
	some name, _ in spec
}

group_ids := {id | some _, ids in component_groups; some id in ids}

groups_by_id := {g.id: g | some g in input.aws.ec2.security_groups; g.id in group_ids}
