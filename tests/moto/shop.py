"""The second example architecture (examples/specs/two-services.toml) on the emulator, and its
console drifts: `provision.py ENDPOINT reset shop shop-drift:NAME …`.

eu-west-1: one VPC with a single NAT gateway; the HTTPS load balancer `shop-alb` forwards by
default to the web service (port 8000) and `/reporting*` to the reporting service (port 8080);
a queue worker without a load balancer; no state bucket, no GitHub OIDC; Terraform runs as the
IAM user `terraform`, whose access key the document names.
"""

import json

REGION = "eu-west-1"
CLUSTER = "shop"
TOPIC = "arn:aws:sns:eu-west-1:{account}:shop-alerts"
DB = "shop-db"


def tags(name):
    return [{"Key": "Name", "Value": name}]


def ec2_tags(kind, name):
    return [{"ResourceType": kind, "Tags": tags(name)}]


def provision(env, self_signed_cert):
    ec2 = env.client("ec2", REGION)
    o = env.out.setdefault("shop", {})
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=ec2_tags("vpc", "shop"))["Vpc"]["VpcId"]
    subnets = {}
    for tier, cidr, az in [("public-a", "10.20.0.0/24", "a"), ("public-b", "10.20.1.0/24", "b"),
                           ("private-a", "10.20.10.0/24", "a"), ("private-b", "10.20.11.0/24", "b")]:
        subnets[tier] = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{az}",
                                          TagSpecifications=ec2_tags("subnet", f"shop-{tier}"))["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway(TagSpecifications=ec2_tags("internet-gateway", "shop"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", "shop-public"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    alloc = ec2.allocate_address(Domain="vpc", TagSpecifications=ec2_tags("elastic-ip", "shop-nat"))["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets["public-a"], AllocationId=alloc,
                                 TagSpecifications=ec2_tags("natgateway", "shop-nat"))["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", "shop-private"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for tier, sid in subnets.items():
        ec2.associate_route_table(RouteTableId=public_rt if tier.startswith("public") else private_rt, SubnetId=sid)

    def group(name, rules):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc,
                                        TagSpecifications=ec2_tags("security-group", name))["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        return gid

    alb_sg = group("shop-alb", [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                                for p in (443, 80)])
    from_alb = lambda port: [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": alb_sg}]}]
    sgs = {"web": group("shop-web", from_alb(8000)), "reporting": group("shop-reporting", from_alb(8080)),
           "worker": group("shop-worker", [])}
    # The orders database: PostgreSQL in the private subnets, reached by the web service and the
    # worker only.
    sgs["db"] = group("shop-db", [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                                   "UserIdGroupPairs": [{"GroupId": sgs["web"]}, {"GroupId": sgs["worker"]}]}])
    rds = env.client("rds", REGION)
    rds.create_db_subnet_group(DBSubnetGroupName="shop-db", DBSubnetGroupDescription="shop database",
                               SubnetIds=[subnets["private-a"], subnets["private-b"]])
    rds.create_db_instance(DBInstanceIdentifier=DB, DBInstanceClass="db.t4g.micro", Engine="postgres", AllocatedStorage=20,
                           MasterUsername="shop", ManageMasterUserPassword=True, DBSubnetGroupName="shop-db",
                           VpcSecurityGroupIds=[sgs["db"]], PubliclyAccessible=False, StorageEncrypted=True,
                           BackupRetentionPeriod=7, DeletionProtection=True, Port=5432, MultiAZ=True)

    cert_pem, key_pem = self_signed_cert()
    cert = env.client("acm", REGION).import_certificate(Certificate=cert_pem, PrivateKey=key_pem)["CertificateArn"]
    elb = env.client("elbv2", REGION)
    lb = elb.create_load_balancer(Name="shop-alb", Subnets=[subnets["public-a"], subnets["public-b"]], SecurityGroups=[alb_sg],
                                  Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    tgs = {}
    for svc, port in (("web", 8000), ("reporting", 8080)):
        tgs[svc] = elb.create_target_group(Name=f"shop-{svc}", Protocol="HTTP", Port=port, VpcId=vpc, TargetType="ip",
                                           HealthCheckEnabled=True, HealthCheckPath="/health")["TargetGroups"][0]["TargetGroupArn"]
    https = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                                Certificates=[{"CertificateArn": cert}],
                                DefaultActions=[{"Type": "forward", "TargetGroupArn": tgs["web"]}])["Listeners"][0]["ListenerArn"]
    http = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])["Listeners"][0]["ListenerArn"]
    rule = elb.create_rule(ListenerArn=https, Priority=10,
                           Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/reporting*"]}}],
                           Actions=[{"Type": "forward", "TargetGroupArn": tgs["reporting"]}])["Rules"][0]["RuleArn"]

    logs = env.client("logs", REGION)
    iam = env.client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    ecs = env.client("ecs", REGION)
    ecs.create_cluster(clusterName=CLUSTER)
    registry = f"{env.account}.dkr.ecr.{REGION}.amazonaws.com"
    services = {"web": (8000, 2), "reporting": (8080, 1), "worker": (None, 1)}
    for svc, (port, count) in services.items():
        name = f"shop-{svc}"
        logs.create_log_group(logGroupName=f"/ecs/{name}")
        logs.put_retention_policy(logGroupName=f"/ecs/{name}", retentionInDays=30)
        iam.create_role(RoleName=f"{name}-task", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=f"{name}-task", PolicyName="logs", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                                    "Resource": f"arn:aws:logs:{REGION}:{env.account}:log-group:/ecs/{name}:*"}]}))
        container = {"name": svc, "image": f"{registry}/{name}:1.0.0", "essential": True,
                     "logConfiguration": {"logDriver": "awslogs", "options": {
                         "awslogs-group": f"/ecs/{name}", "awslogs-region": REGION, "awslogs-stream-prefix": svc}}}
        if port:
            container["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
        td = ecs.register_task_definition(family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                          memory="512", taskRoleArn=f"arn:aws:iam::{env.account}:role/{name}-task",
                                          containerDefinitions=[container])["taskDefinition"]["taskDefinitionArn"]
        args = dict(cluster=CLUSTER, serviceName=name, taskDefinition=td, desiredCount=count, launchType="FARGATE",
                    networkConfiguration={"awsvpcConfiguration": {"subnets": [subnets["private-a"], subnets["private-b"]],
                                                                  "securityGroups": [sgs[svc]], "assignPublicIp": "DISABLED"}})
        if port:
            args["loadBalancers"] = [{"targetGroupArn": tgs[svc], "containerName": svc, "containerPort": port}]
        ecs.create_service(**args)
        # moto 5.2.5 drops deploymentConfiguration on CreateService but keeps it on UpdateService.
        ecs.update_service(cluster=CLUSTER, service=name, deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}, "minimumHealthyPercent": 100, "maximumPercent": 200})
    aas = env.client("application-autoscaling", REGION)
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/shop-web",
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=6)
    aas.put_scaling_policy(PolicyName="shop-web-cpu", ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/shop-web",
                           ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
                           TargetTrackingScalingPolicyConfiguration={"TargetValue": 70.0, "PredefinedMetricSpecification": {
                               "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
    iam.create_user(UserName="terraform")
    iam.create_access_key(UserName="terraform")
    o.update(vpc=vpc, subnets=subnets, nat=nat, igw=igw, private_rt=private_rt, alb_sg=alb_sg, security_groups=sgs,
             load_balancer=lb, target_groups=tgs, https_listener=https, http_listener=http, rule=rule)


# Console drifts, each on one component of the example; `shop-drift:NAME`.

def _ids(env):
    return env.out["shop"] if "shop" in env.out else _lookup(env)


def _lookup(env):
    """The example's ids, looked up (a drift step run after `shop` in another process)."""
    ec2, elb = env.client("ec2", REGION), env.client("elbv2", REGION)
    named = lambda kind, **f: ec2.__getattribute__(kind)(Filters=[{"Name": k, "Values": [v]} for k, v in f.items()])
    sgs = {g["GroupName"].split("-", 1)[1]: g["GroupId"]
           for g in named("describe_security_groups", **{"group-name": "shop-*"})["SecurityGroups"]}
    subnets = {t["Value"].split("-", 1)[1]: s["SubnetId"] for s in named("describe_subnets", **{"tag:Name": "shop-*"})["Subnets"]
               for t in s.get("Tags", []) if t["Key"] == "Name"}
    rts = {t["Value"]: r["RouteTableId"] for r in named("describe_route_tables", **{"tag:Name": "shop-*"})["RouteTables"]
           for t in r.get("Tags", []) if t["Key"] == "Name"}
    igw = named("describe_internet_gateways", **{"tag:Name": "shop"})["InternetGateways"][0]["InternetGatewayId"]
    lb = elb.describe_load_balancers(Names=["shop-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    listeners = {l["Port"]: l["ListenerArn"] for l in elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]}
    rules = [r["RuleArn"] for r in elb.describe_rules(ListenerArn=listeners[443])["Rules"] if not r["IsDefault"]]
    tgs = {t["TargetGroupName"].split("-", 1)[1]: t["TargetGroupArn"] for t in elb.describe_target_groups()["TargetGroups"]
           if t["TargetGroupName"].startswith("shop-")}
    return dict(security_groups=sgs, alb_sg=sgs["alb"], subnets=subnets, private_rt=rts["shop-private"], igw=igw,
                load_balancer=lb, https_listener=listeners[443], http_listener=listeners[80], rule=rules[0] if rules else None,
                target_groups=tgs)


def drift_listener_rule_deleted(env):
    env.client("elbv2", REGION).delete_rule(RuleArn=_ids(env)["rule"])


def drift_reporting_rule_to_web(env):
    """The path rule retargeted at the web service's target group: reporting is unreachable."""
    i = _ids(env)
    env.client("elbv2", REGION).modify_rule(RuleArn=i["rule"], Actions=[{"Type": "forward", "TargetGroupArn": i["target_groups"]["web"]}])


def drift_reporting_port_of_web(env):
    """The reporting service's group opened on the web service's port instead of its own."""
    i = _ids(env)
    ec2 = env.client("ec2", REGION)
    gid = i["security_groups"]["reporting"]
    ec2.revoke_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": i["alb_sg"]}]}])
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "UserIdGroupPairs": [{"GroupId": i["alb_sg"]}]}])


def drift_web_single_task(env):
    env.client("ecs", REGION).update_service(cluster=CLUSTER, service="shop-web", desiredCount=1)


def drift_worker_scaled_out(env):
    env.client("ecs", REGION).update_service(cluster=CLUSTER, service="shop-worker", desiredCount=3)


def drift_web_circuit_breaker_off(env):
    env.client("ecs", REGION).update_service(cluster=CLUSTER, service="shop-web", deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": False, "rollback": False}, "minimumHealthyPercent": 100, "maximumPercent": 200})


def drift_web_scaling_deleted(env):
    env.client("application-autoscaling", REGION).delete_scaling_policy(
        PolicyName="shop-web-cpu", ServiceNamespace="ecs", ResourceId=f"service/{CLUSTER}/shop-web",
        ScalableDimension="ecs:service:DesiredCount")


def drift_private_route_to_igw(env):
    i = _ids(env)
    env.client("ec2", REGION).replace_route(RouteTableId=i["private_rt"], DestinationCidrBlock="0.0.0.0/0", GatewayId=i["igw"])


def drift_worker_logs_forever(env):
    env.client("logs", REGION).delete_retention_policy(logGroupName="/ecs/shop-worker")


def drift_http_forwards(env):
    i = _ids(env)
    env.client("elbv2", REGION).modify_listener(ListenerArn=i["http_listener"], DefaultActions=[
        {"Type": "forward", "TargetGroupArn": i["target_groups"]["web"]}])


def drift_second_user_key(env):
    iam = env.client("iam")
    iam.create_user(UserName="alice")
    iam.create_access_key(UserName="alice")


def drift_reporting_off_its_target_group(env):
    """The reporting service recreated without its load balancer (ECS cannot detach one in
    place): it runs, but nothing routes to it."""
    ecs = env.client("ecs", REGION)
    svc = ecs.describe_services(cluster=CLUSTER, services=["shop-reporting"])["services"][0]
    ecs.delete_service(cluster=CLUSTER, service="shop-reporting", force=True)
    ecs.create_service(cluster=CLUSTER, serviceName="shop-reporting", taskDefinition=svc["taskDefinition"], desiredCount=1,
                       launchType="FARGATE", networkConfiguration=svc["networkConfiguration"])
    ecs.update_service(cluster=CLUSTER, service="shop-reporting", deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": True, "rollback": True}, "minimumHealthyPercent": 100, "maximumPercent": 200})




# Database drifts (`databases.orders`).

def drift_db_public(env):
    env.client("rds", REGION).modify_db_instance(DBInstanceIdentifier=DB, PubliclyAccessible=True, ApplyImmediately=True)


def drift_db_backups_off(env):
    env.client("rds", REGION).modify_db_instance(DBInstanceIdentifier=DB, BackupRetentionPeriod=0, ApplyImmediately=True)


def drift_db_ingress_from_reporting(env):
    """The reporting service's tasks given a way into the database."""
    i = _ids(env)
    env.client("ec2", REGION).authorize_security_group_ingress(GroupId=i["security_groups"]["db"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": i["security_groups"]["reporting"]}]}])


def drift_db_public_subnets(env):
    """The database moved to a subnet group of the public subnets."""
    i = _ids(env)
    rds = env.client("rds", REGION)
    rds.create_db_subnet_group(DBSubnetGroupName="shop-db-public", DBSubnetGroupDescription="moved",
                               SubnetIds=[i["subnets"]["public-a"], i["subnets"]["public-b"]])
    rds.modify_db_instance(DBInstanceIdentifier=DB, DBSubnetGroupName="shop-db-public", ApplyImmediately=True)


def drift_db_recreated_unencrypted(env):
    """The database deleted and created again by hand, without encryption (a restore gone wrong)."""
    rds = env.client("rds", REGION)
    old = rds.describe_db_instances(DBInstanceIdentifier=DB)["DBInstances"][0]
    rds.modify_db_instance(DBInstanceIdentifier=DB, DeletionProtection=False, ApplyImmediately=True)
    rds.delete_db_instance(DBInstanceIdentifier=DB, SkipFinalSnapshot=True)
    rds.create_db_instance(DBInstanceIdentifier=DB, DBInstanceClass="db.t4g.micro", Engine="postgres", AllocatedStorage=20,
                           MasterUsername="shop", ManageMasterUserPassword=True, DBSubnetGroupName="shop-db",
                           VpcSecurityGroupIds=[g["VpcSecurityGroupId"] for g in old["VpcSecurityGroups"]],
                           PubliclyAccessible=False, StorageEncrypted=False, BackupRetentionPeriod=7,
                           DeletionProtection=True, Port=5432, MultiAZ=True)


DRIFTS = {name[len("drift_"):]: f for name, f in list(globals().items()) if name.startswith("drift_")}
