#!/usr/bin/env bash
# sahab-agent.exe's utilisation summaries under Wine: --once prints one summary of the Windows
# readings (GetSystemTimes, GlobalMemoryStatusEx, the volumes, GetIfTable2) checked against this
# machine, leaving out what Wine cannot give (disk counters, paging files); then the exe samples
# and pushes to a real collector on loopback, the collector answers the host's percentiles from
# those data points, and its planner sizes the host's CPU and memory from them (not as-is).
# Usage: utilisation_wine.sh BUILD_DIR   (the Windows build goes to BUILD_DIR/windows)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: $0 BUILD_DIR}/windows"
COLLECTOR_EXE="${SAHAB_COLLECTOR:-$1/bin/sahab-collector}"
[[ -x "$COLLECTOR_EXE" ]] || { echo "FAIL: $COLLECTOR_EXE not built" >&2; exit 1; }
source "$here/wine_lib.sh"
windows_build "$build"
source "$here/../integration/lib.sh" "$build/bin"
source "$here/../integration/collector_lib.sh"
COLLECTOR="$COLLECTOR_EXE"
EXE="$BIN_DIR/sahab-agent.exe"
win_path() { echo "Z:${1//\//\\}"; }

export WINEPREFIX="$WORK/wine" WINEDEBUG=-all
trap 'status=$?; wineserver -k 2>/dev/null || true; set +e; (exit $status); cleanup' EXIT
wineboot -i >"$WORK/wineboot.log" 2>&1 || fail "wineboot could not make a prefix"
wineserver -w
wineserver -p || fail "wineserver -p failed"

# --once: one summary of two readings a second apart. Memory is this machine's as Wine shows it
# (GlobalMemoryStatusEx from /proc/meminfo: within 10 points of MemAvailable's figure).
state="$WORK/state"
wine "$EXE" --once --state.dir "$(win_path "$state")" >"$WORK/once.json" 2>"$WORK/once.err" ||
  fail "--once: $(cat "$WORK/once.err")"
used=$(awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2} END {printf "%.4f", 1 - a / t}' /proc/meminfo)
python3 - "$WORK/once.json" "$used" <<'PY' || fail "--once's summary (above): $(head -c 1500 "$WORK/once.json")"
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
used = float(sys.argv[2])
m = summary["metrics"]
assert summary["samples"] == 1, summary["samples"]
for name in ("cpu_ratio", "memory_ratio", "filesystem_used_ratio"):
    assert m[name]["count"] == 1 and 0 <= m[name]["max"] <= 1 and m[name]["sketch"], (name, m.get(name))
assert abs(m["memory_ratio"]["max"] - used) < 0.10, (m["memory_ratio"], used)
for name in ("network_receive_bytes_per_second", "network_transmit_bytes_per_second"):
    assert m[name]["count"] == 1 and m[name]["max"] >= 0, (name, m.get(name))
# Wine answers neither IOCTL_DISK_PERFORMANCE nor SystemPageFileInformation: left out, not zero.
absent = {"swap_ratio", "disk_read_iops", "disk_write_iops", "disk_read_bytes_per_second",
          "disk_write_bytes_per_second"} & m.keys()
assert not absent, f"measured what Wine cannot give: {absent}"
PY
ok "--once: a summary of CPU, memory (this machine's), the fullest volume and the network; no disk or swap figures under Wine"

# The exe sampling every 200 ms (or as fast as Wine allows) and reporting every second to a real
# collector.
start_collector
port=$(free_port)
start agent wine "$EXE" --web.listen-address "127.0.0.1:$port" --collector.url "$URL" \
  --enrolment-token-file "$(win_path "$ENROL_TOKEN_FILE")" --state.dir "$(win_path "$state")" \
  --spool.dir "$(win_path "$state/spool")" --sample.interval 200ms --report.interval 1s
wait_http "http://127.0.0.1:$port/healthz" 60
host_id="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["inventory"]["sections"]["identity"]["data"]["host_id"])' "$WORK/once.json")"
# measured METRIC: the collector's window for the host has 5+ summaries, each of one sample at
# least, and percentiles. (Under Wine a sample takes about a second on a loaded machine, nearly
# all of it the connection tracker's socket tables: docs/benchmarks.md.)
measured() {
  curl -fsS -H "$API_AUTH" "$URL/api/v1/hosts/$host_id/utilisation?metric=$1" >"$WORK/$1.json" 2>/dev/null &&
    python3 - "$WORK/$1.json" <<'PY'
import json, sys
window = json.load(open(sys.argv[1]))["window"]
text = json.dumps(window)
assert all(p in window for p in ("p50", "p95", "max")), text
assert window["summaries"] >= 5 and window["count"] >= window["summaries"], text
# The sketch's quantiles are within 1% of the exact ones; the maximum is exact.
assert 0 <= window["p50"] <= window["p95"] <= window["max"] * 1.01 and window["max"] <= 1, text
PY
}
for _ in $(seq 600); do measured cpu_ratio 2>/dev/null && measured memory_ratio 2>/dev/null && break; sleep 0.1; done
measured cpu_ratio || fail "cpu_ratio: $(cat "$WORK/cpu_ratio.json")"
measured memory_ratio || fail "memory_ratio: $(cat "$WORK/memory_ratio.json")"
ok "the collector holds the exe's summaries: cpu_ratio and memory_ratio percentiles over 5+ reports"

# The exe's own metrics: its summary ring, how long a sample takes, its CPU and working set.
curl -fsS --max-time 30 -o "$WORK/metrics.txt" "http://127.0.0.1:$port/metrics" || fail "scrape"
python3 - "$WORK/metrics.txt" <<'PY' || fail "self metrics (above)"
import re, sys
values = {}
for line in open(sys.argv[1]):
    m = re.fullmatch(r"([a-z_]+) (\S+)\n", line)
    if m:
        values[m[1]] = float(m[2])
assert values.get("sahab_agent_sample_duration_seconds_count", 0) >= 5, values
assert "sahab_agent_summaries_pending" in values and "sahab_agent_summaries_dropped_total" in values
assert values.get("process_cpu_seconds_total", 0) > 0, values
assert values.get("process_resident_memory_bytes", 0) > 1 << 20, values
PY
ok "/metrics: sample durations, pending summaries, the process's CPU time and working set"

# The planner sizes the host's CPU and memory on what the exe measured.
api /api/v1/plan >"$WORK/plan.json"
python3 - "$WORK/plan.json" "$host_id" <<'PY' || fail "the plan does not size the host on its utilisation (above)"
import json, sys
plan, host_id = json.load(open(sys.argv[1])), sys.argv[2]
host = next(h for h in plan["hosts"] if h["id"] == host_id)
keys = {m["key"] for m in host["reason_messages"]}
assert {"sizing.cpu", "sizing.memory"} <= keys, host["reasons"]
assert not keys & {"sizing.cpu_unobserved", "sizing.memory_unobserved", "sizing.no_utilisation"}, host["reasons"]
print("\n".join(host["reasons"][:2]))
PY
ok "the planner sizes the Windows host from its measured CPU and memory percentiles"

echo "$passed passed, 0 failed"
