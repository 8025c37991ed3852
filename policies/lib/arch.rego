# The documented architecture's components, found in the inventory by their relationships.
#
# Every lookup is a complete rule (an index computed once per evaluation), so policies stay
# linear in the inventory's size: no policy scans one collection for each element of another.
package archaudit.lib.arch

spec := data.archaudit.architecture

# The account itself: the resource for "documented component is missing" findings.
account_arn := sprintf("arn:%s:iam::%s:root", [input.meta.partition, input.meta.account_id])

# --- components ------------------------------------------------------------------------
#
# The architecture is named component instances (`spec.networks`, `spec.load_balancers`,
# `spec.services`). Each live resource belongs to at most one instance; every rule judges a
# resource against the spec of its own instance. `component(kind, name)` is the id findings
# carry (`services.api`).

component(kind, name) := sprintf("%s.%s", [kind, name])

# --- network -------------------------------------------------------------------------------

# Name tags that pin a network: a VPC so named belongs to that network only.
pinned_networks := {n.name: name | some name, n in spec.networks; n.name}

# The network of each VPC of the architecture (by Name-tag pin, else by CIDR and region).
vpc_network[v.id] := pinned_networks[v.tags.Name] if {
	some v in input.aws.ec2.vpcs
	pinned_networks[v.tags.Name]
}

vpc_network[v.id] := name if {
	some v in input.aws.ec2.vpcs
	not pinned_networks[object.get(v, ["tags", "Name"], "")]
	some name, n in unpinned_networks
	v.cidr_block == n.cidr
	v.region == n.region
}

unpinned_networks := {name: n | some name, n in spec.networks; not n.name}

vpcs contains v if {
	some v in input.aws.ec2.vpcs
	vpc_network[v.id]
}

vpc_ids := {v.id | some v in vpcs}

# The VPC ids of each network.
network_vpc_ids[name] := {id | some id, n in vpc_network; n == name} if some name, _ in spec.networks

subnets contains s if {
	some s in input.aws.ec2.subnets
	s.vpc_id in vpc_ids
}

# The documented subnet of each network and CIDR.
documented_subnet[[name, d.cidr]] := d if {
	some name, n in spec.networks
	some d in n.subnets
}

# The network spec of a subnet, and its documented entry (undefined when undocumented).
subnet_network(s) := spec.networks[vpc_network[s.vpc_id]]

subnet_spec(s) := documented_subnet[[vpc_network[s.vpc_id], s.cidr_block]]

public_subnets contains s if {
	some s in subnets
	subnet_spec(s).tier == "public"
}

private_subnets contains s if {
	some s in subnets
	subnet_spec(s).tier == "private"
}

public_subnet_ids := {s.id | some s in public_subnets}

private_subnet_ids := {s.id | some s in private_subnets}

# The subnet ids of each network and tier: {[network, tier]: {id}}.
tier_subnet_ids[[name, tier]] := ids if {
	some name, _ in spec.networks
	some tier in ["public", "private"]
	ids := {s.id | some s in subnets; vpc_network[s.vpc_id] == name; subnet_spec(s).tier == tier}
}

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

# The available public NAT gateways of each VPC and availability zone.
available_nats[[vpc, az]] := sort(ids) if {
	some s in subnets
	vpc := s.vpc_id
	az := s.availability_zone
	ids := [n.id |
		some n in input.aws.ec2.nat_gateways
		n.state == "available"
		x := subnets_by_id[n.subnet_id]
		x.vpc_id == vpc
		x.availability_zone == az
	]
}

# The NAT gateway a private subnet's default route should use (undefined when there is none):
# its own zone's with `nat = "per_az"`, the network's one with `nat = "single"`.
nat_for(s) := available_nats[[s.vpc_id, s.availability_zone]][0] if subnet_network(s).nat == "per_az"

nat_for(s) := sort([id | some k, ids in available_nats; k[0] == s.vpc_id; some id in ids])[0] if {
	subnet_network(s).nat == "single"
}

# --- load balancers ------------------------------------------------------------------------

pinned_load_balancers := {n.name: name | some name, n in spec.load_balancers; n.name}

unpinned_load_balancers := {[n.network, n.scheme]: name | some name, n in spec.load_balancers; not n.name}

# The load-balancer component of each application load balancer of the architecture: by
# name pin, else the one unpinned component of its network and scheme.
lb_component[lb.arn] := pinned_load_balancers[lb.id] if {
	some lb in input.aws.elbv2.load_balancers
	pinned_load_balancers[lb.id]
}

lb_component[lb.arn] := name if {
	some lb in input.aws.elbv2.load_balancers
	lb.type == "application"
	not pinned_load_balancers[lb.id]
	network := vpc_network[lb.vpc_id]
	name := unpinned_load_balancers[[network, lb.scheme]]
}

