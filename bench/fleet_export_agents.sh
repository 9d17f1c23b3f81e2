#!/usr/bin/env bash
# GET /api/v1/fleet on a fleet of agent hosts (issue 17), several builds side by side on one
# store. bench/collector_plan_bench.sh exports imported hosts, which need no reads beyond their
# own row; an agent host's document needs its inventory and its utilisation blocks too, the reads
# that used to cost a few statements per host (each a round trip on PostgreSQL). This fills a
# store with AGENTS simulated agents through the first build's collector (sahab-bench-ingest:
# enrolment, a full inventory each, one push of summaries each), then, for each BUILD in turn,
# starts that build's collector on the store, waits for its start-up upkeep to end, and sends
# GET /api/v1/fleet three times, sampling the collector's VmRSS every 20 ms during the first:
# time of each, the collector's CPU time during the first (less sensitive than wall time to a
# shared machine's load), and the peak RSS during the first minus the RSS before it. The answers of every
# build must be the same bytes (generated_at aside): the script fails otherwise.
#
#   bench/fleet_export_agents.sh AGENTS BUILD...        e.g. bench/fleet_export_agents.sh 10000 ANCHOR build build ANCHOR
#   SAHAB_BENCH_STORE=postgresql://user:pw@127.0.0.1:5432/bench bench/fleet_export_agents.sh ...
#     (an empty PostgreSQL database instead of a temporary SQLite file)
set -euo pipefail
AGENTS="${1:?usage: fleet_export_agents.sh AGENTS BUILD...}"
shift
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/bench/collector_lib.sh"
bench_workspace export-bench
head -c 24 /dev/urandom | base64 >"$WORK/enrol"
STORE=(--db "$WORK/sahab.db")
[[ -n "${SAHAB_BENCH_STORE:-}" ]] && STORE=(--store "$SAHAB_BENCH_STORE")

start_collector() {  # start_collector BUILD FLAGS...
  "$1/bin/sahab-collector" --listen "127.0.0.1:$PORT" "${STORE[@]}" --api-token-file "$WORK/token" \
    --sources.key-file "$WORK/sources.key" --planner.metrics-interval 1h "${@:2}" \
    >>"$WORK/collector.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break; sleep 0.1; done
}
stop_collector() {
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
}

FIRST="$(cd "$1" && pwd)"
start_collector "$FIRST" --enrolment-token-file "$WORK/enrol" --http.max-connections-per-address 0
"$FIRST/bin/sahab-bench-ingest" --url "$URL" --enrolment-token-file "$WORK/enrol" \
  --agents "$AGENTS" --duration 60 --connections 32 >"$WORK/ingest.json"
stop_collector
echo "store: $([[ -n "${SAHAB_BENCH_STORE:-}" ]] && echo postgresql || echo sqlite)," \
  "$AGENTS agent hosts (inventory and one push each)"

n=0
for build in "$@"; do
  n=$((n + 1))
  BUILD="$(cd "$build" && pwd)"
  start_collector "$BUILD"
  sleep 5  # the start-up upkeep (retention, stale hosts) is over before the first request
  before="$(rss_kb)"
  cpu_before="$(cpu)"
  curl -fsS --max-time 300 -o "$WORK/export.json" -w '%{time_total}' -H "Authorization: Bearer $(cat "$WORK/token")" \
    "$URL/api/v1/fleet" >"$WORK/export.time" &
  fetch=$!
  peak="$(peak_rss_while "$fetch")"
  wait "$fetch"
  cpu_first="$(awk -v a="$cpu_before" -v b="$(cpu)" 'BEGIN {printf "%.2f", b - a}')"
  times="$(cat "$WORK/export.time")"
  for _ in 1 2; do
    times="$times, $(curl -fsS --max-time 300 -o /dev/null -w '%{time_total}' \
      -H "Authorization: Bearer $(cat "$WORK/token")" "$URL/api/v1/fleet")"
  done
  stop_collector
  sed -E 's/"generated_at":"[^"]*"/"generated_at":""/' "$WORK/export.json" >"$WORK/answer-$n.json"
  echo "$build: GET /api/v1/fleet $times s; $(stat -c %s "$WORK/export.json") bytes;" \
    "collector CPU ${cpu_first} s and RSS +$((peak - before)) KB during the first; load $(cut -d' ' -f1 /proc/loadavg)"
  if ((n > 1)) && ! cmp -s "$WORK/answer-1.json" "$WORK/answer-$n.json"; then
    echo "FAIL: $build answers other bytes than $1" >&2
    exit 1
  fi
done
echo "the same bytes from every build"
