#!/bin/bash
# The load figures of docs/performance.md, in one run on one machine: a release control plane on
# its embedded PostgreSQL issues tokens over HTTP for both token routes and the three algorithms,
# beside the raw signature rate of the same machine (`openssl speed`, both cores); then demo-os
# verifies them (`/health` without auth vs an authorised `/agents`, one reused token and 20,000
# distinct ones), and a real Agno AgentOS 3.1.10 answers the same route with the same token.
#
# Usage (from the repository):
#   swift build -c release --product controlplane && swift build -c release --product demo-os
#   Benchmarks/load/run.sh
# Needs wrk, openssl, curl and python3; for the Agno row a Python with agno[os]==3.1.10 and
# pyjwt[crypto] (AGNO_PYTHON, by default the venv the test suite creates: .build/test-python).
# AGNO=off leaves the Agno row out; PARTS=issue stops after the issuance runs. DURATION (10s), ISSUE_CONNECTIONS (32: enough requests in flight
# to cover a group commit's fsync), OS_CONNECTIONS (32).
set -euo pipefail
BIN=${BIN:-$PWD/.build/release}
DURATION=${DURATION:-10s}
ISSUE_CONNECTIONS=${ISSUE_CONNECTIONS:-32}
OS_CONNECTIONS=${OS_CONNECTIONS:-32}
PORT=${PORT:-18700}
OS_PORT=${OS_PORT:-18701}
AGNO_PORT=${AGNO_PORT:-18702}
AGNO=${AGNO:-on}
PARTS=${PARTS:-all}
AGNO_PYTHON=${AGNO_PYTHON:-$PWD/.build/test-python/bin/python}
LOAD=$(cd "$(dirname "$0")" && pwd)

fail() { echo "load: $*" >&2; exit 1; }
for tool in wrk openssl curl python3; do command -v "$tool" >/dev/null || fail "$tool is required"; done
for product in controlplane demo-os; do
    [ -x "$BIN/$product" ] || fail "$BIN/$product missing: swift build -c release --product $product"
done
if [ "$AGNO" = on ]; then
    "$AGNO_PYTHON" -c "import agno, jwt" 2>/dev/null ||
        fail "no Python with agno[os]==3.1.10 and pyjwt at $AGNO_PYTHON (run the test suite once, set AGNO_PYTHON, or AGNO=off)"
fi

