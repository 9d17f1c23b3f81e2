#!/usr/bin/env bash
# The collector's fleet and plan endpoints on an imported generated fleet, in the order a first
# visit asks for them: the Overview (GET /api/v1/fleet/summary, first: the fleet read from SQLite
# into the FleetCache; then cached), the Hosts table, GET /api/v1/plan (full sahab-plan/1, first:
# planned from the cached fleet; then cached), the plan summary and a what-if, and GET
# /api/v1/fleet; times as curl sees them on loopback, sizes of the answers and the collector's
# CPU time for each (from /proc/PID/stat).
#
#   bench/collector_plan_bench.sh [BUILD_DIR] [HOSTS]      e.g. bench/collector_plan_bench.sh build 10000
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
HOSTS="${2:-10000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-plan-bench.XXXXXX")"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
AUTH="Authorization: Bearer $(cat "$WORK/token")"

"$BUILD_DIR/bin/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 1 --edges-per-host 5 \
  --out "$WORK/fleet.json"
"$BUILD_DIR/bin/sahab-collector" --listen "127.0.0.1:$PORT" --db "$WORK/sahab.db" \
  --api-token-file "$WORK/token" --planner.config "$ROOT/configs/planner.yaml" --planner.metrics-interval 1h \
  --http.max-body-bytes 268435456 >"$WORK/collector.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" -o /dev/null

cpu() {  # the collector's CPU seconds so far: utime + stime of /proc/PID/stat
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$PID/stat"
}
timed() {  # timed LABEL ARGS...: one request, its time, size and the collector's CPU time
  local before after
  before="$(cpu)"
  curl -fsS -o "$WORK/answer" -w "$1 %{time_total} s %{size_download} bytes" -H "$AUTH" "${@:2}"
  after="$(cpu)"
  echo " (collector CPU $(awk -v a="$before" -v b="$after" 'BEGIN {printf "%.2f", b - a}') s)"
}
echo "hosts: $HOSTS"
timed "GET /api/v1/fleet/summary (first)" "$URL/api/v1/fleet/summary"
timed "GET /api/v1/fleet/summary (cached)" "$URL/api/v1/fleet/summary"
timed "GET /api/v1/fleet/hosts" "$URL/api/v1/fleet/hosts"
timed "GET /api/v1/plan (first)" "$URL/api/v1/plan"
timed "GET /api/v1/plan (cached)" "$URL/api/v1/plan"
timed "GET /api/v1/plan/summary (cached)" "$URL/api/v1/plan/summary"
timed "POST /api/v1/plan/summary comfort 1.5 (first)" -H 'Content-Type: application/json' \
  -d '{"parameters": {"sizing": {"comfort_factor": 1.5}}}' "$URL/api/v1/plan/summary"
timed "POST /api/v1/plan/summary comfort 1.5 (cached)" -H 'Content-Type: application/json' \
  -d '{"parameters": {"sizing": {"comfort_factor": 1.5}}}' "$URL/api/v1/plan/summary"
timed "GET /api/v1/fleet (the export alone)" "$URL/api/v1/fleet"
grep -o 'planned [0-9]* hosts in [0-9]* ms' "$WORK/collector.log" | sed 's/^/collector log: /'
# The same fleet planned offline from the collector's database (read-only, the collector running).
/usr/bin/time -f 'sahab-planner plan --db: %e s wall, %U s user + %S s sys, %M KB peak RSS' \
  -o "$WORK/time.txt" "$BUILD_DIR/bin/sahab-planner" plan --db "$WORK/sahab.db" \
  --config "$ROOT/configs/planner.yaml" --out "$WORK/plan-db.json" 2>/dev/null
cat "$WORK/time.txt"
curl -fsS "$URL/metrics" | grep '^sahab_collector_plan_'
