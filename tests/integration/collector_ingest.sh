#!/usr/bin/env bash
# End to end on loopback: agents enrol and push (gzip), the collector stores, and the API returns
# hosts with inventory, change history, percentiles within 1% of the exact ones, dependencies
# resolved to hosts, the fleet export, http_sd targets, metrics; then import, revocation, stale.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
start_collector

inventory() {  # inventory HOST_ID HOSTNAME IP REMOTE_IP CPU_HASH
  cat <<JSON
{"format": "sahab-inventory/1", "full": true, "sections": {
  "identity": {"hash": "id-$1", "data": {"host_id": "$1", "hostname": "$2", "listen_address": "127.0.0.1:9911",
               "labels": {"region": "Casablanca-Settat", "commune": "Berrechid", "environment": "prod",
                          "site.uplink_mbps": "20"}}},
  "system": {"hash": "sys", "data": {"os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"}, "arch": "x86_64"}},
  "hardware": {"hash": "$5", "data": {"cpu": {"model": "Xeon", "cores": 8, "mhz": 2100}, "memory_bytes": 17179869184,
               "block_devices": [{"name": "sda", "size_bytes": 536870912000}],
               "filesystems": [{"device": "/dev/sda1", "mountpoint": "/", "size_bytes": 500000000000, "used_bytes": 200000000000}],
               "nics": [{"name": "eth0", "ipv4": ["$3/24"]}]}},
  "software": {"hash": "sw", "data": {"recognised": [{"name": "postgresql", "version": "15.4", "evidence": "package"}]}},
  "network": {"hash": "net-$4", "data": {"listening": [{"protocol": "tcp", "address": "0.0.0.0", "port": 5432, "process": "postgres"}],
              "connections": [{"direction": "outbound", "local_address": "$3", "local_port": 40000,
                               "remote_address": "$4", "remote_port": 5432, "process": "java", "count": 3}]}}}}
JSON
}

