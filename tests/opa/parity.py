"""Runs archaudit's policy library under real OPA (v1.20.2, embedded in the pinned
opa-golib-python-bindings wheel), for the parity test in tests/opa.rs.

Usage: python tests/opa/parity.py DATA_JSON POLICY_DIR FIXTURE [FIXTURE ...]

DATA_JSON is the `data` document (data.archaudit.architecture, params, testdata). Prints one
JSON object: {"tests": {"<file>::<rule>": true|false|"<error>"}, "findings": {"<fixture>":
[{"package", "msg", "arn", "attribute"}]}}. Nothing leaves the process: no network.
"""

import json
import pathlib
import re
import sys

from opa_bindings.engine import OpaEngine, OpaError, OpaUndefinedError

PACKAGE = re.compile(r"^package\s+([\w.]+)", re.M)
TEST_RULE = re.compile(r"^(test_\w+)\b", re.M)


def main():
    data = json.loads(pathlib.Path(sys.argv[1]).read_text())
    root = pathlib.Path(sys.argv[2])
    files = sorted(root.rglob("*.rego"))
    engine = OpaEngine()
    packages = {}
    for f in files:
        text = f.read_text()
        engine.add_policy(str(f.relative_to(root)), text)
        packages[f] = PACKAGE.search(text).group(1)
    engine.add_data(data)

    tests = {}
    for f in files:
        if not f.name.endswith("_test.rego"):
            continue
        text = f.read_text()
        for name in sorted(set(TEST_RULE.findall(text))):
            key = f"{f.relative_to(root)}::{name}"
            try:
                tests[key] = engine.eval_document(f"{packages[f]}.{name}") is True
            except OpaUndefinedError:
                tests[key] = False
            except OpaError as e:
                tests[key] = f"error: {e}"

    findings = {}
    for fixture in sys.argv[3:]:
        inventory = json.loads(pathlib.Path(fixture).read_text())
        out = []
        for f in files:
            pkg = packages[f]
            if f.name.endswith("_test.rego") or pkg.startswith("archaudit.lib."):
                continue
            try:
                deny = engine.eval_document(f"{pkg}.deny", input=inventory)
            except OpaUndefinedError:
                deny = []
            for r in deny:
                out.append({"package": pkg, "msg": r.get("msg"), "arn": r.get("arn"), "attribute": r.get("attribute", "")})
        findings[pathlib.Path(fixture).name] = out
    print(json.dumps({"tests": tests, "findings": findings}, sort_keys=True))


if __name__ == "__main__":
    main()
