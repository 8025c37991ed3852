# What each documented component is made of, for its own rule status: a rule that judges
# components (METADATA `custom.component`) is judged once per instance. A gap on a resource of
# one instance, or a kind not listed in the region it lives in, leaves that rule not evaluated
# for that instance alone; the other instances stay judged (first law, per component).
#
# instances[name] := {"kind", "regions", "found"}: `name` is qualified (`services.api`);
# `regions` where the instance lives (its network's region, plus `global` for IAM); `found`
# whether it was identified in the inventory. membership: [name, arn] for every resource that
# is part of an instance, followed through what was read (a service → its task definition →
# its roles → their policies); a link that could not be read is itself a gap on a resource
# already there. Both are complete rules: archaudit evaluates them by path.
package archaudit.lib.members

import data.archaudit.lib.arch
import data.archaudit.lib.databases as db

instances := {name: v | some name, v in instance}

membership := [m | some m in members]

instance[arch.component("networks", name)] := {
	"kind": "networks",
	"regions": regions(n.region),
	"found": count(network_vpcs[name]) > 0,
} if some name, n in arch.spec.networks

instance[arch.component("load_balancers", name)] := {
	"kind": "load_balancers",
	"regions": regions(network_region(lb.network)),
	"found": count(arch.component_albs[name]) > 0,
} if some name, lb in arch.spec.load_balancers

instance[arch.component("services", name)] := {
	"kind": "services",
	"regions": regions(network_region(s.network)),
	"found": count(arch.component_services[name]) > 0,
} if some name, s in arch.spec.services

instance[arch.component("databases", name)] := {
	"kind": "databases",
	"regions": regions(network_region(d.network)),
	"found": count(db.component_databases[name]) > 0,
} if some name, d in db.spec

regions(region) := [region, "global"]

network_region(name) := object.get(arch.spec.networks, [name, "region"], "unknown")

# --- networks: the VPC and every resource that names it -------------------------------------

network_vpcs[name] := {v | some v in arch.vpcs; arch.vpc_network[v.id] == name} if some name, _ in arch.spec.networks

# [component, arn] for every resource a gap names that is part of a component (the rest is
# never asked about): evaluated only when a gap names a resource. Every lookup is an index
# built once, so the cost follows the architecture's size, not the account's.
gapped := {g.resource | some g in input.gaps; is_string(g.resource)}

members contains [arch.component("networks", name), arn] if {
	some g in input.gaps
	arn := g.resource
	is_string(arn)
	r := gapped_resources[arn]
	some id in vpc_refs(r)
	name := arch.vpc_network[id]
}

# The gapped resources of the kinds gaps name, by ARN.
gapped_resources[r.arn] := r if {
	some kind in {g.kind | some g in input.gaps; is_string(g.resource)}
	[service, list] := split(kind, ".")
	some r in input.aws[service][list]
	r.arn in gapped
}

vpc_refs(r) := [r.vpc_id] if is_string(r.vpc_id)

else := r.attached_vpcs if is_array(r.attached_vpcs)

else := []

members contains [arch.network_of(v.id), v.arn] if {
	some v in arch.vpcs
	v.arn in gapped
}

# --- load balancers: the ALB, its listeners and their rules, target groups, groups, certificates

members contains [arch.lb_of(lb.arn), arn] if {
	some lb in arch.albs
	some arn in lb_parts(lb)
	arn in gapped
}

listeners_by_lb[lb.arn] := {l | some l in arch.alb_listeners; l.load_balancer_arn == lb.arn} if some lb in arch.albs

rules_by_listener[l.arn] := {r.arn | some r in input.aws.elbv2.listener_rules; r.listener_arn == l.arn} if {
	some l in arch.alb_listeners
}

lb_parts(lb) := {lb.arn} | {l.arn | some l in listeners_by_lb[lb.arn]} | {arn |
	some l in listeners_by_lb[lb.arn]
	some arn in rules_by_listener[l.arn]
} | {tg | some tg in arch.alb_target_groups; lb.arn in arch.target_groups_by_arn[tg].load_balancer_arns} |
	group_arns({g | some g in lb.security_groups}) | {c |
	some l in listeners_by_lb[lb.arn]
	some c in l.certificates
}

group_arns(ids) := {arch.security_groups_by_id[id].arn | some id in ids}

# --- services: the service and what it runs, with, and is watched by ----------------------

members contains [arch.service_of(s), arn] if {
	some s in arch.services
	some arn in service_parts(s)
	arn in gapped
}

log_group_arns := {g.id: g.arn | some g in input.aws.logs.log_groups}

secret_arns := {x.arn | some x in input.aws.secretsmanager.secrets}

scaling_by_id[t.resource_id] contains t.arn if some t in input.aws.autoscaling.targets

scaling_by_id[p.resource_id] contains p.arn if some p in input.aws.autoscaling.policies

alarms_by_service[key] contains a.arn if {
	some a in input.aws.cloudwatch.alarms
	key := sprintf("%s/%s", [a.dimensions.ClusterName, a.dimensions.ServiceName])
}

service_parts(s) := {s.arn, s.cluster_arn, s.task_definition} |
	{b.target_group_arn | some b in s.load_balancers; b.target_group_arn} |
	group_arns({g | some g in s.network.security_groups}) |
	roles |
	{a.arn | some r in arch.app_roles; r.arn in roles; some a in r.attached_policies} |
	{log_group_arns[n] | some n in log_groups} |
	{x | some ref in secret_refs; x := concat(":", array.slice(split(ref, ":"), 0, 7)); x in secret_arns} |
	object.get(scaling_by_id, sprintf("service/%s/%s", [arch.cluster_name(s), s.id]), set()) |
	object.get(alarms_by_service, sprintf("%s/%s", [arch.cluster_name(s), s.id]), set()) if {
	tds := {td | td := arch.task_definitions_by_arn[s.task_definition]}
	roles := {arn | some td in tds; some arn in [td.task_role_arn, td.execution_role_arn]; arn}
	log_groups := {c.log_configuration.options["awslogs-group"] |
		some td in tds
		some c in td.containers
		c.log_configuration.driver == "awslogs"
	}
	secret_refs := {ref.value_from | some td in tds; some c in td.containers; some ref in c.secrets}
}

# --- databases: the instance or cluster, its members, subnet group, groups and secret --------

members contains [db.of(d), arn] if {
	some d in db.databases
	some arn in database_parts(d)
	arn in gapped
}

database_parts(d) := {d.arn} | {a | some a in d.member_arns} |
	{g.arn | g := db.subnet_groups[d.subnet_group]} |
	{db.groups_by_id[id].arn | some id in d.security_groups; db.groups_by_id[id]} |
	{x | x := d.master_user_secret; x in secret_arns}
