#!/usr/bin/env bash
# Runs the quick start (.ci/quickstart.sh) and checks what a newcomer reads: the build is
# announced and cargo's own progress shows, every step is labelled, and it ends with the lines
# to keep exploring (the emulator command and one export line per variable, each with a value).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash .ci/quickstart.sh 2>&1 | tee "$out"

fail() { echo "quick start check: $1" >&2; exit 1; }
head -n 1 "$out" | grep -q '^building: ' || fail "the first line does not say it is building"
grep -q 'Finished `dev` profile' "$out" || fail "cargo's progress is hidden"
for label in 'started: ' 'created: ' 'listed: ' 'checked: ' 'quick start: ok' 'Keep exploring'; do
  grep -q "^$label" "$out" || fail "no line starting with '$label'"
done
grep -q '^  cargo run -p atlas-ear-emulator -- --listen ' "$out" || fail "no emulator command"
for var in MONGODB_ATLAS_BASE_URL MONGODB_ATLAS_PUBLIC_API_KEY MONGODB_ATLAS_PRIVATE_API_KEY \
  MONGODB_ATLAS_PROJECT_ID; do
  grep -Eq "^  export $var=[^ ]+$" "$out" || fail "no export line with a value for $var"
done
echo "quick start check: ok"
