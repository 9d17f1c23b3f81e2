#!/usr/bin/env bash
# Ingest load on a fresh collector (issue 17): starts BUILD/bin/sahab-collector on a temporary
# SQLite store (or on the empty PostgreSQL database SAHAB_BENCH_STORE names) and runs sahab-bench-ingest (bench/ingest_load.cpp) against it: AGENTS simulated
# agents enrol, push one full inventory each, then one batch every 60 s for DURATION seconds.
# Further flags go to sahab-bench-ingest (e.g. --first-inventories no; --history-minutes 30 to
# measure pushes into hours already half full, as in a store that has run for a while).
#
#   bench/collector_ingest.sh BUILD [AGENTS=20000] [DURATION=60] [CONNECTIONS=64] [FLAG VALUE...]
#   SAHAB_BENCH_STORE=postgresql://user:pw@127.0.0.1:5432/bench bench/collector_ingest.sh BUILD
#
# SAHAB_BENCH_COLLECTOR_FLAGS adds flags to the collector's (e.g. "--maintenance.interval 60s"),
# SAHAB_BENCH_LOG_LEVEL sets its log level (warn), and SAHAB_BENCH_COLLECTOR_LOG names a file that
# gets the collector's log when the run ends.
#
# Prints the load generator's JSON (rate, p50/p99/max from when each push was due, failures, the
# collector's CPU and peak RSS; with SAHAB_BENCH_SERVER_PID, a PostgreSQL postmaster on this
# machine, the CPU of its processes) and the store's size per agent.
set -euo pipefail
build="$(cd "${1:?usage: collector_ingest.sh BUILD [AGENTS] [DURATION] [CONNECTIONS]}" && pwd)"
agents="${2:-20000}" duration="${3:-60}" connections="${4:-64}"
work="$(mktemp -d /tmp/sahab-ingest-bench.XXXXXX)"
collector_pid=
cleanup() {
  [[ -n "$collector_pid" ]] && { kill "$collector_pid" 2>/dev/null; wait "$collector_pid" 2>/dev/null || true; }
  [[ -n "${SAHAB_BENCH_COLLECTOR_LOG:-}" ]] && cp "$work/collector.log" "$SAHAB_BENCH_COLLECTOR_LOG"
  rm -rf "$work"
}
trap cleanup EXIT
head -c 24 /dev/urandom | base64 >"$work/enrol"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
store=(--db "$work/bench.db")
[[ -n "${SAHAB_BENCH_STORE:-}" ]] && store=(--store "$SAHAB_BENCH_STORE")
# Every simulated agent comes from 127.0.0.1: no per-address connection cap.
"$build/bin/sahab-collector" --listen "127.0.0.1:$port" "${store[@]}" --sources.key-file "$work/sources.key" \
  --enrolment-token-file "$work/enrol" --http.workers "$((connections + 8))" \
  --http.max-connections-per-address 0 --log.level "${SAHAB_BENCH_LOG_LEVEL:-warn}" \
  ${SAHAB_BENCH_COLLECTOR_FLAGS:-} \
  2>"$work/collector.log" &
collector_pid=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done
if ! kill -0 "$collector_pid" 2>/dev/null; then
  echo "collector_ingest.sh: the collector did not start:" >&2
  cat "$work/collector.log" >&2
  exit 1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$build/bin/sahab-bench-ingest" --url "http://127.0.0.1:$port" --enrolment-token-file "$work/enrol" \
  --agents "$agents" --duration "$duration" --connections "$connections" --collector-pid "$collector_pid" \
  ${SAHAB_BENCH_SERVER_PID:+--server-pid "$SAHAB_BENCH_SERVER_PID"} "${@:5}"
if [[ -n "${SAHAB_BENCH_STORE:-}" ]]; then
  size="$(psql -X -A -t "$SAHAB_BENCH_STORE" -c 'SELECT pg_database_size(current_database()) / 1024')"
else
  size="$(du -k "$work"/bench.db* | awk '{s += $1} END {print s}')"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); store: $size KiB" >&2