work=$(mktemp -d)
chmod 755 "$work" # the embedded PostgreSQL runs as the postgres user
results=$work/results
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
export CONTROL_PLANE_URL=http://127.0.0.1:$PORT CONTROL_PLANE_DATA_DIR=$work/data CONTROL_PLANE_ORG=bench LOG_LEVEL=warning
cp_cli() { "$BIN/controlplane" "$@"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# wrk's figures as one line: label req/s p50 p99 errors.
measure() { # label url wrk-args...
    local label=$1 url=$2
    shift 2
    wrk -t2 -d2s "$@" "$url" >/dev/null # warm-up: signer caches, status blocks, connections
    local out
    out=$(wrk -t2 -d"$DURATION" --latency "$@" "$url")
    echo "$out" | awk -v label="$label" '
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
        /Non-2xx/ { errors += $NF }
        /Socket errors/ { for (i = 4; i <= NF; i += 2) { gsub(",", "", $i); errors += $i } }
        END { printf "%s %s %s %s %d\n", label, rps, p50, p99, errors }' | tee -a "$results"
}

echo "== raw signatures: openssl speed -multi 2 (both cores)"
speed() { openssl speed -multi 2 -seconds 5 "$1" 2>/dev/null; }
raw_rs256=$(speed rsa2048 | awk '/^rsa 2048 bits/ {print $6}')
raw_es256=$(speed ecdsap256 | awk '/ecdsa \(nistp256\)/ {print $7}')
raw_eddsa=$(speed ed25519 | awk '/EdDSA \(Ed25519\)/ {print $7}')
echo "RS256 $raw_rs256 sign/s, ES256 $raw_es256 sign/s, EdDSA $raw_eddsa sign/s"
echo "== raw signatures: controlplane keys speed (the issuance signer: RS256 on OpenSSL, the rest on swift-crypto; both cores)"
own() { "$BIN/controlplane" keys speed --algorithm "$1" --seconds 5 "${@:2}" | awk '{print $2}'; }
own_rs256=$(own RS256) own_es256=$(own ES256) own_eddsa=$(own EdDSA)
# BoringSSL's RSA, the signer RS256 used before (binaries older than --rsa-backend: the same figure).
boring_rs256=$(own RS256 --rsa-backend boringssl 2>/dev/null || echo "$own_rs256")
echo "RS256 $own_rs256 sign/s (BoringSSL: $boring_rs256), ES256 $own_es256 sign/s, EdDSA $own_eddsa sign/s"

echo "== control plane: set-up"
CONTROL_PLANE_ISSUER=$CONTROL_PLANE_URL "$BIN/controlplane" serve --port "$PORT" --data-dir "$work/data" \
    --migrations-dir Migrations >>"$work/serve.log" 2>&1 &
cp_pid=$!
pids+=("$cp_pid")
until curl -sf "$CONTROL_PLANE_URL/ready" >/dev/null; do sleep 0.2; done
cp_cli org create bench --name Bench >/dev/null
for alg in RS256 ES256 EdDSA; do
    os=$(echo "$alg" | tr 'A-Z' 'a-z')
    verifier=agentos-auth # stock Agno verifies RS256 only; the RS256 OS is also the one Agno runs with
    [ "$alg" = RS256 ] && verifier=agno
    cp_cli os register "$os" --name "$os" --algorithm "$alg" --verifier "$verifier" >/dev/null
done
cp_cli member add alice@bench.test --name Alice >/dev/null
cp_cli bind alice@bench.test --role os-viewer >/dev/null
for os in rs256 es256 eddsa; do cp_cli grant alice@bench.test agents:web-agent:run --os "$os" >/dev/null; done
account=$(cp_cli service-account create load --json)
field() { echo "$account" | python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
client_id=$(field client_id) client_secret=$(field client_secret)
cp_cli bind "svc:$(field id)" --role os-viewer >/dev/null
admin_key=$(cat "$work/data/admin.key")
cat >"$work/delegated.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"subject": "alice@bench.test"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $admin_key"
LUA

echo "== control plane: token issuance (wrk -t2 -c$ISSUE_CONNECTIONS, $DURATION)"
for alg in RS256 ES256 EdDSA; do
    os=$(echo "$alg" | tr 'A-Z' 'a-z')
    cat >"$work/oauth-$os.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret&audience=bench%2F$os"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
    measure "issue:delegated:$alg" "$CONTROL_PLANE_URL/v1/orgs/bench/os/$os/tokens" -c"$ISSUE_CONNECTIONS" -s "$work/delegated.lua"
    echo "rss:delegated:$alg $(rss_mb "$cp_pid")" >>"$results"
    measure "issue:oauth:$alg" "$CONTROL_PLANE_URL/oauth/token" -c"$ISSUE_CONNECTIONS" -s "$work/oauth-$os.lua"
    echo "rss:oauth:$alg $(rss_mb "$cp_pid")" >>"$results"
done

report() {
    RAW_RS256=$raw_rs256 RAW_ES256=$raw_es256 RAW_EDDSA=$raw_eddsa OWN_RS256=$own_rs256 OWN_ES256=$own_es256 OWN_EDDSA=$own_eddsa \
        BORING_RS256=$boring_rs256 python3 "$LOAD/report.py" "$results"
}
if [ "$PARTS" = issue ]; then
    report
    exit 0
fi

echo "== tokens for the OS runs"
token=$(cp_cli token issue --os rs256 --subject alice@bench.test --ttl 3600)
mkdir "$work/tokens"
TOKEN_DIR=$work/tokens FORM_BODY="grant_type=client_credentials&client_id=$client_id&client_secret=$client_secret&audience=bench%2Frs256" \
    wrk -t2 -c"$ISSUE_CONNECTIONS" -d"${COLD_SECONDS:-20}s" -s "$LOAD/capture-tokens.lua" "$CONTROL_PLANE_URL/oauth/token" >/dev/null
cat "$work"/tokens/tokens-*.txt | sort -u >"$work/cold.txt"
cold_count=$(wc -l <"$work/cold.txt")
[ "$cold_count" -gt 12000 ] || fail "only $cold_count distinct tokens for the cold run (the verifier caches 10,000): raise COLD_SECONDS"
echo "$cold_count distinct RS256 tokens"
cp_cli os env rs256 >"$work/os.env"
echo "rss:control-plane:end $(rss_mb "$cp_pid")" >>"$results"

echo "== demo-os (wrk -t2 -c$OS_CONNECTIONS, $DURATION)"
(
    set -a
    . "$work/os.env"
    set +a
    exec "$BIN/demo-os" --port "$OS_PORT" >>"$work/os.log" 2>&1
) &
pids+=("$!")
until curl -sf "http://127.0.0.1:$OS_PORT/health" >/dev/null; do sleep 0.2; done
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$OS_PORT/agents")" = 200 ] ||
    fail "demo-os refused the token"
echo "wrk.headers[\"Authorization\"] = \"Bearer $token\"" >"$work/warm.lua"
measure "cp:/health" "$CONTROL_PLANE_URL/health" -c"$OS_CONNECTIONS"
measure "os:demo:/health" "http://127.0.0.1:$OS_PORT/health" -c"$OS_CONNECTIONS"
measure "os:demo:/agents:warm" "http://127.0.0.1:$OS_PORT/agents" -c"$OS_CONNECTIONS" -s "$work/warm.lua"
TOKENS=$work/cold.txt measure "os:demo:/agents:cold" "http://127.0.0.1:$OS_PORT/agents" -c"$OS_CONNECTIONS" -s "$LOAD/cold-tokens.lua"
measure "cp:/health" "$CONTROL_PLANE_URL/health" -c"$OS_CONNECTIONS"
measure "os:demo:/health" "http://127.0.0.1:$OS_PORT/health" -c"$OS_CONNECTIONS"
measure "os:demo:/agents:warm" "http://127.0.0.1:$OS_PORT/agents" -c"$OS_CONNECTIONS" -s "$work/warm.lua"

if [ "$AGNO" = on ]; then
    echo "== Agno AgentOS 3.1.10 (examples/agno_os.py, same key, route and token)"
    (
        set -a
        . "$work/os.env"
        set +a
        exec "$AGNO_PYTHON" examples/agno_os.py --port "$AGNO_PORT" >>"$work/agno.log" 2>&1
    ) &
    pids+=("$!")
    for _ in $(seq 150); do curl -sf "http://127.0.0.1:$AGNO_PORT/health" >/dev/null && break; sleep 0.2; done
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$AGNO_PORT/agents")" = 200 ] ||
        fail "Agno refused the token (log: $(tail -3 "$work/agno.log"))"
    measure "os:agno:/health" "http://127.0.0.1:$AGNO_PORT/health" -c"$OS_CONNECTIONS"
    measure "os:agno:/agents:warm" "http://127.0.0.1:$AGNO_PORT/agents" -c"$OS_CONNECTIONS" -s "$work/warm.lua"
fi

report
