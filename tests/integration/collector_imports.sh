#!/usr/bin/env bash
# Imports against what is already stored: a server known to two sources is one host (matched on
# the SMBIOS/VM UUID in VMware's other byte order, on its primary IP, on its name), the agent's
# data wins and the import fills in beside it; ?all_or_nothing=1 writes nothing when a row fails;
# every import is in the history (who, file name, SHA-256, counts) and can be rolled back unless
# a later import changed the same hosts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
start_collector

# An agent host as a Debian VM of an older VMware hardware version shows it: its SMBIOS UUID in
# Linux's byte order, which vCenter (and RVTools) write as 4224a0d8-1c2e-3b4f-...
cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" agent-web web01.commune.ma)
cat >"$WORK/inventory.json" <<'JSON'
{"format": "sahab-inventory/1", "full": true, "sections": {
  "identity": {"hash": "i1", "data": {"host_id": "agent-web", "hostname": "web01.commune.ma",
               "labels": {"region": "Rabat-Salé-Kénitra"}}},
  "system": {"hash": "s1", "data": {"os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"},
             "arch": "x86_64", "dmi": {"vendor": "VMware, Inc.", "uuid": "d8a02442-2e1c-4f3b-8e6d-0a1b2c3d4e5f"}}},
  "hardware": {"hash": "h1", "data": {"cpu": {"cores": 8}, "memory_bytes": 17179869184,
               "nics": [{"name": "eth0", "ipv4": ["10.1.0.5/24"]}]}}}}
