# The documented architecture's components, found in the inventory by their relationships.
#
# Every lookup is a complete rule (an index computed once per evaluation), so policies stay
# linear in the inventory's size: no policy scans one collection for each element of another.
package archaudit.lib.arch

spec := data.archaudit.architecture

# The account itself: the resource for "documented component is missing" findings.
account_arn := sprintf("arn:%s:iam::%s:root", [input.meta.partition, input.meta.account_id])

# --- network -------------------------------------------------------------------------------

vpcs contains v if {
	some v in input.aws.ec2.vpcs
	is_arch_vpc(v)
}

is_arch_vpc(v) if {
	not spec.vpc.name
	v.cidr_block == spec.vpc.cidr
}

is_arch_vpc(v) if v.tags.Name == spec.vpc.name

vpc_ids := {v.id | some v in vpcs}

subnets contains s if {
	some s in input.aws.ec2.subnets
	s.vpc_id in vpc_ids
}

documented_subnets := {d.cidr: d | some d in spec.subnets}

public_subnets contains s if {
	some s in subnets
	documented_subnets[s.cidr_block].tier == "public"
}

private_subnets contains s if {
	some s in subnets
	documented_subnets[s.cidr_block].tier == "private"
}

public_subnet_ids := {s.id | some s in public_subnets}

private_subnet_ids := {s.id | some s in private_subnets}

# Indexes over the architecture's own resources only: lookups are only ever made for them, and
# an index over every resource of a large account would cost more than the lookups it serves.
subnets_by_id := {s.id: s | some s in subnets}

# Route table of each explicitly associated subnet.
explicit_route_table[subnet_id] := rt if {
	some rt in input.aws.ec2.route_tables
	some subnet_id in rt.associations
}

main_route_table[vpc_id] := rt if {
	some rt in input.aws.ec2.route_tables
	rt.main
	vpc_id := rt.vpc_id
}

# The route table a subnet actually uses: its explicit association, else its VPC's main table.
route_table(subnet) := explicit_route_table[subnet.id]

route_table(subnet) := main_route_table[subnet.vpc_id] if not explicit_route_table[subnet.id]

default_route(rt) := r if {
	some r in rt.routes
	r.destination == "0.0.0.0/0"
}

nats_by_id := {n.id: n | some n in input.aws.ec2.nat_gateways}

igw_ids := {g.id | some g in input.aws.ec2.internet_gateways}

# Internet gateways attached to the architecture VPC.
attached_igws := {g.id | some g in input.aws.ec2.internet_gateways; some v in g.attached_vpcs; v in vpc_ids}

# The available public NAT gateway of an availability zone (undefined when there is none).
nat_in_az(az) := sort([n.id |
	some n in input.aws.ec2.nat_gateways
	n.state == "available"
	subnets_by_id[n.subnet_id].availability_zone == az
])[0]

# --- load balancer -------------------------------------------------------------------------

albs contains lb if {
	some lb in input.aws.elbv2.load_balancers
	lb.type == "application"
	lb.scheme == "internet-facing"
	lb.vpc_id in vpc_ids
	not spec.load_balancer.name
}

albs contains lb if {
	some lb in input.aws.elbv2.load_balancers
	lb.id == spec.load_balancer.name
}

alb_arns := {lb.arn | some lb in albs}

alb_security_groups := {g | some lb in albs; some g in lb.security_groups}

alb_listeners contains l if {
	some l in input.aws.elbv2.listeners
	l.load_balancer_arn in alb_arns
}

alb_target_groups := {tg.arn | some tg in input.aws.elbv2.target_groups; some a in tg.load_balancer_arns; a in alb_arns}

target_groups_by_arn := {tg.arn: tg | some tg in input.aws.elbv2.target_groups}

# The certificate for the HTTPS listener: one the load balancer already uses, else an issued
# certificate of the account (undefined when there is none).
issued_certificates := sort([c.arn | some c in input.aws.acm.certificates; c.status == "ISSUED"])

alb_certificates := sort(
	[c.arn | some c in input.aws.acm.certificates; c.status == "ISSUED"; some u in c.in_use_by; u in alb_arns]
)

certificate_arn := alb_certificates[0] if count(alb_certificates) > 0

certificate_arn := issued_certificates[0] if {
	count(alb_certificates) == 0
	count(issued_certificates) > 0
}

# The target group the HTTPS listener forwards to (the first of the load balancer's).
app_target_group := sort(alb_target_groups)[0]

# --- containers ----------------------------------------------------------------------------

services contains s if {
	not spec.ecs.service
	some s in input.aws.ecs.services
	some b in s.load_balancers
	b.target_group_arn in alb_target_groups
}

services contains s if {
	some s in input.aws.ecs.services
	s.id == spec.ecs.service
}

# --- the architecture's scope: what the documentation does not name but lives in its places --

# Clusters the documented services run in.
cluster_arns := {s.cluster_arn | some s in services}

# Every ECS service in the architecture's scope: the documented ones, every other service in
# their clusters, and every service whose tasks run in the architecture VPC's subnets.
scope_services contains s if some s in services

scope_services contains s if {
	some s in input.aws.ecs.services
	s.cluster_arn in cluster_arns
}

