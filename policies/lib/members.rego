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

regions(region) := [region, "global"]

network_region(name) := object.get(arch.spec.networks, [name, "region"], "unknown")

# --- networks: the VPC and every resource that names it -------------------------------------

network_vpcs[name] := {v | some v in arch.vpcs; arch.vpc_network[v.id] == name} if some name, _ in arch.spec.networks

# [component, arn] for every resource that is part of a component. One pass over the
# inventory for the networks; evaluated only when a gap names a resource.
members contains [arch.component("networks", arch.vpc_network[v.id]), v.arn] if some v in arch.vpcs

members contains [arch.component("networks", name), r.arn] if {
	some _, kinds in input.aws
	is_object(kinds)
	some _, list in kinds
	is_array(list)
	some r in list
	some id in vpc_refs(r)
	name := arch.vpc_network[id]
}

vpc_refs(r) := [r.vpc_id] if is_string(r.vpc_id)

else := r.attached_vpcs if is_array(r.attached_vpcs)

else := []

# --- load balancers: the ALB, its listeners and their rules, target groups, groups, certificates

members contains [arch.lb_of(lb.arn), arn] if {
	some lb in arch.albs
	some arn in lb_parts(lb)
}

lb_parts(lb) := {lb.arn} | {l.arn | some l in listeners} | {r.arn |
	some l in listeners
	some r in input.aws.elbv2.listener_rules
	r.listener_arn == l.arn
} | {tg.arn |
	some tg in input.aws.elbv2.target_groups
	lb.arn in tg.load_balancer_arns
} | group_arns({g | some g in lb.security_groups}) | {c |
	some l in listeners
	some c in l.certificates
} if {
	listeners := {l | some l in input.aws.elbv2.listeners; l.load_balancer_arn == lb.arn}
}

group_arns(ids) := {g.arn | some g in input.aws.ec2.security_groups; g.id in ids}

# --- services: the service and what it runs, with, and is watched by ----------------------

members contains [arch.service_of(s), arn] if {
	some s in arch.services
	some arn in service_parts(s)
}

service_parts(s) := {s.arn, s.cluster_arn, s.task_definition} |
	{b.target_group_arn | some b in s.load_balancers; b.target_group_arn} |
	group_arns({g | some g in s.network.security_groups}) |
	roles |
	{a.arn | some r in input.aws.iam.roles; r.arn in roles; some a in r.attached_policies} |
	{g.arn | some g in input.aws.logs.log_groups; g.id in log_groups} |
	{x.arn | some x in input.aws.secretsmanager.secrets; some ref in secret_refs; startswith(ref, x.arn)} |
	{t.arn | some t in input.aws.autoscaling.targets; t.resource_id == scaling_id} |
	{p.arn | some p in input.aws.autoscaling.policies; p.resource_id == scaling_id} |
	{a.arn | some a in input.aws.cloudwatch.alarms; watches(a, s)} if {
	tds := {td | some td in input.aws.ecs.task_definitions; td.arn == s.task_definition}
	roles := {arn | some td in tds; some arn in [td.task_role_arn, td.execution_role_arn]; arn}
	log_groups := {c.log_configuration.options["awslogs-group"] |
		some td in tds
		some c in td.containers
		c.log_configuration.driver == "awslogs"
	}
	secret_refs := {ref.value_from | some td in tds; some c in td.containers; some ref in c.secrets}
	scaling_id := sprintf("service/%s/%s", [arch.cluster_name(s), s.id])
}

watches(alarm, s) if {
	alarm.dimensions.ServiceName == s.id
	alarm.dimensions.ClusterName == arch.cluster_name(s)
}
