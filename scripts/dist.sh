#!/usr/bin/env bash
# The release artifacts, as .github/workflows/release.yml builds them on a tag:
#   scripts/dist.sh [--target TRIPLE]... [--out DIR]
# For each target (default: x86_64-unknown-linux-musl, a static binary), a
# `cargo build --profile dist` (stripped, fat LTO, one codegen unit: Cargo.toml) packed into
# DIR/archaudit-VERSION-TARGET.tar.gz and DIR/archaudit-VERSION-TARGET.cdx.json (a CycloneDX
# SBOM of what that target's build links, from Cargo.lock); then DIR/SHA256SUMS over
# everything. DIR defaults to dist/ in the project. The archives are byte-reproducible for one
# commit (their timestamps are the commit's). Not part of the test suite: a cold dist build
# takes about 20 minutes and 12 GB on 2 cores (docs/release.md has the figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
targets=() out=$root/dist
while [ $# -gt 0 ]; do
  case $1 in
    --target) targets+=("$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "scripts/dist.sh: unknown argument $1 (usage: scripts/dist.sh [--target TRIPLE]... [--out DIR])" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-unknown-linux-musl)
version=$(python3 scripts/package.py version)
# The archives' timestamps; given to the packaging only: the C build scripts (cc) watch
# SOURCE_DATE_EPOCH, and a new value each commit would rebuild aws-lc and all that needs it.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
target_dir=${CARGO_TARGET_DIR:-$root/target}
mkdir -p "$out"
rm -f "$out"/archaudit-"$version"-*.tar.gz "$out"/archaudit-"$version"-*.cdx.json "$out/SHA256SUMS"

for target in "${targets[@]}"; do
  case $target in
    *-linux-musl)
      # The C parts (aws-lc, mimalloc) need a C compiler for musl: Debian's musl-tools gives
      # musl-gcc for the host's own architecture.
      var=CC_${target//-/_}
      if [ -z "${!var:-}" ] && [ "${target%%-*}" = "$(uname -m)" ]; then
        command -v musl-gcc >/dev/null || { echo "scripts/dist.sh: $target needs musl-gcc (apt-get install musl-tools)" >&2; exit 1; }
        export "$var=musl-gcc"
      fi ;;
  esac
  echo "scripts/dist.sh: building $target" >&2
  cargo build --locked --profile dist --target "$target" --bin archaudit
  bin=$target_dir/$target/dist/archaudit
  SOURCE_DATE_EPOCH=$epoch python3 scripts/package.py archive "$bin" "$version" "$target" "$out" >&2
  SOURCE_DATE_EPOCH=$epoch python3 scripts/package.py sbom "$target" "$out/archaudit-$version-$target.cdx.json"
done
python3 scripts/package.py sums "$out"
cat "$out/SHA256SUMS"