scope_services contains s if {
	some s in input.aws.ecs.services
	some x in s.network.subnets
	subnets_by_id[x]
}

# Internet-facing load balancers in the architecture VPC that the documentation does not name.
undocumented_load_balancers contains lb if {
	some lb in input.aws.elbv2.load_balancers
	lb.scheme == "internet-facing"
	lb.vpc_id in vpc_ids
	not lb.arn in alb_arns
}

task_definitions_by_arn := {t.arn: t | some t in input.aws.ecs.task_definitions}

task_definitions contains td if {
	some s in services
	td := task_definitions_by_arn[s.task_definition]
}

task_security_groups := {g | some s in services; some g in s.network.security_groups}

app_role_arns := {arn | some td in task_definitions; some arn in [td.task_role_arn, td.execution_role_arn]}

app_roles contains r if {
	some r in input.aws.iam.roles
	r.arn in app_role_arns
}

app_log_groups := {c.log_configuration.options["awslogs-group"] |
	some td in task_definitions
	some c in td.containers
	c.log_configuration.driver == "awslogs"
}

app_policy_arns := {a.arn | some r in app_roles; some a in r.attached_policies}

managed_policies_by_arn := {p.arn: p | some p in input.aws.iam.policies; p.arn in app_policy_arns}

component_security_groups := alb_security_groups | task_security_groups

security_groups_by_id := {g.id: g | some g in input.aws.ec2.security_groups; g.id in component_security_groups}

# --- identity ------------------------------------------------------------------------------

github_provider_arns := {p.arn | some p in input.aws.iam.oidc_providers; p.id == spec.github_oidc.provider_url}

oidc_suffix := sprintf("oidc-provider/%s", [spec.github_oidc.provider_url])

# Roles that trust the GitHub OIDC provider: the deploy roles.
deploy_roles contains r if {
	some r in input.aws.iam.roles
	some st in r.trust_policy.statements
	some f in st.principal.federated
	endswith(f, oidc_suffix)
}

# --- state ---------------------------------------------------------------------------------

state_buckets contains b if {
	some b in input.aws.s3.buckets
	regex.match(spec.state_bucket.name_regex, b.id)
}

state_buckets contains b if {
	some b in input.aws.s3.buckets
	b.tags[spec.state_bucket.tag_key] == spec.state_bucket.tag_value
}

# --- helpers -------------------------------------------------------------------------------

# The administrative ports a security-group rule opens (undefined when none). Cheap checks
# first: this runs for every rule of every security group in the account.
admin_ports := {p | some p in spec.network.admin_ports}

exposed_admin_ports(r) := [r.from_port] if {
	r.protocol in {"tcp", "udp"}
	r.from_port == r.to_port
	r.from_port in admin_ports
}

exposed_admin_ports(r) := ports if {
	r.protocol in {"tcp", "udp"}
	r.from_port != r.to_port
	ports := [p | some p in spec.network.admin_ports; r.from_port <= p; p <= r.to_port]
	count(ports) > 0
}

exposed_admin_ports(r) := sort(spec.network.admin_ports) if r.protocol == "all"

private_ranges_v4 := ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"]

# Whether a security-group peer reaches beyond private address space.
from_internet(peer) if {
	peer.type == "cidr_ipv4"
	not private_v4(peer.value)
}

from_internet(peer) if {
	peer.type == "cidr_ipv6"
	not net.cidr_contains("fc00::/7", peer.value)
	not net.cidr_contains("fe80::/10", peer.value)
}

private_v4(cidr) if {
	some r in private_ranges_v4
	net.cidr_contains(r, cidr)
}

# Whether a rule's port range covers `port` (protocol `all` covers every port).
covers_port(rule, port) if {
	rule.protocol == "all"
	port == port
}

covers_port(rule, port) if {
	rule.protocol in {"tcp", "udp"}
	rule.from_port <= port
	port <= rule.to_port
}

# Kinds whose list is incomplete (a gap with neither resource nor attribute): "X is missing"
# cannot be concluded for them.
incomplete_kinds := {g.kind | some g in input.gaps; not g.resource; not g.attribute}

complete(kind) if not kind in incomplete_kinds

subnet_by_vpc_cidr := {[s.vpc_id, s.cidr_block]: s | some s in subnets}

# The documented subnet `cidr` in the architecture VPC `vpc_id`, if it exists.
subnet_in(vpc_id, cidr) := subnet_by_vpc_cidr[[vpc_id, cidr]]

cluster_name(service) := regex.replace(service.cluster_arn, "^.*:cluster/", "")

# A security-group rule in one line: `tcp 22 from 0.0.0.0/0 (sgr-…)`.
describe_rule(r) := sprintf("%s %s from %s (%s)", [r.protocol, port_range(r), r.peer.value, r.rule_id])

port_range(r) := "all ports" if r.protocol == "all"

port_range(r) := sprintf("%d", [r.from_port]) if {
	r.protocol != "all"
	r.from_port == r.to_port
}

port_range(r) := sprintf("%d-%d", [r.from_port, r.to_port]) if {
	r.protocol != "all"
	r.from_port != r.to_port
}
