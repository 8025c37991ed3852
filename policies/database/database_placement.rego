# METADATA
# title: Each database lives in its documented network, in the subnets of its documented tier
# description: |
#   A database belongs in the private subnets of its network: a DB subnet group that reaches
#   into public subnets (or another VPC) puts it one setting away from the internet.
# custom:
#   id: AA-DB-002
#   severity: high
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.network, databases.*.tier, networks.*.subnets]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups, ec2.subnets, ec2.vpcs]
#   remediation:
#     summary: >-
#       Point the database at a DB subnet group made of the documented tier's subnets (a
#       change of subnet group moves the database; plan it in a maintenance window).
#     cli: aws rds modify-db-instance --db-instance-identifier <id> --db-subnet-group-name <group> --apply-immediately
package archaudit.database.database_placement

import data.archaudit.lib.arch
import data.archaudit.lib.databases as db
import data.archaudit.lib.result

# In another VPC than its network's (a pinned database: an unpinned one is found by network).
deny contains result.in_component(db.of(d), result.manual(
	sprintf("Database %s is in VPC %s, not in network %s.", [d.id, vpc, spec.network]),
	d.arn,
	"network",
	spec.network,
	vpc,
	concat(" ", [
		"Recreate it in its documented network (from a snapshot, through Terraform):",
		"a database cannot move between VPCs in place.",
	])
)) if {
	some d in db.databases
	spec := db.db_spec(d)
	vpc := db.vpc_of(d)
	object.get(arch.vpc_network, vpc, "") != spec.network
}

# In its network, but its subnet group reaches outside the documented tier.
deny contains result.in_component(db.of(d), result.manual(
	msg,
	d.arn,
	"subnet_group",
	sort(want),
	sort(group.subnets),
	sprintf(
		"Create a DB subnet group of the %s subnets and move the database to it:\n%s",
		[spec.tier, result.steps([
			sprintf(
				concat(" ", [
					"aws rds create-db-subnet-group --db-subnet-group-name %s-%s",
					"--db-subnet-group-description %s --subnet-ids %s",
				]),
				[
					d.id, spec.tier,
					result.quote(sprintf("%s subnets of %s", [spec.tier, spec.network])),
					concat(" ", sort(want)),
				]
			),
			sprintf("%s --db-subnet-group-name %s-%s --apply-immediately", [db.modify(d), d.id, spec.tier]),
		])]
	)
)) if {
	some d in db.databases
	spec := db.db_spec(d)
	spec.tier
	arch.vpc_network[db.vpc_of(d)] == spec.network
	group := db.subnet_groups[d.subnet_group]
	want := arch.tier_subnet_ids[[spec.network, spec.tier]]
	outside := [s | some s in group.subnets; not s in want]
	count(outside) > 0
	msg := sprintf(
		"Database %s's subnet group %s includes %v, outside the %s subnets of network %s.",
		[d.id, group.id, sort(outside), spec.tier, spec.network]
	)
}
