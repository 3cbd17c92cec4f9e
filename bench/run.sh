#!/usr/bin/env bash
# Benchmark: atlas-ear against `curl --digest` on a slow network, simulated by the bundled
# emulator adding a fixed latency before every response. One command from a clean clone:
#
#   bash bench/run.sh
#
# It installs hyperfine (and curl, /usr/bin/time) with apt-get when missing, builds the release
# binaries, starts the emulator on 127.0.0.1 with --latency, and prints each comparison with its
# ratio against the target. Only loopback traffic. Knobs: LATENCY (default 50ms), RUNS (default
# 20 per command), CARGO_TARGET_DIR (default ./target).
set -euo pipefail
cd "$(dirname "$0")/.."

LATENCY=${LATENCY:-50ms}
RUNS=${RUNS:-20}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
REGIONS=(US_EAST_1 US_WEST_2 EU_WEST_1 AP_SOUTH_1 SA_EAST_1)
ACCEPT="Accept: application/vnd.atlas.2023-01-01+json"

need_apt=()
command -v hyperfine >/dev/null 2>&1 || need_apt+=(hyperfine)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

echo "== building release binaries"
cargo build --release --locked -p atlas-ear -p atlas-ear-emulator
BIN=$CARGO_TARGET_DIR/release/atlas-ear
EMU=$CARGO_TARGET_DIR/release/atlas-ear-emulator

work=$(mktemp -d)
emu_pid=
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$EMU" --listen 127.0.0.1:0 --latency "$LATENCY" --settle-after 1h >"$work/emulator.out" 2>&1 &
emu_pid=$!
for _ in $(seq 300); do
  grep -q '^atlas-ear-emulator listening on ' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.out"; exit 1; }
  sleep 0.1
done
URL=$(sed -n 's/^atlas-ear-emulator listening on \(http:[^ ]*\).*/\1/p' "$work/emulator.out")
PUB=$(sed -n 's/^public key: *//p' "$work/emulator.out")
PRIV=$(sed -n 's/^private key: *//p' "$work/emulator.out")
[ -n "$URL" ] && [ -n "$PUB" ] && [ -n "$PRIV" ] || { echo "emulator did not start"; cat "$work/emulator.out"; exit 1; }

# The emulator's demo keys; the cache lives in the scratch directory, not in the user's.
export MONGODB_ATLAS_BASE_URL=$URL MONGODB_ATLAS_PUBLIC_API_KEY=$PUB MONGODB_ATLAS_PRIVATE_API_KEY=$PRIV
export XDG_CACHE_HOME=$work/cache
new_project() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
LIST_PROJECT=$(new_project)
collection() { echo "$URL/api/atlas/v2/groups/$1/encryptionAtRest/AWS/privateEndpoints"; }

mean_of() { awk -F, -v name="$2" 'NR > 1 && $1 == name { print $2 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "meets" : "MISSES" }'; }
hf() { hyperfine --style basic "$@"; }

echo
echo "== machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); latency $LATENCY per response"

echo
echo "== 1. list (warm challenge cache) vs curl --digest, the same single GET"
"$BIN" --project-id "$LIST_PROJECT" list >/dev/null   # warms the cache
hf -N --runs "$RUNS" --warmup 3 --export-csv "$work/list.csv" \
  -n atlas-ear "$BIN --project-id $LIST_PROJECT list -o json" \
  -n curl "curl -sS -f --digest -u $PUB:$PRIV -H '$ACCEPT' -o /dev/null $(collection "$LIST_PROJECT")?includeCount=true&itemsPerPage=500&pageNum=1"
list_ratio=$(ratio "$(mean_of "$work/list.csv" atlas-ear)" "$(mean_of "$work/list.csv" curl)")

echo
echo "== 2. create in five regions vs five sequential curl --digest POSTs (fresh project each run)"
create_ratio=
probe=$(new_project)
if "$BIN" --project-id "$probe" create --region "US_EAST_1,US_WEST_2" -o json >/dev/null 2>"$work/probe.err"; then
  regions_csv=$(IFS=,; echo "${REGIONS[*]}")
  cat >"$work/atlas-create.sh" <<EOF
