#!/bin/bash
# Token issuance throughput with status lists on and off, in one run: a release
# `controlplane serve` (embedded PostgreSQL, one data directory) restarted with
# CONTROL_PLANE_STATUS_LISTS=true / false, alternately, and wrk posting token requests over HTTP
# as two callers: `own` — a service account's client-credentials grant (POST /oauth/token), a
# token for the caller itself — and `delegated` — the superuser key asking for a member's token
# (POST /v1/orgs/bench/os/{os}/tokens), which is also written to the organisation's audit chain.
# Usage (from the repository): swift build -c release --product controlplane
#                              Benchmarks/Drivers/issuance-throughput.sh
set -euo pipefail
BIN=${BIN:-$PWD/.build/release/controlplane}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18480}
work=$(mktemp -d)
chmod 755 "$work"  # the embedded PostgreSQL runs as the postgres user
export CONTROL_PLANE_URL=http://127.0.0.1:$PORT CONTROL_PLANE_DATA_DIR=$work/data CONTROL_PLANE_ORG=bench LOG_LEVEL=warning
pid=
start() {
    CONTROL_PLANE_STATUS_LISTS=$1 "$BIN" serve --port "$PORT" --data-dir "$work/data" --migrations-dir Migrations >>"$work/serve.log" 2>&1 &
    pid=$!
    until curl -sf "$CONTROL_PLANE_URL/ready" >/dev/null; do sleep 0.2; done
}
stop() { kill "$pid"; wait "$pid" || true; }
trap 'stop 2>/dev/null; rm -rf "$work"' EXIT

start true
"$BIN" org create bench --name Bench >/dev/null
for alg in RS256 ES256; do
    os=$(echo "$alg" | tr 'A-Z' 'a-z')
    verifier=agentos-auth # stock Agno verifies RS256 only
    [ "$alg" = RS256 ] && verifier=agno
    "$BIN" os register "$os" --name "$os" --algorithm "$alg" --verifier "$verifier" >/dev/null
done
"$BIN" member add alice@bench.test --name Alice >/dev/null
"$BIN" bind alice@bench.test --role os-viewer >/dev/null
"$BIN" grant alice@bench.test agents:web-agent:run --os rs256 >/dev/null
"$BIN" grant alice@bench.test agents:web-agent:run --os es256 >/dev/null
account=$("$BIN" service-account create load --json)
field() { echo "$account" | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
client_id=$(field client_id) client_secret=$(field client_secret) account_id=$(field id)
"$BIN" bind "svc:$account_id" --role os-viewer >/dev/null
key=$(cat "$work/data/admin.key")
for os in rs256 es256; do
    cat >"$work/oauth-$os.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret&audience=bench%2F$os"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
done
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"subject": "alice@bench.test"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
LUA
stop

for round in $(seq "$ROUNDS"); do
    for lists in true false; do
        start "$lists"
        for case in own:rs256 own:es256 delegated:rs256 delegated:es256; do
            caller=${case%%:*} os=${case##*:}
            if [ "$caller" = own ]; then
                url="$CONTROL_PLANE_URL/oauth/token" script="$work/oauth-$os.lua"
            else
                url="$CONTROL_PLANE_URL/v1/orgs/bench/os/$os/tokens" script="$work/post.lua"
            fi
            wrk -t2 -c"$CONNECTIONS" -d2s -s "$script" "$url" >/dev/null # warm-up (signer cache, blocks)
            out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url")
            rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
            p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
            p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
            errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
            echo "round=$round status_lists=$lists caller=$caller os=$os tokens/s=$rps p50=$p50 p99=$p99 non2xx=${errors:-0}"
        done
        stop
    done
done
