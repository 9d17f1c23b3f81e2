#!/usr/bin/env bash
# sahab-agent against node_exporter (Debian prometheus-node-exporter), side by side, one run:
# /metrics latency over many sequential scrapes (median, p99), RSS after the scrapes, CPU seconds
# per scrape (utime+stime deltas from /proc/PID/stat) and CPU while idle.
# Each exporter runs with its own default collectors; node_exporter is also measured with only
# the agent's collectors, for a like-for-like view. The agent pushes as deployed: to a real
# sahab-collector behind nginx's TLS (https, a CA made here), a report every 5 s, so reports are
# sent during the run; its 500 scrapes are timed between two reports (just_after_a_report). Its
# RSS is split into RssAnon and RssFile. Then the agent restarts with the default intervals (a
# sample every 15 s, a report every 60 s) and nothing scraping it for DEFAULTS_SECONDS: its CPU is
# the agent's cost at defaults (sampling, summaries, push), against the < 0.5 % of a core target.
#
#   bench/agent_vs_node_exporter.sh [BUILD_DIR] [SCRAPES]     (defaults: build 500)
#
# Targets (BRIEF.md §5): agent median latency <= 1/4 and RSS <= 1/3 of node_exporter's (defaults),
# CPU at defaults < 0.5 % of a core.
# Exit status 1 when a target is missed.
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
SCRAPES="${2:-500}"
source "$(dirname "$0")/agent_lib.sh"
WARMUP=20
IDLE_SECONDS=10
DEFAULTS_SECONDS="${DEFAULTS_SECONDS:-150}"  # two reports at the default interval, and more
AGENT="$BUILD_DIR/bin/sahab-agent"
CLIENT="$BUILD_DIR/bin/sahab-bench-scrape"
COLLECTOR="$BUILD_DIR/bin/sahab-collector"
NODE_EXPORTER="${NODE_EXPORTER:-prometheus-node-exporter}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
for tool in "$AGENT" "$CLIENT" "$COLLECTOR"; do [[ -x "$tool" ]] || { echo "build first: missing $tool" >&2; exit 2; }; done
command -v "$NODE_EXPORTER" >/dev/null || { echo "install prometheus-node-exporter" >&2; exit 2; }
[[ -x "$NGINX" ]] || { echo "install nginx (the agent's https collector)" >&2; exit 2; }

agent_bench_workspace bench
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
CLK_TCK=$(getconf CLK_TCK)

mapfile -t agent_collectors < <("$AGENT" --help | sed -nE 's/.*--\[no-\]collector\.([a-z0-9_]+).*\(default: enabled\).*/\1/p')

acknowledged_batches() {  # PORT: the agent's sahab_agent_push_acknowledged_total
  curl -fsS "http://127.0.0.1:$1/metrics" | awk '$1 == "sahab_agent_push_acknowledged_total" { print $2 }'
}
# just_after_a_report PORT: returns once the agent has had a batch acknowledged (a report every
# 5 s). The agent's scrapes are then measured between two reports, wherever the machine's speed
# put the end of the idle period: a report (inventory, gzip, TLS: ~50 ms of CPU) that fell among
# the 500 scrapes added ~0.1 ms to the CPU per scrape, in some runs and not others
# (docs/benchmarks.md, session 12). Reports are still sent during the run (checked below).
just_after_a_report() {
  local before deadline=$((SECONDS + 30))
  before=$(acknowledged_batches "$1")
  until (( $(acknowledged_batches "$1") > ${before:-0} )); do
    (( SECONDS < deadline )) || { echo "the agent acknowledged no report for 30 s" >&2; exit 1; }
    sleep 0.05
  done
  sleep 0.2  # the pusher's malloc_trim after the report
}

