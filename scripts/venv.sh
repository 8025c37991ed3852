#!/usr/bin/env bash
# Creates (once) the Python tooling the tests need and prints the python of the emulator's
# venv. Everything lives under $ARCHAUDIT_VENV (default: .venv in the project), pinned, and is
# rebuilt only when its pin changes:
#   $venv          the moto emulator and boto3 (tests/moto/requirements.txt)
#   $venv/awscli   the AWS CLI v1 in a venv of its own: it vendors a botocore that must not
#                  meet moto's (tests/moto/awscli-requirements.txt)
#   $venv/opa      real OPA v1.20.2 for the parity test: the opa-golib-python-bindings wheel,
#                  published for Python 3.14 only but loadable on older ones, so it is
#                  downloaded and unpacked (tests put the directory on PYTHONPATH)
#   $venv/lint     actionlint, for the example workflow (tests/tools/lint-requirements.txt)
#   $venv/node     Node tools from npm, locked in tests/tools/package-lock.json: the SARIF
#                  Multitool (SARIF schema + GitHub ingestion rules) and mermaid + jsdom
#                  (mermaid.parse for every generated diagram)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${ARCHAUDIT_VENV:-$root/.venv}

# ensure_venv DIR REQUIREMENTS WHAT: a venv at DIR with REQUIREMENTS installed.
ensure_venv() {
  local dir=$1 req=$2 what=$3
  local stamp=$dir/.requirements.sha256 want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -x "$dir/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "scripts/venv.sh: installing $what into $dir (pinned in ${req#"$root"/})" >&2
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
    echo "$want" > "$stamp"
  fi
}

ensure_venv "$venv" "$root/tests/moto/requirements.txt" "the moto emulator"
ensure_venv "$venv/awscli" "$root/tests/moto/awscli-requirements.txt" "the AWS CLI"

opa_pin=opa-golib-python-bindings==0.4.4
if [ "$(cat "$venv/opa/.pin" 2>/dev/null)" != "$opa_pin" ]; then
  echo "scripts/venv.sh: fetching $opa_pin into $venv/opa" >&2
  rm -rf "$venv/opa" && mkdir -p "$venv/opa"
  "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.14 --platform manylinux_2_34_x86_64 -d "$venv/opa" "$opa_pin" >&2
  "$venv/bin/python" -m zipfile -e "$venv"/opa/*.whl "$venv/opa" >&2
  echo "$opa_pin" > "$venv/opa/.pin"
fi
ensure_venv "$venv/lint" "$root/tests/tools/lint-requirements.txt" "actionlint"

node_dir=$venv/node
want=$(cat "$root/tests/tools/package.json" "$root/tests/tools/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$node_dir/.lock.sha256" 2>/dev/null)" != "$want" ]; then
  echo "scripts/venv.sh: installing the SARIF Multitool and mermaid into $node_dir (locked in tests/tools/package-lock.json)" >&2
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  cp "$root/tests/tools/package.json" "$root/tests/tools/package-lock.json" "$node_dir/"
  # --ignore-scripts: the one install script only marks the Multitool executable.
  (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  chmod u+x "$node_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  echo "$want" > "$node_dir/.lock.sha256"
fi
echo "$venv/bin/python"
