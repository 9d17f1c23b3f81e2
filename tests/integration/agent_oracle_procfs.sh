#!/usr/bin/env bash
# node_exporter 1.5 (Debian) as an oracle on node_exporter's own fixture tree (prometheus/procfs's
# testdata/fixtures.ttar from Debian's golang-github-prometheus-procfs-dev, unpacked here): RAID,
# NFS, XFS, btrfs, bcache, InfiniBand, Fibre Channel, tape, NVMe, RAPL, power supplies and other
# subsystems this machine lacks. Every series node_exporter gives for the collectors below must be
# in the agent with the same labels, value, HELP and TYPE.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
NODE_EXPORTER="$(command -v prometheus-node-exporter)" || fail "prometheus-node-exporter is not installed"
ARCHIVE=/usr/share/gocode/src/github.com/prometheus/procfs/testdata/fixtures.ttar
[[ -f "$ARCHIVE" ]] || fail "$ARCHIVE missing (Debian golang-github-prometheus-procfs-dev)"
python3 "$(dirname "$0")/ttar.py" "$ARCHIVE" "$WORK/tree"
FIX="$WORK/tree/fixtures"
# InfiniBand counters the fixture lacks (multicast, unicast, receive discards, the legacy
# counters_ext), added so that both exporters read them too.
port="$FIX/sys/class/infiniband/mlx4_0/ports/1"
mkdir -p "$port/counters_ext"
n=11
for f in counters/{multicast_rcv_packets,multicast_xmit_packets,port_rcv_discards,unicast_rcv_packets,unicast_xmit_packets} \
  counters_ext/port_{multicast_rcv_packets,multicast_xmit_packets,rcv_data_64,rcv_packets_64,unicast_rcv_packets,unicast_xmit_packets,xmit_data_64,xmit_packets_64}; do
  echo $((n++)) >"$port/$f"
done
# A whole XFS stats file (the fixture's has one line).
cat >"$FIX/sys/fs/xfs/sdb1/stats/stats" <<'STATS'
extent_alloc 92447 97589 92448 93751
abt 0 0 0 0
blk_map 1767055 188820 184891 92447 92448 2140766 0
bmbt 0 0 0 0
dir 185039 92447 92444 136422
trans 706 944304 0
ig 185045 58807 0 126238 0 33637 22
log 2883 113448 9 17360 739
rw 107739 94045
attr 4 0 0 0
vnodes 92601 0 0 0 92444 92444 92444 0
xpc 399724544 92823103 86219234
STATS
PATHS=(--path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX")
COLLECTORS=(arp bcache cpufreq entropy fibrechannel infiniband mdadm netclass nfs nfsd nvme powersupplyclass
  ipvs pressure rapl schedstat sockstat softnet tapestats thermal_zone udp_queues xfs btrfs)

agent_port=$(free_port)
start agent "$AGENT" "${PATHS[@]}" --web.listen-address "127.0.0.1:$agent_port"
ne_port=$(free_port)
start node_exporter "$NODE_EXPORTER" "${PATHS[@]}" --web.listen-address "127.0.0.1:$ne_port" \
  --collector.disable-defaults "${COLLECTORS[@]/#/--collector.}"
wait_http "http://127.0.0.1:$agent_port/metrics"
wait_http "http://127.0.0.1:$ne_port/metrics"
curl -fsS "http://127.0.0.1:$agent_port/metrics" >"$WORK/agent.prom"
curl -fsS "http://127.0.0.1:$ne_port/metrics" >"$WORK/node_exporter.prom"
# node_exporter must succeed on every one of them here, or the comparison proves nothing.
for c in "${COLLECTORS[@]}"; do
  grep -q "^node_scrape_collector_success{collector=\"$c\"} 1" "$WORK/node_exporter.prom" ||
    fail "node_exporter's $c collector fails on the fixture tree"
done
python3 "$(dirname "$0")/oracle_compare.py" "$WORK/node_exporter.prom" "$WORK/agent.prom" \
  --collectors "$(IFS=,; echo "${COLLECTORS[*]}")" --min-series 750 || fail "series differ"
pass "${COLLECTORS[*]} agree with node_exporter on the procfs fixture tree"

# bcache's priority stats, off by default in both.
agent_port=$(free_port)
start agent_priority "$AGENT" "${PATHS[@]}" --web.listen-address "127.0.0.1:$agent_port" \
  --collector.bcache.priorityStats
ne_port=$(free_port)
start node_exporter_priority "$NODE_EXPORTER" "${PATHS[@]}" --web.listen-address "127.0.0.1:$ne_port" \
  --collector.disable-defaults --collector.bcache --collector.bcache.priorityStats
wait_http "http://127.0.0.1:$agent_port/metrics"
wait_http "http://127.0.0.1:$ne_port/metrics"
curl -fsS "http://127.0.0.1:$agent_port/metrics" >"$WORK/agent_priority.prom"
curl -fsS "http://127.0.0.1:$ne_port/metrics" >"$WORK/node_exporter_priority.prom"
grep -q '^node_bcache_priority_stats_unused_percent{cache_device="cache0",uuid=' "$WORK/node_exporter_priority.prom" ||
  fail "node_exporter shows no priority stats: the comparison would prove nothing"
python3 "$(dirname "$0")/oracle_compare.py" "$WORK/node_exporter_priority.prom" "$WORK/agent_priority.prom" \
  --collectors bcache || fail "bcache series differ with --collector.bcache.priorityStats"
pass "bcache with --collector.bcache.priorityStats agrees with node_exporter"
echo "2 passed, 0 failed"
