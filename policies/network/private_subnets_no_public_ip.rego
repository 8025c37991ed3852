# METADATA
# title: Private subnets do not assign public IP addresses
# description: |
#   Tasks in the private subnets must not be reachable from the internet. Auto-assigned public
#   IPs make every new network interface there publicly addressable.
# custom:
#   id: AA-NET-004
#   severity: high
#   resource_type: aws.ec2.subnet
#   component: networks
#   expectation: [networks.*.subnets]
#   anchors: [vpc]
#   requires: [ec2.subnets]
#   remediation:
#     summary: Turn off auto-assignment of public IPv4 addresses on the private subnet.
#     cli: aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch
#     terraform: |
#       resource "aws_subnet" "private_a" {
#         map_public_ip_on_launch = false
#       }
#     fix: ec2.disable_subnet_public_ip
package archaudit.network.private_subnets_no_public_ip

import data.archaudit.lib.arch
import data.archaudit.lib.result

deny contains result.in_component(
	arch.network_of(s.vpc_id),
	result.new(msg, s.arn, "map_public_ip_on_launch", false, true)
) if {
	some s in arch.private_subnets
	s.map_public_ip_on_launch == true
	msg := sprintf("Private subnet %s (%s) auto-assigns public IP addresses.", [s.id, s.cidr_block])
}
