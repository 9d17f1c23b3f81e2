#!/usr/bin/env bash
# A vCenter discovery run at the size of a large estate (issue 21's target: 10,000 VMs in one
# vCenter read in < 60 s with < 300 MB of extra collector RSS on this 2-core machine, the simulated
# vCenter on the same machine). vcsim (scripts/build-vcsim.sh) serves -cluster CLUSTERS x -vm
# VMS_PER_CLUSTER VMs over TLS; a fresh collector gets one source and runs it twice (the second
# run finds nothing changed). After each inventory run comes a performance run (QueryPerf): the
# first reads each VM's month of history, the second only the samples since. Prints each run's
# time (the source's duration gauge, the performance run's log line), the collector's RSS before,
# its peak (VmHWM) and RSS after each run, the database's size, and vcsim's RSS.
#
#   bench/vcenter_bench.sh [BIN_DIR] [CLUSTERS] [VMS_PER_CLUSTER]   e.g. build/bin 10 1000
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(cd "${1:-$ROOT/build/bin}" && pwd)" CLUSTERS="${2:-10}" PER="${3:-1000}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-vcenter-bench.XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
VCSIM="$("$ROOT/scripts/build-vcsim.sh")"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# CPU seconds (user + system) a process has used: on a shared machine, wall time says little.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }

vport=$(port)
"$VCSIM" -l "127.0.0.1:$vport" -E /dev/null -cluster "$CLUSTERS" -host 2 -vm "$PER" \
  -standalone-host 0 >"$WORK/vcsim.log" 2>&1 &
PIDS+=($!)
VPID=$!
until curl -ks -o /dev/null "https://127.0.0.1:$vport/about"; do sleep 0.2; done
echo "admin-token-0123456789abcdef" >"$WORK/admin"
AUTH="Authorization: Bearer $(cat "$WORK/admin")"
cport=$(port)
URL="http://127.0.0.1:$cport"
"$BIN/sahab-collector" --listen "127.0.0.1:$cport" --db "$WORK/sahab.db" \
  --api-token-file "$WORK/admin" --sources.interval 24h --planner.metrics-interval 24h >"$WORK/collector.log" 2>&1 &
PIDS+=($!)
CPID=$!
until curl -fs -o /dev/null "$URL/healthz"; do sleep 0.1; done
echo "collector RSS before: $(( $(kb $CPID VmRSS) / 1024 )) MB"
metric() { curl -fsS "$URL/metrics" | awk -v m="$1" 'index($0, m" ") == 1 {print $2}'; }
wait_performance() {
  until [[ "$(metric 'sahab_collector_source_performance_runs_total{outcome="ok",source="bench"}')" == "$1" ]]; do
    [[ -z "$(metric 'sahab_collector_source_performance_runs_total{outcome="failed",source="bench"}')" ]] ||
      { grep source "$WORK/collector.log"; exit 1; }
    sleep 0.5
  done
  echo "performance run $1: $(grep -o 'performance of .*' "$WORK/collector.log" | tail -1)," \
    "collector peak RSS $(( $(kb $CPID VmHWM) / 1024 )) MB, RSS after $(( $(kb $CPID VmRSS) / 1024 )) MB," \
    "database $(( $(du -sk "$WORK" | cut -f1) / 1024 )) MB, CPU so far: collector $(cpu $CPID) s, vcsim $(cpu $VPID) s"
}
wait_runs() {
  until [[ "$(metric 'sahab_collector_source_runs_total{outcome="ok",source="bench"}')" == "$1" ]]; do
    [[ -z "$(metric 'sahab_collector_source_runs_total{outcome="failed",source="bench"}')" ]] ||
      { grep source "$WORK/collector.log"; exit 1; }
    sleep 0.5
  done
}
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -d "{\"kind\": \"vcenter\", \"name\": \"bench\",
  \"url\": \"https://127.0.0.1:$vport/sdk\", \"username\": \"u\", \"password\": \"p\",
  \"tls\": {\"insecure\": true}}" "$URL/api/v1/sources" >/dev/null
wait_runs 1
echo "run 1: $(metric 'sahab_collector_source_run_duration_seconds{source="bench"}') s," \
  "$(metric 'sahab_collector_source_vms{source="bench"}') VMs, collector peak RSS" \
  "$(( $(kb $CPID VmHWM) / 1024 )) MB, RSS after $(( $(kb $CPID VmRSS) / 1024 )) MB, collector CPU $(cpu $CPID) s"
wait_performance 1
curl -fsS -H "$AUTH" -X POST "$URL/api/v1/sources/1/run" >/dev/null
wait_runs 2
echo "run 2 (nothing changed): $(metric 'sahab_collector_source_run_duration_seconds{source="bench"}') s," \
  "collector peak RSS $(( $(kb $CPID VmHWM) / 1024 )) MB, RSS after $(( $(kb $CPID VmRSS) / 1024 )) MB, vcsim RSS $(( $(kb $VPID VmRSS) / 1024 )) MB"
wait_performance 2
grep 'source 1' "$WORK/collector.log" | tail -4
