# METADATA
# title: Each documented database exists
# description: |
#   A database the document names but the account does not hold is either gone (restored
#   under another identifier, deleted) or was never deployed: the services that need it fail.
# custom:
#   id: AA-DB-001
#   severity: high
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.identifier, databases.*.engine, databases.*.network]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: >-
#       Restore the database (from its latest snapshot, under its documented identifier) or
#       deploy it through Terraform.
#     cli: >-
#       aws rds restore-db-instance-from-db-snapshot --db-instance-identifier <identifier>
#       --db-snapshot-identifier <snapshot>
package archaudit.database.database_found

import data.archaudit.lib.arch
import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(arch.component("databases", name), result.manual(
	msg,
	arch.account_arn,
	arch.qualified("database", "databases", name),
	wanted(d),
	null,
	"Restore it from its latest snapshot under its documented identifier, or deploy it through Terraform."
)) if {
	db.complete
	some name, d in db.spec
	count(db.component_databases[name]) == 0
	msg := sprintf("Documented database %s (%s) was not found%s.", [name, wanted(d), where(d)])
}

wanted(d) := sprintf("%s %s", [d.engine, d.identifier]) if d.identifier

else := sprintf("a %s database", [d.engine])

where(d) := sprintf(" in network %s", [d.network]) if not d.identifier

else := ""