cred_a=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" host-a srv-app-01)
cred_b=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" host-b srv-db-01)
[[ ${#cred_a} -eq 64 ]] || fail "credential '$cred_a'"
[[ "$(sql "SELECT count(*) FROM agents WHERE credential_sha256 = '$cred_a'")" == 0 ]] || fail "credential stored in clear"
[[ "$(sql "SELECT count(*) FROM audit_log WHERE action = 'enrol'")" == 2 ]] || fail "enrolments not audited"
pass "enrolment (credential stored hashed, audited)"

inventory host-a srv-app-01 10.1.0.5 10.1.0.6 hw1 >"$WORK/inv-a.json"
inventory host-b srv-db-01 10.1.0.6 10.9.9.9 hw1 >"$WORK/inv-b.json"
now=$(date +%s); base=$(( now / 60 * 60 - 3600 ))
# 30 summaries of 4 samples with known values; the exact percentiles are computed below.
python3 - "$WORK" "$base" <<'PY'
import json, random, subprocess, sys
work, base = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, __import__("os").path.dirname(sys.argv[0]) or ".")
PY
python3 - "$WORK" "$base" "$PUSH" <<'PY'
import importlib.util, json, random, sys
work, base, push = sys.argv[1], int(sys.argv[2]), sys.argv[3]
spec = importlib.util.spec_from_file_location("push", push); p = importlib.util.module_from_spec(spec); spec.loader.exec_module(p)
random.seed(7)
values = [round(random.betavariate(2, 5), 4) for _ in range(120)]
json.dump(values, open(f"{work}/values.json", "w"))
for host in ("a", "b"):
    doc = p.document(f"host-{host}", 1, base, values[:4], json.load(open(f"{work}/inv-{host}.json")))
    doc["summaries"] = [p.document("x", 1, base + i * 60, values[i*4:i*4+4])["summaries"][0] for i in range(30)]
    json.dump(doc, open(f"{work}/batch-{host}-1.json", "w"))
PY
gzip -c "$WORK/batch-a-1.json" >"$WORK/batch-a-1.json.gz"
[[ "$(ingest "$cred_a" "$WORK/batch-a-1.json.gz" -H 'Content-Encoding: gzip')" == 200 ]] || fail "gzip ingest: $(cat "$WORK/reply.json")"
json 'd["acknowledged"] == 1 and d["duplicate"] is False' <"$WORK/reply.json" | grep -q True || fail "ack $(cat "$WORK/reply.json")"
[[ "$(ingest "$cred_b" "$WORK/batch-b-1.json")" == 200 ]] || fail "identity ingest"
[[ "$(ingest "$cred_a" "$WORK/batch-a-1.json.gz" -H 'Content-Encoding: gzip')" == 200 ]] || fail "replay"
json 'd["duplicate"]' <"$WORK/reply.json" | grep -q True || fail "replay not flagged duplicate"
# 30 summaries of two metrics each, in the blocks of their hours.
[[ "$(sql "SELECT sum(entries) FROM summary_blocks WHERE host_id = 'host-a'")" == 60 ]] || fail "summaries stored twice or lost"
pass "ingest gzip and identity, replay acknowledged once"

host="$(api /api/v1/hosts/host-a)"
json 'd["hostname"], d["labels"]["commune"], d["inventory"]["hardware"]["data"]["cpu"]["cores"], d["state"]' <<<"$host" \
  | grep -qx "('srv-app-01', 'Berrechid', 8, 'active')" || fail "host detail: $host"
json 'len(d["changes"]) == 5 and d["changes"][0]["old_hash"] is None' <<<"$host" | grep -q True || fail "changes: $host"
api "/api/v1/hosts?label=commune=Berrechid&sort=hostname&order=desc&limit=1" | json '[h["id"] for h in d["hosts"]], d["total"]' \
  | grep -qx "(\['host-b'\], 2)" || fail "host list filter/sort/page"
api "/api/v1/hosts?q=db" | json '[h["id"] for h in d["hosts"]]' | grep -qx "\['host-b'\]" || fail "search"
api "/api/v1/hosts?label=region=Nowhere" | json 'd["total"]' | grep -qx 0 || fail "label filter"
pass "host list (label filter, search, sort, paginate) and detail (inventory, labels, changes)"

util="$(api "/api/v1/hosts/host-a/utilisation?metric=cpu_ratio&from=$base&to=$((base + 1800))&step=15m")"
python3 - "$WORK/values.json" <<PY || fail "percentiles: $util"
import json, sys
values = sorted(json.load(open(sys.argv[1])))
w = json.loads('''$util''')["window"]
assert w["count"] == 120 and w["summaries"] == 30, w
for name, q in (("p50", .5), ("p90", .9), ("p95", .95), ("p99", .99)):
    exact = values[int(q * (len(values) - 1))]
    assert abs(w[name] - exact) <= 0.0101 * exact, (name, w[name], exact)
# Stored placed by its sketch (docs/storage.md, block format 2; kMaxRelativeError in
# collector/store/summary_block.h): never below, at most 8e-5 above.
assert max(values) <= w["max"] <= max(values) * (1 + 8e-5), (w["max"], max(values))
assert abs(w["coverage"] - 1.0) < 1e-9, w
s = json.loads('''$util''')["series"]
assert len(s) == 2 and s[0]["summaries"] == 15 and s[1]["summaries"] == 15, s
PY
pass "percentiles within 1% of the exact ones, series by step"

# host-b changes its hardware: one change recorded, naming the field.
inventory host-b srv-db-01 10.1.0.6 10.9.9.9 hw2 | sed 's/"cores": 8/"cores": 16/' >"$WORK/inv-b2.json"
python3 "$PUSH" doc host-b 2 --inventory "$WORK/inv-b2.json" >"$WORK/batch-b-2.json"
[[ "$(ingest "$cred_b" "$WORK/batch-b-2.json")" == 200 ]] || fail "second batch"
api /api/v1/hosts/host-b | json '[c["changed"] for c in d["changes"] if c["section"] == "hardware"][0]' \
  | grep -qx "\['cpu'\]" || fail "hardware change not recorded"
pass "inventory change history"

deps="$(api /api/v1/dependencies)"
json '[(e["source"], e["target"], e["port"], e["connections"]) for e in d["edges"]]' <<<"$deps" \
  | grep -q "('host-a', 'host-b', 5432, 3)" || fail "edge not resolved: $deps"
json '[e["remote_address"] for e in d["edges"] if e["target"] is None]' <<<"$deps" | grep -q "10.9.9.9" || fail "unresolved edge: $deps"
pass "dependencies resolved through NIC addresses"

fleet="$(api "/api/v1/fleet?window=1h")"
python3 - <<PY || fail "fleet: $fleet"
import json
f = json.loads('''$fleet''')
assert f["format"] == "sahab-fleet/1"
h = {h["id"]: h for h in f["hosts"]}["host-a"]
assert h["cpu"]["cores"] == 8 and h["memory_bytes"] == 17179869184 and h["os"]["name"] == "Debian GNU/Linux"
assert h["disks"] == [{"name": "sda", "size_bytes": 536870912000, "used_bytes": 200000000000}], h["disks"]
assert h["site"] == {"uplink_mbps": 20.0} and h["software"][0]["name"] == "postgresql"
u = h["utilisation"]
assert 0.4 < u["coverage"] <= 0.51 and set(u["cpu_ratio"]) == {"p50", "p90", "p95", "p99", "max"}, u
assert {"source": "host-a", "target": "host-b", "port": 5432, "connections_per_day": 3} in f["connections"], f["connections"]
PY
pass "fleet export (sahab-fleet/1 with percentiles and coverage)"

targets="$(api /api/v1/targets)"
# site.uplink_mbps is no Prometheus label name: dropped, not renamed (docs/api.md, issue #14).
json '[(t["targets"], t["labels"]["host_id"], t["labels"]["commune"], "site_uplink_mbps" in t["labels"]) for t in d]' <<<"$targets" \
  | grep -q "(\['127.0.0.1:9911'\], 'host-a', 'Berrechid', False)" || fail "targets: $targets"
metrics="$(curl -fsS "$URL/metrics")"
grep -q '^sahab_collector_ingest_requests_total{outcome="stored"} 3$' <<<"$metrics" || fail "ingest counter"
grep -q '^sahab_collector_ingest_requests_total{outcome="duplicate"} 1$' <<<"$metrics" || fail "duplicate counter"
grep -q '^sahab_collector_batch_duration_seconds_count 4$' <<<"$metrics" || fail "latency histogram"
grep -q '^sahab_collector_hosts{state="active"} 2$' <<<"$metrics" || fail "hosts by state"
grep -q '^sahab_collector_db_size_bytes [1-9]' <<<"$metrics" || fail "db size"
# The memory parts (bench/soak.sh samples them), and malloc's arenas capped at one (main.cpp):
# uncapped, glibc has 16 here from the start.
[[ -n "${SAHAB_TEST_STORE:-}" ]] ||
  grep -q '^sahab_collector_sqlite_memory_bytes{kind="used"} [1-9]' <<<"$metrics" || fail "SQLite memory"
grep -q '^sahab_collector_malloc_bytes{kind="in_use"} [1-9]' <<<"$metrics" || fail "malloc in use"
grep -q '^sahab_collector_malloc_arenas 1$' <<<"$metrics" || fail "malloc arenas: $(grep '^sahab_collector_malloc_arenas' <<<"$metrics")"
grep -q '^sahab_host_cpu_ratio{commune="Berrechid",host_id="host-a",hostname="srv-app-01",province="",region="Casablanca-Settat"} ' <<<"$metrics" \
  || fail "per-host gauge"
promtool check metrics <<<"$metrics" >/dev/null 2>&1 || promtool check metrics <<<"$metrics" 2>&1 | grep -v -i 'counter metrics should' | grep -qv . \
  || fail "promtool check metrics: $(promtool check metrics <<<"$metrics" 2>&1 | head -3)"
pass "http_sd targets and /metrics"

cat >"$WORK/fleet.json" <<'JSON'
{"format": "sahab-fleet/1", "hosts": [
  {"id": "win-01", "hostname": "srv-win-01", "labels": {"commune": "Berrechid"}, "cpu": {"cores": 4}, "memory_bytes": 8589934592,
   "utilisation": {"cpu_ratio": {"p95": 0.4}}},
  {"id": "../etc/passwd", "hostname": "x"},
  {"id": "bad-ratio", "utilisation": {"cpu_ratio": {"p95": 4}}},
  {"id": "host-a", "hostname": "impostor"}],
 "connections": [{"source": "win-01", "target": "host-b", "port": 1433, "connections_per_day": 100}]}
JSON
reply="$(curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" "$URL/api/v1/import")"
json 'd["imported"], len(d["errors"]), d["errors"][0]["row"], d["errors"][0]["error"].split(":")[0]' <<<"$reply" \
  | grep -qx "(1, 3, 1, 'id')" || fail "fleet import: $reply"
printf 'id,hostname,commune,os_family,cpu_cores,memory_bytes,disk_bytes,cpu_p95\nappliance-1,"fw, main",Settat,other,2,4294967296,1000000000,0.2\nappliance-2,x,Settat,,two,,,\n,,,,,,,\n' >"$WORK/servers.csv"
reply="$(curl -fsS -H "$API_AUTH" -H 'Content-Type: text/csv' --data-binary @"$WORK/servers.csv" "$URL/api/v1/import")"
# The all-empty line 4 is a blank row as spreadsheets leave them, skipped.
json 'd["imported"], [(e["row"], e["error"].split(":")[0]) for e in d["errors"]]' <<<"$reply" \
  | grep -qx "(1, \[(3, 'cpu_cores')\])" || fail "csv import: $reply"
api /api/v1/hosts/appliance-1 | json 'd["hostname"], d["state"], d["imported"]["cpu"]["cores"]' | grep -qx "('fw, main', 'imported', 2)" || fail "csv host"
api /api/v1/hosts/host-a | json 'd["hostname"]' | grep -qx srv-app-01 || fail "agent host replaced by import"
api "/api/v1/fleet?window=1h" | json '[h["id"] for h in d["hosts"]]' | grep -q "win-01" || fail "imported host not exported"
# The contract's connections_per_day survives import then export (the planner weighs edges by it).
declared="$(api "/api/v1/fleet?window=1h" | json '[c for c in d["connections"] if c["source"] == "win-01"]')"
[[ "$declared" == "[{'connections_per_day': 100, 'port': 1433, 'source': 'win-01', 'target': 'host-b'}]" ]] ||
  fail "declared edge not exported as imported: $declared"
expect_status 400 -H "$API_AUTH" --data-binary 'id,nonsense' -H 'Content-Type: text/csv' "$URL/api/v1/import"
expect_status 400 -H "$API_AUTH" --data-binary '{"format": "other"}' "$URL/api/v1/import"
pass "import: fleet JSON and CSV with per-row errors; agent hosts kept"

# The fleet as CSV: spreadsheet-clean (BOM, one header, quoted cells) and importable again.
curl -fsS -D "$WORK/csv-headers" -H "$API_AUTH" "$URL/api/v1/fleet?window=1h&format=csv" >"$WORK/export.csv"
grep -qi '^content-type: text/csv; charset=utf-8' "$WORK/csv-headers" || fail "fleet csv type: $(cat "$WORK/csv-headers")"
python3 - "$WORK/export.csv" "$(api "/api/v1/fleet?window=1h")" <<'PY' || fail "fleet csv: $(head -c 300 "$WORK/export.csv")"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbfid,hostname,region,") and raw.count(b"\xef\xbb\xbf") == 1, raw[:40]
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
fleet = json.loads(sys.argv[2])
assert [r["id"] for r in rows] == [h["id"] for h in fleet["hosts"]], rows
by_id = {r["id"]: r for r in rows}
assert by_id["appliance-1"]["hostname"] == "fw, main" and by_id["host-a"]["cpu_cores"] == "8", by_id
assert by_id["host-a"]["commune"] == "Berrechid" and by_id["host-a"]["disk_bytes"] == "536870912000", by_id["host-a"]
PY
reply="$(curl -fsS -H "$API_AUTH" -H 'Content-Type: text/csv' --data-binary @"$WORK/export.csv" "$URL/api/v1/import")"
json '(d["imported"] + d["unchanged"], sorted(e["id"] for e in d["errors"]))' <<<"$reply" \
  | grep -qx "(2, \['host-a', 'host-b'\])" || fail "csv export imported again: $reply"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/fleet?format=xml"
pass "fleet CSV export: BOM, header, quoting; imports back (agent hosts kept)"

agent_id=$(api /api/v1/agents | json '[a["id"] for a in d["agents"] if a["host_id"] == "host-b"][0]')
expect_status 401 -X POST "$URL/api/v1/agents/$agent_id/revoke"
expect_status 404 -X POST -H "$API_AUTH" "$URL/api/v1/agents/999/revoke"
expect_status 200 -X POST -H "$API_AUTH" --data '{"reason": "decommissioned"}' "$URL/api/v1/agents/$agent_id/revoke"
python3 "$PUSH" doc host-b 3 >"$WORK/batch-b-3.json"
[[ "$(ingest "$cred_b" "$WORK/batch-b-3.json")" == 401 ]] || fail "revoked credential accepted"
[[ "$(sql "SELECT count(*) FROM audit_log WHERE action = 'revoke' AND detail = 'decommissioned'")" == 1 ]] || fail "revocation not audited"
pass "revocation (401 afterwards, audited)"

# Restart on the same database with a short stale-after: everything is still there.
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" || true
start_collector --stale-after 1s --maintenance.interval 1s
api /api/v1/hosts | json 'd["total"]' | grep -qx 4 || fail "hosts lost across restart"
deadline=$((SECONDS + 10))
until [[ "$(sql "SELECT state FROM hosts WHERE id = 'host-a'")" == stale ]]; do
  (( SECONDS < deadline )) || fail "host not marked stale"; sleep 0.5
done
[[ "$(sql "SELECT count(*) FROM hosts")" == 4 ]] || fail "hosts deleted"
python3 "$PUSH" doc host-a 2 >"$WORK/batch-a-2.json"
[[ "$(ingest "$cred_a" "$WORK/batch-a-2.json")" == 200 ]] || fail "push after stale"
[[ "$(sql "SELECT state FROM hosts WHERE id = 'host-a'")" == active ]] || fail "host not active again"
pass "stale hosts marked, never deleted, active again on push"

# An RVTools workbook as exported (a real 4.7 one from the shared samples, never copied into the
# repository), whatever its Content-Type: every VM becomes a host. A truncated copy is refused whole.
book="$SAHAB_SOURCE_DIR/../shared/samples/imports/rvtools/abeggi/BCspa1.xlsx"
reply="$(curl -fsS -H "$API_AUTH" -H 'Content-Type: application/octet-stream' --data-binary @"$book" "$URL/api/v1/import")"
json 'd["imported"], d["errors"]' <<<"$reply" | grep -qx "(19, \[\])" || fail "rvtools import: $reply"
api /api/v1/hosts/vmware:500a4c9e-5f20-d27e-3b24-cc8135250d86 |
  json 'd["state"], d["imported"]["cpu"]["cores"], d["labels"]["vmware.powerstate"], len(d["imported"]["disks"])' |
  grep -qx "('imported', 4, 'poweredOff', 3)" || fail "rvtools host"
head -c 40000 "$book" >"$WORK/truncated.xlsx"
curl -sS -o "$WORK/truncated-reply.json" -w '%{http_code}' -H "$API_AUTH" --data-binary @"$WORK/truncated.xlsx" \
  "$URL/api/v1/import" | grep -qx 400 || fail "truncated workbook not refused"
grep -q "not a readable zip archive.*cut short" "$WORK/truncated-reply.json" || fail "truncated: $(cat "$WORK/truncated-reply.json")"
# ?format= overrides what the content looks like: Sahab CSV read as an RVTools vInfo tab is refused
# as one, naming the columns it lacks.
curl -sS -o "$WORK/format-reply.json" -w '%{http_code}' -H "$API_AUTH" -H 'Content-Type: text/csv' \
  --data-binary @"$WORK/servers.csv" "$URL/api/v1/import?format=rvtools" | grep -qx 400 || fail "format=rvtools on CSV"
grep -q "vInfo: missing columns 'VM', 'CPUs', 'Memory'" "$WORK/format-reply.json" || fail "format=rvtools: $(cat "$WORK/format-reply.json")"
expect_status 400 -H "$API_AUTH" --data-binary @"$WORK/servers.csv" "$URL/api/v1/import?format=xml"
pass "import: RVTools workbook, each VM a host; a truncated one refused with the reason; ?format= overrides"

# A preview writes nothing; the same file again changes nothing; the import cap (64 MiB) is not
# the ingest's (8 MiB), and beyond it the answer names the cap.
inventory="$SAHAB_SOURCE_DIR/../shared/samples/imports/ocs-glpi/glpi-inventory_format/fusioninventory_2.xml"
before="$(sql "SELECT count(*) FROM hosts")"
reply="$(curl -fsS -H "$API_AUTH" --data-binary @"$inventory" "$URL/api/v1/import?dry_run=1")"
json 'd["dry_run"], d["format"], d["created"], d["hosts"][0]["action"], d["hosts"][0]["host"]["os"]["family"]' <<<"$reply" |
  grep -qx "(True, 'fusioninventory', 1, 'create', 'windows')" || fail "dry run: $reply"
[[ "$(sql "SELECT count(*) FROM hosts")" == "$before" ]] || fail "dry run wrote hosts"
curl -fsS -H "$API_AUTH" --data-binary @"$inventory" "$URL/api/v1/import" | json 'd["created"]' | grep -qx 1 || fail "inventory import"
reply="$(curl -fsS -H "$API_AUTH" --data-binary @"$book" "$URL/api/v1/import")"
json 'd["imported"], d["unchanged"]' <<<"$reply" | grep -qx "(0, 19)" || fail "re-import changed hosts: $reply"
# An empty fleet document padded with blanks to FILE's size in MiB.
padded_fleet() {
  python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"format": "sahab-fleet/1", "hosts": []' + " " * (int(sys.argv[2]) << 20) + "}")
PY
}
padded_fleet "$WORK/big.json" 9
curl -fsS -H "$API_AUTH" --data-binary @"$WORK/big.json" "$URL/api/v1/import" | json 'd["imported"]' | grep -qx 0 ||
  fail "a 9 MiB import refused by the ingest cap"
padded_fleet "$WORK/huge.json" 65
code="$(curl -sS -o "$WORK/huge-reply.txt" -w '%{http_code}' -H "$API_AUTH" --data-binary @"$WORK/huge.json" "$URL/api/v1/import")"
[[ "$code" == 413 ]] && grep -q "67108864 bytes" "$WORK/huge-reply.txt" || fail "over the import cap: $code $(head -c 200 "$WORK/huge-reply.txt")"
# A server an agent reports (host-a, srv-app-01) listed in an Azure Migrate sheet: matched by name,
# the agent's data kept, the sheet's filling in what the agent does not report.
reply="$(curl -fsS -H "$API_AUTH" --data-binary $'Server name;Cores;Memory (In MB);Boot type\r\nsrv-app-01;2;2048;UEFI\r\n' \
  "$URL/api/v1/import")"
json 'd["updated"], d["hosts"][0]["match"], d["errors"]' <<<"$reply" |
  grep -qx "(1, {'id': 'host-a', 'rule': 'hostname', 'source': 'agent'}, \[\])" ||
  fail "agent host matched by name: $reply"
api /api/v1/fleet | json '[(h["hostname"], h["cpu"]["cores"], h["labels"]["azure.boot_type"]) for h in d["hosts"] if h["id"] == "host-a"]' |
  grep -qxF "[('srv-app-01', 8, 'UEFI')]" || fail "agent host filled in: $(api /api/v1/fleet | head -c 600)"
pass "import: preview writes nothing, re-import changes nothing, agent hosts matched by name and filled in, 64 MiB import cap (413 beyond)"
echo "14 passed, 0 failed"
