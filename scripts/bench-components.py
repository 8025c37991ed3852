#!/usr/bin/env python3
"""Inputs for the named-components benchmark: `scripts/bench-components.py N S K DIR` writes

- DIR/inventory.json: the reference architecture rebuilt as K networks (a VPC, its subnets,
  routes, NAT gateways and an HTTPS load balancer each) and S services spread over them (each
  with its own port, target group, task security group, roles, log group, alarms and scaling;
  the first service of a network is its load balancer's default action, the others are reached
  by a path rule), plus security groups, subnets, roles and buckets outside the architecture
  up to N resources in all;
- DIR/archaudit.toml: the spec that documents exactly that (networks n0…, load balancers
  lb0…, services app00… pinned by name, each with its own port and routes).

A scan of the pair finds nothing: every service is judged by its own spec. With S=1 K=1 it is
the reference's shape at size N (the spec is then the built-in default's values).
Used for the figures in docs/performance.md ("Named components").
"""

import copy
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


REF = json.loads(load("fixtures/reference.json"))
ARCH_VPC = next(v["id"] for v in REF["aws"]["ec2"]["vpcs"] if v["cidr_block"] == "10.0.0.0/16")
OTHER_VPC = next(v["id"] for v in REF["aws"]["ec2"]["vpcs"] if v["id"] != ARCH_VPC)
TASK_SG = next(g["id"] for g in REF["aws"]["ec2"]["security_groups"] if g["name"] == "archaudit-ecs")
HEX = re.compile(r"\b((?:vpc|subnet|rtb|igw|nat|eipalloc|eipassoc|sg|sgr|rtbassoc)-)([0-9a-f]{17})\b")


def retag(text, tag):
    """Every AWS id in `text` made unique to `tag` (its last four hex digits replaced)."""
    return HEX.sub(lambda m: m.group(1) + m.group(2)[:13] + tag, text)


def network(k, first_service):
    """Network k's resources, from the reference's own, with ids, CIDRs and names of its own."""
    ec2, elbv2 = REF["aws"]["ec2"], REF["aws"]["elbv2"]
    subnets = [s for s in ec2["subnets"] if s["vpc_id"] == ARCH_VPC]
    ids = {s["id"] for s in subnets}
    group = {
        "vpcs": [v for v in ec2["vpcs"] if v["id"] == ARCH_VPC],
        "subnets": subnets,
        "route_tables": [r for r in ec2["route_tables"] if r["vpc_id"] == ARCH_VPC],
        "internet_gateways": ec2["internet_gateways"],
        "nat_gateways": [n for n in ec2["nat_gateways"] if n["subnet_id"] in ids],
        "elastic_ips": ec2["elastic_ips"],
        "security_groups": [g for g in ec2["security_groups"] if g["vpc_id"] == ARCH_VPC and g["id"] != TASK_SG],
        "load_balancers": elbv2["load_balancers"],
        "listeners": elbv2["listeners"],
    }
    text = json.dumps(group)
    text = retag(text, f"{k:04x}").replace('"10.0.', f'"10.{k}.').replace("archaudit-alb", f"alb{k}")
    text = text.replace("targetgroup/archaudit-app/", f"targetgroup/app{first_service:02d}/")
    return json.loads(text)


SERVICE_KINDS = [
    ("ecs", "services"),
    ("ecs", "task_definitions"),
    ("elbv2", "target_groups"),
    ("iam", "roles"),
    ("logs", "log_groups"),
    ("cloudwatch", "alarms"),
    ("autoscaling", "targets"),
    ("autoscaling", "policies"),
]


