#!/usr/bin/env bash
# The main job without an AWS account.
#
#   scripts/demo.sh          scan the shipped snapshot fixtures/drifted.json (the documented
#                            architecture after a day of console clicking) and show the drift;
#                            exits 1 because it finds high-severity drift, as CI would.
#   scripts/demo.sh live     start the moto emulator on 127.0.0.1, build the documented
#                            architecture in it, and run a live `archaudit scan` against it
#                            (collect + judge); the emulator is stopped afterwards.
#
# Extra arguments go to `archaudit scan` (e.g. --format json).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --quiet
bin=${CARGO_TARGET_DIR:-$root/target}/debug/archaudit

if [ "${1:-}" != "live" ]; then
  exec "$bin" scan --inventory fixtures/drifted.json "$@"
fi
shift
python=$(scripts/venv.sh)
fifo=$(mktemp -u); mkfifo "$fifo"
# The emulator exits when its stdin (held open by fd 9) closes.
exec 9<> "$fifo"
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$python" tests/moto/server.py < "$fifo" > "$fifo.out" &
pid=$!
trap 'exec 9>&-; kill $pid 2>/dev/null || true; rm -f "$fifo" "$fifo.out"' EXIT
for _ in $(seq 100); do grep -q READY "$fifo.out" 2>/dev/null && break; sleep 0.1; done
url=$(awk '/READY/{print $2}' "$fifo.out")
"$python" tests/moto/provision.py "$url" reset reference drift:env_password > /dev/null
echo "emulator at $url holds the documented architecture plus one drift; scanning it live…" >&2
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  "$bin" scan --endpoint-url "$url" "$@"