# measure KEY LABEL PORT PID [CLIENT_ARGS...]: prints one result row and stores the figures in
# R_<field>[KEY].
declare -A R_MEDIAN R_P99 R_RSS R_ANON R_FILE R_CPU R_IDLE R_BYTES
measure() {
  local name="$1" label="$2" port="$3" pid="$4"; shift 4
  "$CLIENT" 127.0.0.1 "$port" "$WARMUP" "$@" >/dev/null
  local idle_start; idle_start=$(cpu_ticks "$pid")
  sleep "$IDLE_SECONDS"
  local idle_end; idle_end=$(cpu_ticks "$pid")
  [[ "$pid" == "$agent_pid" ]] && just_after_a_report "$port"
  local before; before=$(cpu_ticks "$pid")
  local line; line="$("$CLIENT" 127.0.0.1 "$port" "$SCRAPES" "$@")"
  local after; after=$(cpu_ticks "$pid")
  R_MEDIAN[$name]=$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$line")
  R_P99[$name]=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")
  R_BYTES[$name]=$(sed -E 's/.*bytes=([0-9]+).*/\1/' <<<"$line")
  R_RSS[$name]=$(status_kb "$pid" VmRSS)
  R_ANON[$name]=$(status_kb "$pid" RssAnon)
  R_FILE[$name]=$(status_kb "$pid" RssFile)
  R_CPU[$name]=$(awk -v d=$((after - before)) -v hz="$CLK_TCK" -v n="$SCRAPES" 'BEGIN { printf "%.6f", d / hz / n }')
  R_IDLE[$name]=$(awk -v d=$((idle_end - idle_start)) -v hz="$CLK_TCK" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.2f", 100 * d / hz / s }')
  printf '%-34s %9s %9s %8s %8s %8s %10s %14s %9s\n' "$label" "${R_MEDIAN[$name]}" "${R_P99[$name]}" \
    "$(mib "${R_RSS[$name]}")" "$(mib "${R_ANON[$name]}")" "$(mib "${R_FILE[$name]}")" "${R_BYTES[$name]}" \
    "$(awk -v c="${R_CPU[$name]}" 'BEGIN { printf "%.3f", c * 1000 }')" "${R_IDLE[$name]}"
}

# The collector the agent reports to: sahab-collector behind nginx's TLS, as deployed.
start_tls_collector "$COLLECTOR"

agent_port=$(free_port)
start_agent agent "$AGENT" "$agent_port" push
agent_pid=$STARTED_PID
node_port=$(free_port)
start_exporter node "$NODE_EXPORTER" --web.listen-address="127.0.0.1:$node_port"
node_pid=$STARTED_PID
same_port=$(free_port)
start_exporter same "$NODE_EXPORTER" --web.listen-address="127.0.0.1:$same_port" \
  --collector.disable-defaults "${agent_collectors[@]/#/--collector.}"
same_pid=$STARTED_PID
for port in "$agent_port" "$node_port" "$same_port"; do wait_ready "http://127.0.0.1:$port/metrics"; done

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $SCRAPES scrapes each, one connection per scrape"
echo "# agent $("$AGENT" --version | cut -d' ' -f2) collectors: ${agent_collectors[*]}; $("$NODE_EXPORTER" --version 2>&1 | head -1)"
printf '%-34s %9s %9s %8s %8s %8s %10s %14s %9s\n' exporter "median ms" "p99 ms" "RSS MiB" "anon MiB" "file MiB" "body B" "CPU ms/scrape" "idle CPU%"
measure agent "sahab-agent (defaults)" "$agent_port" "$agent_pid"
measure node "node_exporter (defaults)" "$node_port" "$node_pid"
measure same "node_exporter (agent's collectors)" "$same_port" "$same_pid"
# What a Prometheus scrape costs: it asks for gzip, which node_exporter honours and the agent
# ignores (HTTP allows an uncompressed answer).
measure agent_gzip "sahab-agent, Accept-Encoding: gzip" "$agent_port" "$agent_pid" --gzip
measure node_gzip "node_exporter, Accept-Encoding: gzip" "$node_port" "$node_pid" --gzip

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
lat=$(ratio "${R_MEDIAN[agent]}" "${R_MEDIAN[node]}")
p99=$(ratio "${R_P99[agent]}" "${R_P99[node]}")
rss=$(ratio "${R_RSS[agent]}" "${R_RSS[node]}")
cpu=$(ratio "${R_CPU[agent]}" "${R_CPU[node]}")
same_lat=$(ratio "${R_MEDIAN[agent]}" "${R_MEDIAN[same]}")
same_rss=$(ratio "${R_RSS[agent]}" "${R_RSS[same]}")
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "MISSED") }'; }
# The push was active: batches the collector acknowledged during the run.
acknowledged=$(acknowledged_batches "$agent_port")
echo
echo "agent push: https to sahab-collector behind nginx, report every 5 s, ${acknowledged:-0} batches acknowledged during the run"
awk -v a="${acknowledged:-0}" 'BEGIN { exit !(a > 0) }' || { echo "the agent's push was not active: $(tail -3 "$WORK/agent.log")" >&2; exit 1; }

