#!/usr/bin/env bash
# The container image (Containerfile), from the static binary of scripts/dist.sh:
#   scripts/image.sh [--tag NAME]      default tag: archaudit:VERSION
# Builds with podman (or buildah) from `scratch`: nothing is pulled. Then runs the image as its
# non-root user with a read-only root on the shipped snapshot (fixtures/drifted.json mounted
# read-only, the report written to a mounted out/) and checks exit 1 and the report. Extra
# `podman run` options for a restricted host go in PODMAN_RUN_OPTS (docs/release.md).
# Not part of the test suite (it needs the dist build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(python3 scripts/package.py version)
tag=archaudit:$version
while [ $# -gt 0 ]; do
  case $1 in
    --tag) tag=$2; shift 2 ;;
    *) echo "scripts/image.sh: unknown argument $1 (usage: scripts/image.sh [--tag NAME])" >&2; exit 2 ;;
  esac
done
target=x86_64-unknown-linux-musl
archive=dist/archaudit-$version-$target.tar.gz
[ -f "$archive" ] || { echo "scripts/image.sh: $archive is missing: run scripts/dist.sh first" >&2; exit 1; }
(cd dist && sha256sum --check --ignore-missing SHA256SUMS >&2)
certs=/etc/ssl/certs/ca-certificates.crt
[ -f "$certs" ] || { echo "scripts/image.sh: $certs is missing (apt-get install ca-certificates)" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/etc/ssl/certs" "$ctx/out"
tar -xzf "$archive" -C "$ctx" "archaudit-$version-$target/archaudit"
mv "$ctx/archaudit-$version-$target/archaudit" "$ctx/rootfs/usr/local/bin/archaudit"
cp "$certs" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
echo "archaudit:x:65532:65532:archaudit:/out:/sbin/nologin" > "$ctx/rootfs/etc/passwd"
echo "archaudit:x:65532:" > "$ctx/rootfs/etc/group"
cp Containerfile "$ctx/"

engine=$(command -v podman || command -v buildah || true)
[ -n "$engine" ] || { echo "scripts/image.sh: needs podman or buildah (apt-get install podman)" >&2; exit 1; }
if [ "$(basename "$engine")" = buildah ]; then
  buildah bud --timestamp "${SOURCE_DATE_EPOCH:-0}" -t "$tag" -f "$ctx/Containerfile" "$ctx" >&2
  echo "scripts/image.sh: built $tag with buildah (podman is needed for the smoke run)" >&2
  exit 0
fi
podman build --timestamp "${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}" -t "$tag" -f "$ctx/Containerfile" "$ctx" >&2
podman image inspect "$tag" --format 'scripts/image.sh: {{.Id}} {{.Size}} bytes' >&2

out=$(mktemp -d)
chmod 0777 "$out"
code=0
# shellcheck disable=SC2086 # PODMAN_RUN_OPTS is a list of options
podman run --rm --read-only --network none ${PODMAN_RUN_OPTS:-} \
  -v "$root/fixtures/drifted.json:/in/drifted.json:ro" -v "$out:/out" \
  "$tag" scan --inventory /in/drifted.json --format json --output /out/report.json || code=$?
[ "$code" = 1 ] || { echo "scripts/image.sh: the image's scan exited $code, expected 1 (drift)" >&2; exit 1; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["findings"], "no findings"; print("scripts/image.sh: the image, as uid 65532 with a read-only root, found", len(r["findings"]), "findings in fixtures/drifted.json")' "$out/report.json" >&2
rm -rf "$out"
