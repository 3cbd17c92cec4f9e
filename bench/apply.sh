#!/usr/bin/env bash
# Benchmark: `apply` of many projects against one `create --wait` per project, under Atlas's
# per-project rate limits, over a slow network. One command from a clean clone:
#
#   bash bench/apply.sh
#
# The bundled emulator adds LATENCY (default 50ms) before every answer, gives each project a
# bucket of 10 requests refilled 5 per 60 s (the Atlas documents' example numbers), and settles
# endpoints after SETTLE (default 5s). It runs `apply` of PROJECTS (default 50) x 3 regions from
# empty, then, on a fresh emulator, the same projects one `create --region A,B,C --wait` at a
# time, and prints requests sent, 429s received and wall time for each. Only loopback traffic.
set -euo pipefail
cd "$(dirname "$0")/.."

LATENCY=${LATENCY:-50ms}
SETTLE=${SETTLE:-5s}
PROJECTS=${PROJECTS:-50}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
REGIONS=(US_EAST_1 EU_WEST_1 AP_SOUTH_1)

command -v curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
echo "== building release binaries"
cargo build --release --locked -p atlas-ear -p atlas-ear-emulator
BIN=$CARGO_TARGET_DIR/release/atlas-ear
EMU=$CARGO_TARGET_DIR/release/atlas-ear-emulator

work=$(mktemp -d)
emu_pid=
stop_emulator() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  emu_pid=
}
trap 'stop_emulator; rm -rf "$work"' EXIT

start_emulator() {
  stop_emulator
  "$EMU" --listen 127.0.0.1:0 --latency "$LATENCY" --settle-after "$SETTLE" --rate-limit 10/5 \
    >"$work/emulator.out" 2>&1 &
  emu_pid=$!
  for _ in $(seq 300); do
    grep -q '^atlas-ear-emulator listening on ' "$work/emulator.out" 2>/dev/null && break
    kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.out"; exit 1; }
    sleep 0.1
  done
  URL=$(sed -n 's/^atlas-ear-emulator listening on \(http:[^ ]*\).*/\1/p' "$work/emulator.out")
  export MONGODB_ATLAS_BASE_URL=$URL
  export MONGODB_ATLAS_PUBLIC_API_KEY=$(sed -n 's/^public key: *//p' "$work/emulator.out")
  export MONGODB_ATLAS_PRIVATE_API_KEY=$(sed -n 's/^private key: *//p' "$work/emulator.out")
  export XDG_CACHE_HOME=$work/cache-$RANDOM
}

# Requests the emulator answered, and how many of them were 429.
count_requests() {
  curl -s "$URL/__emulator/requests" >"$work/log.json"
  python3 - "$work/log.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
items = log if isinstance(log, list) else log.get("requests", [])
api = [r for r in items if r.get("path", "").startswith("/api/")]
print(len(api), sum(1 for r in api if r.get("status") == 429))
PY
}

projects=()
for i in $(seq "$PROJECTS"); do projects+=("$(printf '%024x' "$((0x5f0000 + i))")"); done
file=$work/atlas-ear.toml
for p in "${projects[@]}"; do
  printf '[[project]]\nid = "%s"\naws = ["%s", "%s", "%s"]\n\n' "$p" "${REGIONS[@]}" >>"$file"
done

echo "== apply of $PROJECTS projects x ${#REGIONS[@]} regions"
start_emulator
start=$EPOCHREALTIME
"$BIN" apply -f "$file" --yes -o json >"$work/apply.json" 2>"$work/apply.err" || { tail "$work/apply.err"; exit 1; }
apply_time=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
read -r apply_requests apply_429 < <(count_requests)

echo "== one create --wait per project"
start_emulator
start=$EPOCHREALTIME
for p in "${projects[@]}"; do
  "$BIN" create --project-id "$p" --region "$(IFS=,; echo "${REGIONS[*]}")" --wait -q >/dev/null 2>>"$work/create.err" \
    || { tail "$work/create.err"; exit 1; }
done
create_time=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
read -r create_requests create_429 < <(count_requests)

printf '\n| run (%s projects x %s regions, %s latency, 10 requests + 5/min per project) | requests | 429s | wall time |\n' \
  "$PROJECTS" "${#REGIONS[@]}" "$LATENCY"
printf '| --- | --- | --- | --- |\n'
printf '| `apply` (parallel 8) | %s | %s | %.1f s |\n' "$apply_requests" "$apply_429" "$apply_time"
printf '| one `create --wait` at a time | %s | %s | %.1f s |\n' "$create_requests" "$create_429" "$create_time"
