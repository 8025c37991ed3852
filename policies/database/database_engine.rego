# METADATA
# title: Each database runs its documented engine
# description: |
#   The services are written for one engine: a database pinned by identifier that runs another
#   (restored from the wrong snapshot, replaced by hand) breaks them or hides a migration the
#   document does not know about.
# custom:
#   id: AA-DB-007
#   severity: medium
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.engine]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: >-
#       Migrate to the documented engine or correct the document; an engine cannot be
#       changed in place.
package archaudit.database.database_engine

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.manual(
	sprintf("Database %s runs %s; %s is documented.", [d.id, d.engine, spec.engine]),
	d.arn,
	"engine",
	spec.engine,
	d.engine,
	concat(" ", [
		"An engine cannot be changed in place: migrate the data to a database of the documented engine,",
		"or correct the document.",
	])
)) if {
	some d in db.databases
	spec := db.db_spec(d)
	d.engine != ""
	d.engine != spec.engine
}
