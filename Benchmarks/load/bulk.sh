#!/bin/bash
# Bulk provisioning in one organisation and the cost of a list page as it grows (issue #30): a
# release control plane on its embedded PostgreSQL (fsync on); 16 clients invite members
# (`POST …/members`, one audit event each) until the organisation holds 1,000, 10,000 and
# 100,000 members, reporting the write rate of each stretch; at each size, one page of members
# (first and last, 100 items) is timed. Figures go to docs/performance.md.
#
# Usage (from the repository): swift build -c release --product controlplane && Benchmarks/load/bulk.sh
# SIZES (default "1000 10000 100000"), CONNECTIONS (16).
set -euo pipefail
BIN=${BIN:-$PWD/.build/release}
PORT=${PORT:-18720}
SIZES=${SIZES:-1000 10000 100000}
CONNECTIONS=${CONNECTIONS:-16}
LOAD=$(cd "$(dirname "$0")" && pwd)
fail() { echo "bulk: $*" >&2; exit 1; }
for tool in wrk curl python3; do command -v "$tool" >/dev/null || fail "$tool is required"; done
[ -x "$BIN/controlplane" ] || fail "$BIN/controlplane missing: swift build -c release --product controlplane"

work=$(mktemp -d)
chmod 755 "$work"
trap 'kill "$cp_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
CONTROL_PLANE_DATA_DIR=$work/data LOG_LEVEL=warning "$BIN/controlplane" serve --port "$PORT" --data-dir "$work/data" \
    --migrations-dir Migrations >>"$work/serve.log" 2>&1 &
cp_pid=$!
until curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null; do sleep 0.2; done
key=$(cat "$work/data/admin.key")
curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$PORT/v1/orgs" -d '{"slug": "bulk", "name": "Bulk"}' >/dev/null

count() { ROUNDS=0 python3 "$LOAD/list-timing.py" 127.0.0.1 "$PORT" bulk "$key" 2>/dev/null | awk '{print $1}'; }
have=0
printf '%-8s %-10s %-12s %-10s %-16s %-16s\n' members invited "writes/s" errors "first page p50" "last page p50"
for size in $SIZES; do
    # wrk runs for a duration: estimate it from the last rate, then top up in short runs.
    invited=0 seconds=0 errors=0
    while [ "$have" -lt "$size" ]; do
        need=$((size - have))
        run=$(( need / 800 + 1 )); [ "$run" -gt 60 ] && run=60
        out=$(ORG=bulk KEY=$key wrk -t2 -c"$CONNECTIONS" -d"${run}s" -s "$LOAD/invite.lua" "http://127.0.0.1:$PORT")
        done_now=$(echo "$out" | awk '/requests in/ {print $1}')
        non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
        invited=$((invited + done_now)) seconds=$((seconds + run)) errors=$((errors + ${non2xx:-0}))
        have=$(count)
    done
    timing=$(ROUNDS=${ROUNDS:-200} python3 "$LOAD/list-timing.py" 127.0.0.1 "$PORT" bulk "$key")
    rate=$(python3 -c "print(f'{$invited / $seconds:.0f}')")
    printf '%-8s %-10s %-12s %-10s %-16s %-16s\n' "$have" "$invited" "$rate" "$errors" \
        "$(echo "$timing" | awk '{print $2}') ms" "$(echo "$timing" | awk '{print $3}') ms"
done
echo "control-plane RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$cp_pid/status")"
