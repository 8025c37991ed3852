package archaudit.lib.members_test

import data.archaudit.lib.members
import data.archaudit.lib.testing as t

ref := t.ref

# The reference with a gap on each resource of `arns`.
gapped(arns) := object.union(ref, {"gaps": [g |
	some arn in arns
	g := {"service": "x", "region": "us-east-1", "operation": "Op", "kind": kind_of(arn), "resource": arn,
		"code": "AccessDenied", "message": "injected"}
]})

kind_of(arn) := k if {
	some svc, kinds in ref.aws
	some k0, list in kinds
	is_array(list)
	some r in list
	r.arn == arn
	k := sprintf("%s.%s", [svc, k0])
}

test_instances_of_the_reference if {
	i := members.instances with input as ref
	i == {
		"networks.main": {"kind": "networks", "regions": ["us-east-1", "global"], "found": true},
		"load_balancers.public": {"kind": "load_balancers", "regions": ["us-east-1", "global"], "found": true},
		"services.app": {"kind": "services", "regions": ["us-east-1", "global"], "found": true},
	}
}

test_each_gapped_resource_is_attributed_to_its_component if {
	s := ref.aws.ecs.services[0]
	td := ref.aws.ecs.task_definitions[0]
	lb := ref.aws.elbv2.load_balancers[0]
	listener := ref.aws.elbv2.listeners[0]
	subnet := [x | some x in ref.aws.ec2.subnets; x.vpc_id == lb.vpc_id][0]
	role := [r | some r in ref.aws.iam.roles; r.arn == td.task_role_arn][0]
	log_group := ref.aws.logs.log_groups[0]
	alarm := [a | some a in ref.aws.cloudwatch.alarms; a.dimensions.ServiceName == s.id][0]
	target := ref.aws.autoscaling.targets[0]
	arns := [s.arn, td.arn, lb.arn, listener.arn, subnet.arn, role.arn, log_group.arn, alarm.arn, target.arn]
	m := {p | some p in members.membership} with input as gapped(arns)
	m == {
		["services.app", s.arn],
		["services.app", td.arn],
		["services.app", role.arn],
		["services.app", log_group.arn],
		["services.app", alarm.arn],
		["services.app", target.arn],
		["load_balancers.public", lb.arn],
		["load_balancers.public", listener.arn],
		["networks.main", subnet.arn],
		["networks.main", lb.arn],
	}
}

# A resource outside the architecture (the default VPC's subnet, the deploy role) belongs to
# no instance: its gap stays the rule's as a whole.
test_resources_outside_the_architecture_belong_to_no_instance if {
	other := [x | some x in ref.aws.ec2.subnets; x.default_for_az][0]
	deploy := [r | some r in ref.aws.iam.roles; endswith(r.arn, "-deploy")][0]
	count(members.membership) == 0 with input as gapped([other.arn, deploy.arn])
}
