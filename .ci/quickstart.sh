#!/usr/bin/env bash
# Runs the README's quick start as a new user would: build, start the emulator, create an
# endpoint, list it, then say how to keep exploring by hand. Each step is labelled so a reader
# can tell what printed what. Fails if any step fails or the output is not what the README
# promises.
set -euo pipefail
cd "$(dirname "$0")/.."

# The first build compiles every dependency (a minute or two): say so, and let cargo show its
# progress rather than sit silent.
echo "building: atlas-ear and atlas-ear-emulator (cargo build; a minute or two the first time)"
cargo build --locked --workspace
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

# A value the emulator printed, from its `name: value` line or its `export VAR=value` line.
printed() {
  sed -n "s/^$1: *\([^ ]*\).*/\1/p; s/^export $2=//p" "$log" | tr -d "'\"" | head -n 1
}
export MONGODB_ATLAS_BASE_URL="$base"
export MONGODB_ATLAS_PUBLIC_API_KEY=$(printed 'public key' MONGODB_ATLAS_PUBLIC_API_KEY)
export MONGODB_ATLAS_PRIVATE_API_KEY=$(printed 'private key' MONGODB_ATLAS_PRIVATE_API_KEY)
export MONGODB_ATLAS_PROJECT_ID=32b6e34b3d91647abb20e7b8
echo "started: the emulator at $base (any 24-hex id is a project there)"

echo
echo "created: atlas-ear create --region US_EAST_1"
"$bin/atlas-ear" create --region US_EAST_1
echo
echo "listed: atlas-ear list"
"$bin/atlas-ear" list
"$bin/atlas-ear" list -o json | grep -q '"regionName":"US_EAST_1"'
echo
echo "checked: atlas-ear list -o json holds the endpoint in US_EAST_1"
echo "quick start: ok"

# The emulator above stops with this script; these lines start one that stays.
cat <<NEXT

Keep exploring: start the emulator in one terminal (it stays until Ctrl-C),
  cargo run -p atlas-ear-emulator -- --listen 127.0.0.1:8080
then paste these lines in another and try atlas-ear:
  export MONGODB_ATLAS_BASE_URL=http://127.0.0.1:8080
  export MONGODB_ATLAS_PUBLIC_API_KEY=$MONGODB_ATLAS_PUBLIC_API_KEY
  export MONGODB_ATLAS_PRIVATE_API_KEY=$MONGODB_ATLAS_PRIVATE_API_KEY
  export MONGODB_ATLAS_PROJECT_ID=$MONGODB_ATLAS_PROJECT_ID
  cargo run -- create --region US_EAST_1,EU_WEST_1 --wait
  cargo run -- list
  cargo run -- --help
NEXT
