# METADATA
# title: The service has CPU and memory alarms with actions
# description: |
#   The documented monitoring raises an alarm when the service's CPU or memory stays high. An
#   alarm without actions, with actions disabled, or with a threshold outside the documented
#   range tells nobody.
# custom:
#   id: AA-MON-001
#   severity: medium
#   resource_type: aws.ecs.service
#   component: services
#   expectation: [services.*.alarms]
#   anchors: [ecs_service]
#   requires: [ecs.services, cloudwatch.alarms]
#   remediation:
#     summary: >-
#       Create (or fix) the alarm on the service's metric with dimensions ClusterName and ServiceName and an SNS action.
#     cli: >-
#       aws cloudwatch put-metric-alarm --alarm-name <service>-<metric>-high --namespace AWS/ECS --metric-name <metric>
#       --dimensions Name=ClusterName,Value=<cluster> Name=ServiceName,Value=<service> --statistic Average --period 300
#       --evaluation-periods 2 --threshold 80 --comparison-operator GreaterThanThreshold --alarm-actions <sns-topic-arn>
#     fix: cloudwatch.put_alarm
package archaudit.monitoring.service_alarms

import data.archaudit.lib.arch
import data.archaudit.lib.result

# The alarms of the documented services (one pass over the account's alarms), by
# "cluster|service".
service_keys := {sprintf("%s|%s", [arch.cluster_name(s), s.id]) | some s in arch.services}

key(a) := sprintf("%s|%s", [a.dimensions.ClusterName, a.dimensions.ServiceName])

relevant contains a if {
	some a in input.aws.cloudwatch.alarms
	key(a) in service_keys
}

# Whether service `s` has an alarm that meets the documented bar `want`.
good(s, want) if {
	some a in relevant
	key(a) == sprintf("%s|%s", [arch.cluster_name(s), s.id])
	a.namespace == want.namespace
	a.metric_name == want.metric
	a.comparison_operator in want.comparison
	a.threshold >= want.threshold_min
	a.threshold <= want.threshold_max
	a.actions_enabled == true
	count(a.alarm_actions) > 0
}

# Where the service's other alarms notify (SNS topics only: target-tracking alarms point at
# scaling policies): the topic for the missing one.
topics(s) := sort({t |
	some a in input.aws.cloudwatch.alarms
	a.dimensions.ClusterName == arch.cluster_name(s)
	a.dimensions.ServiceName == s.id
	some t in a.alarm_actions
	contains(t, ":sns:")
})

put_alarm(s, want, topic) := sprintf(
	concat(" ", [
		"aws cloudwatch put-metric-alarm --alarm-name %s-%s-high --namespace %s",
		"--metric-name %s --dimensions Name=ClusterName,Value=%s",
		"Name=ServiceName,Value=%s --statistic Average --period 300",
		"--evaluation-periods 2 --threshold %v --comparison-operator %s",
		"--alarm-actions %s"
	]),
	[
		s.id,
		lower(want.metric),
		want.namespace,
		want.metric,
		arch.cluster_name(s),
		s.id,
		threshold(want),
		want.comparison[0],
		topic
	]
)

threshold(want) := max([want.threshold_min, min([80, want.threshold_max])])

fix(f, s, want) := object.union(
	f,
	{"cli": put_alarm(s, want, topics(s)[0]), "details": {"alarm": alarm(s, want, topics(s)[0])}}
) if count(topics(s)) > 0

# The alarm `put_alarm` creates, as parameters.
alarm(s, want, topic) := {
	"name": sprintf("%s-%s-high", [s.id, lower(want.metric)]),
	"namespace": want.namespace,
	"metric": want.metric,
	"cluster": arch.cluster_name(s),
	"service": s.id,
	"statistic": "Average",
	"period": 300,
	"evaluation_periods": 2,
	"threshold": threshold(want),
	"comparison": want.comparison[0],
	"actions": [topic],
	"ok_actions": [topic]
}

fix(f, s, want) := object.union(
	f,
	{"manual": sprintf("Name the SNS topic to notify: %s", [put_alarm(s, want, "<sns-topic-arn>")])}
) if count(topics(s)) == 0

deny contains result.in_component(
	arch.service_of(s),
	fix(result.new(msg, s.arn, sprintf("alarm:%s", [want.metric]), expected, null), s, want)
) if {
	arch.complete("cloudwatch.alarms")
	some s in arch.services
	some want in arch.service_spec(s).alarms
	not good(s, want)
	expected := sprintf(
		"%s/%s alarm, threshold %v..%v, actions enabled",
		[want.namespace, want.metric, want.threshold_min, want.threshold_max]
	)
	msg := sprintf(
		"Service %s has no working %s alarm (threshold %v–%v, actions enabled).",
		[s.id, want.metric, want.threshold_min, want.threshold_max]
	)
}