# The spec of a load balancer, listener or target group's load balancer.
lb_spec(lb) := spec.load_balancers[lb_component[lb.arn]]

albs contains lb if {
	some lb in input.aws.elbv2.load_balancers
	lb_component[lb.arn]
}

alb_arns := {lb.arn | some lb in albs}

# The load balancers found for each component.
component_albs[name] := {lb | some lb in albs; lb_component[lb.arn] == name} if some name, _ in spec.load_balancers

alb_security_groups := {g | some lb in albs; some g in lb.security_groups}

# The security groups of each load-balancer component.
lb_security_groups[name] := {g | some lb in albs; lb_component[lb.arn] == name; some g in lb.security_groups} if {
	some name, _ in spec.load_balancers
}

alb_listeners contains l if {
	some l in input.aws.elbv2.listeners
	l.load_balancer_arn in alb_arns
}

# The load-balancer component of a listener.
listener_component(l) := lb_component[l.load_balancer_arn]

alb_target_groups := {tg.arn | some tg in input.aws.elbv2.target_groups; some a in tg.load_balancer_arns; a in alb_arns}

target_groups_by_arn := {tg.arn: tg | some tg in input.aws.elbv2.target_groups}

# The load-balancer components each target group is attached to.
tg_components[tg.arn] := {lb_component[x] | some x in tg.load_balancer_arns; lb_component[x]} if {
	some tg in input.aws.elbv2.target_groups
	some a in tg.load_balancer_arns
	lb_component[a]
}

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

# --- services ------------------------------------------------------------------------------

pinned_services := {n.name: name | some name, n in spec.services; n.name}

unpinned_services := {n.load_balancer: name | some name, n in spec.services; not n.name; n.load_balancer}

# The service component of each ECS service of the architecture: by name (and cluster) pin,
# else the one unpinned component of a load balancer it is registered with.
service_component[s.arn] := name if {
	some s in input.aws.ecs.services
	name := pinned_services[s.id]
	cluster_pin_matches(spec.services[name], s)
}

service_component[s.arn] := min(names) if {
	some s in input.aws.ecs.services
	not pinned_services[s.id]
	names := {name |
		some b in s.load_balancers
		some lbname in tg_components[b.target_group_arn]
		name := unpinned_services[lbname]
	}
	count(names) > 0
}

cluster_pin_matches(n, _) if not n.cluster

cluster_pin_matches(n, s) if cluster_name(s) == n.cluster

# The spec of a service.
service_spec(s) := spec.services[service_component[s.arn]]

services contains s if {
	some s in input.aws.ecs.services
	service_component[s.arn]
}

# The services found for each component.
component_services[name] := {s | some s in services; service_component[s.arn] == name} if some name, _ in spec.services

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

# Internet-facing load balancers in the architecture VPCs that the documentation does not name.
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

# The service components whose tasks run each task definition.
td_components[arn] := {service_component[x.arn] | some x in services; x.task_definition == arn} if {
	some s in services
	arn := s.task_definition
}

task_security_groups := {g | some s in services; some g in s.network.security_groups}

# The task security groups of each service component.
component_task_groups[name] := {g | some s in component_services[name]; some g in s.network.security_groups} if {
	some name, _ in spec.services
}

# Of the documented sources `services` (service component names) and `load_balancers` (load
# balancer component names), those that were not found: a rule from their groups cannot be told
# from an undocumented one.
unfound_sources(services, load_balancers) := {sprintf("service %s", [n]) |
	some n in services
	count(object.get(component_services, n, set())) == 0
} | {sprintf("load balancer %s", [n]) |
	some n in load_balancers
	count(object.get(component_albs, n, set())) == 0
}

# The attribute of an ingress rule no documented source accounts for: `<prefix><id>` (the
# policy's `ingress:`, which the automated revoke acts on) when every documented source was
# found; else `unconfirmed-<prefix><id>`, reported (never passed) but left to a person, since
# the rule may be the unfound source's own (second law: a fix never cuts documented access).
ingress_attribute(prefix, r, unfound) := concat("", [prefix, r.rule_id]) if count(unfound) == 0

else := concat("", ["unconfirmed-", prefix, r.rule_id])

# The words a finding adds about unfound sources ("" when there are none).
unconfirmed(unfound) := "" if count(unfound) == 0

else := sprintf(
	" (documented source %s was not found: the rule may be its own, so it is left to a person)",
	[concat(", ", sort(unfound))]
)

# Whether a security-group rule's peer is one of `groups` or one of `cidrs`.
peer_in(peer, groups, _) if {
	peer.type == "security_group"
	peer.value in groups
}

peer_in(peer, _, cidrs) if {
	peer.type in {"cidr_ipv4", "cidr_ipv6"}
	peer.value in cidrs
}

