#!/usr/bin/env bash
# The filesystem, diskstats, netdev and tcpstat collectors against the real node_exporter 1.5
# (Debian) on this machine: same series (names, label sets), same HELP and TYPE, values that agree.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
command -v prometheus-node-exporter >/dev/null || fail "prometheus-node-exporter is not installed"
# Debian's build excludes more mount points than upstream's default, which the agent keeps.
DEBIAN_MOUNTS='^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'

ne_port=$(free_port)
start node_exporter prometheus-node-exporter --web.listen-address "127.0.0.1:$ne_port" \
  --collector.disable-defaults --collector.filesystem --collector.diskstats --collector.netdev \
  --collector.tcpstat
agent_port=$(free_port)
start agent "$AGENT" --web.listen-address "127.0.0.1:$agent_port" --collector.tcpstat \
  --collector.filesystem.mount-points-exclude "$DEBIAN_MOUNTS"
wait_http "http://127.0.0.1:$ne_port/metrics"
wait_http "http://127.0.0.1:$agent_port/metrics"

# The agent first: its counters may only be behind node_exporter's.
curl -fsS "http://127.0.0.1:$agent_port/metrics" >"$WORK/agent.txt"
curl -fsS "http://127.0.0.1:$ne_port/metrics" >"$WORK/node_exporter.txt"
grep -q 'node_scrape_collector_success{collector="filesystem"} 1' "$WORK/agent.txt" ||
  fail "agent filesystem collector failed"
pass "both scraped"

python3 - "$WORK/agent.txt" "$WORK/node_exporter.txt" <<'PY' || fail "series differ (see above)"
import re, sys

SERIES = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
PREFIXES = ("node_filesystem_", "node_disk_", "node_network_receive_", "node_network_transmit_",
            "node_tcp_connection_states")
# node_exporter's netlink netdev property, not a /proc/net/dev statistic.
SKIP = ("node_network_transmit_queue_length",)
# Values that change between two scrapes by more than counters do.
VOLATILE = ("node_filesystem_free_bytes", "node_filesystem_avail_bytes", "node_filesystem_files_free")

def load(path):
    series, meta = {}, {}
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            name, text = line[7:].split(" ", 1)
            meta.setdefault(name, {})[line[2:6]] = text
            continue
        m = SERIES.match(line)
        if m and m.group(1).startswith(PREFIXES) and m.group(1) not in SKIP:
            series[(m.group(1), tuple(sorted(LABEL.findall(m.group(2) or ""))))] = float(m.group(3))
    return series, meta

agent, agent_meta = load(sys.argv[1])
ne, ne_meta = load(sys.argv[2])
problems = []
for name in sorted({n for n, _ in ne}):
    if agent_meta.get(name) != ne_meta.get(name):
        problems.append(f"HELP/TYPE of {name}: {agent_meta.get(name)} vs {ne_meta.get(name)}")
for key, want in sorted(ne.items()):
    name, labels = key
    if name == "node_tcp_connection_states" and labels not in (
            (("state", "listen"),), (("state", "rx_queued_bytes"),), (("state", "tx_queued_bytes"),)):
        continue  # connections come and go between the two scrapes
    if key not in agent:
        problems.append(f"missing in the agent: {name}{dict(labels)}")
        continue
    got = agent[key]
    if name == "node_tcp_connection_states":
        continue
    slack = 0.01 * abs(want) if name in VOLATILE else 0.02 * abs(want) + 4096
    if name.endswith("_total"):
        ok = got <= want + 1e-9 and want - got <= slack  # counters: agent read first
    else:
        ok = abs(got - want) <= slack
    if not ok:
        problems.append(f"{name}{dict(labels)}: agent {got} vs node_exporter {want}")
for key in sorted(set(agent) - set(ne)):
    problems.append(f"only in the agent: {key[0]}{dict(key[1])}")
for p in problems:
    print(p)
common = len(set(agent) & set(ne))
print(f"{common} series in common, {len(problems)} problems")
sys.exit(1 if problems or common < 10 else 0)
PY
pass "same series, HELP, TYPE and values"

echo "2 passed, 0 failed"