# The same agent (same state: enrolled, same host) restarted with the default intervals and not
# scraped: its CPU over DEFAULTS_SECONDS is the agent's cost at defaults. (A second agent beside
# the first would share its host identity, which the collector refuses.)
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
start_exporter defaults "$AGENT" --web.listen-address "127.0.0.1:$agent_port" \
  --collector.url "$COLLECTOR_URL" --collector.ca-file "$WORK/tls.crt" \
  --enrolment-token-file "$WORK/enrolment-token" --state.dir "$WORK/agent-state" \
  --spool.dir "$WORK/agent-state/spool"
defaults_pid=$STARTED_PID
wait_ready "http://127.0.0.1:$agent_port/healthz"
defaults_ticks=$(cpu_ticks "$defaults_pid")
sleep "$DEFAULTS_SECONDS"
defaults_cpu=$(awk -v d=$(( $(cpu_ticks "$defaults_pid") - defaults_ticks )) -v hz="$CLK_TCK" \
  -v s="$DEFAULTS_SECONDS" 'BEGIN { printf "%.3f", 100 * d / hz / s }')
defaults_acknowledged=$(acknowledged_batches "$agent_port")
awk -v a="${defaults_acknowledged:-0}" 'BEGIN { exit !(a > 0) }' || { echo "the agent at defaults pushed nothing: $(tail -3 "$WORK/defaults.log")" >&2; exit 1; }
echo "agent at defaults (a sample every 15 s, a report every 60 s, not scraped): CPU ${defaults_cpu} % of a core over $DEFAULTS_SECONDS s, ${defaults_acknowledged:-0} batches acknowledged (target < 0.5 %: $(awk -v c="$defaults_cpu" 'BEGIN { print (c < 0.5 ? "met" : "MISSED") }')); RSS then $(mib "$(status_kb "$defaults_pid" VmRSS)") MiB (anon $(mib "$(status_kb "$defaults_pid" RssAnon)"), file $(mib "$(status_kb "$defaults_pid" RssFile)"))"
echo "agent / node_exporter (defaults): median latency $lat (target <= 0.25: $(verdict "$lat" 0.25)), p99 latency $p99, RSS $rss (target <= 0.333: $(verdict "$rss" 0.3334)), CPU per scrape $cpu"
echo "agent / node_exporter (agent's collectors): median latency $same_lat, RSS $same_rss"
echo "agent / node_exporter (gzip requested, as Prometheus): median latency $(ratio "${R_MEDIAN[agent_gzip]}" "${R_MEDIAN[node_gzip]}"), CPU per scrape $(ratio "${R_CPU[agent_gzip]}" "${R_CPU[node_gzip]}")"
[[ "$(verdict "$lat" 0.25)" == met && "$(verdict "$rss" 0.3334)" == met ]] &&
  awk -v c="$defaults_cpu" 'BEGIN { exit !(c < 0.5) }'
