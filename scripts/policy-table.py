#!/usr/bin/env python3
"""Rewrites the policy table in docs/policies.md from `archaudit policy list --format json`
(read on stdin): cargo run -q -- policy list --format json | scripts/policy-table.py"""
import json
import pathlib
import sys

rows = json.load(sys.stdin)
lines = [
    "| id | severity | title | reads (derived from the Rego) | anchored on | automated fix id |",
    "| --- | --- | --- | --- | --- | --- |",
]
for r in rows:
    lines.append(
        f"| {r['id']} | {r['severity']} | {r['title']} | {', '.join(r['reads'])} "
        f"| {', '.join(r['anchors'])} | {r['fix'] or ''} |"
    )
doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "policies.md"
text = doc.read_text()
start = text.index("| id | severity | title |")
end = text.index("\n\n", start)
doc.write_text(text[:start] + "\n".join(lines) + text[end:])
