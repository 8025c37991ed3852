#!/usr/bin/env bash
# The steps of the archaudit GitHub Action (action.yml), one subcommand each:
#   where    the cache directory and key for this version and runner (step outputs dir, key)
#   install  puts a verified release on PATH: the archive (from the cache directory, or
#            downloaded into it) must match the SHA-256 committed in this action for that
#            version (action/checksums/VERSION.sha256) and, when gh is there, its build
#            provenance attestation; anything else installs nothing and fails
#   run      runs `archaudit ARGS` and records its exit code (step output exit-code)
# Environment: ARCHAUDIT_VERSION, ARCHAUDIT_DOWNLOAD_URL, ARCHAUDIT_CHECKSUMS,
# ARCHAUDIT_CACHE_DIR, ARCHAUDIT_VERIFY_ATTESTATION (auto|always|never), ARCHAUDIT_REPOSITORY,
# ARCHAUDIT_ARGS, and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE,
# GITHUB_OUTPUT, GITHUB_PATH.
set -euo pipefail

die() { echo "::error title=archaudit action::$*" >&2; exit 1; }

version=${ARCHAUDIT_VERSION#v}
case $version in
  '' | *[!0-9A-Za-z.+-]*) die "version '${ARCHAUDIT_VERSION:-}' is not a release version (like 0.1.0)" ;;
esac

target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    *) die "no archaudit release for runner ${RUNNER_OS:-?}/${RUNNER_ARCH:-?} (Linux and macOS, X64 and ARM64)" ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# The SHA-256 this action carries for ARCHIVE, or a failure naming what is missing.
expected_sha256() {
  local archive=$1 sums=$ARCHAUDIT_CHECKSUMS line
  [ -f "$sums" ] || die "this action carries no checksums for archaudit $version ($sums is missing): use a version this action's commit lists in action/checksums/, or pin a newer commit of the action"
  line=$(grep -E "^[0-9a-f]{64}  $archive\$" "$sums" || true)
  [ -n "$line" ] || die "$sums has no checksum for $archive"
  echo "${line%% *}"
}

download() {
  local url=$1 out=$2 proto='=https'
  case $url in
    https://*) ;;
    http://127.0.0.1[:/]* | http://localhost[:/]*) proto='=http' ;; # a loopback mirror (the tests)
    *) die "download URL $url is neither https nor loopback" ;;
  esac
  curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" \
    --retry 3 --retry-delay 2 --output "$out" "$url" || die "could not download $url"
}

where() {
  local t key
  t=$(target)
  key="archaudit-release-$version-$t"
  echo "dir=${RUNNER_TOOL_CACHE:-$HOME/.cache}/archaudit/$version/$t" >> "$GITHUB_OUTPUT"
  echo "key=$key" >> "$GITHUB_OUTPUT"
}

install() {
  local t name archive want got dir bin
  t=$(target)
  name="archaudit-$version-$t"
  archive="$name.tar.gz"
  want=$(expected_sha256 "$archive")
  dir=$ARCHAUDIT_CACHE_DIR
  mkdir -p "$dir"
  if [ -f "$dir/$archive" ]; then
    got=$(sha256 "$dir/$archive")
    if [ "$got" != "$want" ]; then
      echo "::warning title=archaudit action::the cached $archive does not match its checksum; downloading it again" >&2
      rm -f "$dir/$archive"
    else
      echo "archaudit action: $archive from the cache, SHA-256 $got verified" >&2
    fi
  fi
  if [ ! -f "$dir/$archive" ]; then
    download "${ARCHAUDIT_DOWNLOAD_URL%/}/v$version/$archive" "$dir/$archive.part"
    got=$(sha256 "$dir/$archive.part")
    if [ "$got" != "$want" ]; then
      rm -f "$dir/$archive.part"
      die "$archive: SHA-256 $got does not match $want in $ARCHAUDIT_CHECKSUMS; nothing installed"
    fi
    echo "archaudit action: downloaded $archive, SHA-256 $got verified" >&2
    attest "$dir/$archive.part" "$archive"
    mv "$dir/$archive.part" "$dir/$archive"
  else
    attest "$dir/$archive" "$archive"
  fi
  bin=$(mktemp -d "${RUNNER_TEMP:-/tmp}/archaudit-bin.XXXXXX")
  tar -xzf "$dir/$archive" -C "$bin" "$name/archaudit" || die "$archive holds no $name/archaudit"
  "$bin/$name/archaudit" --version | grep -qx "archaudit $version" \
    || die "$archive's binary is not archaudit $version"
  echo "$bin/$name" >> "$GITHUB_PATH"
  echo "path=$bin/$name/archaudit" >> "$GITHUB_OUTPUT"
}

# attest FILE NAME: FILE's build provenance, as verify-attestation asks; FILE is removed when
# it does not verify (or cannot be verified and must be).
attest() {
  local file=$1 name=$2 mode=${ARCHAUDIT_VERIFY_ATTESTATION:-auto}
  case $mode in
    never) return ;;
    auto | always) ;;
    *) rm -f "$file"; die "verify-attestation is auto, always or never, not '$mode'" ;;
  esac
  if ! command -v gh >/dev/null || [ -z "${GH_TOKEN:-}" ]; then
    if [ "$mode" = always ]; then
      rm -f "$file"
      die "verify-attestation: always, but gh or a token is missing; nothing installed"
    fi
    echo "archaudit action: gh or a token is missing, build provenance not checked (the SHA-256 was)" >&2
    return
  fi
  if ! gh attestation verify "$file" --repo "${ARCHAUDIT_REPOSITORY:-archaudit/archaudit}" >&2; then
    rm -f "$file"
    die "$name: its build provenance attestation did not verify; nothing installed"
  fi
}

run() {
  local argv=() code=0
  # Quoted like a shell command line; nothing is expanded or evaluated.
  if [ -n "${ARCHAUDIT_ARGS//[[:space:]]/}" ]; then
    while IFS= read -r -d '' arg; do argv+=("$arg"); done \
      < <(printf '%s' "$ARCHAUDIT_ARGS" | xargs printf '%s\0')
  fi
  archaudit "${argv[@]}" || code=$?
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
}

case ${1:-} in
  where | install | run) "$1" ;;
  *) die "usage: archaudit-action.sh where|install|run" ;;
esac
