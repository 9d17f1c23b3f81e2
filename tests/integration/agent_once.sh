#!/usr/bin/env bash
# `sahab-agent --once` and GET /inventory on the real machine: the JSON parses and agrees with
# uname, /etc/os-release, nproc, free, df and dpkg-query, and shows a TCP connection this test
# opens to its own listener.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"

# A listener with one established connection, held open while the agent looks.
listen_port=$(free_port)
cat >"$WORK/pair.py" <<'PY'
import socket, sys, time
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1]))); server.listen(1)
client = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
peer, _ = server.accept()
print(client.getsockname()[1], flush=True)
time.sleep(120)
PY
start pair python3 "$WORK/pair.py" "$listen_port"
deadline=$((SECONDS + 30))
until [[ -s "$WORK/pair.log" ]] || (( SECONDS >= deadline )); do sleep 0.1; done
client_port=$(head -1 "$WORK/pair.log")
[[ -n "$client_port" ]] || fail "test connection not opened"

# Packages as dpkg-query lists them before and after the agent looks: only those in both must be
# in its list (an install or removal on the machine meanwhile is not the agent's fault).
list_packages() { dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\n' | sort; }
list_packages >"$WORK/dpkg-before.txt"
"$AGENT" --once --state.dir "$WORK/state" --label region=Casablanca-Settat \
  --label site.uplink_mbps=20 >"$WORK/once.json" 2>"$WORK/once.log" || fail "--once failed"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/once.json" || fail "--once is not JSON"
pass "--once prints JSON"

# Reference figures from the usual tools, handed to the checker as environment variables.
source /etc/os-release
export OS_NAME="$NAME" OS_VERSION_ID="${VERSION_ID:-}" OS_ID="$ID"
export UNAME_R="$(uname -r)" UNAME_M="$(uname -m)" UNAME_N="$(uname -n)" NPROC="$(nproc --all)"
export MEM_TOTAL="$(free -b | awk '/^Mem:/ {print $2}')" SWAP_TOTAL="$(free -b | awk '/^Swap:/ {print $2}')"
read -r DF_SIZE DF_USED < <(df -B1 --output=size,used / | tail -1)
export DF_SIZE DF_USED LISTEN_PORT="$listen_port" CLIENT_PORT="$client_port"
list_packages >"$WORK/dpkg-after.txt"
comm -12 "$WORK/dpkg-before.txt" "$WORK/dpkg-after.txt" >"$WORK/dpkg.txt"
sort -u "$WORK/dpkg-before.txt" "$WORK/dpkg-after.txt" >"$WORK/dpkg-any.txt"
export DPKG_LIST="$WORK/dpkg.txt" DPKG_ANY="$WORK/dpkg-any.txt"

python3 - "$WORK/once.json" <<'PY' || fail "--once disagrees with the system tools"
import json, os, sys
doc = json.load(open(sys.argv[1]))
inv = doc["inventory"]
assert inv["format"] == "sahab-inventory/1", inv["format"]
s = {name: section["data"] for name, section in inv["sections"].items()}
e = os.environ
def same(what, got, want):
    assert str(got) == str(want), f"{what}: agent says {got!r}, system says {want!r}"
same("kernel", s["system"]["kernel"], e["UNAME_R"])
same("arch", s["system"]["arch"], e["UNAME_M"])
same("hostname", s["identity"]["hostname"], e["UNAME_N"])
same("os name", s["system"]["os"]["name"], e["OS_NAME"])
same("os version", s["system"]["os"]["version"], e["OS_VERSION_ID"])
same("os id", s["system"]["os"]["id"], e["OS_ID"])
same("threads", s["hardware"]["cpu"]["threads"], e["NPROC"])
same("memory", s["hardware"]["memory_bytes"], e["MEM_TOTAL"])
same("swap", s["hardware"]["swap_bytes"], e["SWAP_TOTAL"])
same("label", s["identity"]["labels"]["site.uplink_mbps"], "20")
root = [f for f in s["hardware"]["filesystems"] if f["mountpoint"] == "/"]
assert root, "no / filesystem"
same("/ size", root[0]["size_bytes"], e["DF_SIZE"])
assert abs(root[0]["used_bytes"] - int(e["DF_USED"])) < 256 << 20, ("/ used", root[0]["used_bytes"], e["DF_USED"])
assert len(s["identity"]["host_id"]) == 32
print("ok: system and hardware match uname, os-release, nproc, free, df")

def packages(path):
    return set(tuple(l.split("\t")) for l in open(path).read().splitlines())
want, possible = packages(e["DPKG_LIST"]), packages(e["DPKG_ANY"])
got = set((p["name"], p["version"], p["arch"]) for p in s["software"]["packages"])
missing, invented = want - got, got - possible
assert not missing, f"{len(missing)} dpkg packages missing, e.g. {sorted(missing)[:3]}"
assert not invented, f"{len(invented)} packages dpkg-query does not know, e.g. {sorted(invented)[:3]}"
assert len(got) == len(s["software"]["packages"]), "a package listed twice"
print(f"ok: all {len(want)} dpkg-query packages listed")

port, client = int(e["LISTEN_PORT"]), int(e["CLIENT_PORT"])
net = s["network"]
listeners = [l for l in net["listening"] if l["port"] == port and l["protocol"] == "tcp"]
assert listeners and listeners[0]["address"] == "127.0.0.1", f"listener {port} missing"
same("listener process", listeners[0]["process"], "python3")
out = [c for c in net["connections"] if c["direction"] == "outbound" and c["remote_port"] == port]
inb = [c for c in net["connections"] if c["direction"] == "inbound" and c["local_port"] == port]
assert out and inb, f"connection to {port} missing: {net['connections']}"
same("outbound remote", out[0]["remote_address"], "127.0.0.1")
same("outbound process", out[0]["process"], "python3")
same("inbound remote", inb[0]["remote_address"], "127.0.0.1")
assert out[0]["count"] >= 1 and inb[0]["count"] >= 1
rows = [(c["local_port"], c["remote_port"], c["process"]) for c in net["established"]
        if c["local_address"] == "127.0.0.1" and c["remote_address"] == "127.0.0.1"]
assert (client, port, "python3") in rows and (port, client, "python3") in rows, rows
print(f"ok: test connection :{client} -> 127.0.0.1:{port} seen as outbound and inbound edges")

summary = doc["summary"]
assert summary["samples"] == 1, summary
want = {"cpu_ratio", "memory_ratio", "swap_ratio", "disk_read_iops", "disk_write_iops",
        "disk_read_bytes_per_second", "disk_write_bytes_per_second",
        "network_receive_bytes_per_second", "network_transmit_bytes_per_second",
        "filesystem_used_ratio"}
missing = want - set(summary["metrics"])
# A machine without physical disks or NICs has no such counters; everything else must be there.
assert missing <= {"disk_read_iops", "disk_write_iops", "disk_read_bytes_per_second",
                   "disk_write_bytes_per_second", "network_receive_bytes_per_second",
                   "network_transmit_bytes_per_second"}, missing
for name, m in summary["metrics"].items():
    assert m["count"] == 1 and m["max"] == m["mean"] and sum(m["sketch"].values()) == 1, (name, m)
assert 0 <= summary["metrics"]["cpu_ratio"]["max"] <= 1
mem = summary["metrics"]["memory_ratio"]["max"]
assert 0 < mem < 1, mem
print("ok: one utilisation summary with every metric")
PY
pass "--once agrees with the system"

port=$(free_port)
start agent "$AGENT" --web.listen-address "127.0.0.1:$port" --state.dir "$WORK/state" --label owner=dsi \
  --sample.interval 100ms --report.interval 500ms
wait_http "http://127.0.0.1:$port/healthz"
curl -fsS "http://127.0.0.1:$port/inventory" >"$WORK/inventory.json"
python3 - "$WORK/inventory.json" <<'PY' || fail "GET /inventory"
import hashlib, json, sys
inv = json.load(open(sys.argv[1]))
assert inv["format"] == "sahab-inventory/1"
assert set(inv["sections"]) == {"identity", "system", "hardware", "software", "network"}, inv["sections"].keys()
identity = inv["sections"]["identity"]
canonical = json.dumps(identity["data"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
assert identity["hash"] == hashlib.sha256(canonical.encode()).hexdigest(), "identity hash"
assert identity["data"]["labels"] == {"owner": "dsi"}
PY
ctype="$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/inventory")"
[[ "$ctype" == application/json* ]] || fail "content type $ctype"
pass "GET /inventory"

# Reports every 500 ms: wait (bounded) for two, however slow a loaded machine schedules the agent.
deadline=$((SECONDS + 30))
until curl -fsS "http://127.0.0.1:$port/utilisation" >"$WORK/utilisation.json" &&
  [[ "$(json 'len(d["summaries"])' <"$WORK/utilisation.json")" -ge 2 ]]; do
  (( SECONDS < deadline )) || fail "fewer than two summaries after 30 s: $(cat "$WORK/utilisation.json")"
  sleep 0.2
done
python3 - "$WORK/utilisation.json" <<'PY' || fail "GET /utilisation"
import json, sys
summaries = json.load(open(sys.argv[1]))["summaries"]
assert len(summaries) >= 2, summaries
seqs = [s["sequence"] for s in summaries]
assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
assert all(s["samples"] >= 1 and "cpu_ratio" in s["metrics"] for s in summaries)
PY
metrics="$(curl -fsS "http://127.0.0.1:$port/metrics")"
grep -q '^sahab_agent_sample_duration_seconds_count [1-9]' <<<"$metrics" || fail "sample duration histogram"
grep -q '^process_cpu_seconds_total ' <<<"$metrics" || fail "process_cpu_seconds_total"
grep -q '^sahab_agent_summaries_pending [1-9]' <<<"$metrics" || fail "sahab_agent_summaries_pending"
grep -q '^process_resident_memory_bytes [1-9]' <<<"$metrics" || fail "process_resident_memory_bytes"
if command -v promtool >/dev/null; then
  # The node_memory_* names are node_exporter's own (promtool dislikes their camelCase); ours must pass.
  promtool check metrics <<<"$metrics" >"$WORK/promtool.log" 2>&1 || true
  ! grep -E '^(sahab_|process_)' "$WORK/promtool.log" || fail "promtool: $(cat "$WORK/promtool.log")"
fi
pass "utilisation summaries and self metrics"

echo "4 passed, 0 failed"
