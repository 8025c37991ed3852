package user.nometa

deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {
	some v in input.aws.ec2.vpcs
}
