# METADATA
# title: A database documented as private is not publicly accessible
# description: |
#   A publicly accessible database gets a public address: with a permissive security group or
#   a public subnet, it is one rule away from being reachable from the internet.
# custom:
#   id: AA-DB-003
#   severity: critical
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.publicly_accessible]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: Turn public accessibility off.
#     cli: aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately
package archaudit.database.database_public

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.fixed(
	sprintf("Database %s is publicly accessible; it is documented as private.", [d.id]),
	d.arn,
	"publicly_accessible",
	false,
	true,
	result.steps([sprintf(
		"aws rds modify-db-instance --db-instance-identifier %s --no-publicly-accessible --apply-immediately",
		[id]
	) | some id in public_instances(d)])
)) if {
	some d in db.databases
	db.db_spec(d).publicly_accessible == false
	d.publicly_accessible == true
}

# The instances to change: the database itself, or a cluster's public members.
public_instances(d) := [d.id] if d.type == "instance"

else := sort([i.id | some m in d.members; i := db.instances_by_id[m]; i.publicly_accessible == true])
