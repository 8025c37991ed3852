#!/usr/bin/env bash
# The whole test suite: unit tests, Rego policy tests, CLI snapshot tests and the collector
# tests against the moto AWS emulator (installed by scripts/venv.sh, started by the tests on
# 127.0.0.1, stopped when they end). Extra arguments go to `cargo test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
ARCHAUDIT_TEST_PYTHON=$(scripts/venv.sh)
export ARCHAUDIT_TEST_PYTHON
# Never let a developer's AWS settings reach the tests.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_EC2_METADATA_DISABLED=true
cargo test --all-targets "$@"
cargo test --doc "$@"
