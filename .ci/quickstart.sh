#!/usr/bin/env bash
# Runs the README's quick start as a new user would: start the emulator, create an endpoint,
# list it. Fails if any step fails or the output is not what the README promises.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --workspace --quiet
bin="${CARGO_TARGET_DIR:-target}/debug"
log=$(mktemp)
"$bin/atlas-ear-emulator" --listen 127.0.0.1:0 --settle-after 1s >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q 'listening on' "$log" && break
  sleep 0.1
done
base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n 1)
[ -n "$base" ] || { cat "$log"; echo "emulator did not start"; exit 1; }
export MONGODB_ATLAS_BASE_URL="$base"
export MONGODB_ATLAS_PUBLIC_API_KEY=$(sed -n 's/.*public key: *\([^ ]*\).*/\1/p' "$log" | head -n 1)
export MONGODB_ATLAS_PRIVATE_API_KEY=$(sed -n 's/.*private key: *\([^ ]*\).*/\1/p' "$log" | head -n 1)
export MONGODB_ATLAS_PROJECT_ID=32b6e34b3d91647abb20e7b8
"$bin/atlas-ear" create --region US_EAST_1
"$bin/atlas-ear" list
"$bin/atlas-ear" list -o json | grep -q '"regionName":"US_EAST_1"'
echo "quick start: ok"
