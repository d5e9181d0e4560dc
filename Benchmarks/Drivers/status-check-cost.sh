#!/bin/bash
# What a status check costs an OS on a warm cache, in one run: a release `controlplane serve`
# (embedded PostgreSQL, status lists on) issues one RS256 token for a member (it carries a
# `status` claim); two release demo-os processes verify it on `GET /agents` with the same key,
# one with JWT_STATUS_LIST_ORIGIN (checks the claim against the cached list: one fetch, then
# cache hits) and one without (the claim is ignored, as Agno does), alternately under wrk.
# `GET /health` (no auth) of the same demo-os is the baseline.
# Usage (from the repository): swift build -c release --product controlplane
#                              swift build -c release --product demo-os
#                              Benchmarks/Drivers/status-check-cost.sh
set -euo pipefail
BIN=${BIN:-$PWD/.build/release}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18490}
OS_PORT=${OS_PORT:-18491}
work=$(mktemp -d)
chmod 755 "$work"  # the embedded PostgreSQL runs as the postgres user
export CONTROL_PLANE_URL=http://127.0.0.1:$PORT CONTROL_PLANE_DATA_DIR=$work/data CONTROL_PLANE_ORG=bench LOG_LEVEL=warning
CONTROL_PLANE_ISSUER=$CONTROL_PLANE_URL CONTROL_PLANE_STATUS_LISTS=true \
    "$BIN/controlplane" serve --port "$PORT" --data-dir "$work/data" --migrations-dir Migrations >>"$work/serve.log" 2>&1 &
cp=$!
os=
trap 'kill $cp $os 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf "$CONTROL_PLANE_URL/ready" >/dev/null; do sleep 0.2; done
"$BIN/controlplane" org create bench --name Bench >/dev/null
"$BIN/controlplane" os register rs256 --name rs256 --algorithm RS256 >/dev/null
"$BIN/controlplane" member add alice@bench.test --name Alice >/dev/null
"$BIN/controlplane" bind alice@bench.test --role os-viewer --os rs256 >/dev/null
"$BIN/controlplane" os env rs256 >"$work/os.env"
token=$("$BIN/controlplane" token issue --os rs256 --subject alice@bench.test --ttl 3600)
echo "$token" | python3 -c "import base64, json, sys; p = sys.stdin.read().split('.')[1]; sys.exit(0 if 'status_list' in json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4))).get('status', {}) else 1)" ||
    { echo "the token has no status claim" >&2; exit 1; }
cat >"$work/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA

start_os() {  # $1: the status-list origin, or empty for none
    (
        set -a
        . "$work/os.env"
        set +a
        if [ -n "$1" ]; then export JWT_STATUS_LIST_ORIGIN=$1; fi
        exec "$BIN/demo-os" --port "$OS_PORT" >>"$work/os.log" 2>&1
    ) &
    os=$!
    until curl -sf "http://127.0.0.1:$OS_PORT/health" >/dev/null; do sleep 0.2; done
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$OS_PORT/agents")" = 200 ] ||
        { echo "demo-os refused the token" >&2; exit 1; }
}
stop_os() { kill "$os"; wait "$os" 2>/dev/null || true; }
measure() {  # $1: label, $2: path, $3: wrk script or empty
    local args=(-t2 -c"$CONNECTIONS" -d"$DURATION" --latency)
    [ -n "$3" ] && args+=(-s "$3")
    wrk -t2 -c"$CONNECTIONS" -d2s ${3:+-s "$3"} "http://127.0.0.1:$OS_PORT$2" >/dev/null  # warm-up
    local out rps p50
    out=$(wrk "${args[@]}" "http://127.0.0.1:$OS_PORT$2")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    echo "round=$round $1 path=$2 req/s=$rps p50=$p50 non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}

for round in $(seq "$ROUNDS"); do
    start_os ""
    measure "status-check=off" /health ""
    measure "status-check=off" /agents "$work/get.lua"
    stop_os
    start_os "$CONTROL_PLANE_URL"
    measure "status-check=on" /agents "$work/get.lua"
    stop_os
done
echo "status lists served by the control plane: $(curl -s "$CONTROL_PLANE_URL/metrics" | awk '/^controlplane_public_documents_served_total.*document="status_list"/ {s += $2} END {print s + 0}')"
