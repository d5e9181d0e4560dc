#!/bin/bash
# What agentos-gateway costs, in one run (docs/performance.md, "The gateway"):
#   1. a real Agno AgentOS 3.1.10 (examples/agno_os.py) alone, and behind a release gateway:
#      `GET /agents` with one RS256 token (agents:read), same route, same token;
#   2. the gateway in front of a trivial upstream (release demo-os with authentication off,
#      `GET /health`) against that upstream alone: the gateway's own cost per request.
# Alternating, `wrk -t2 -c$CONNECTIONS` for $DURATION after a 2-s warm-up, $ROUNDS rounds; every
# process on this machine's two cores (wrk included).
# Usage (from the repository): swift build -c release --product agentos-gateway
#                              swift build -c release --product demo-os
#                              Benchmarks/Drivers/gateway-cost.sh
set -euo pipefail
BIN=${BIN:-$PWD/.build/release}
PYTHON=${PYTHON:-$PWD/.build/test-python/bin/python}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-2}
AGNO_PORT=${AGNO_PORT:-18591}
DEMO_PORT=${DEMO_PORT:-18592}
GW_AGNO_PORT=${GW_AGNO_PORT:-18593}
GW_DEMO_PORT=${GW_DEMO_PORT:-18594}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
openssl rsa -in "$work/key.pem" -pubout -out "$work/pub.pem" 2>/dev/null
token=$("$PYTHON" -c "
import jwt, time
now = int(time.time())
print(jwt.encode({'sub': 'alice', 'aud': 'bench', 'iat': now, 'exp': now + 3600, 'scopes': ['agents:read']},
                 open('$work/key.pem').read(), algorithm='RS256'))")
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$token" >"$work/get.lua"
export AGENT_OS_ID=bench JWT_VERIFICATION_KEY="$(cat "$work/pub.pem")" LOG_LEVEL=warning

wait_for() { until curl -sf "$1" >/dev/null; do sleep 0.2; done; }
"$PYTHON" examples/agno_os.py --port "$AGNO_PORT" >>"$work/agno.log" 2>&1 &
pids+=($!)
AGENTOS_AUTH_DISABLED=true JWT_VERIFICATION_KEY='' "$BIN/demo-os" --port "$DEMO_PORT" >>"$work/demo.log" 2>&1 &
pids+=($!)
AGENTOS_UPSTREAM_URL=http://127.0.0.1:$AGNO_PORT GATEWAY_PORT=$GW_AGNO_PORT GATEWAY_METRICS_PORT=off \
    "$BIN/agentos-gateway" >>"$work/gw-agno.log" 2>&1 &
pids+=($!)
AGENTOS_UPSTREAM_URL=http://127.0.0.1:$DEMO_PORT GATEWAY_PORT=$GW_DEMO_PORT GATEWAY_METRICS_PORT=off \
    "$BIN/agentos-gateway" >>"$work/gw-demo.log" 2>&1 &
pids+=($!)
for url in "http://127.0.0.1:$AGNO_PORT/health" "http://127.0.0.1:$DEMO_PORT/health" \
    "http://127.0.0.1:$GW_AGNO_PORT/health" "http://127.0.0.1:$GW_DEMO_PORT/health"; do wait_for "$url"; done
for port in "$AGNO_PORT" "$GW_AGNO_PORT"; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/agents")" = 200 ] ||
        { echo "port $port refused the token" >&2; cat "$work"/*.log >&2; exit 1; }
done

measure() {  # $1: label, $2: port, $3: path, $4: wrk script or empty
    wrk -t2 -c"$CONNECTIONS" -d2s ${4:+-s "$4"} "http://127.0.0.1:$2$3" >/dev/null
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${4:+-s "$4"} "http://127.0.0.1:$2$3")
    echo "round=$round $1 path=$3 req/s=$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
        "p50=$(echo "$out" | awk '$1 == "50%" {print $2}') p99=$(echo "$out" | awk '$1 == "99%" {print $2}')" \
        "non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}
for round in $(seq "$ROUNDS"); do
    measure "agno-alone" "$AGNO_PORT" /agents "$work/get.lua"
    measure "agno-behind-gateway" "$GW_AGNO_PORT" /agents "$work/get.lua"
    measure "trivial-upstream-alone" "$DEMO_PORT" /health ""
    measure "trivial-upstream-behind-gateway" "$GW_DEMO_PORT" /health ""
done
