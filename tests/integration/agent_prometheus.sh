#!/usr/bin/env bash
# A real Prometheus (Debian prometheus) scrapes the agent every second and answers the core
# queries of the community "Node Exporter Full" dashboard (grafana.com 1860), written as the
# dashboard writes them with $node, $job, $diskdevices and $__rate_interval substituted.
# Each query names the collectors it needs: it must return data when all of them are in the
# agent's --help, so the test tightens by itself as collectors land.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
command -v prometheus >/dev/null || fail "prometheus not installed (Debian prometheus)"
DEADLINE_SECONDS="${DEADLINE_SECONDS:-90}"

mapfile -t collectors < <("$AGENT" --help | sed -nE 's/.*--\[no-\]collector\.([a-z0-9_]+)[[:space:]].*/\1/p')
(( ${#collectors[@]} > 0 )) || fail "no collectors in the agent's --help"
agent_port=$(free_port)
start agent "$AGENT" --web.listen-address "127.0.0.1:$agent_port"
wait_http "http://127.0.0.1:$agent_port/healthz" 60

prom_port=$(free_port)
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sahab-agent
    static_configs:
      - targets: ["127.0.0.1:$agent_port"]
EOF
promtool check config "$WORK/prometheus.yml" >/dev/null || fail "promtool rejects the test's config"
start prometheus prometheus --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/data" --web.listen-address="127.0.0.1:$prom_port"
prom_pid=$LAST_PID
wait_http "http://127.0.0.1:$prom_port/-/ready" 120

# node_exporter leaves out filesystems such as overlay by default; a dashboard's root-filesystem
# panels are then empty with node_exporter too, so they cannot be required.
root_fstype="$(awk '$2 == "/" { t = $3 } END { print t }' /proc/self/mounts)"

python3 - "$prom_port" "127.0.0.1:$agent_port" "sahab-agent" "$(IFS=,; echo "${collectors[*]}")" \
  "$DEADLINE_SECONDS" "$root_fstype" <<'PY' || fail "dashboard queries (see above)"
import json, sys, time, urllib.parse, urllib.request

port, node, job, collectors, deadline, root_fstype = sys.argv[1:]
collectors = set(filter(None, collectors.split(",")))
deadline = time.monotonic() + float(deadline)
subst = {
    "$node": node, "$job": job,
    "$diskdevices": "[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+",  # the dashboard's constant
    # Grafana's $__rate_interval is at least 4 scrape intervals; 15s keeps rate() fed on a slow CI.
    "$__rate_interval": "15s",
}
ROOTFS = root_fstype not in ("overlay", "squashfs", "autofs")

# (panel, collectors it needs, expression as in the dashboard)
QUERIES = [
    ("CPU Busy", {"cpu"},
     '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle", instance="$node"}[$__rate_interval])))'),
    ("Sys Load (5m avg)", {"cpu", "loadavg"},
     'scalar(avg_over_time(node_load5{instance="$node",job="$job"}[$__rate_interval])) * 100 / '
     'count(node_cpu_seconds_total{instance="$node",job="$job",mode="system"})'),
    ("RAM Used", {"meminfo"},
     '100 - ((avg_over_time(node_memory_MemAvailable_bytes{instance="$node",job="$job"}[$__rate_interval]) * 100) / '
     'avg_over_time(node_memory_MemTotal_bytes{instance="$node",job="$job"}[$__rate_interval]))'),
    ("SWAP Used", {"meminfo"},
     '((avg_over_time(node_memory_SwapTotal_bytes{instance="$node",job="$job"}[$__rate_interval]) - '
     'avg_over_time(node_memory_SwapFree_bytes{instance="$node",job="$job"}[$__rate_interval])) / '
     '(avg_over_time(node_memory_SwapTotal_bytes{instance="$node",job="$job"}[$__rate_interval]) )) * 100'),
    ("Root FS Used", {"filesystem"} if ROOTFS else {"filesystem", "<root is " + root_fstype + ">"},
     '100 - ((avg_over_time(node_filesystem_avail_bytes{instance="$node",job="$job",mountpoint="/",fstype!="rootfs"}[$__rate_interval]) * 100) / '
     'avg_over_time(node_filesystem_size_bytes{instance="$node",job="$job",mountpoint="/",fstype!="rootfs"}[$__rate_interval]))'),
    ("CPU Cores", {"cpu"},
     'count(count(node_cpu_seconds_total{instance="$node",job="$job"}) by (cpu))'),
    ("Uptime", {"time", "stat"},
     'node_time_seconds{instance="$node",job="$job"} - node_boot_time_seconds{instance="$node",job="$job"}'),
    ("RootFS Total", {"filesystem"} if ROOTFS else {"filesystem", "<root is " + root_fstype + ">"},
     'node_filesystem_size_bytes{instance="$node",job="$job",mountpoint="/",fstype!="rootfs"}'),
    ("RAM Total", {"meminfo"}, 'node_memory_MemTotal_bytes{instance="$node",job="$job"}'),
    ("CPU Basic: Busy System", {"cpu"},
     'sum by(instance) (irate(node_cpu_seconds_total{instance="$node",job="$job", mode="system"}[$__rate_interval])) / '
     'on(instance) group_left sum by (instance)((irate(node_cpu_seconds_total{instance="$node",job="$job"}[$__rate_interval])))'),
    ("Memory Basic: RAM Used", {"meminfo"},
     'node_memory_MemTotal_bytes{instance="$node",job="$job"} - node_memory_MemFree_bytes{instance="$node",job="$job"} - '
     '(node_memory_Cached_bytes{instance="$node",job="$job"} + node_memory_Buffers_bytes{instance="$node",job="$job"} + '
     'node_memory_SReclaimable_bytes{instance="$node",job="$job"})'),
    ("Network Traffic Basic: recv", {"netdev"},
     'irate(node_network_receive_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'),
    ("Network Traffic Basic: trans", {"netdev"},
     'irate(node_network_transmit_bytes_total{instance="$node",job="$job"}[$__rate_interval])*8'),
    ("Disk Space Used Basic", {"filesystem"},
     "100 - ((node_filesystem_avail_bytes{instance=\"$node\",job=\"$job\",device!~'rootfs'} * 100) / "
     "node_filesystem_size_bytes{instance=\"$node\",job=\"$job\",device!~'rootfs'})"),
    ("Disk IOps: reads", {"diskstats"},
     'irate(node_disk_reads_completed_total{instance="$node",job="$job",device=~"$diskdevices"}[$__rate_interval])'),
    ("I/O Usage Read", {"diskstats"},
     'irate(node_disk_read_bytes_total{instance="$node",job="$job",device=~"$diskdevices"}[$__rate_interval])'),
    ("I/O Usage Write", {"diskstats"},
     'irate(node_disk_written_bytes_total{instance="$node",job="$job",device=~"$diskdevices"}[$__rate_interval])'),
]


def expand(expr):
    for key in sorted(subst, key=len, reverse=True):
        expr = expr.replace(key, subst[key])
    return expr


def query(expr):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        answer = json.load(response)
    if answer.get("status") != "success":
        raise RuntimeError(f"query failed: {answer}")
    return answer["data"]["result"]


def scalar(expr):
    result = query(expr)
    return float(result[0]["value"][1]) if result else None


# Wait for data: every required query answers, or the deadline passes.
required = [q for q in QUERIES if q[1] <= collectors]
while True:
    results = {title: query(expand(expr)) for title, _, expr in QUERIES}
    if all(results[title] for title, _, _ in required) or time.monotonic() > deadline:
        break
    time.sleep(0.5)

failures = 0
for title, needs, expr in QUERIES:
    must = needs <= collectors
    got = results[title]
    state = "ok" if got else ("EMPTY" if must else "empty (needs " + ",".join(sorted(needs - collectors)) + ")")
    sample = got[0]["value"][1] if got else "-"
    print(f"{state:40} {title:32} {len(got)} series, first {sample}")
    failures += bool(must and not got)

# The answers must also be right, not just present.
if "cpu" in collectors:
    with open("/proc/stat") as f:
        cpus = sum(1 for line in f if line.startswith("cpu") and line[3].isdigit())
    cores = scalar(expand(QUERIES[5][2]))
    print(f"CPU Cores = {cores}, /proc/stat has {cpus}")
    failures += cores != cpus
if "meminfo" in collectors:
    with open("/proc/meminfo") as f:
        mem_total = next(int(l.split()[1]) * 1024 for l in f if l.startswith("MemTotal:"))
    ram = scalar(expand(QUERIES[8][2]))
    print(f"RAM Total = {ram}, /proc/meminfo says {mem_total}")
    failures += ram != mem_total
up = scalar(f'up{{job="{job}"}}')
print(f"up = {up}")
failures += up != 1
sys.exit(1 if failures else 0)
PY
pass "Node Exporter Full queries answer for every implemented collector"

# Prometheus must have scraped without errors: the target is healthy and nothing was dropped.
targets="$(curl -fsS "http://127.0.0.1:$prom_port/api/v1/targets")"
python3 -c '
import json, sys
t = json.load(sys.stdin)["data"]["activeTargets"]
assert len(t) == 1 and t[0]["health"] == "up" and not t[0]["lastError"], t
' <<<"$targets" || fail "target not healthy: $targets"
pass "Prometheus reports the target healthy"
kill -0 "$prom_pid" || fail "prometheus exited"
echo "2 passed, 0 failed"