def service(j, k, net):
    """Service j in network k (`net`, from `network`): its own name, port and resources."""
    group = {kind: [x for x in REF["aws"][svc][kind] if "archaudit-app" in json.dumps(x)
                    and not x["id"].endswith("-deploy")]
             for svc, kind in SERVICE_KINDS}
    group["security_groups"] = [g for g in REF["aws"]["ec2"]["security_groups"] if g["id"] == TASK_SG]
    text = json.dumps(group).replace("archaudit-app", f"app{j:02d}").replace("archaudit-ecs", f"ecs{j:02d}")
    text = retag(text, f"{0x8000 + j:04x}")
    g = json.loads(text)
    port = 3000 + j
    private = [s["id"] for s in net["subnets"] if s["cidr_block"].split(".")[2] in ("101", "102")]
    vpc = net["vpcs"][0]["id"]
    lb = net["load_balancers"][0]
    lb_sg = lb["security_groups"][0]
    for s in g["services"]:
        s["network"]["subnets"] = private
        for b in s["load_balancers"]:
            b["container_port"] = port
    for tg in g["target_groups"]:
        tg["vpc_id"], tg["port"], tg["load_balancer_arns"] = vpc, port, [lb["arn"]]
    for td in g["task_definitions"]:
        for c in td["containers"]:
            for m in c.get("port_mappings", []):
                m["container_port"] = port
    for sg in g["security_groups"]:
        sg["vpc_id"] = vpc
        for r in sg["ingress"]:
            r["from_port"] = r["to_port"] = port
            r["peer"] = {"type": "security_group", "value": lb_sg}
    return g


def listener_rule(j, net, tg_arn):
    https = next(l for l in net["listeners"] if l["port"] == 443)
    arn = https["arn"].replace(":listener/", ":listener-rule/") + f"/{j:016x}"
    return {
        "arn": arn, "id": f"{j:016x}", "region": "us-east-1", "account_id": "123456789012",
        "listener_arn": https["arn"], "priority": str(j + 1),
        "conditions": [f"path-pattern: /app{j:02d}*"],
        "actions": [{"type": "forward", "target_groups": [tg_arn]}],
    }


def filler(inv, n):
    """Security groups, subnets, roles and buckets outside the architecture, in equal parts,
    until the inventory holds `n` resources."""
    ec2 = REF["aws"]["ec2"]
    sg = next(g for g in ec2["security_groups"] if g["vpc_id"] == OTHER_VPC)
    subnet = next(s for s in ec2["subnets"] if s["vpc_id"] == OTHER_VPC)
    role = next(r for r in REF["aws"]["iam"]["roles"] if r["id"].endswith("-task"))
    bucket = REF["aws"]["s3"]["buckets"][0]
    i = 0
    while count(inv) < n:
        tag = f"{i:017x}"
        kind = i % 4
        if kind == 0:
            x = json.loads(json.dumps(sg).replace(sg["id"], "sg-" + tag))
            for r in x["ingress"] + x["egress"]:
                r["rule_id"] = "sgr-" + tag
            inv["aws"]["ec2"]["security_groups"].append(x)
        elif kind == 1:
            x = json.loads(json.dumps(subnet).replace(subnet["id"], "subnet-" + tag))
            x["cidr_block"] = f"172.{16 + (i // 4) // 65536}.{((i // 4) // 256) % 256}.{(i // 4) % 256}/32"
            inv["aws"]["ec2"]["subnets"].append(x)
        elif kind == 2:
            x = json.loads(json.dumps(role).replace(role["id"], f"filler-role-{i}"))
            inv["aws"]["iam"]["roles"].append(x)
        else:
            x = json.loads(json.dumps(bucket).replace(bucket["id"], f"filler-data-{i}"))
            x["tags"] = {}
            inv["aws"]["s3"]["buckets"].append(x)
        i += 1


def count(inv):
    return sum(len(v) for kinds in inv["aws"].values() for v in kinds.values() if isinstance(v, list))


