#!/bin/bash
# The soak of issue #16: RATE (1,000) tokens/s of client-credentials grants (RS256, status lists on)
# for SOAK_SECONDS (600) against a release control plane on its embedded PostgreSQL, sampling
# the server's RSS every SAMPLE_SECONDS (30). Prints the achieved rate, errors and the RSS
# series; not part of CI.
# Usage (from the repository): swift build -c release --product controlplane && Benchmarks/load/soak.sh
set -euo pipefail
BIN=${BIN:-$PWD/.build/release}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-1000}
PORT=${PORT:-18710}
LOAD=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "soak: wrk is required" >&2; exit 1; }
[ -x "$BIN/controlplane" ] || { echo "soak: build first: swift build -c release --product controlplane" >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
trap 'kill $cp 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export CONTROL_PLANE_URL=http://127.0.0.1:$PORT CONTROL_PLANE_DATA_DIR=$work/data CONTROL_PLANE_ORG=soak LOG_LEVEL=warning
CONTROL_PLANE_ISSUER=$CONTROL_PLANE_URL "$BIN/controlplane" serve --port "$PORT" --data-dir "$work/data" --migrations-dir Migrations \
    >>"$work/serve.log" 2>&1 &
cp=$!
until curl -sf "$CONTROL_PLANE_URL/ready" >/dev/null; do sleep 0.2; done
"$BIN/controlplane" org create soak --name Soak >/dev/null
"$BIN/controlplane" os register prod --name Prod --algorithm RS256 >/dev/null
account=$("$BIN/controlplane" service-account create soak --json)
field() { echo "$account" | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
"$BIN/controlplane" bind "svc:$(field id)" --role os-viewer >/dev/null
export BODY="grant_type=client_credentials&client_id=$(field client_id)&client_secret=$(field client_secret)&audience=soak%2Fprod"
export CONTENT_TYPE=application/x-www-form-urlencoded RATE THREADS=2
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$cp/status"; }
echo "t=0s rss=$(rss)MB"
wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --latency -s "$LOAD/paced.lua" "$CONTROL_PLANE_URL/oauth/token" >"$work/wrk.txt" &
load=$!
for t in $(seq "$SAMPLE_SECONDS" "$SAMPLE_SECONDS" "$SOAK_SECONDS"); do
    sleep "$SAMPLE_SECONDS"
    echo "t=${t}s rss=$(rss)MB"
done
wait "$load"
awk '/Requests\/sec|requests in|Non-2xx|Socket errors|50%|99%/' "$work/wrk.txt"