JSON
python3 "$PUSH" doc agent-web 1 --inventory "$WORK/inventory.json" >"$WORK/batch.json"
[[ "$(ingest "$cred" "$WORK/batch.json")" == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"

# import FILE [QUERY] [CURL ARGS...]: POSTs FILE to /api/v1/import?QUERY; the answer in
# $WORK/answer.json, the status printed.
import() {
  local file="$1" query="${2:-}"; shift 2 || shift
  curl -sS -o "$WORK/answer.json" -w '%{http_code}' -H "$API_AUTH" --data-binary @"$file" "$@" \
    "$URL/api/v1/import?$query"
}
answer() { json "$1" <"$WORK/answer.json"; }

printf 'Server name;Cores;Memory (In MB);IP addresses\r\ncrm.commune.ma;2;2048;10.3.0.9\r\n' >"$WORK/azure.csv"
[[ "$(import "$WORK/azure.csv" "name=azure%20export.csv")" == 200 ]] || fail "azure: $(cat "$WORK/answer.json")"
azure_import="$(answer 'd["import"]')"
crm="$(answer 'd["hosts"][0]["id"]')"

# One RVTools vInfo tab: web01 is the agent's VM (UUID, other byte order), crm-vm the Azure
# server (its primary IP), paie new, and a second row for web01 (by name) an error.
cat >"$WORK/vinfo.csv" <<'CSV'
VM,Powerstate,CPUs,Memory,DNS Name,Primary IP Address,VM UUID,Cluster
web01,poweredOn,4,8192,web01.commune.ma,10.1.0.5,4224A0D8-1C2E-3B4F-8E6D-0A1B2C3D4E5F,CL-Rabat
paie,poweredOff,2,4096,paie.commune.ma,10.2.0.7,11111111-2222-3333-4444-555555555555,CL-Rabat
crm-vm,poweredOn,2,2048,,10.3.0.9,,CL-Casa
web01-clone,poweredOn,1,1024,web01.commune.ma,,,CL-Rabat
CSV
hosts_before="$(sql "SELECT count(*) || '/' || count(imported) FROM hosts")"
# The preview names the rule that matched each row.
[[ "$(import "$WORK/vinfo.csv" "dry_run=1")" == 200 ]] || fail "preview: $(cat "$WORK/answer.json")"
answer '[(h["action"], h.get("match", {}).get("id"), h.get("match", {}).get("rule")) for h in d["hosts"]]' |
  grep -qxF "[('update', 'agent-web', 'uuid (byte-swapped)'), ('create', None, None), ('update', '$crm', 'primary ip'), ('error', 'agent-web', 'hostname')]" ||
  fail "preview matches: $(cat "$WORK/answer.json")"
answer 'd["hosts"][3]["error"]' | grep -q "same server as row 2" || fail "duplicate server: $(cat "$WORK/answer.json")"
# All or nothing: one bad row, nothing written, 422 with the per-row results.
[[ "$(import "$WORK/vinfo.csv" "all_or_nothing=1")" == 422 ]] || fail "all_or_nothing: $(cat "$WORK/answer.json")"
answer 'd["code"], d["failed"], d["imported"], len(d["hosts"])' | grep -qx "('import_rows_failed', 1, 0, 4)" ||
  fail "all_or_nothing answer: $(cat "$WORK/answer.json")"
[[ "$(sql "SELECT count(*) || '/' || count(imported) FROM hosts")" == "$hosts_before" ]] || fail "all_or_nothing wrote hosts"
[[ "$(sql "SELECT count(*) FROM imports")" == 1 ]] || fail "all_or_nothing recorded an import"
pass "matching shown in the preview (UUID byte-swapped, primary IP, hostname); all_or_nothing writes nothing (422)"

# By default the good rows go in; the agent's VM gets the import's cluster beside its own data.
[[ "$(import "$WORK/vinfo.csv" "" -H 'Content-Disposition: attachment; filename="RVTools_tabvInfo.csv"')" == 200 ]] ||
  fail "rvtools: $(cat "$WORK/answer.json")"
answer 'd["created"], d["updated"], d["unchanged"], d["failed"]' | grep -qx "(1, 2, 0, 1)" || fail "rvtools counts: $(cat "$WORK/answer.json")"
rv_import="$(answer 'd["import"]')"
api /api/v1/fleet >"$WORK/fleet.json"
python3 - "$WORK/fleet.json" "$crm" <<'PY' || fail "fleet after matching"
import json, sys
hosts = {h["id"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
web = hosts["agent-web"]
assert web["hostname"] == "web01.commune.ma", web
assert web["cpu"]["cores"] == 8, web                   # the agent's, not the sheet's 4
assert web["labels"]["region"] == "Rabat-Salé-Kénitra", web
assert web["labels"]["vmware.cluster"] == "CL-Rabat", web
assert web["labels"]["vmware.powerstate"] == "poweredOn", web
assert not any(i.startswith("vmware:4224") for i in hosts), sorted(hosts)
crm = hosts[sys.argv[2]]                               # one host for two sources
assert crm["labels"]["vmware.cluster"] == "CL-Casa" and crm["labels"]["azure.ip_addresses"] == "10.3.0.9", crm
assert len(hosts) == 3, sorted(hosts)
PY
# The same file again changes nothing.
[[ "$(import "$WORK/vinfo.csv")" == 200 ]] || fail "again: $(cat "$WORK/answer.json")"
answer 'd["created"], d["updated"], d["unchanged"], d["failed"]' | grep -qx "(0, 0, 3, 1)" || fail "re-import: $(cat "$WORK/answer.json")"
again_import="$(answer 'd["import"]')"
pass "imported data fills in beside the agent's, two sources make one host, the same file again is unchanged"

# The history: newest first, who, file name, SHA-256 of the file, counts.
api /api/v1/imports >"$WORK/imports.json"
sha="$(sha256sum "$WORK/vinfo.csv" | cut -d' ' -f1)"
json '[(i["id"], i["file_name"], i["actor"], i["created"], i["updated"], i["unchanged"], i["failed"]) for i in d["imports"]]' <"$WORK/imports.json" |
  grep -qxF "[($again_import, '', 'api-token', 0, 0, 3, 1), ($rv_import, 'RVTools_tabvInfo.csv', 'api-token', 1, 2, 0, 1), ($azure_import, 'azure export.csv', 'api-token', 1, 0, 0, 0)]" ||
  fail "history: $(cat "$WORK/imports.json")"
json 'd["imports"][1]["sha256"], d["imports"][1]["format"]' <"$WORK/imports.json" | grep -q "$sha" || fail "sha256: $(cat "$WORK/imports.json")"
api "/api/v1/imports/$rv_import" | json '[(h["id"], h["action"]) for h in d["hosts"]]' |
  grep -qxF "[('agent-web', 'update'), ('$crm', 'update'), ('vmware:11111111-2222-3333-4444-555555555555', 'create')]" ||
  fail "import detail: $(api "/api/v1/imports/$rv_import")"
expect_status 404 -H "$API_AUTH" "$URL/api/v1/imports/999"
pass "history: each import with its actor, file name, SHA-256 and counts; the hosts it changed"

# Rollback: the Azure import is under the RVTools one (which changed its host): refused, naming it.
rollback() { curl -sS -o "$WORK/answer.json" -w '%{http_code}' -H "$API_AUTH" -X POST "$URL/api/v1/imports/$1/rollback"; }
[[ "$(rollback "$azure_import")" == 409 ]] || fail "rollback under a later import: $(cat "$WORK/answer.json")"
answer 'd["code"], d["params"]["hosts"]' | grep -qxF "('import_superseded', ['$crm'])" || fail "409: $(cat "$WORK/answer.json")"
[[ "$(rollback "$again_import")" == 200 ]] || fail "rollback of an unchanged import"
[[ "$(rollback "$rv_import")" == 200 ]] || fail "rollback rvtools: $(cat "$WORK/answer.json")"
answer 'd["removed"], d["restored"]' | grep -qx "(1, 2)" || fail "rollback counts: $(cat "$WORK/answer.json")"
api /api/v1/fleet >"$WORK/fleet.json"
python3 - "$WORK/fleet.json" "$crm" <<'PY' || fail "fleet after rollback"
import json, sys
hosts = {h["id"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
assert sorted(hosts) == sorted(["agent-web", sys.argv[2]]), sorted(hosts)
assert "vmware.cluster" not in hosts["agent-web"]["labels"], hosts["agent-web"]
assert "vmware.cluster" not in hosts[sys.argv[2]]["labels"], hosts[sys.argv[2]]
PY
[[ "$(rollback "$azure_import")" == 200 ]] || fail "rollback azure: $(cat "$WORK/answer.json")"
[[ "$(sql "SELECT count(*) FROM hosts")" == 1 ]] || fail "rollback left hosts"
[[ "$(rollback "$azure_import")" == 409 ]] || fail "second rollback"
answer 'd["code"]' | grep -qx import_rolled_back || fail "second rollback: $(cat "$WORK/answer.json")"
[[ "$(rollback 999)" == 404 ]] || fail "rollback of no import"
[[ "$(sql "SELECT count(*) FROM audit_log WHERE action = 'import_rollback'")" == 3 ]] || fail "rollbacks not audited"
api "/api/v1/imports/$azure_import" | json 'd["rolled_back_by"], d["rolled_back_at"] is not None' |
  grep -qx "('api-token', True)" || fail "rolled back entry"
pass "rollback: refused (409 naming the hosts) under a later import; removes what it created, restores what it changed, audited"

# The file name is a name, not a path: its last segment, without control characters, bounded.
[[ "$(import "$WORK/azure.csv" "name=..%2F..%2Fetc%2Fevil%0Aname.csv")" == 200 ]] || fail "named import"
api "/api/v1/imports/$(answer 'd["import"]')" | json 'd["file_name"]' | grep -qx "evilname.csv" || fail "file name not cleaned"
long="$(printf 'a%.0s' {1..400})"
[[ "$(import "$WORK/azure.csv" "" -H "Content-Disposition: attachment; filename=\"$long.csv\"")" == 200 ]] || fail "long name"
api "/api/v1/imports/$(answer 'd["import"]')" | json 'len(d["file_name"])' | grep -qx 255 || fail "file name not bounded"
pass "file names: the last path segment, control characters dropped, at most 255 bytes"

# Without credentials an upload is refused before it is received (nor written to disk): a 401 for
# a 20 MB body, the connection closed.
head -c 20000000 /dev/zero >"$WORK/big.bin"
code=$(curl -s -o "$WORK/refused.txt" -w '%{http_code}' --data-binary @"$WORK/big.bin" "$URL/api/v1/import")
[[ "$code" == 401 ]] || fail "unauthenticated upload: $code $(head -c 200 "$WORK/refused.txt")"
pass "an upload without credentials is refused (401) before its body is read"
