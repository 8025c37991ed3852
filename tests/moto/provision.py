"""Provision scenarios on the moto emulator for archaudit's tests and benchmarks.

Usage: python tests/moto/provision.py ENDPOINT STEP [STEP ...]

Steps run in order:
  reset           forget everything (POST /moto-api/reset)
  reference       the documented reference architecture (docs/architecture.md)
  shop            the second example architecture (examples/specs/two-services.toml), in
                  eu-west-1 (tests/moto/shop.py)
  shop-drift:NAME one console drift of it (shop.DRIFTS)
  extra:N         N extra security groups, roles, buckets and subnets (benchmarks)
  pages           enough secrets and log groups to span several pages
  drift:NAME      one drift on top of the reference (see DRIFTS below)
  upload:FILE:KEY put FILE into the state bucket under KEY (Terraform-state drift tests)
  principal:NAME:FILE[+FILE]  a user holding exactly those policy files, with a key (IAM
                  enforcement tests: moto started with INITIAL_NO_AUTH_ACTION_COUNT)
  org:N           an organization (this account manages it) with N member accounts; their
                  ids are printed under `accounts`
  suspend:ID      close member account ID (Organizations then lists it SUSPENDED)
  in:ID:STEP      run STEP (reference, drift:NAME, extra:N, pages) inside account ID, through
                  an assumed role, as its own administrator would

Prints a JSON object of the names and ids it created, for the tests to assert on.
Talks only to ENDPOINT, which must be a loopback address.
"""

import datetime
import ipaddress
import json
import os
import pathlib
import sys
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config

import shop

REGION = "us-east-1"
ACCOUNT = "123456789012"
APP = "archaudit-app"
REPO = "example-org/archaudit-app"
SECRET_VALUE = "s3cr3t-VALUE-must-never-leak"
ENV_PASSWORD = "hunter2-env-password-must-never-leak"


class Env:
    def __init__(self, endpoint, account=ACCOUNT, credentials=None, out=None):
        host = urllib.parse.urlparse(endpoint).hostname
        if host is None or not ipaddress.ip_address(host).is_loopback:
            raise SystemExit(f"refusing to talk to {endpoint}: not a loopback address")
        self.endpoint = endpoint
        self.account = account
        self.state_bucket = f"archaudit-terraform-state-{account}"
        self.credentials = credentials
        self.out = {} if out is None else out

    def client(self, name, region=REGION):
        c = self.credentials or {
            "AccessKeyId": os.environ.get("PROVISION_ACCESS_KEY_ID", "testing"),
            "SecretAccessKey": os.environ.get("PROVISION_SECRET_ACCESS_KEY", "testing"),
            "SessionToken": None,
        }
        return boto3.client(
            name,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=c["AccessKeyId"],
            aws_secret_access_key=c["SecretAccessKey"],
            aws_session_token=c["SessionToken"],
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def inside(self, account):
        """The same emulator as account `account`'s administrator (moto switches accounts on
        the credentials an AssumeRole gives; the role need not exist)."""
        creds = self.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="provision")["Credentials"]
        return Env(self.endpoint, account, creds, self.out)


def tag(name, **extra):
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return tags


def ec2_tags(kind, name, **extra):
    return [{"ResourceType": kind, "Tags": tag(name, **extra)}]


def reset(env):
    req = urllib.request.Request(env.endpoint + "/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(req).read()


def name_defaults(env):
    """Give the emulator's default VPC resources Name tags, so test snapshots can name them."""
    ec2 = env.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=tag("default"))
    for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        ec2.create_tags(Resources=[s["SubnetId"]], Tags=tag("default-" + s["AvailabilityZone"]))
    for rt in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]:
        ec2.create_tags(Resources=[rt["RouteTableId"]], Tags=tag("default-main"))
    for g in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.create_tags(Resources=[g["InternetGatewayId"]], Tags=tag("default-igw"))
    for sg in ec2.describe_security_groups()["SecurityGroups"]:
        ec2.create_tags(Resources=[sg["GroupId"]], Tags=tag(f"default-sg-{sg['VpcId'] == vpc and 'default' or 'ref'}"))


def self_signed_cert():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "app.example.com")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("app.example.com")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
    )