def spec(services_of, nets):
    default = load("src/archaudit.default.toml")
    tail = default[default.index("[architecture.logs]"):default.index("# Waivers accept")]
    alarms = default[default.index("[[architecture.services.app.alarms]]"):default.index("[architecture.logs]")]
    https = default[default.index("[architecture.load_balancers.public.https]"):default.index("# The HTTP listener")]
    out = []
    for k, net in enumerate(nets):
        out.append(f'[architecture.networks.n{k}]\nregion = "us-east-1"\ncidr = "10.{k}.0.0/16"\n'
                   'availability_zones = ["us-east-1a", "us-east-1b"]\nnat = "per_az"\ninternet_gateway = true\n')
        for cidr, az, tier in [("1", "a", "public"), ("2", "b", "public"), ("101", "a", "private"), ("102", "b", "private")]:
            out.append(f'[[architecture.networks.n{k}.subnets]]\ncidr = "10.{k}.{cidr}.0/24"\naz = "us-east-1{az}"\ntier = "{tier}"\n')
        out.append(f'[architecture.load_balancers.lb{k}]\nnetwork = "n{k}"\nscheme = "internet-facing"\n'
                   f'name = "alb{k}"\ningress_cidrs = ["0.0.0.0/0"]\n')
        for n, j in enumerate(services_of[k]):
            path = "" if n == 0 else f'path = "/app{j:02d}*"\n'
            out.append(f'[[architecture.load_balancers.lb{k}.routes]]\n{path}service = "app{j:02d}"\n')
        out.append(https.replace("load_balancers.public", f"load_balancers.lb{k}"))
        out.append(f'[architecture.load_balancers.lb{k}.http]\nport = 80\naction = "redirect"\nredirect_status = "HTTP_301"\n')
        for j in services_of[k]:
            out.append(f'[architecture.services.app{j:02d}]\nname = "app{j:02d}"\nnetwork = "n{k}"\ntier = "private"\n'
                       f'load_balancer = "lb{k}"\nports = [{3000 + j}]\nlaunch_type = "FARGATE"\nmin_desired_count = 2\n'
                       'assign_public_ip = false\ncircuit_breaker_rollback = true\n'
                       'autoscaling_metrics = ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"]\n')
            out.append(alarms.replace("services.app.", f"services.app{j:02d}."))
    out.append(tail)
    return "\n".join(out)


def main():
    n, s, k, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    os.makedirs(out, exist_ok=True)
    services_of = [[j for j in range(s) if j % k == net] for net in range(k)]
    inv = copy.deepcopy(REF)
    ec2, elbv2 = inv["aws"]["ec2"], inv["aws"]["elbv2"]
    # The architecture's own resources are rebuilt; the rest of the reference stays.
    ec2["vpcs"] = [v for v in ec2["vpcs"] if v["id"] != ARCH_VPC]
    ec2["subnets"] = [x for x in ec2["subnets"] if x["vpc_id"] != ARCH_VPC]
    ec2["route_tables"] = [r for r in ec2["route_tables"] if r["vpc_id"] != ARCH_VPC]
    ec2["security_groups"] = [g for g in ec2["security_groups"] if g["vpc_id"] != ARCH_VPC]
    for kind in ["internet_gateways", "nat_gateways", "elastic_ips"]:
        ec2[kind] = []
    for kind in ["load_balancers", "listeners", "listener_rules"]:
        elbv2[kind] = []
    for svc, kind in SERVICE_KINDS:
        inv["aws"][svc][kind] = [x for x in inv["aws"][svc][kind]
                                 if "archaudit-app" not in json.dumps(x) or x["id"].endswith("-deploy")]
    nets = []
    for net_k in range(k):
        net = network(net_k, services_of[net_k][0])
        nets.append(net)
        for kind in ["vpcs", "subnets", "route_tables", "internet_gateways", "nat_gateways", "elastic_ips", "security_groups"]:
            ec2[kind] += net[kind]
        elbv2["load_balancers"] += net["load_balancers"]
        elbv2["listeners"] += net["listeners"]
        for n_, j in enumerate(services_of[net_k]):
            g = service(j, net_k, net)
            for svc, kind in SERVICE_KINDS:
                inv["aws"][svc][kind] += g[kind]
            ec2["security_groups"] += g["security_groups"]
            if n_ > 0:
                elbv2["listener_rules"].append(listener_rule(j, net, g["target_groups"][0]["arn"]))
    filler(inv, n)
    with open(os.path.join(out, "inventory.json"), "w", encoding="utf-8") as f:
        json.dump(inv, f)
    with open(os.path.join(out, "archaudit.toml"), "w", encoding="utf-8") as f:
        f.write(spec(services_of, nets))
    print(f"{count(inv)} resources, {s} services, {k} networks: {out}")


if __name__ == "__main__":
    main()
