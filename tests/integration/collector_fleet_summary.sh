#!/usr/bin/env bash
# GET /api/v1/fleet/summary against the full fleet it summarises, gzip of large answers
# (curl --compressed), GET /api/v1/dependencies?host= and GET /api/v1/plan/groups.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

start_collector
python3 "$(dirname "$0")/webui_fleet.py" 2000 >"$WORK/fleet.json"
python3 - "$WORK/fleet.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
# Older systems the end-of-life table knows, and one it does not.
for i, (name, version) in enumerate([("CentOS Linux", "7"), ("Ubuntu", "18.04"), ("Windows Server", "2012 R2"), ("Plan 9", "4")]):
    doc["hosts"][i]["os"] = {"family": "linux", "name": name, "version": version}
doc["connections"] = [{"source": "srv-00001", "target": "srv-00002", "port": 5432},
                      {"source": "srv-00003", "target": "srv-00001", "port": 443},
                      {"source": "srv-00004", "target": "srv-00005", "port": 53}]
json.dump(doc, open(sys.argv[1], "w"))
PY
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" | json 'd["imported"]' | grep -qx 2000 || fail "import"

api /api/v1/fleet >"$WORK/full.json"
api /api/v1/fleet/summary >"$WORK/summary.json"
python3 - "$WORK/full.json" "$WORK/summary.json" <<'PY' || fail "summary differs from the fleet"
import collections, json, sys
fleet, s = json.load(open(sys.argv[1]))["hosts"], json.load(open(sys.argv[2]))
def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: summary {got} != fleet {want}")
check("hosts", s["hosts"], len(fleet))
check("cores", s["cores"], sum(h.get("cpu", {}).get("cores", 0) for h in fleet))
check("memory", s["memory_bytes"], sum(h.get("memory_bytes", 0) for h in fleet))
check("storage", s["storage_bytes"], sum(d.get("size_bytes", 0) for h in fleet for d in h.get("disks", [])))
regions = collections.Counter(h["labels"].get("region") for h in fleet)
check("regions", {r["name"]: r["hosts"] for r in s["by_region"]}, dict(regions))
provinces = collections.Counter(h["labels"].get("province") for h in fleet)
check("provinces", {r["name"]: r["hosts"] for r in s["by_province"]}, dict(provinces))
oses = collections.Counter(f'{h["os"]["name"]} {h["os"]["version"]}' for h in fleet)
check("os", {o["name"]: o["hosts"] for o in s["by_os"]}, dict(oses))
status = {o["name"]: o["status"] for o in s["by_os"]}
check("eol", [status["CentOS Linux 7"], status["Ubuntu 18.04"], status["Windows Server 2012 R2"], status["Plan 9 4"]],
      ["ended", "ended", "ended", "unknown"])
check("eol counts", sum(s["end_of_life"].values()), len(fleet))
check("eol ended", s["end_of_life"]["ended"], 3)
bands = [0] * 10
for h in fleet:
    bands[min(9, int(h["utilisation"]["cpu_ratio"]["p95"] * 10))] += 1