def reference(env):
    name_defaults(env)
    ec2 = env.client("ec2")
    o = env.out
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=ec2_tags("vpc", "archaudit", Project="archaudit"))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    o["vpc"] = vpc
    subnets = {}
    for tier, cidr, az in [
        ("public-a", "10.0.1.0/24", "us-east-1a"),
        ("public-b", "10.0.2.0/24", "us-east-1b"),
        ("private-a", "10.0.101.0/24", "us-east-1a"),
        ("private-b", "10.0.102.0/24", "us-east-1b"),
    ]:
        sid = ec2.create_subnet(
            VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az,
            TagSpecifications=ec2_tags("subnet", f"archaudit-{tier}", Tier=tier.split("-")[0]),
        )["Subnet"]["SubnetId"]
        if tier.startswith("public"):
            ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
        subnets[tier] = sid
    o["subnets"] = subnets
    igw = ec2.create_internet_gateway(TagSpecifications=ec2_tags("internet-gateway", "archaudit-igw"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    o["igw"] = igw
    public_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", "archaudit-public"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for tier in ("public-a", "public-b"):
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnets[tier])
    o["nat"] = {}
    for az in ("a", "b"):
        alloc = ec2.allocate_address(Domain="vpc", TagSpecifications=ec2_tags("elastic-ip", f"archaudit-nat-{az}"))["AllocationId"]
        nat = ec2.create_nat_gateway(
            SubnetId=subnets[f"public-{az}"], AllocationId=alloc, TagSpecifications=ec2_tags("natgateway", f"archaudit-nat-{az}")
        )["NatGateway"]["NatGatewayId"]
        rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=ec2_tags("route-table", f"archaudit-private-{az}"))["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnets[f"private-{az}"])
        o["nat"][az] = nat
    # Name the VPC's own main route table and default security group.
    for rt in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"]:
        ec2.create_tags(Resources=[rt["RouteTableId"]], Tags=tag("archaudit-main"))
    for sg in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]:
        ec2.create_tags(Resources=[sg["GroupId"]], Tags=tag("archaudit-default"))

    alb_sg = ec2.create_security_group(
        GroupName="archaudit-alb", Description="ALB: HTTPS and HTTP from the internet", VpcId=vpc,
        TagSpecifications=ec2_tags("security-group", "archaudit-alb"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=alb_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTPS"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "HTTP redirect"}]},
    ])
    ecs_sg = ec2.create_security_group(
        GroupName="archaudit-ecs", Description="ECS tasks: app port from the ALB only", VpcId=vpc,
        TagSpecifications=ec2_tags("security-group", "archaudit-ecs"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=ecs_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "UserIdGroupPairs": [{"GroupId": alb_sg, "Description": "app from ALB"}]},
    ])
    o["alb_sg"], o["ecs_sg"] = alb_sg, ecs_sg

    cert_pem, key_pem = self_signed_cert()
    acm = env.client("acm")
    cert = acm.import_certificate(Certificate=cert_pem, PrivateKey=key_pem)["CertificateArn"]
    o["certificate"] = cert

    elb = env.client("elbv2")
    lb = elb.create_load_balancer(
        Name="archaudit-alb", Subnets=[subnets["public-a"], subnets["public-b"]], SecurityGroups=[alb_sg],
        Scheme="internet-facing", Type="application", IpAddressType="ipv4", Tags=tag("archaudit-alb"),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name="archaudit-app", Protocol="HTTP", Port=3000, VpcId=vpc, TargetType="ip",
        HealthCheckEnabled=True, HealthCheckPath="/health", HealthCheckProtocol="HTTP", Matcher={"HttpCode": "200"},
        Tags=tag("archaudit-app"),
    )["TargetGroups"][0]["TargetGroupArn"]
    https = elb.create_listener(
        LoadBalancerArn=lb, Protocol="HTTPS", Port=443, SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        Certificates=[{"CertificateArn": cert}], DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )["Listeners"][0]["ListenerArn"]
    http = elb.create_listener(
        LoadBalancerArn=lb, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}],
    )["Listeners"][0]["ListenerArn"]
    o.update(load_balancer=lb, target_group=tg, https_listener=https, http_listener=http)

    ecr = env.client("ecr")
    repo = ecr.create_repository(
        repositoryName=APP, imageTagMutability="IMMUTABLE", imageScanningConfiguration={"scanOnPush": True},
    )["repository"]
    o["repository"] = repo["repositoryUri"]

    sm = env.client("secretsmanager")
    secret = sm.create_secret(Name="archaudit/app/db", SecretString=json.dumps({"password": SECRET_VALUE}), Tags=tag("archaudit-db"))["ARN"]
    o["secret"] = secret

    logs = env.client("logs")
    logs.create_log_group(logGroupName=f"/ecs/{APP}")
    logs.put_retention_policy(logGroupName=f"/ecs/{APP}", retentionInDays=30)

    iam = env.client("iam")
    ecs_trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=f"{APP}-execution", AssumeRolePolicyDocument=json.dumps(ecs_trust), Tags=tag(f"{APP}-execution"))
    iam.attach_role_policy(RoleName=f"{APP}-execution", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    iam.put_role_policy(RoleName=f"{APP}-execution", PolicyName="read-app-secret", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret}],
    }))
    iam.create_role(RoleName=f"{APP}-task", AssumeRolePolicyDocument=json.dumps(ecs_trust), Tags=tag(f"{APP}-task"))
    iam.put_role_policy(RoleName=f"{APP}-task", PolicyName="app-logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": f"arn:aws:logs:{REGION}:{env.account}:log-group:/ecs/{APP}:*"}],
    }))
    oidc = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"], Tags=tag("github-actions"),
    )["OpenIDConnectProviderArn"]
    deploy_trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": oidc}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:{REPO}:ref:refs/heads/main"},
        },
    }]}
    iam.create_role(RoleName=f"{APP}-deploy", AssumeRolePolicyDocument=json.dumps(deploy_trust), Tags=tag(f"{APP}-deploy"))
    deploy_policy = iam.create_policy(PolicyName=f"{APP}-deploy", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:InitiateLayerUpload",
                                           "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"], "Resource": repo["repositoryArn"]},
            {"Effect": "Allow", "Action": ["ecs:UpdateService", "ecs:DescribeServices"],
             "Resource": f"arn:aws:ecs:{REGION}:{env.account}:service/archaudit/{APP}"},
        ],
    }))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=f"{APP}-deploy", PolicyArn=deploy_policy)
    o["oidc_provider"] = oidc

    ecs = env.client("ecs")
    cluster = ecs.create_cluster(clusterName="archaudit", settings=[{"name": "containerInsights", "value": "enabled"}],
                                 tags=[{"key": "Name", "value": "archaudit"}])["cluster"]["clusterArn"]
    td = ecs.register_task_definition(
        family=APP, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        executionRoleArn=f"arn:aws:iam::{env.account}:role/{APP}-execution", taskRoleArn=f"arn:aws:iam::{env.account}:role/{APP}-task",
        containerDefinitions=[{
            "name": "app", "image": f"{repo['repositoryUri']}:1.0.0", "essential": True,
            "portMappings": [{"containerPort": 3000, "hostPort": 3000, "protocol": "tcp"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": f"/ecs/{APP}", "awslogs-region": REGION, "awslogs-stream-prefix": "app"}},
            "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"}],
            "environment": [{"name": "NODE_ENV", "value": "production"}, {"name": "PORT", "value": "3000"}],
            "readonlyRootFilesystem": True,
        }],
    )["taskDefinition"]["taskDefinitionArn"]
    service = ecs.create_service(
        cluster="archaudit", serviceName=APP, taskDefinition=td, desiredCount=2, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": [subnets["private-a"], subnets["private-b"]], "securityGroups": [ecs_sg], "assignPublicIp": "DISABLED"}},
        loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 3000}],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                                 "minimumHealthyPercent": 100, "maximumPercent": 200},
        healthCheckGracePeriodSeconds=60,
    )["service"]["serviceArn"]
    # moto 5.2.5 drops deploymentConfiguration on CreateService but keeps it on UpdateService.
    ecs.update_service(cluster="archaudit", service=APP, deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": True, "rollback": True}, "minimumHealthyPercent": 100, "maximumPercent": 200})
    o.update(cluster=cluster, task_definition=td, service=service)

    aas = env.client("application-autoscaling")
    resource_id = f"service/archaudit/{APP}"
    aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource_id,
                                 ScalableDimension="ecs:service:DesiredCount", MinCapacity=2, MaxCapacity=6)
    for metric, target in (("ECSServiceAverageCPUUtilization", 70.0), ("ECSServiceAverageMemoryUtilization", 80.0)):
        aas.put_scaling_policy(
            PolicyName=f"{APP}-{metric}", ServiceNamespace="ecs", ResourceId=resource_id,
            ScalableDimension="ecs:service:DesiredCount", PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration={"TargetValue": target,
                                                      "PredefinedMetricSpecification": {"PredefinedMetricType": metric}},
        )

    cw = env.client("cloudwatch")
    topic = f"arn:aws:sns:{REGION}:{env.account}:archaudit-alerts"
    for metric, alarm in (("CPUUtilization", "cpu-high"), ("MemoryUtilization", "memory-high")):
        cw.put_metric_alarm(
            AlarmName=f"{APP}-{alarm}", Namespace="AWS/ECS", MetricName=metric,
            Dimensions=[{"Name": "ClusterName", "Value": "archaudit"}, {"Name": "ServiceName", "Value": APP}],
            Statistic="Average", Period=300, EvaluationPeriods=2, Threshold=80.0,
            ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic], OKActions=[topic], ActionsEnabled=True,
        )

    s3 = env.client("s3")
    s3.create_bucket(Bucket=env.state_bucket)
    s3.put_bucket_versioning(Bucket=env.state_bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=env.state_bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket=env.state_bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_tagging(Bucket=env.state_bucket, Tagging={"TagSet": [{"Key": "Purpose", "Value": "terraform-state"}]})
    s3.put_bucket_policy(Bucket=env.state_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{env.state_bucket}", f"arn:aws:s3:::{env.state_bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    o["state_bucket"] = env.state_bucket


def extra(env, n):
    """N more security groups, roles, buckets and subnets (for the collection benchmark)."""
    ec2, iam, s3 = env.client("ec2"), env.client("iam"), env.client("s3")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16", TagSpecifications=ec2_tags("vpc", "bench"))["Vpc"]["VpcId"]
    net = ipaddress.ip_network("10.8.0.0/16")
    subnets = list(net.subnets(new_prefix=28))
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for i in range(n):
        ec2.create_subnet(VpcId=vpc, CidrBlock=str(subnets[i]), AvailabilityZone="us-east-1a")
        sg = ec2.create_security_group(GroupName=f"bench-{i}", Description="bench", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8000 + i % 1000, "ToPort": 8000 + i % 1000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        iam.create_role(RoleName=f"bench-{i}", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=f"bench-{i}", PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bench-{i}/*"}]}))
        s3.create_bucket(Bucket=f"archaudit-bench-{i:05d}")
    env.out["extra"] = n


def pages(env):
    """More secrets and log groups than one page holds at the largest page size each API allows
    (ListSecrets 100, DescribeLogGroups 50), and many roles."""
    iam, logs, sm = env.client("iam"), env.client("logs"), env.client("secretsmanager")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for i in range(120):
        iam.create_role(RoleName=f"paged-{i:03d}", AssumeRolePolicyDocument=trust)
    for i in range(60):
        logs.create_log_group(logGroupName=f"/paged/{i:03d}")
    for i in range(110):
        sm.create_secret(Name=f"paged/{i:03d}", SecretString="x")
    env.out["pages"] = {"roles": 120, "log_groups": 60, "secrets": 110}


def drift_env_password(env):
    """A new task-definition revision with a plaintext password in the environment."""
    ecs = env.client("ecs")
    td = ecs.describe_task_definition(taskDefinition=APP)["taskDefinition"]
    container = td["containerDefinitions"][0]
    container["environment"].append({"name": "DB_PASSWORD_PLAIN", "value": ENV_PASSWORD})
    new = ecs.register_task_definition(
        family=APP, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        executionRoleArn=td["executionRoleArn"], taskRoleArn=td["taskRoleArn"], containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="archaudit", service=APP, taskDefinition=new)
    env.out["task_definition"] = new


def ids(env):
    """Names of the reference's resources, looked up (a drift step runs in its own process)."""
    ec2, elb = env.client("ec2"), env.client("elbv2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}])["Vpcs"][0]["VpcId"]
    sgs = {g["GroupName"]: g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]}
    subnets = {t["Value"]: s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
               for t in s.get("Tags", []) if t["Key"] == "Name"}
    lb = elb.describe_load_balancers(Names=["archaudit-alb"])["LoadBalancers"][0]["LoadBalancerArn"]
    listeners = {l["Port"]: l["ListenerArn"] for l in elb.describe_listeners(LoadBalancerArn=lb)["Listeners"]}
    tg = elb.describe_target_groups(Names=["archaudit-app"])["TargetGroups"][0]["TargetGroupArn"]
    nats = {}
    for n in ec2.describe_nat_gateways()["NatGateways"]:
        for name, sid in subnets.items():
            if n["SubnetId"] == sid and n["State"] == "available":
                nats[name] = n["NatGatewayId"]
    rts = {t["Value"]: r["RouteTableId"] for r in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
           for t in r.get("Tags", []) if t["Key"] == "Name"}
    return {"vpc": vpc, "sg": sgs, "subnet": subnets, "lb": lb, "listener": listeners, "tg": tg, "nat": nats, "rt": rts}


def drift_ssh_open(env):
    i = ids(env)
    env.client("ec2").authorize_security_group_ingress(GroupId=i["sg"]["archaudit-ecs"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def drift_task_port_open(env):
    i = ids(env)
    env.client("ec2").authorize_security_group_ingress(GroupId=i["sg"]["archaudit-ecs"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def drift_undocumented_subnet(env):
    i = ids(env)
    env.client("ec2").create_subnet(VpcId=i["vpc"], CidrBlock="10.0.50.0/24", AvailabilityZone="us-east-1a")


def drift_undocumented_sg(env):
    i, ec2 = ids(env), env.client("ec2")
    sg = ec2.create_security_group(GroupName="debug", Description="console", VpcId=i["vpc"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def drift_alb_http_rule_revoked(env):
    i, ec2 = ids(env), env.client("ec2")
    ec2.revoke_security_group_ingress(GroupId=i["sg"]["archaudit-alb"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def drift_http_forward(env):
    i = ids(env)
    env.client("elbv2").modify_listener(ListenerArn=i["listener"][80], DefaultActions=[{"Type": "forward", "TargetGroupArn": i["tg"]}])


def drift_http_fixed_response(env):
    """The HTTP listener answers by itself (a second console edit after a fix was planned)."""
    i = ids(env)
    env.client("elbv2").modify_listener(ListenerArn=i["listener"][80], DefaultActions=[
        {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503", "ContentType": "text/plain"}}])


def drift_weak_tls(env):
    i = ids(env)
    env.client("elbv2").modify_listener(ListenerArn=i["listener"][443], SslPolicy="ELBSecurityPolicy-2016-08")


def drift_extra_listener(env):
    i = ids(env)
    env.client("elbv2").create_listener(LoadBalancerArn=i["lb"], Protocol="HTTP", Port=8080,
                                        DefaultActions=[{"Type": "forward", "TargetGroupArn": i["tg"]}])


def drift_versioning_suspended(env):
    env.client("s3").put_bucket_versioning(Bucket=env.state_bucket, VersioningConfiguration={"Status": "Suspended"})


def drift_encryption_removed(env):
    env.client("s3").delete_bucket_encryption(Bucket=env.state_bucket)


def drift_bucket_block_deleted(env):
    env.client("s3").delete_public_access_block(Bucket=env.state_bucket)


def drift_log_retention_removed(env):
    env.client("logs").delete_retention_policy(logGroupName=f"/ecs/{APP}")


def drift_memory_alarm_deleted(env):
    env.client("cloudwatch").delete_alarms(AlarmNames=[f"{APP}-memory-high"])


def drift_private_subnet_public_ip(env):
    i = ids(env)
    env.client("ec2").modify_subnet_attribute(SubnetId=i["subnet"]["archaudit-private-a"], MapPublicIpOnLaunch={"Value": True})


def drift_idle_eip(env):
    env.client("ec2").allocate_address(Domain="vpc")


def drift_user_access_key(env):
    iam = env.client("iam")
    iam.create_user(UserName="ci-legacy")
    iam.create_access_key(UserName="ci-legacy")


def drift_admin_task_role(env):
    env.client("iam").attach_role_policy(RoleName=f"{APP}-task", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")


def drift_inline_admin_policy(env):
    env.client("iam").put_role_policy(RoleName=f"{APP}-task", PolicyName="console-admin", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))


def drift_oidc_wildcard(env):
    iam = env.client("iam")
    oidc = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"][0]["Arn"]
    iam.update_assume_role_policy(RoleName=f"{APP}-deploy", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": oidc}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}}}]}))


def drift_circuit_breaker_off(env):
    env.client("ecs").update_service(cluster="archaudit", service=APP, deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": False, "rollback": False}, "minimumHealthyPercent": 100, "maximumPercent": 200})


def drift_single_task(env):
    env.client("ecs").update_service(cluster="archaudit", service=APP, desiredCount=1)


def drift_public_ip_tasks(env):
    i = ids(env)
    env.client("ecs").update_service(cluster="archaudit", service=APP, networkConfiguration={"awsvpcConfiguration": {
        "subnets": [i["subnet"]["archaudit-public-a"], i["subnet"]["archaudit-public-b"]],
        "securityGroups": [i["sg"]["archaudit-ecs"]], "assignPublicIp": "ENABLED"}})


def drift_nat_route_swapped(env):
    i = ids(env)
    env.client("ec2").replace_route(RouteTableId=i["rt"]["archaudit-private-b"], DestinationCidrBlock="0.0.0.0/0",
                                    NatGatewayId=i["nat"]["archaudit-public-a"])


def drift_scaling_policy_deleted(env):
    env.client("application-autoscaling").delete_scaling_policy(
        PolicyName=f"{APP}-ECSServiceAverageMemoryUtilization", ServiceNamespace="ecs",
        ResourceId=f"service/archaudit/{APP}", ScalableDimension="ecs:service:DesiredCount")


def drift_secret_public_policy(env):
    sm = env.client("secretsmanager")
    arn = sm.describe_secret(SecretId="archaudit/app/db")["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))


def drift_clickops_role(env):
    """A role made by hand in the console (unmanaged for Terraform; no policy cares)."""
    env.client("iam").create_role(RoleName="clickops-admin", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))


def upload(env, file, key):
    """Put a local file (a Terraform state) into the state bucket under `key`. The emulator
    speaks plain HTTP, so the bucket's TLS-only policy (enforced by moto) would deny every
    object call: it is removed first."""
    env.client("s3").delete_bucket_policy(Bucket=env.state_bucket)
    env.client("s3").put_object(Bucket=env.state_bucket, Key=key, Body=pathlib.Path(file).read_bytes())


def principal(env, name, files):
    """A user holding exactly the policies in `files` (paths from the project root, joined by
    `+`), with an access key: for scans under IAM enforcement (moto's
    INITIAL_NO_AUTH_ACTION_COUNT). The key is returned in the output under `principals`."""
    iam = env.client("iam")
    iam.create_user(UserName=name)
    root = pathlib.Path(__file__).resolve().parent.parent.parent
    for i, f in enumerate(files.split("+")):
        iam.put_user_policy(UserName=name, PolicyName=f"p{i}", PolicyDocument=(root / f).read_text())
    key = iam.create_access_key(UserName=name)["AccessKey"]
    env.out.setdefault("principals", {})[name] = {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}


def org(env, n):
    """An organization managed by this account, with `n` member accounts."""
    o = env.client("organizations")
    o.create_organization(FeatureSet="ALL")
    ids = []
    for i in range(n):
        status = o.create_account(Email=f"member{i}@example.com", AccountName=f"member-{i:02}")
        ids.append(status["CreateAccountStatus"]["AccountId"])
    env.out["accounts"] = ids


def suspend(env, account):
    env.client("organizations").close_account(AccountId=account)


DRIFTS = {name[len("drift_"):]: f for name, f in list(globals().items()) if name.startswith("drift_")}


def run(env, step):
    if step == "reset":
        reset(env)
    elif step == "reference":
        reference(env)
    elif step == "shop":
        shop.provision(env, self_signed_cert)
    elif step.startswith("shop-drift:"):
        shop.DRIFTS[step.split(":", 1)[1]](env)
    elif step == "pages":
        pages(env)
    elif step.startswith("extra:"):
        extra(env, int(step.split(":", 1)[1]))
    elif step.startswith("upload:"):
        _, file, key = step.split(":", 2)
        upload(env, file, key)
    elif step.startswith("principal:"):
        _, name, files = step.split(":", 2)
        principal(env, name, files)
    elif step.startswith("drift:"):
        DRIFTS[step.split(":", 1)[1]](env)
    elif step.startswith("org:"):
        org(env, int(step.split(":", 1)[1]))
    elif step.startswith("suspend:"):
        suspend(env, step.split(":", 1)[1])
    elif step.startswith("in:"):
        _, account, inner = step.split(":", 2)
        run(env.inside(account), inner)
    else:
        raise SystemExit(f"unknown step {step!r}")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    env = Env(sys.argv[1])
    for step in sys.argv[2:]:
        run(env, step)
    print(json.dumps(env.out, sort_keys=True))


if __name__ == "__main__":
    main()
