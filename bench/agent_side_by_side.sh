#!/usr/bin/env bash
# Agents side by side on one machine, at the same time: rounds of sequential GET /metrics scrapes
# (sahab-bench-scrape, one connection each) on each agent in turn, so that the machine's load
# weighs on all alike. Per round and agent: the median latency, and the agent's CPU per scrape
# split by thread: the thread that collects (MetricsEndpoint), CivetWeb's workers and master
# thread, the rest (statfs's helper, the sampler, the push); with the context switches and page
# faults per scrape. From `perf stat --per-thread` (Debian linux-perf; run as root or with
# perf_event_paranoid <= 0); without perf, the whole process's utime + stime from /proc/PID/stat.
#
#   bench/agent_side_by_side.sh BUILD_DIR ROUNDS SCRAPES NAME=AGENT_BINARY[:push] ...
#
# e.g. the same agent with and without push (the question of docs/benchmarks.md's session 12):
#   bench/agent_side_by_side.sh build 5 1000 push=build/bin/sahab-agent:push plain=build/bin/sahab-agent
# or two builds: ... main=../main/build/bin/sahab-agent branch=build/bin/sahab-agent
# With :push an agent reports to sahab-collector (BUILD_DIR's) behind nginx's TLS every 5 s, as in
# bench/agent_vs_node_exporter.sh; at most one agent may push (two would share one host identity,
# which the collector refuses). The rounds start after two report intervals, so the push is
# enrolled and active; a report that falls in a round shows as that round's larger "rest".
set -euo pipefail
BUILD_DIR="$(cd "${1:?BUILD_DIR}" && pwd)"
ROUNDS="${2:?ROUNDS}"
SCRAPES="${3:?SCRAPES}"
shift 3
(($# > 0)) || { echo "name at least one NAME=AGENT_BINARY[:push]" >&2; exit 2; }
source "$(dirname "$0")/agent_lib.sh"
CLIENT="$BUILD_DIR/bin/sahab-bench-scrape"
[[ -x "$CLIENT" ]] || { echo "build first: missing $CLIENT" >&2; exit 2; }
agent_bench_workspace side-by-side

pushing=$(printf '%s\n' "$@" | grep -c ':push$' || true)
((pushing <= 1)) || { echo "at most one agent may push" >&2; exit 2; }
((pushing == 0)) || start_tls_collector "$BUILD_DIR/bin/sahab-collector"

NAMES=()
declare -A PID PORT
for spec in "$@"; do
  name="${spec%%=*}" binary="${spec#*=}" mode=nopush
  [[ "$binary" == *:push ]] && { binary="${binary%:push}"; mode=push; }
  [[ -x "$binary" ]] || { echo "not an executable: $binary" >&2; exit 2; }
  PORT[$name]=$(free_port)
  start_agent "$name" "$binary" "${PORT[$name]}" "$mode"
  PID[$name]=$STARTED_PID
  NAMES+=("$name")
done
for name in "${NAMES[@]}"; do
  wait_ready "http://127.0.0.1:${PORT[$name]}/metrics"
  "$CLIENT" 127.0.0.1 "${PORT[$name]}" 50 >/dev/null  # warm-up
done
((pushing == 0)) || sleep 11  # two reports at 5 s: enrolled, reporting

perf stat -e task-clock -o "$WORK/perf-check" -- true 2>/dev/null && per_thread=1 || per_thread=0
# round NAME: one round of SCRAPES on NAME, one result line
round() {
  local name="$1" pid="${PID[$1]}" line out
  out="$WORK/perf.$name"
  if ((per_thread)); then
    line=$(perf stat --per-thread -x, -e task-clock,context-switches,page-faults -p "$pid" -o "$out" -- \
      "$CLIENT" 127.0.0.1 "${PORT[$name]}" "$SCRAPES")
  else
    local before; before=$(cpu_ticks "$pid")
    line=$("$CLIENT" 127.0.0.1 "${PORT[$name]}" "$SCRAPES")
    echo "whole,$(( $(cpu_ticks "$pid") - before )),ticks,ticks" >"$out"
  fi
  # perf's -x, lines: THREAD-TID,VALUE,UNIT,EVENT,...; the collecting thread is the agent's own
  # thread (comm sahab-agent) that ran longest.
  awk -F, -v n="$SCRAPES" -v name="$name" -v hz="$(getconf CLK_TCK)" \
      -v median="$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$line")" '
    $4 == "ticks" { printf "%-10s median %s ms  CPU %.3f ms/scrape (whole process, clock ticks)\n", name, median, 1000 * $2 / hz / n; exit }
    $2 == "<not counted>" { next }
    $4 == "task-clock" { total += $2
      if ($1 ~ /^civetweb-worker/) workers += $2; else if ($1 ~ /^civetweb-master/) master += $2
      else { thread[$1] = $2; if ($2 > top) top = $2 } }
    $4 == "context-switches" { switches += $2 }
    $4 == "page-faults" { faults += $2 }
    END { if (!total) exit
      printf "%-10s median %s ms  CPU %.3f ms/scrape: collecting %.3f, workers %.3f, master %.3f, rest %.3f; %.1f switches, %.1f faults per scrape\n",
        name, median, total / n, top / n, workers / n, master / n, (total - top - workers - master) / n, switches / n, faults / n }' "$out"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of $SCRAPES scrapes per agent"
for ((r = 1; r <= ROUNDS; r++)); do
  for name in "${NAMES[@]}"; do round "$name"; done
done
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${NAMES[@]}"; do
  acknowledged=$(curl -fsS "http://127.0.0.1:${PORT[$name]}/metrics" | awk '$1 == "sahab_agent_push_acknowledged_total" { print $2 }')
  printf '%-10s RssAnon %s kB, RssFile %s kB%s\n' "$name" \
    "$(awk '$1 == "RssAnon:" { print $2 }' "/proc/${PID[$name]}/status")" \
    "$(awk '$1 == "RssFile:" { print $2 }' "/proc/${PID[$name]}/status")" \
    "${acknowledged:+, $acknowledged batches acknowledged}"
done
