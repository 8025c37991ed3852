#!/usr/bin/env bash
# Creates (once) the Python venv holding the pinned moto emulator the tests run against, and
# prints its python's path. The venv lives in $ARCHAUDIT_VENV (default: .venv in the project);
# it is rebuilt when tests/moto/requirements.txt changes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ARCHAUDIT_VENV:-$root/.venv}
req=$root/tests/moto/requirements.txt
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "scripts/venv.sh: installing the moto emulator into $venv (pinned in tests/moto/requirements.txt)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" > "$stamp"
fi
# The AWS CLI, pinned, in a venv of its own (its vendored botocore must not meet moto's):
# $venv/awscli/bin/aws runs the remediation commands in the tests.
cli_req=$root/tests/moto/awscli-requirements.txt
cli_stamp=$venv/awscli/.requirements.sha256
cli_want=$(sha256sum "$cli_req" | cut -d' ' -f1)
if [ ! -x "$venv/awscli/bin/aws" ] || [ "$(cat "$cli_stamp" 2>/dev/null)" != "$cli_want" ]; then
  echo "scripts/venv.sh: installing the AWS CLI into $venv/awscli (pinned in tests/moto/awscli-requirements.txt)" >&2
  python3 -m venv "$venv/awscli"
  "$venv/awscli/bin/pip" install --quiet --disable-pip-version-check -r "$cli_req" >&2
  echo "$cli_want" > "$cli_stamp"
fi
# Real OPA for the parity test (tests/opa.rs): the opa-golib-python-bindings wheel embeds OPA
# v1.20.2 as a shared library with a ctypes wrapper. It is published for Python 3.14 only but
# loads on older ones, so it is downloaded (pinned) and unpacked into $venv/opa rather than
# installed; tests put that directory on PYTHONPATH.
opa_pin=opa-golib-python-bindings==0.4.4
if [ "$(cat "$venv/opa/.pin" 2>/dev/null)" != "$opa_pin" ]; then
  echo "scripts/venv.sh: fetching $opa_pin into $venv/opa" >&2
  rm -rf "$venv/opa" && mkdir -p "$venv/opa"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.14 --platform manylinux_2_34_x86_64 -d "$venv/opa" "$opa_pin" >&2
  "$venv/bin/python" -m zipfile -e "$venv"/opa/*.whl "$venv/opa" >&2
  echo "$opa_pin" > "$venv/opa/.pin"
fi
echo "$venv/bin/python"
