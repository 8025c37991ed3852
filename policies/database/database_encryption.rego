# METADATA
# title: A database documented as encrypted has encrypted storage
# description: |
#   Unencrypted storage leaves the data, its snapshots and replicas readable to whoever gets
#   the volumes. Encryption cannot be turned on in place: a database restored or recreated
#   unencrypted stays so.
# custom:
#   id: AA-DB-004
#   severity: high
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.storage_encrypted]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: >-
#       Snapshot the database, copy the snapshot with a KMS key, restore the copy under a new
#       identifier, switch the clients, then retire the unencrypted database.
#     cli: >-
#       aws rds copy-db-snapshot --source-db-snapshot-identifier <snapshot>
#       --target-db-snapshot-identifier <snapshot>-encrypted --kms-key-id alias/aws/rds
package archaudit.database.database_encryption

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.manual(
	sprintf("Database %s stores its data unencrypted; it is documented as encrypted.", [d.id]),
	d.arn,
	"storage_encrypted",
	true,
	false,
	steps(d)
)) if {
	some d in db.databases
	db.db_spec(d).storage_encrypted == true
	d.storage_encrypted == false
}

steps(d) := sprintf(
	concat("", [
		"Encryption cannot be turned on in place. In a maintenance window:\n%s\n",
		"then point the clients at %s-encrypted and retire %s once they are.",
	]),
	[
		result.steps([
			sprintf(
				"aws rds create-db-snapshot --db-instance-identifier %s --db-snapshot-identifier %s-unencrypted",
				[d.id, d.id]
			),
			sprintf(
				concat(" ", [
					"aws rds copy-db-snapshot --source-db-snapshot-identifier %s-unencrypted",
					"--target-db-snapshot-identifier %s-encrypted --kms-key-id alias/aws/rds",
				]),
				[d.id, d.id]
			),
			sprintf(
				concat(" ", [
					"aws rds restore-db-instance-from-db-snapshot --db-instance-identifier %s-encrypted",
					"--db-snapshot-identifier %s-encrypted --db-subnet-group-name %s",
				]),
				[d.id, d.id, d.subnet_group]
			),
		]),
		d.id,
		d.id,
	]
) if d.type == "instance"

else := sprintf(
	concat(" ", [
		"Encryption cannot be turned on in place: snapshot cluster %s (aws rds create-db-cluster-snapshot),",
		"restore the snapshot into a new cluster with --storage-encrypted --kms-key-id alias/aws/rds,",
		"switch the clients, then retire %s.",
	]),
	[d.id, d.id]
)
