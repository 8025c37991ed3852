#!/usr/bin/env python3
"""Inputs for timing `archaudit drift` at scale (docs/performance.md):

    python3 scripts/bench-drift.py N OUT_DIR

writes OUT_DIR/state.tfstate (the committed reference state plus N security groups, each with
two inline ingress rules, split evenly over managed-and-equal, changed (one rule more live)
and missing) and OUT_DIR/inventory.json (the committed reference inventory plus the live
side of those groups and N/4 unmanaged ones). Then, e.g.:

    /usr/bin/time -f "%e s %M KB" target/release/archaudit drift \\
        --inventory OUT_DIR/inventory.json --tfstate OUT_DIR/state.tfstate --format json -o /dev/null
"""
import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
n, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
state = json.loads((ROOT / "tests/tfstate/reference.tfstate").read_text())
inv = json.loads((ROOT / "tests/tfstate/inventory.json").read_text())
vpc = next(v["id"] for v in inv["aws"]["ec2"]["vpcs"] if not v["is_default"])
ACCOUNT, REGION = "123456789012", "us-east-1"


def live(i, extra_rule=False):
    gid = f"sg-bench{i:08x}"
    rules = [{"protocol": "tcp", "from_port": 443, "to_port": 443, "peer": {"type": "cidr_ipv4", "value": "10.0.0.0/8"}, "rule_id": f"sgr-a{i:08x}"},
             {"protocol": "tcp", "from_port": 80, "to_port": 80, "peer": {"type": "cidr_ipv4", "value": "10.0.0.0/8"}, "rule_id": f"sgr-b{i:08x}"}]
    if extra_rule:
        rules.append({"protocol": "tcp", "from_port": 22, "to_port": 22, "peer": {"type": "cidr_ipv4", "value": "0.0.0.0/0"}, "rule_id": f"sgr-c{i:08x}"})
    return {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{gid}", "id": gid, "region": REGION, "account_id": ACCOUNT,
            "tags": {"Name": f"bench-{i}"}, "name": f"bench-{i}", "description": "bench", "vpc_id": vpc, "ingress": rules, "egress": []}


instances = []
for i in range(n):
    gid = f"sg-bench{i:08x}"
    instances.append({"index_key": i, "schema_version": 1, "sensitive_attributes": [], "attributes": {
        "id": gid, "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{gid}", "name": f"bench-{i}", "vpc_id": vpc,
        "description": "bench", "egress": [], "tags": {"Name": f"bench-{i}"},
        "ingress": [{"protocol": "tcp", "from_port": p, "to_port": p, "cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": [],
                     "prefix_list_ids": [], "security_groups": [], "self": False, "description": ""} for p in (443, 80)]}})
    if i % 3 == 0:
        inv["aws"]["ec2"]["security_groups"].append(live(i))
    elif i % 3 == 1:
        inv["aws"]["ec2"]["security_groups"].append(live(i, extra_rule=True))
for j in range(n // 4):
    g = live(n + j)
    inv["aws"]["ec2"]["security_groups"].append(g)
state["resources"].append({"mode": "managed", "type": "aws_security_group", "name": "bench", "provider": "p", "instances": instances})
(out / "state.tfstate").write_text(json.dumps(state))
(out / "inventory.json").write_text(json.dumps(inv))
print(f"{out}/state.tfstate: {len(state['resources'])} blocks, {n} extra groups; {out}/inventory.json")
