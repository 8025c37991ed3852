#!/usr/bin/env bash
# How fast, and in how much memory, archaudit refuses (or reads) large untrusted inputs:
#   - a 10 MB accounts file, valid, and the same with a duplicate id at its end;
#   - 50 MB given to `merge`: zeros, and a JSON object whose first key holds a long array.
# Prints one line per input: wall seconds and peak RSS (median of 3 runs, GNU time).
# Not part of the test suite (no test asserts elapsed time). Usage:
#   scripts/bench-untrusted.sh            # the release binary (built if missing)
#   ARCHAUDIT_BIN=path/to/archaudit scripts/bench-untrusted.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-$root/target}
bin=${ARCHAUDIT_BIN:-$target/release/archaudit}
if [ ! -x "$bin" ]; then
    cargo build --release --bin archaudit >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
lines, i = [], 0
while sum(map(len, lines)) < 10 << 20:
    lines.append(f'[[account]]\nid = "{100000000000 + i}"\nname = "account-{i}"\n\n')
    i += 1
(work / "accounts.toml").write_text("".join(lines))
(work / "accounts-dup.toml").write_text("".join(lines) + '[[account]]\nid = "100000000007"\n')
print(f"accounts files: {i} accounts", file=sys.stderr)
(work / "zeros.json").write_bytes(bytes(50 << 20))
item = '[1, 2, 3, "xxxxxxxxxxxxxxxx"],'
n = (50 << 20) // len(item)
(work / "object.json").write_text('{"junk": [' + item * n + '0]}')
EOF

# One input: median wall seconds and peak RSS (MiB) of 3 runs; the exit code must be 3.
measure() {
    local name=$1
    shift
    local walls=() rss=() code
    for _ in 1 2 3; do
        set +e
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err"
        code=$?
        set -e
        read -r wall kb < <(tail -n 1 "$work/time")
        walls+=("$wall")
        rss+=("$kb")
    done
    local w r
    w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)
    r=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n 2p)
    printf '%-44s %6.2f s %7.1f MiB  exit %s: %s\n' "$name" "$w" "$(echo "$r / 1024" | bc -l)" "$code" \
        "$(head -c 110 "$work/err" | tr '\n' ' ')"
}

export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true
# The endpoint refuses connections: what is measured is reading and checking the file.
nowhere=(--endpoint-url http://127.0.0.1:1 --region us-east-1)
measure "accounts file, 10 MB, a duplicate at its end" "$bin" scan --accounts "$work/accounts-dup.toml" "${nowhere[@]}"
measure "accounts file, 10 MB, valid (then no endpoint)" "$bin" scan --accounts "$work/accounts.toml" "${nowhere[@]}"
measure "merge: 50 MB of zeros" "$bin" merge "$work/zeros.json"
measure "merge: 50 MB object without a version" "$bin" merge "$work/object.json"
