#!/usr/bin/env bash
# The collector's fleet and plan endpoints on an imported generated fleet, in the order a first
# visit asks for them: the Overview (GET /api/v1/fleet/summary, first: the fleet read from the
# store into the FleetCache; then cached), the Hosts table, GET /api/v1/plan (full sahab-plan/1,
# first: planned from the cached fleet; then cached), the plan summary and a what-if, and GET
# /api/v1/fleet; times as curl sees them on loopback, sizes of the answers and the collector's
# CPU time for each (from /proc/PID/stat). Before those, the collector is restarted on the
# imported store and GET /api/v1/fleet runs first while its RSS is sampled every 20 ms: what the
# export adds to the collector's memory, with no freed import buffers for it to reuse.
#
#   bench/collector_plan_bench.sh [BUILD_DIR] [HOSTS]      e.g. bench/collector_plan_bench.sh build 10000
#   SAHAB_BENCH_STORE=postgresql://user:pw@127.0.0.1:5432/bench bench/collector_plan_bench.sh build
#     (an empty PostgreSQL database instead of a temporary SQLite file; the planner reads it too)
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
HOSTS="${2:-10000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/bench/collector_lib.sh"
bench_workspace plan-bench
AUTH="Authorization: Bearer $(cat "$WORK/token")"

STORE=(--db "$WORK/sahab.db")
[[ -n "${SAHAB_BENCH_STORE:-}" ]] && STORE=(--store "$SAHAB_BENCH_STORE")

"$BUILD_DIR/bin/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 1 --edges-per-host 5 \
  --out "$WORK/fleet.json"
start_collector() {
  "$BUILD_DIR/bin/sahab-collector" --listen "127.0.0.1:$PORT" "${STORE[@]}" \
    --api-token-file "$WORK/token" --planner.config "$ROOT/configs/planner.yaml" \
    --planner.metrics-interval 1h --http.max-body-bytes 268435456 \
    --sources.key-file "$WORK/sources.key" >>"$WORK/collector.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break; sleep 0.1; done
}
start_collector
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" -o /dev/null
kill "$PID"
wait "$PID" 2>/dev/null || true
start_collector

# GET /api/v1/fleet with the collector's RSS sampled every 20 ms (at most 2 minutes).
export_rss() {
  local before peak fetch
  before="$(rss_kb)"
  curl -fsS --max-time 120 -o "$WORK/export.json" -w '%{time_total}' -H "$AUTH" \
    "$URL/api/v1/fleet" >"$WORK/export.time" &
  fetch=$!
  peak="$(peak_rss_while "$fetch")"
  wait "$fetch"
  echo "GET /api/v1/fleet (first request after a restart) $(cat "$WORK/export.time") s" \
    "$(stat -c %s "$WORK/export.json") bytes; collector RSS $before KB before, $peak KB at peak" \
    "(+$((peak - before)) KB)"
}

timed() {  # timed LABEL ARGS...: one request, its time, size and the collector's CPU time
  local before after
  before="$(cpu)"
  curl -fsS -o "$WORK/answer" -w "$1 %{time_total} s %{size_download} bytes" -H "$AUTH" "${@:2}"
  after="$(cpu)"
  echo " (collector CPU $(awk -v a="$before" -v b="$after" 'BEGIN {printf "%.2f", b - a}') s)"
}
echo "hosts: $HOSTS, store: $([[ -n "${SAHAB_BENCH_STORE:-}" ]] && echo postgresql || echo sqlite)"
export_rss
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
PLANNER_STORE=("${STORE[@]}")
# An older planner (a side-by-side anchor) has --db only.
[[ -n "${SAHAB_BENCH_STORE:-}" ]] && ! "$BUILD_DIR/bin/sahab-planner" plan --help | grep -q -- --store &&
  PLANNER_STORE=()
if ((${#PLANNER_STORE[@]})); then
  /usr/bin/time -f "sahab-planner plan ${PLANNER_STORE[0]}: %e s wall, %U s user + %S s sys, %M KB peak RSS" \
    -o "$WORK/time.txt" "$BUILD_DIR/bin/sahab-planner" plan "${PLANNER_STORE[@]}" \
    --config "$ROOT/configs/planner.yaml" --out "$WORK/plan-db.json" 2>/dev/null
fi
[[ -f "$WORK/time.txt" ]] && cat "$WORK/time.txt"
curl -fsS "$URL/metrics" | grep '^sahab_collector_plan_'