check("cpu histogram", s["utilisation"]["cpu_p95"], bands)
PY
api /api/v1/fleet/hosts >"$WORK/table.json"
python3 - "$WORK/full.json" "$WORK/table.json" <<'PY' || fail "hosts table differs from the fleet"
import json, sys
fleet = {h["id"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
rows = json.load(open(sys.argv[2]))["hosts"]
assert sorted(r["id"] for r in rows) == sorted(fleet), "not the same hosts"
for r in rows:
    h = fleet[r["id"]]
    want = (h["hostname"], h["labels"], f'{h["os"]["name"]} {h["os"]["version"]}', h["cpu"]["cores"], h["memory_bytes"],
            sum(d["size_bytes"] for d in h["disks"]), h["utilisation"]["cpu_ratio"]["p95"], "imported")
    got = (r["hostname"], r["labels"], r["os"], r["cores"], r["memory_bytes"], r["storage_bytes"], r["cpu_p95"], r["state"])
    assert got == want, f"{r['id']}: {got} != {want}"
PY
expect_status 400 -H "$API_AUTH" "$URL/api/v1/fleet/summary?window=soon"
expect_status 401 "$URL/api/v1/fleet/summary"
ok "the fleet summary and hosts table equal the full fleet (totals, regions, provinces, OS, end of life, CPU p95, every row)"

curl -fsS -D "$WORK/gz.headers" -o "$WORK/fleet.gz" -H "$API_AUTH" -H 'Accept-Encoding: gzip' "$URL/api/v1/fleet"
grep -qi '^content-encoding: gzip' "$WORK/gz.headers" || fail "fleet not gzipped: $(cat "$WORK/gz.headers")"
grep -qi '^vary: accept-encoding' "$WORK/gz.headers" || fail "no Vary header"
same_hosts() { python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["hosts"] != json.load(open(sys.argv[1]))["hosts"])' "$WORK/full.json"; }
gzip -dc "$WORK/fleet.gz" | same_hosts || fail "gunzipped fleet differs"
curl -fsS --compressed -H "$API_AUTH" "$URL/api/v1/fleet" | same_hosts || fail "curl --compressed"
plain=$(stat -c %s "$WORK/full.json") packed=$(stat -c %s "$WORK/fleet.gz")
(( packed * 5 < plain )) || fail "gzip saved too little: $packed of $plain bytes"
curl -fsS -D "$WORK/plain.headers" -o /dev/null -H "$API_AUTH" "$URL/api/v1/fleet"
! grep -qi '^content-encoding' "$WORK/plain.headers" || fail "gzipped without Accept-Encoding"
curl -fsS -D "$WORK/q0.headers" -o /dev/null -H "$API_AUTH" -H 'Accept-Encoding: gzip;q=0' "$URL/api/v1/fleet"
! grep -qi '^content-encoding' "$WORK/q0.headers" || fail "gzipped despite q=0"
curl -fsS -D "$WORK/small.headers" -o /dev/null -H 'Accept-Encoding: gzip' "$URL/healthz"
! grep -qi '^content-encoding' "$WORK/small.headers" || fail "a tiny answer was gzipped"
ok "large answers are gzipped only for clients that accept it ($plain → $packed bytes), with Vary"

api '/api/v1/dependencies?host=srv-00001' >"$WORK/deps.json"
[[ "$(json 'sorted((e["source"], e["target"]) for e in d["edges"])' <"$WORK/deps.json")" == "[('srv-00001', 'srv-00002'), ('srv-00003', 'srv-00001')]" ]] ||
  fail "neighbourhood: $(cat "$WORK/deps.json")"
[[ "$(api '/api/v1/dependencies?host=srv-00002&host=srv-00004' | json 'len(d["edges"])')" == 2 ]] || fail "two hosts"
[[ "$(api '/api/v1/dependencies?host=nobody' | json 'len(d["edges"])')" == 0 ]] || fail "unknown host"
ok "dependencies?host= keeps the edges into and out of the hosts named"
api /api/v1/plan >"$WORK/plan.json"
api /api/v1/plan/groups >"$WORK/groups.json"
python3 - "$WORK/plan.json" "$WORK/groups.json" <<'PY' || fail "plan groups differ from the plan"
import json, sys
plan, g = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert g["hosts"]["id"] == [h["id"] for h in plan["hosts"]]
assert g["hosts"]["strategy"] == [h["strategy"] for h in plan["hosts"]]
assert g["hosts"]["wave"] == [h["wave"] or 0 for h in plan["hosts"]]
groups = [m["id"] for m in g["move_groups"]]
assert [groups[i] if i >= 0 else None for i in g["hosts"]["group"]] == [h["move_group"] for h in plan["hosts"]]
assert [(m["id"], m["hosts"]) for m in g["move_groups"]] == [(m["id"], m["hosts"]) for m in plan["move_groups"]]
assert g["shared_infrastructure"] == plan["shared_infrastructure"]
assert g["cut_dependencies"] == [{"source": c["source"], "target": c["target"]} for c in plan["cut_dependencies"]]
PY
ok "plan/groups holds the plan's strategies, groups, waves, shared infrastructure and cut dependencies"
echo "$passed passed, 0 failed"
