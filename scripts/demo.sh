#!/usr/bin/env bash
# Collects the reference architecture from the moto emulator: a live-looking run of
# `archaudit collect` without an AWS account. Starts the emulator on 127.0.0.1, provisions
# the documented architecture into it, collects, and stops the emulator again.
# Usage: scripts/demo.sh [extra archaudit collect arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=$(scripts/venv.sh)
fifo=$(mktemp -u); mkfifo "$fifo"
# The emulator exits when its stdin (held open by fd 9) closes.
exec 9<> "$fifo"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$python" tests/moto/server.py < "$fifo" > "$fifo.out" &
pid=$!
trap 'exec 9>&-; kill $pid 2>/dev/null || true; rm -f "$fifo" "$fifo.out"' EXIT
for _ in $(seq 100); do grep -q READY "$fifo.out" 2>/dev/null && break; sleep 0.1; done
url=$(awk '/READY/{print $2}' "$fifo.out")
"$python" tests/moto/provision.py "$url" reset reference > /dev/null
echo "emulator at $url holds the reference architecture; collecting…" >&2
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  cargo run --quiet -- collect --endpoint-url "$url" "$@"