# The service components using each task security group.
sg_services[g] := {service_component[x.arn] | some x in services; g in x.network.security_groups} if {
	some s in services
	some g in s.network.security_groups
}

app_role_arns := {arn | some td in task_definitions; some arn in [td.task_role_arn, td.execution_role_arn]}

app_roles contains r if {
	some r in input.aws.iam.roles
	r.arn in app_role_arns
}

# The service components whose task definitions use each role.
role_components[arn] := {c |
	some td in task_definitions
	arn in [td.task_role_arn, td.execution_role_arn]
	some c in td_components[td.arn]
} if {
	some arn in app_role_arns
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

# The component id a finding on a set of service components carries: the one component, else
# the first by name (a resource shared by several services).
services_component(names) := component("services", sort(names)[0]) if count(names) > 0

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
admin_ports := {p | some p in object.get(spec, ["network", "admin_ports"], [])}

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

# The component id of the network a VPC belongs to.
network_of(vpc_id) := component("networks", vpc_network[vpc_id])

# The internet gateways attached to each architecture VPC.
vpc_igws[v] := {g.id | some g in input.aws.ec2.internet_gateways; v in g.attached_vpcs} if some v in vpc_ids

# The component id of a listener's or load balancer's load balancer.
lb_of(lb_arn) := component("load_balancers", lb_component[lb_arn])

# The component id of a service.
service_of(s) := component("services", service_component[s.arn])

# A drifted attribute named for one instance of a kind (`vpc:main`) when the spec documents
# several of that kind, so findings of two instances on one resource stay apart; plain when
# it documents one (fingerprints of single-instance specs do not change).
qualified(attr, kind, _) := attr if count(spec[kind]) == 1

qualified(attr, kind, name) := sprintf("%s:%s", [attr, name]) if count(spec[kind]) != 1

# The target group a load balancer's listener forwards to by default (the first of its own).
lb_target_group[lb.arn] := sort(tgs)[0] if {
	some lb in albs
	tgs := [tg.arn | some tg in input.aws.elbv2.target_groups; lb.arn in tg.load_balancer_arns]
	count(tgs) > 0
}

# The subnet ids a load balancer of the architecture lives in: its network's public subnets
# when internet-facing, its private ones when internal.
lb_subnet_ids(lb) := tier_subnet_ids[[lb_spec(lb).network, tier]] if {
	tier := {"internet-facing": "public", "internal": "private"}[lb_spec(lb).scheme]
}

# The service component whose spec an in-scope service is judged by: its own when documented,
# else that of the documented services of its cluster, else that of the documented services
# of the network its tasks run in (the first by name).
cluster_components[c] := {service_component[s.arn] | some s in services; s.cluster_arn == c} if some c in cluster_arns

network_components[n] := {name | some name, svc in spec.services; svc.network == n} if some n, _ in spec.networks

# (Every value is bound in the body: regorus 0.14 fails a whole keyed rule with "not an object"
# when one key's value is undefined, where OPA leaves that key out.)
scope_component[s.arn] := c if {
	some s in scope_services
	c := service_component[s.arn]
}

scope_component[s.arn] := min(names) if {
	some s in scope_services
	not service_component[s.arn]
	names := cluster_components[s.cluster_arn]
}

scope_component[s.arn] := min(names) if {
	some s in scope_services
	not service_component[s.arn]
	not cluster_components[s.cluster_arn]
	names := {n | some x in s.network.subnets; some n in network_components[vpc_network[subnets_by_id[x].vpc_id]]}
	count(names) > 0
}

# A finding about a resource some service components use (a role, a log group): it carries
# the first one's id; a resource no documented service uses carries none.
with_services(f, names) := object.union(f, {"component": services_component(names)}) if count(names) > 0

else := f

# The documented listener ports of a load-balancer component.
listener_ports(name) := {p |
	lb := spec.load_balancers[name]
	some k in ["https", "http"]
	p := lb[k].port
}

# Whether a listener's default action forwards to a target group.
forwards(l) if {
	some a in l.default_actions
	a.type == "forward"
	count(a.target_groups) > 0
}

# One documented value as itself, several as a sorted list (for `expected`).
one_or_all(values) := v if {
	count(values) == 1
	some v in values
}

else := sort(values)

# " (service reporting)" naming one instance of a kind in a message, when the spec documents
# several of that kind; "" when it documents one.
which(kind, word, name) := "" if count(spec[kind]) == 1

else := sprintf(" (%s %s)", [word, name])

# The service components whose containers log to each awslogs group.
log_group_components[lg] := {n |
	some td in task_definitions
	some c in td.containers
	c.log_configuration.options["awslogs-group"] == lg
	some n in td_components[td.arn]
} if {
	some lg in app_log_groups
}
