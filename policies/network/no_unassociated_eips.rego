# METADATA
# title: Every Elastic IP is in use
# description: |
#   The architecture uses exactly one Elastic IP per NAT gateway. An unassociated address is
#   left-over drift and is billed by the hour.
# custom:
#   id: AA-NET-008
#   severity: low
#   resource_type: aws.ec2.elastic_ip
#   expectation: [network]
#   requires: [ec2.elastic_ips]
#   remediation:
#     summary: Release the address if nothing needs it.
#     cli: aws ec2 release-address --allocation-id <allocation-id>
#     fix: ec2.release_address
package archaudit.network.no_unassociated_eips

import data.archaudit.lib.result

deny contains result.new(msg, e.arn, "associated", true, false) if {
	some e in input.aws.ec2.elastic_ips
	e.associated == false
	msg := sprintf("Elastic IP %s (%s) is not associated with anything.", [e.public_ip, e.id])
}
