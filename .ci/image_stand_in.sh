#!/usr/bin/env bash
# Runs the static emulator binary the way the Dockerfile's image does (the image itself needs a
# container runtime, which CI does not have): alone in an empty folder, with an empty
# environment apart from ATLAS_EAR_EMULATOR_LISTEN, as the unprivileged uid/gid 65532. Fails
# unless it listens where the variable says and answers its health check.
set -euo pipefail
binary="$1"
folder=$(mktemp -d)
log="$folder/log"
cp "$binary" "$folder/atlas-ear-emulator"
chmod 755 "$folder" "$folder/atlas-ear-emulator"
touch "$log" && chmod 666 "$log"
as_image_user=()
if [ "$(id -u)" = 0 ]; then
  as_image_user=(setpriv --reuid 65532 --regid 65532 --clear-groups)
fi
# A free port other than the default 8080, so the address can only have come from the variable.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -i ATLAS_EAR_EMULATOR_LISTEN="127.0.0.1:$port" "${as_image_user[@]}" "$folder/atlas-ear-emulator" >"$log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -rf "$folder"' EXIT
for _ in $(seq 1 100); do
  grep -q 'listening on' "$log" && break
  sleep 0.1
done
base=$(sed -n 's/^atlas-ear-emulator listening on \(http[^ ]*\).*/\1/p' "$log" | head -n 1)
[ "$base" = "http://127.0.0.1:$port" ] || { cat "$log"; echo "the emulator is not listening on port $port"; exit 1; }
curl -fsS "$base/__emulator/health" >/dev/null
# env and setpriv exec the emulator, so it keeps their process id.
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$emulator/status")
if [ "$(id -u)" = 0 ] && [ "$uid" != 65532 ]; then
  echo "the emulator runs as uid $uid, not 65532"
  exit 1
fi
echo "image stand-in: listening on $base as uid $uid, healthy"
