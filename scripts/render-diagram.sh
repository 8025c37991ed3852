#!/usr/bin/env bash
# Renders the Mermaid diagram of an inventory to SVG and PNG, for people to look at (the docs'
# picture is docs/images/drifted-architecture.png). Not part of the test run: the tests parse
# every diagram with mermaid.parse, which needs no browser.
#
#   scripts/render-diagram.sh [INVENTORY] [OUT-PREFIX]
#       default: fixtures/drifted.json → docs/images/drifted-architecture.{svg,png}
#
# Needs Debian's Chromium (`apt-get install chromium`); @mermaid-js/mermaid-cli is installed
# once, locked (tests/tools/render/package-lock.json), into $ARCHAUDIT_VENV/render with
# PUPPETEER_SKIP_DOWNLOAD=1, so puppeteer drives /usr/bin/chromium and downloads nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
inventory=${1:-fixtures/drifted.json}
out=${2:-docs/images/drifted-architecture}
venv=${ARCHAUDIT_VENV:-$root/.venv}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "scripts/render-diagram.sh: $chromium not found: install Debian's chromium (apt-get install chromium)" >&2
  exit 3
fi
dir=$venv/render
want=$(cat tests/tools/render/package.json tests/tools/render/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/.lock.sha256" 2>/dev/null)" != "$want" ]; then
  echo "scripts/render-diagram.sh: installing mermaid-cli into $dir" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  cp tests/tools/render/package.json tests/tools/render/package-lock.json "$dir/"
  (cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$dir/.lock.sha256"
fi
cargo build --quiet
bin=${CARGO_TARGET_DIR:-$root/target}/debug/archaudit
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" diagram --inventory "$inventory" -o "$tmp/diagram.mmd"
# Root cannot run Chromium's sandbox; no network, no first-run work, a fresh profile.
cat > "$tmp/puppeteer.json" <<JSON
{"executablePath": "$chromium",
 "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=$tmp/profile"]}
JSON
mkdir -p "$(dirname "$out")"
for ext in svg png; do
  "$dir/node_modules/.bin/mmdc" -p "$tmp/puppeteer.json" -i "$tmp/diagram.mmd" -o "$out.$ext" \
    -b white -w 1800 -s 2 >&2
done
echo "$out.svg"
echo "$out.png"
