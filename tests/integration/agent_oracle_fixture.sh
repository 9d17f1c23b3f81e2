#!/usr/bin/env bash
# node_exporter 1.5 (Debian) as an oracle on the shared fixture tree: both exporters read the same
# proc/sys/root trees, and every series node_exporter gives for the collectors below must appear
# in the agent with the same labels, value, HELP and TYPE.
# (uname is left out: node_exporter takes it from the uname syscall, not from --path.procfs.)
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
NODE_EXPORTER="$(command -v prometheus-node-exporter)" || fail "prometheus-node-exporter is not installed"
FIX="$SAHAB_FIXTURES_DIR/agent/default"
PATHS=(--path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX/root")
COLLECTORS=(stat os time dmi processes pressure vmstat netstat sockstat filefd entropy conntrack
  softnet udp_queues arp netclass textfile hwmon thermal_zone cpufreq schedstat edac bonding zfs)
# A textfile directory both read: good files of every type, a broken one, one with timestamps.
mkdir -p "$WORK/textfile"
cat >"$WORK/textfile/jobs.prom" <<'PROM'
# HELP textfile_backup_last_success_seconds Last good backup.
# TYPE textfile_backup_last_success_seconds gauge
textfile_backup_last_success_seconds{job="db",note="a \"quoted\" name"} 1.7e+09
# TYPE textfile_runs_total counter
textfile_runs_total 12
textfile_no_help 5
# TYPE textfile_latency histogram
textfile_latency_bucket{le="0.5"} 1
textfile_latency_bucket{le="+Inf"} 2
textfile_latency_sum 0.7
textfile_latency_count 2
# TYPE textfile_rpc summary
textfile_rpc{quantile="0.9"} 0.25
textfile_rpc_sum 4
textfile_rpc_count 9
PROM
printf 'textfile_half 1\ntextfile_bad{ 1\n' >"$WORK/textfile/broken.prom"
printf 'textfile_stamped 1 1700000000000\n' >"$WORK/textfile/stamped.prom"
PATHS+=(--collector.textfile.directory "$WORK/textfile")

agent_port=$(free_port)
start agent "$AGENT" "${PATHS[@]}" --web.listen-address "127.0.0.1:$agent_port" --collector.processes
ne_port=$(free_port)
start node_exporter "$NODE_EXPORTER" "${PATHS[@]}" --web.listen-address "127.0.0.1:$ne_port" \
  --collector.disable-defaults "${COLLECTORS[@]/#/--collector.}"
wait_http "http://127.0.0.1:$agent_port/metrics"
wait_http "http://127.0.0.1:$ne_port/metrics"
curl -fsS "http://127.0.0.1:$agent_port/metrics" >"$WORK/agent.prom"
curl -fsS "http://127.0.0.1:$ne_port/metrics" >"$WORK/node_exporter.prom"

python3 "$(dirname "$0")/oracle_compare.py" "$WORK/node_exporter.prom" "$WORK/agent.prom" \
  --collectors "$(IFS=,; echo "${COLLECTORS[*]}")" --also textfile_ || fail "series differ"
pass "${COLLECTORS[*]} agree with node_exporter on the fixture tree"
echo "1 passed, 0 failed"
