# METADATA
# title: A database documented with deletion protection has it on
# description: |
#   Deletion protection stops a console click or a `terraform destroy` from deleting the
#   database and its automated backups.
# custom:
#   id: AA-DB-006
#   severity: medium
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.deletion_protection]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: Turn deletion protection on.
#     cli: aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection --apply-immediately
package archaudit.database.database_deletion_protection

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.fixed(
	sprintf("Database %s has deletion protection off; it is documented on.", [d.id]),
	d.arn,
	"deletion_protection",
	true,
	false,
	sprintf("%s --deletion-protection --apply-immediately", [db.modify(d)])
)) if {
	some d in db.databases
	db.db_spec(d).deletion_protection == true
	d.deletion_protection == false
}