"$BIN" --project-id "\$(cat "$work/project")" create --region $regions_csv -o json >/dev/null
EOF
  cat >"$work/curl-create.sh" <<EOF
project=\$(cat "$work/project")
for region in ${REGIONS[*]}; do
  curl -sS -f --digest -u "$PUB:$PRIV" -H "$ACCEPT" -H "Content-Type: application/vnd.atlas.2023-01-01+json" \\
    -X POST --data "{\"regionName\": \"\$region\"}" -o /dev/null "$URL/api/atlas/v2/groups/\$project/encryptionAtRest/AWS/privateEndpoints"
done
EOF
  hf --runs "$RUNS" --warmup 1 --prepare "sh -c 'od -An -N12 -tx1 /dev/urandom | tr -d \" \\n\" > $work/project'" \
    --export-csv "$work/create.csv" \
    -n atlas-ear "bash $work/atlas-create.sh" \
    -n curl "bash $work/curl-create.sh"
  create_ratio=$(ratio "$(mean_of "$work/create.csv" atlas-ear)" "$(mean_of "$work/create.csv" curl)")
else
  echo "skipped: this build has no multi-region create (--region a,b,c,d,e):"
  sed 's/^/  /' "$work/probe.err"
fi

echo
echo "== 3. --version vs curl --version"
hf -N --warmup 20 --runs $((RUNS * 10)) --export-csv "$work/version.csv" \
  -n atlas-ear "$BIN --version" -n curl "curl --version"
version_ratio=$(ratio "$(mean_of "$work/version.csv" atlas-ear)" "$(mean_of "$work/version.csv" curl)")

echo
echo "== 4. peak memory of list over 500 endpoints"
MEM_PROJECT=$(new_project)
curl -sS -f -o /dev/null -X POST "$URL/__emulator/endpoints" \
  --data "{\"groupId\": \"$MEM_PROJECT\", \"provider\": \"AWS\", \"region\": \"US_EAST_1\", \"count\": 500}"
peak_kb=0
for format in table json; do
  /usr/bin/time -v "$BIN" --project-id "$MEM_PROJECT" list -o "$format" >"$work/list.$format" 2>"$work/time.$format"
  kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.$format")
  rows=$(grep -o US_EAST_1 "$work/list.$format" | wc -l)
  echo "list -o $format: $rows endpoints, peak RSS $kb KB"
  [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
done
peak_mb=$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')
size_mb=$(awk -v b="$(stat -c %s "$BIN")" 'BEGIN { printf "%.2f", b / 1048576 }')

echo
echo "== results (latency $LATENCY, hyperfine means over $RUNS runs; --version over $((RUNS * 10)))"
printf '%-50s %8s   target %-7s %s\n' "list, warm cache / curl --digest GET" "$list_ratio" "<= 0.6" "$(verdict "$list_ratio" 0.6)"
if [ -n "$create_ratio" ]; then
  printf '%-50s %8s   target %-7s %s\n' "create in 5 regions / 5 x curl --digest POST" "$create_ratio" "<= 0.3" "$(verdict "$create_ratio" 0.3)"
else
  printf '%-50s %8s   target %-7s %s\n' "create in 5 regions / 5 x curl --digest POST" "n/a" "<= 0.3" "not measured (no multi-region create)"
fi
printf '%-50s %8s   target %-7s %s\n' "atlas-ear --version / curl --version" "$version_ratio" "<= 1.5" "$(verdict "$version_ratio" 1.5)"
printf '%-50s %5s MB   target %-7s %s\n' "peak RSS, list over 500 endpoints" "$peak_mb" "< 15 MB" "$(verdict "$peak_mb" 14.999)"
printf '%-50s %5s MB   target %-7s %s\n' "release binary size" "$size_mb" "< 6 MB" "$(verdict "$size_mb" 5.999)"
