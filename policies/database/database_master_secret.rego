# METADATA
# title: A database documented with a managed master password keeps it in Secrets Manager
# description: |
#   When RDS manages the master password in Secrets Manager it is rotated and never written in
#   Terraform state or task definitions; a password set by hand is both.
# custom:
#   id: AA-DB-009
#   severity: medium
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.manage_master_user_password]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: Let RDS manage the master password in Secrets Manager.
#     cli: aws rds modify-db-instance --db-instance-identifier <id> --manage-master-user-password --apply-immediately
package archaudit.database.database_master_secret

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.manual(
	sprintf("Database %s's master password is not managed in Secrets Manager; it is documented so.", [d.id]),
	d.arn,
	"master_user_secret",
	"managed by RDS in Secrets Manager",
	null,
	sprintf(
		concat("", [
			"The password changes: first make every client read it from the secret RDS creates, then run\n",
			"%s --manage-master-user-password --apply-immediately",
		]),
		[db.modify(d)]
	)
)) if {
	some d in db.databases
	db.db_spec(d).manage_master_user_password == true
	not d.master_user_secret
	not "master_user_secret" in object.get(d, "unknown", [])
}
