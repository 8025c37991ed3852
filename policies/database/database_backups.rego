# METADATA
# title: Each database keeps automated backups for its documented number of days
# description: |
#   Without automated backups (retention 0) a database cannot be restored to a point in time;
#   a retention shorter than documented loses the recovery window the team relies on.
# custom:
#   id: AA-DB-005
#   severity: high
#   resource_type: aws.rds.db_instance
#   component: databases
#   expectation: [databases.*.min_backup_retention_days, databases.*.max_backup_retention_days]
#   anchors: [vpc]
#   requires: [rds.db_instances, rds.db_clusters, rds.db_subnet_groups]
#   remediation:
#     summary: Set the backup retention period to the documented number of days.
#     cli: aws rds modify-db-instance --db-instance-identifier <id> --backup-retention-period <days> --apply-immediately
package archaudit.database.database_backups

import data.archaudit.lib.databases as db
import data.archaudit.lib.result

deny contains result.in_component(db.of(d), result.fixed(
	sprintf("Database %s keeps automated backups for %d days; %s.", [d.id, d.backup_retention_period, bounds(spec)]),
	d.arn,
	"backup_retention_period",
	bounds(spec),
	d.backup_retention_period,
	sprintf("%s --backup-retention-period %d --apply-immediately", [db.modify(d), want])
)) if {
	some d in db.databases
	spec := db.db_spec(d)
	want := wanted(spec, d.backup_retention_period)
	want != d.backup_retention_period
}

# The nearest documented bound (the retention itself when within them).
wanted(spec, days) := spec.min_backup_retention_days if {
	is_number(spec.min_backup_retention_days)
	days < spec.min_backup_retention_days
} else := spec.max_backup_retention_days if {
	is_number(spec.max_backup_retention_days)
	days > spec.max_backup_retention_days
}

else := days

bounds(spec) := sprintf(
	"%d to %d are documented",
	[spec.min_backup_retention_days, spec.max_backup_retention_days]
) if {
	spec.min_backup_retention_days
	spec.max_backup_retention_days
}

else := sprintf("at least %d are documented", [spec.min_backup_retention_days]) if spec.min_backup_retention_days

else := sprintf("at most %d are documented", [spec.max_backup_retention_days])
