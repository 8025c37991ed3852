#!/usr/bin/env bash
# Bounded fuzzing of archaudit's parsers of untrusted input (not part of the test suite):
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
# Needs the nightly toolchain; installs cargo-fuzz (pinned) once. Seeds come from the
# shipped fixtures and the bad-input corpus; crashes land in fuzz/artifacts/<target>/ —
# fix them and add the input to tests/corpus/ (tests/corpus/make.py).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(inventory config metadata policy_doc report plan tfstate)
fi
CARGO_FUZZ_VERSION=0.13.2
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
# No sanitizer by default: Rust code is memory-safe outside `unsafe`, and an AddressSanitizer
# build of the AWS SDK crates (which the library links) needed over 20 GB for aws-sdk-ec2 alone
# on this machine. Panics, aborts, stack overflows, timeouts and OOMs are still caught.
# FUZZ_SANITIZER=address to use one anyway.
SANITIZER=${FUZZ_SANITIZER:-none}
export CARGO_TARGET_DIR=${ARCHAUDIT_FUZZ_TARGET_DIR:-$HOME/.cache/archaudit/fuzz-target}
seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $target in
    inventory) cp fixtures/*.json tests/corpus/inventory/* "$dir"/ ;;
    config) cp src/archaudit.default.toml tests/corpus/config/* "$dir"/ ;;
    metadata) find policies -name '*.rego' ! -name '*_test.rego' -exec cp {} "$dir"/ \; ; cp tests/corpus/policy/* "$dir"/ ;;
    policy_doc) printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"y"}}}]}' > "$dir/seed.json" ;;
    report) cp tests/corpus/baseline/* "$dir"/ ;;
    plan) cp tests/corpus/plan/* "$dir"/ ;;
    tfstate) cp tests/tfstate/reference.tfstate tests/corpus/tfstate/* "$dir"/ ;;
  esac
}
status=0
for t in "${TARGETS[@]}"; do
  seed "$t"
  echo "== $t: ${SECONDS_PER_TARGET}s"
  if cargo +nightly fuzz run -s "$SANITIZER" "$t" "fuzz/corpus/$t" -- -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 2>&1 | tee "/tmp/archaudit-fuzz-$t.log" | grep -E "^#[0-9]+ +DONE|Done [0-9]+ runs|SUMMARY|panicked"; then :; fi
  if grep -q "SUMMARY\|panicked\|deadly signal" "/tmp/archaudit-fuzz-$t.log"; then
    echo "!! $t: crash, see fuzz/artifacts/$t/"; status=1
  else
    grep -Eo "Done [0-9]+ runs in [0-9]+ second" "/tmp/archaudit-fuzz-$t.log" | tail -1 | sed "s/^/   $t: /"
  fi
done
exit $status
