#!/usr/bin/env python3
"""Writes the bad-input corpus (tests/corpus/<kind>/…) from the shipped reference inventory and
archaudit.toml. Each file is one hostile or broken input; tests/corpus.rs runs archaudit on
every one and requires exit 3, an error naming the file (and the position where the input has
one), no panic, no hang and no output file left behind. Run from the project root:
    python3 tests/corpus/make.py
"""
import json
import re
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "tests" / "corpus"
REF_TEXT = (ROOT / "fixtures" / "reference.json").read_text()
REF = json.loads(REF_TEXT)
TOML = (ROOT / "src" / "archaudit.default.toml").read_text()

META = """# METADATA
# title: Corpus policy
# description: A user policy of the bad-input corpus.
# custom:
#   id: AA-USR-{n:03d}
#   severity: low
#   resource_type: aws.ec2.vpc
#   requires: [ec2.vpcs]
#   remediation:
#     summary: none
package user.corpus{n}

"""


def write(kind, name, data):
    path = OUT / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def inv(**changes):
    d = json.loads(REF_TEXT)
    for dotted, value in changes.items():
        keys = dotted.split("__")
        node = d
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        if value is DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return json.dumps(d, indent=1)


DELETE = object()


def inventories():
    w = lambda n, d: write("inventory", n + ".json", d)
    w("empty", "")
    w("whitespace-only", "  \n\t\n")
    w("truncated-half", REF_TEXT[: len(REF_TEXT) // 2])
    w("truncated-last-brace", REF_TEXT.rstrip()[:-1])
    w("null", "null")
    w("array", "[]")
    w("string", '"inventory"')
    w("number-overflow", '{"schema_version": 1e400}')
    w("version-huge", inv(schema_version=99999999999))
    w("version-zero", inv(schema_version=0))
    w("version-string", inv(schema_version="1"))
    w("version-negative", inv(schema_version=-1))
    w("deep-nesting", '{"schema_version": 1, "meta": ' + "[" * 100000 + "]" * 100000 + "}")
    w("invalid-utf8-in-string", REF_TEXT.encode().replace(b"\"us-east-1\"", b"\"us-\xff\xfe-1\"", 1))
    w("utf8-bom", b"\xef\xbb\xbf" + REF_TEXT.encode())
    w("utf16le", b"\xff\xfe" + REF_TEXT.encode("utf-16-le"))
    w("trailing-garbage", REF_TEXT + "\n}garbage")
    w("missing-meta", inv(meta=DELETE))
    w("unknown-top-level-key", inv(extra={"a": [1, 2, 3]}))
    w("vpcs-not-a-list", inv(aws__ec2__vpcs={"id": "vpc-1"}))
    w("duplicate-key", REF_TEXT.replace('"schema_version"', '"meta": {}, "schema_version"', 1))
    w("nan-literal", REF_TEXT.replace('"schema_version": 1', '"schema_version": NaN', 1))
    w("port-overflow", REF_TEXT.replace('"from_port": 443', '"from_port": 99999999999999999999', 1))
    w("control-char-in-string", REF_TEXT.replace('"us-east-1"', '"us-\x01east-1"', 1))
    w("lone-surrogate", REF_TEXT.replace('"us-east-1"', '"us-\\ud800-1"', 1))
    w("comment", "// collected by hand\n" + REF_TEXT)
    w("account-id-number", inv(meta__account_id=123456789012))
    w("gaps-not-a-list", inv(gaps="none"))
    # A misspelt attribute, in a resource (flattened common fields) and in a nested object.
    w("resource-unknown-attribute", REF_TEXT.replace('"map_public_ip_on_launch": true', '"map_public_ip_on_launch": true, "assign_ipv6_on_creation": true', 1))
    w("statement-unknown-attribute", REF_TEXT.replace('"effect": "Allow"', '"effect": "Allow", "principals": {}', 1))


def configs():
    w = lambda n, d: write("config", n + ".toml", d)
    def sub(old, new):
        assert old in TOML, old
        return TOML.replace(old, new, 1)
    w("empty", "")
    w("syntax-unclosed-table", sub("[architecture]", "[architecture"))
    w("unknown-key", sub("app_port = 3000", "app_port = 3000\nap_port = 3000"))
    w("region-wrong-type", sub('region = "us-east-1"', "region = 1"))
    w("cidr-prefix-33", sub('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.0/33"'))
    w("cidr-garbage", sub('cidr = "10.0.0.0/16"', 'cidr = "ten.zero/16"'))
    w("subnet-outside-vpc", sub('cidr = "10.0.101.0/24"', 'cidr = "10.1.101.0/24"'))
    w("threshold-nan", sub("threshold_max = 95.0", "threshold_max = nan"))
    w("threshold-inf", sub("threshold_max = 95.0", "threshold_max = inf"))
    w("threshold-min-above-max", sub("threshold_min = 50.0", "threshold_min = 99.0"))
    w("retention-max-below-min", sub("max_retention_days = 3653", "max_retention_days = 1"))
    w("retention-negative", sub("min_retention_days = 7", "min_retention_days = -7"))
    w("app-port-overflow", sub("app_port = 3000", "app_port = 70000"))
    w("app-port-huge", sub("app_port = 3000", "app_port = 1e30"))
    waiver = '\n[[waivers]]\npolicy = "{p}"\nresource = "{r}"\nreason = "r"\nowner = "o"\nexpires = {e}\n'
    w("waiver-bad-date", TOML + waiver.format(p="AA-SG-003", r="*", e='"2026-13-45"'))
    w("waiver-date-number", TOML + waiver.format(p="AA-SG-003", r="*", e="20261231"))
    w("waiver-datetime", TOML + waiver.format(p="AA-SG-003", r="*", e="2026-12-31T10:00:00Z"))
    w("waiver-unknown-policy", TOML + waiver.format(p="AA-NOPE-001", r="*", e='"2099-01-01"'))
    w("waiver-bad-glob", TOML + waiver.format(p="AA-SG-003", r="arn:[", e='"2099-01-01"'))
    w("params-nan", TOML + "\n[params]\nlimit = nan\n")
    w("params-nested-inf", TOML + "\n[params]\nlimits = { low = 1.0, high = -inf }\n")
    w("invalid-utf8", TOML.encode().replace(b'"us-east-1"', b'"us-\xff-1"', 1))
    w("utf16le", b"\xff\xfe" + TOML.encode("utf-16-le"))
    w("duplicate-key", sub("app_port = 3000", "app_port = 3000\napp_port = 3001"))
    w("glob-state-bucket", sub('name_pattern = "*terraform-state*"', 'name_pattern = "[terraform"'))
    w("redirect-status-bad", sub('redirect_status = "HTTP_301"', 'redirect_status = 301'))


def policies():
    w = lambda n, d: write("policy", n + ".rego", d)
    n = iter(range(1, 100))
    body = 'deny contains {"msg": "m.", "arn": v.arn, "attribute": "a"} if {\n\tsome v in input.aws.ec2.vpcs\n}\n'
    w("syntax-error", META.format(n=next(n)) + "deny contains m if {\n\tm := \n}\n")
    w("unterminated-string", META.format(n=next(n)) + 'x := "abc\n' + body)
    w("recursive-function", META.format(n=next(n)) + "f(x) := f(x + 1)\n\n" + body.replace("some v in", "f(1) > 0\n\tsome v in"))
    w("mutual-recursion", META.format(n=next(n)) + "a := b + 1\n\nb := a + 1\n\n" + body.replace("some v in", "a > 0\n\tsome v in"))
    w("no-metadata", "package user.nometa\n\n" + body)
    w("metadata-bad-yaml", META.format(n=next(n)).replace("#   severity: low", "#   severity: [low") + body)
    w("metadata-bad-id", META.format(n=next(n)).replace("AA-USR-", "X-") + body)
    w("metadata-bad-severity", META.format(n=next(n)).replace("severity: low", "severity: catastrophic") + body)
    w("metadata-unknown-kind", META.format(n=next(n)).replace("requires: [ec2.vpcs]", "requires: [ec2.vpcz]") + body)
    w("unknown-input-kind", META.format(n=next(n)) + body.replace("input.aws.ec2.vpcs", "input.aws.ec2.vpcz"))
    w("invalid-utf8", (META.format(n=next(n)) + "# caf\xe9\n" + body).encode("latin-1"))
    w("empty", "")
    w("duplicate-builtin-id", re.sub(r"id: AA-USR-\d+", "id: AA-SG-001", META.format(n=next(n))) + body)
    w("unknown-anchor", META.format(n=next(n)).replace("#   requires:", "#   anchors: [flux_capacitor]\n#   requires:") + body)
    w("runaway-loop", META.format(n=next(n)) + 'deny contains {"msg": "m.", "arn": "x", "attribute": "a"} if {\n\tsome i in numbers.range(1, 20000)\n\tsome j in numbers.range(1, 20000)\n\ti * j < 0\n}\n')
    w("deny-not-a-set", META.format(n=next(n)) + "deny := 1\n")
    w("finding-without-arn", META.format(n=next(n)) + 'deny contains {"msg": "m."} if true\n')
    w("expectation-unknown-key", META.format(n=next(n)).replace("#   requires:", "#   expectation: [vpc.colour]\n#   requires:") + body)
    # Accepted by the parser, rejected when regorus compiles the modules (a load error) or
    # resolves the call (at evaluation): both located in this file, never in the library.
    w("unsafe-variable", META.format(n=next(n)) + body.replace("some v in input.aws.ec2.vpcs", "walk(input.aws, [path, v])\n\tcount(path) == 3"))
    w("unknown-function", META.format(n=next(n)) + body.replace("some v in input.aws.ec2.vpcs", "some v in input.aws.ec2.vpcs\n\tnot_a.function(v)"))


def plans():
    w = lambda n, d: write("plan", n + ".json", d)
    plan = {"version": 1, "tool_version": "0.1.0", "account_id": "123456789012", "regions": ["us-east-1"],
            "collected_at": "2026-01-01T00:00:00Z", "entries": []}
    w("empty", "")
    w("truncated", json.dumps(plan)[:40])
    w("version-9", json.dumps({**plan, "version": 9}))
    w("no-version", json.dumps({k: v for k, v in plan.items() if k != "version"}))
    w("entries-not-a-list", json.dumps({**plan, "entries": {}}))
    w("unknown-action", json.dumps({**plan, "entries": [{"fingerprint": "f", "policy_id": "AA-SG-003", "severity": "high", "message": "m",
        "resource": {"arn": "a", "id": "i", "type": "ec2.security_groups", "region": "us-east-1", "account_id": "123456789012"},
        "kind": "fix", "steps": [{"action": "delete_everything", "region": "us-east-1", "api_call": "x", "cli": "x", "permission": "x", "blast_radius": "x"}]}]}))
    w("deep-nesting", '{"version": 1, "entries": ' + "[" * 100000 + "]" * 100000 + "}")
    w("an-inventory", REF_TEXT)
    # Hand-edited plans (docs/fix.md, "A saved plan is a request"): refused when read, before
    # any call.
    resource = {"arn": "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/archaudit-app", "id": "/ecs/archaudit-app",
                "type": "aws.logs.log_group", "region": "us-east-1", "account_id": "123456789012"}
    step = {"action": "put_retention", "log_group": "/ecs/archaudit-app", "days": 30, "region": "us-east-1",
            "api_call": 'logs:PutRetentionPolicy(days=30, log_group="/ecs/archaudit-app")',
            "cli": "aws logs put-retention-policy --log-group-name /ecs/archaudit-app --retention-in-days 30",
            "permission": "logs:PutRetentionPolicy", "blast_radius": "log events older than the retention are deleted"}
    fix = {"fingerprint": "f" * 32, "policy_id": "AA-MON-002", "severity": "medium", "message": "m",
           "resource": resource, "kind": "fix", "steps": [step]}
    manual = {**fix, "kind": "manual", "steps": [], "manual": {"reason": "r"}}
    with_entries = lambda *e: json.dumps({**plan, "entries": list(e)}, indent=2)
    w("version-string", json.dumps({**plan, "version": "1"}, indent=2))
    w("account-not-an-id", json.dumps({**plan, "account_id": "123456789012; rm -rf /"}, indent=2))
    w("unknown-top-level-key", json.dumps({**plan, "apply_anyway": True}, indent=2))
    w("step-retargeted-text-kept", with_entries({**fix, "steps": [{"action": "delete_listener", "region": "us-east-1",
        "listener_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/1/2",
        **{k: step[k] for k in ("api_call", "cli", "permission", "blast_radius")}}]}))
    w("step-days-99999", with_entries({**fix, "steps": [{**step, "days": 99999}]}))
    w("step-unknown-key", with_entries({**fix, "steps": [{**step, "force": True}]}))
    w("entry-twice", with_entries(manual, manual))
    w("fix-without-steps", with_entries({**fix, "steps": []}))


def baselines():
    w = lambda n, d: write("baseline", n + ".json", d)
    report = json.loads((ROOT / "tests" / "snapshots" / "scan__drifted_report.snap").read_text().split("---\n", 2)[2])
    report["tool_version"] = "0.1.0"
    w("empty", "")
    w("truncated", json.dumps(report)[:1000])
    w("an-inventory", REF_TEXT)
    w("a-sarif-log", json.dumps({"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}))
    w("version-99", json.dumps({**report, "version": 99}))
    w("other-account", json.dumps({**report, "account_id": "999999999999"}))
    w("garbage", "\x00\x01\x02 not json")
    w("deep-nesting", '{"version": 2, "findings": ' + "[" * 100000 + "]" * 100000 + "}")


def tfstates():
    """Terraform states for `archaudit drift --tfstate` (and `.driftignore` files)."""
    w = lambda n, d: write("tfstate", n + ".tfstate", d)
    state = {"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "l", "outputs": {},
             "resources": [{"mode": "managed", "type": "aws_vpc", "name": "main", "provider": "p",
                            "instances": [{"attributes": {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}}]}]}
    text = json.dumps(state, indent=2)
    w("empty", "")
    w("truncated", text[: len(text) // 2])
    w("garbage", "\x00\x01 not json")
    w("not-utf8", text.encode()[:40] + b"\xff\xfe" + text.encode()[40:])
    w("utf16", b"\xff\xfe" + text.encode("utf-16-le"))
    w("bom", b"\xef\xbb\xbf" + text.encode())
    w("version-3", json.dumps({"version": 3, "terraform_version": "0.11.14", "serial": 1, "modules": [{"path": ["root"], "resources": {}}]}))
    w("version-5", json.dumps({**state, "version": 5}))
    w("version-string", json.dumps({**state, "version": "4"}))
    w("version-huge", text.replace('"version": 4', '"version": 99999999999999999999999', 1))
    w("no-version", json.dumps({k: v for k, v in state.items() if k != "version"}))
    w("no-resources", json.dumps({k: v for k, v in state.items() if k != "resources"}))
    w("resources-not-a-list", json.dumps({**state, "resources": {"aws_vpc.main": {}}}))
    w("resource-type-not-a-string", json.dumps({**state, "resources": [{**state["resources"][0], "type": ["aws_vpc"]}]}))
    w("instances-not-a-list", json.dumps({**state, "resources": [{**state["resources"][0], "instances": "x"}]}))
    w("attributes-not-an-object", json.dumps({**state, "resources": [{**state["resources"][0], "instances": [{"attributes": [1]}]}]}))
    w("show-json", json.dumps({"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}))
    w("an-inventory", REF_TEXT)
    w("a-sarif-log", json.dumps({"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}))
    w("a-json-array", "[]")
    w("deep-nesting", '{"version": 4, "resources": ' + "[" * 100000 + "]" * 100000 + "}")
    w("duplicate-address", json.dumps({**state, "resources": state["resources"] * 2}, indent=2))
    subnet = {"mode": "managed", "type": "aws_subnet", "name": "public", "provider": "p",
              "instances": [{"index_key": 0, "attributes": {"id": "subnet-1"}}, {"index_key": 0, "attributes": {"id": "subnet-2"}}]}
    w("duplicate-index-key", json.dumps({**state, "resources": state["resources"] + [subnet]}, indent=2))
    d = lambda n, t: write("driftignore", n + ".driftignore", t)
    d("no-colon", "# kinds and ids\niam.roles\n")
    d("unknown-kind", "ec2.vpcs:*\nec2.nothing:*\n")
    d("bad-glob", "iam.roles:[unclosed\n")
    d("not-utf8", b"iam.roles:a\n\xff\n")


def accounts():
    """Accounts files for `scan --accounts` (read before any call), TOML and YAML."""
    t = lambda n, d: write("accounts", n + ".toml", d)
    y = lambda n, d: write("accounts", n + ".yaml", d)
    good = '[[account]]\nid = "111111111111"\nname = "prod"\n'
    t("empty", "")
    t("not-toml", "[[account\nid = 1\n")
    t("id-not-a-string", "[[account]]\nid = 111111111111\n")
    t("id-short", '[[account]]\nid = "1111"\n')
    t("id-letters", '[[account]]\nid = "11111111111a"\n')
    t("duplicate", good + "\n" + good)
    t("unknown-key", good + 'colour = "red"\n')
    t("role-of-another-account", good + 'role_arn = "arn:aws:iam::222222222222:role/x"\n')
    t("role-not-a-role", good + 'role_arn = "arn:aws:iam::111111111111:user/x"\n')
    t("bad-region", good + 'regions = ["mars-north-1x"]\n')
    t("regions-not-a-list", good + 'regions = "us-east-1"\n')
    t("missing-config", good + 'config = "does-not-exist.toml"\n')
    t("not-utf8", good.encode() + b'name2 = "\xff"\n')
    t("bom", b"\xef\xbb\xbf" + good.encode())
    t("utf16", b"\xff\xfe" + good.encode("utf-16-le"))
    t("deep-nesting", "x = " + "[" * 100000 + "]" * 100000 + "\n")
    t("role-partition-unknown", good + 'role_arn = "arn:aws-mars:iam::111111111111:role/archaudit-readonly"\n')
    t("role-of-another-service", good + 'role_arn = "arn:aws:sts::111111111111:role/archaudit-readonly"\n')
    t("role-without-name", good + 'role_arn = "arn:aws:iam::111111111111:role/"\n')
    t("role-with-newline", good + 'role_arn = "arn:aws:iam::111111111111:role/x\\ny"\n')
    t("name-with-newline", '[[account]]\nid = "111111111111"\nname = "prod\\n| forged row |"\n')
    many = "".join(f'[[account]]\nid = "{100000000000 + i}"\n\n' for i in range(200))
    t("duplicate-at-the-end", many + '[[account]]\nid = "100000000007"\n')
    y("not-yaml", "accounts:\n  - id: [\n")
    y("id-not-a-scalar", "accounts:\n  - id: {a: 1}\n")
    y("unknown-key", 'accounts:\n  - id: "111111111111"\n    colour: red\n')
    y("not-a-list", 'accounts:\n  id: "111111111111"\n')
    y("deep-nesting", "accounts: " + "[" * 100000 + "]" * 100000 + "\n")


def orgreports():
    """Run reports for `merge` (shards of one run)."""
    w = lambda n, d: write("orgreport", n + ".json", d)
    account = json.loads((ROOT / "tests" / "snapshots" / "scan__drifted_report.snap").read_text().split("---\n", 2)[2])
    account["tool_version"] = "0.1.0"
    shard = {"index": 1, "count": 1}
    report = {"version": 2, "kind": "organization", "tool_version": "0.1.0",
              "run": {"id": "r1", "source": "s", "accounts": [account["account_id"]], "shard_count": 1, "shards": [shard]},
              "summary": {"accounts": 1, "unreadable": 0, "incomplete": 0, **account["summary"]},
              "accounts": [{"account_id": account["account_id"], "name": "a", "status": "scanned", "shard": shard,
                            "api_calls": 0, "report": account}]}
    text = json.dumps(report)
    w("empty", "")
    w("truncated", text[:2000])
    w("garbage", "\x00\x01 not json")
    w("a-single-account-report", json.dumps(account))
    w("an-inventory", REF_TEXT)
    w("version-99", json.dumps({**report, "version": 99}))
    w("kind-other", json.dumps({**report, "kind": "something"}))
    w("status-unknown", text.replace('"status": "scanned"', '"status": "maybe"', 1))
    w("shard-not-an-object", json.dumps({**report, "run": {**report["run"], "shards": ["1/1"]}}))
    bad = json.loads(text)
    for f in bad["accounts"][0]["report"]["findings"]:
        if f["remediation"].get("fix") == "logs.put_retention":
            f["details"] = {"retention_days": 30}
    w("finding-details-renamed", json.dumps(bad))
    w("deep-nesting", '{"version": 2, "kind": "organization", "accounts": ' + "[" * 100000 + "]" * 100000 + "}")
    # Shards that misstate themselves (docs/org.md, "merge recomputes").
    def edited(name, change):
        r = json.loads(text)
        change(r)
        w(name, json.dumps(r, indent=1))
    def zero_counts(r):
        r["summary"]["findings"] = {}
        r["accounts"][0]["report"]["summary"]["findings"] = {}
    edited("counts-zeroed", zero_counts)
    edited("totals-zeroed", lambda r: r["summary"].update(findings={}))
    edited("finding-twice", lambda r: r["accounts"][0]["report"]["findings"].append(r["accounts"][0]["report"]["findings"][0]))
    edited("rule-said-to-pass", lambda r: r["accounts"][0]["report"]["rules"][[x["status"] for x in r["accounts"][0]["report"]["rules"]].index("failed")].update(status="passed", findings=0))
    edited("shard-7-of-2", lambda r: r["run"].update(shard_count=2, shards=[{"index": 7, "count": 2}]))
    edited("shard-0-of-2", lambda r: r["run"].update(shard_count=2, shards=[{"index": 0, "count": 2}]))
    edited("account-outside-the-run", lambda r: r["accounts"][0].update(account_id="999999999999"))
    edited("report-of-another-account", lambda r: r["accounts"][0]["report"].update(account_id="999999999999"))
    w("invalid-utf8-in-a-name", text.encode().replace(b'"name": "a"', b'"name": "a\xff"', 1))


if __name__ == "__main__":
    for kind in ["inventory", "config", "policy", "plan", "baseline", "tfstate", "driftignore", "accounts", "orgreport"]:
        shutil.rmtree(OUT / kind, ignore_errors=True)
    inventories()
    configs()
    policies()
    plans()
    baselines()
    tfstates()
    accounts()
    orgreports()
    print(sum(1 for p in OUT.rglob("*") if p.is_file() and p.suffix != ".py"), "files")
