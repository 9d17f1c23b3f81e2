#!/usr/bin/env bash
# The planner behind the collector's API on a real collector with an imported generated fleet:
# GET|POST /api/v1/plan (what-if parameters, formats, errors), the plan cache seen through
# /metrics, summary and per-host answers against the full plan, scenarios and roles, and
# `sahab-planner plan --db` on the collector's database against `plan --fleet` on its export.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
PLANNER="$BIN_DIR/sahab-planner"
SRC="${SAHAB_SOURCE_DIR:?}"

# A broken planner configuration or catalogue stops start-up with the planner's own message.
printf 'sizing:\n  percentile: p97\n' >"$WORK/bad-planner.yaml"
expect_exit() {  # expect_exit CODE PATTERN CMD...
  local code="$1" pattern="$2"; shift 2
  local status=0
  "$@" >/dev/null 2>"$WORK/err.txt" || status=$?
  [[ $status -eq $code ]] || fail "exit $status (want $code) for: $* ($(cat "$WORK/err.txt"))"
  grep -q -- "$pattern" "$WORK/err.txt" || fail "message lacks '$pattern': $(cat "$WORK/err.txt")"
}
expect_exit 2 "bad-planner.yaml:2: key 'sizing.percentile': expected one of" \
  "$COLLECTOR" --db "$WORK/x.db" --listen 127.0.0.1:0 --planner.config "$WORK/bad-planner.yaml"
mkdir "$WORK/bad-catalogs"
printf 'provider: x\ncountry: MA\nqualification: level9\n' >"$WORK/bad-catalogs/x.yaml"
printf 'catalogs:\n  dir: bad-catalogs\n' >"$WORK/planner-bad-catalogs.yaml"
expect_exit 2 "x.yaml" "$COLLECTOR" --db "$WORK/x.db" --listen 127.0.0.1:0 \
  --planner.config "$WORK/planner-bad-catalogs.yaml"
expect_exit 2 "planner.config: cannot read" "$COLLECTOR" --db "$WORK/x.db" --listen 127.0.0.1:0 \
  --planner.config "$WORK/missing.yaml"
ok "a broken planner configuration or catalogue stops the collector (exit 2, file and line)"

# Users of each role; the planner configuration from the source tree (catalogs relative to it).
viewer_hash="$(echo 'viewer-password-1' | "$COLLECTOR" hash-password)"
planner_hash="$(echo 'planner-password-1' | "$COLLECTOR" hash-password)"
# No background refresh of the default plan during the test: it counts the plans computed.
start_collector --planner.config "$SRC/configs/planner.yaml" --planner.metrics-interval 1h \
  --ui.user "vera:viewer:$viewer_hash" --ui.user "paul:planner:$planner_hash"
"$PLANNER" generate-fleet --hosts 300 --seed 7 --out "$WORK/fleet.json"
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" >"$WORK/import.json"
[[ $(json 'd["imported"]' <"$WORK/import.json") == 300 ]] || fail "import: $(cat "$WORK/import.json")"

expect_status 401 "$URL/api/v1/plan"
expect_status 401 -X POST -d '{}' "$URL/api/v1/plan"
metric() { curl -fsS "$URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
[[ "$(metric sahab_collector_plan_computations_total)" == 0 ]] || fail "computed before asked"
# The configured parameters and providers (the web UI's what-if form) come without planning: the
# computation count below stays at one.
expect_status 401 "$URL/api/v1/plan/parameters"
api /api/v1/plan/parameters >"$WORK/parameters.json"
api /api/v1/plan >"$WORK/plan.json"
api /api/v1/plan >"$WORK/plan-again.json"
cmp -s "$WORK/plan.json" "$WORK/plan-again.json" || fail "the same plan differs"
[[ "$(metric sahab_collector_plan_computations_total)" == 1 ]] ||
  fail "computations: $(metric sahab_collector_plan_computations_total)"
[[ $(json 'd["format"]' <"$WORK/plan.json") == sahab-plan/1 ]] || fail "format"
api /api/v1/fleet >"$WORK/export.json"
hosts=$(json 'len(d["hosts"])' <"$WORK/export.json")
[[ $hosts == 300 && $(json 'len(d["hosts"])' <"$WORK/plan.json") == "$hosts" ]] ||
  fail "plan hosts $(json 'len(d["hosts"])' <"$WORK/plan.json") vs fleet $hosts"
ok "GET /api/v1/plan plans every host of the fleet, once: a repeated GET comes from the cache"
api /api/v1/plan/summary >"$WORK/summary.json"
python3 - "$WORK/parameters.json" "$WORK/plan.json" "$WORK/summary.json" <<'PY' || fail "parameters: $(cat "$WORK/parameters.json")"
import json, sys
configured, plan, summary = (json.load(open(f)) for f in sys.argv[1:])
assert configured["format"] == "sahab-plan-parameters/1"
assert configured["parameters"] == plan["parameters"] and configured["parameters"]["sizing.comfort_factor"] > 0
assert configured["providers"] == summary["providers"] and len(configured["providers"]) >= 2
PY
ok "GET /api/v1/plan/parameters: the plan's parameters and providers, without planning"

# What-ifs: POST {"parameters": partial planner.yaml}; total monthly cost of each.
what_if() {  # what_if PARAMETERS-JSON: prints totals.monthly_cost
  curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' \
    -d "{\"parameters\": $1}" "$URL/api/v1/plan/summary" | json 'd["totals"]["monthly_cost"]'
}
c1=$(what_if '{"sizing": {"comfort_factor": 1.0}}')
c2=$(what_if '{"sizing": {"comfort_factor": 2.0}}')
python3 -c "import sys; sys.exit(not $c2 > $c1)" || fail "comfort 2.0 ($c2) not above 1.0 ($c1)"
p50=$(what_if '{"sizing": {"percentile": "p50"}}')
pmax=$(what_if '{"sizing": {"percentile": "max"}}')
python3 -c "import sys; sys.exit(not $pmax > $p50)" || fail "max ($pmax) not above p50 ($p50)"
demand=$(what_if '{"costs": {"commitment": "on-demand"}}')
three=$(what_if '{"costs": {"commitment": "3y"}}')
python3 -c "import sys; sys.exit(not $three < $demand)" || fail "3y ($three) not below on-demand ($demand)"
ok "what-ifs: comfort 2.0 > 1.0 ($c2 > $c1), max > p50, 3y < on-demand ($three < $demand)"

# Summary = the full plan without per-host lists; a host's recommendation = its entry in the plan.
api /api/v1/plan/summary >"$WORK/summary.json"
python3 - "$WORK/plan.json" "$WORK/summary.json" <<'PY' || fail "summary differs from the plan"
import json, sys
plan, summary = (json.load(open(f)) for f in sys.argv[1:3])
assert summary["format"] == "sahab-plan-summary/1"
assert summary["totals"] == plan["totals"], (summary["totals"], plan["totals"])
assert summary["parameters"] == plan["parameters"]
assert [w["number"] for w in summary["waves"]] == [w["number"] for w in plan["waves"]]
assert [w["hosts"] for w in summary["waves"]] == [len(w["hosts"]) for w in plan["waves"]]
assert summary["costs"]["by_region"] == plan["costs"]["by_region"]
assert sum(s for s in summary["strategies"].values()) >= plan["totals"]["hosts"]
assert summary["violations"]["total"] == len(plan["violations"])
assert summary["schedule"]["waves"] == len(plan["waves"])
assert len(json.dumps(summary)) < len(json.dumps(plan)) / 5
PY
host_id=$(json 'd["hosts"][42]["id"]' <"$WORK/plan.json")
api "/api/v1/plan/hosts/$host_id" >"$WORK/host.json"
python3 - "$WORK/plan.json" "$WORK/host.json" <<'PY' || fail "host recommendation differs"
import json, sys
plan, host = (json.load(open(f)) for f in sys.argv[1:3])
assert host["format"] == "sahab-plan-host/1"
assert host["host"] == plan["hosts"][42], host["host"]
PY
expect_status 404 -H "$API_AUTH" "$URL/api/v1/plan/hosts/no-such-host"
ok "summary totals, waves and costs equal the full plan's; a host's answer equals its entry"

# Formats.
curl -fsS -D "$WORK/h.txt" -o "$WORK/waves.csv" -H "$API_AUTH" "$URL/api/v1/plan?format=csv&table=waves"
grep -qi '^content-type: text/csv' "$WORK/h.txt" || fail "csv content type"
grep -qi '^content-disposition: attachment; filename="sahab-plan-waves.csv"' "$WORK/h.txt" ||
  fail "csv disposition: $(cat "$WORK/h.txt")"
head -c 3 "$WORK/waves.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "csv BOM"
curl -fsS -D "$WORK/h.txt" -o "$WORK/plan.xlsx" -H "$API_AUTH" "$URL/api/v1/plan?format=xlsx"
grep -qi '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "$WORK/h.txt" ||
  fail "xlsx content type"
grep -qi '^content-disposition: attachment; filename="sahab-plan.xlsx"' "$WORK/h.txt" || fail "xlsx disposition"
api /api/v1/plan >"$WORK/plan-for-xlsx.json"
/usr/bin/python3 "$(dirname "$0")/plan_xlsx.py" "$WORK/plan.xlsx" "$WORK/plan-for-xlsx.json" || fail "workbook disagrees with the plan"
curl -fsS -D "$WORK/h.txt" -o "$WORK/plan.html" -H "$API_AUTH" "$URL/api/v1/plan?format=html"
grep -qi '^content-type: text/html' "$WORK/h.txt" || fail "html content type"
grep -q '<!DOCTYPE html>' "$WORK/plan.html" || fail "html body"
# French by default, English on request; anything else refused.
grep -q '<html lang="fr">' "$WORK/plan.html" && grep -q '<h2>Vagues</h2>' "$WORK/plan.html" || fail "French report"
curl -fsS -o "$WORK/plan-en.html" -H "$API_AUTH" "$URL/api/v1/plan?format=html&lang=en"
grep -q '<html lang="en">' "$WORK/plan-en.html" && grep -q '<h2>Waves</h2>' "$WORK/plan-en.html" || fail "English report"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/plan?format=html&lang=de"
curl -fsS -o "$WORK/hosts.csv" -H "$API_AUTH" -H 'Content-Type: application/json' \
  -d '{"parameters": {"costs": {"commitment": "3y"}}}' "$URL/api/v1/plan?format=csv&table=hosts"
[[ $(grep -c $'\r$' "$WORK/hosts.csv") == 301 ]] || fail "hosts.csv rows: $(wc -l <"$WORK/hosts.csv")"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/plan?format=pdf"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/plan?format=csv&table=nope"
ok "?format=csv&table=hosts|waves|costs, ?format=xlsx (read by openpyxl) and ?format=html (French, ?lang=en English) with content types and file names"

# Bad requests: the message says what is wrong.
post_plan() {  # post_plan BODY-FILE: prints the status; the answer is in $WORK/reply.json
  curl -s -o "$WORK/reply.json" -w '%{http_code}' -H "$API_AUTH" \
    -H 'Content-Type: application/json' --data-binary @"$1" "$URL/api/v1/plan"
}
bad() {  # bad STATUS MESSAGE BODY
  printf '%s' "$3" >"$WORK/body.json"
  [[ $(post_plan "$WORK/body.json") == "$1" ]] || fail "status for $3: $(cat "$WORK/reply.json")"
  grep -qF -- "$2" "$WORK/reply.json" || fail "message for $3: $(cat "$WORK/reply.json")"
}
bad 400 'body: not valid JSON' '{"parameters": {'
bad 400 "body: unknown key 'params'" '{"params": {}}'
bad 400 "parameters: unknown key 'sizing.colour'" '{"parameters": {"sizing": {"colour": 1}}}'
bad 400 'parameters.sizing.percentile: expected one of p50, p90, p95, p99, max' \
  '{"parameters": {"sizing": {"percentile": "p97"}}}'
bad 400 'parameters.sizing.comfort_factor: expected a number' \
  '{"parameters": {"sizing": {"comfort_factor": "lots"}}}'
bad 400 'parameters.catalogs: not allowed' '{"parameters": {"catalogs": {"dir": "/etc"}}}'
python3 -c "print('{\"parameters\": {\"x\": \"' + 'a' * 100000 + '\"}}')" >"$WORK/huge.json"
[[ $(post_plan "$WORK/huge.json") == 413 ]] || fail "huge body: $(cat "$WORK/reply.json")"
ok "bad JSON, unknown keys, wrong values, catalogs and huge bodies are refused with a message"

# The cache follows the fleet: an import changes the plan.
before=$(metric sahab_collector_plan_computations_total)
api /api/v1/plan/summary >/dev/null
[[ "$(metric sahab_collector_plan_computations_total)" == "$before" ]] || fail "summary recomputed"
curl -fsS -H "$API_AUTH" -H 'Content-Type: text/csv' --data-binary $'id,cpu_cores\nnew-1,4\n' \
  "$URL/api/v1/import" >/dev/null
api /api/v1/plan/summary >"$WORK/summary2.json"
[[ "$(metric sahab_collector_plan_computations_total)" == $((before + 1)) ]] ||
  fail "import did not invalidate the cache"
[[ $(json 'd["totals"]["hosts"]' <"$WORK/summary2.json") == 301 ]] || fail "new host not planned"
ok "the plan cache is kept across requests and dropped after an import"

# Scenarios and roles.
vera=$(login vera viewer-password-1 "$WORK/vera")
paul=$(login paul planner-password-1 "$WORK/paul")
scenario='{"description": "3-year commitment", "parameters": {"costs": {"commitment": "3y"}}}'
expect_status 200 -b "$WORK/vera" -H "X-CSRF-Token: $vera" -H 'Content-Type: application/json' \
  -d '{"parameters": {"sizing": {"comfort_factor": 1.5}}}' "$URL/api/v1/plan/summary"
expect_status 403 -b "$WORK/vera" -H 'Content-Type: application/json' -d '{}' "$URL/api/v1/plan"
expect_status 403 -b "$WORK/vera" -H "X-CSRF-Token: $vera" -X PUT -d "$scenario" \
  "$URL/api/v1/scenarios/three-years"
expect_status 403 -b "$WORK/paul" -X PUT -d "$scenario" "$URL/api/v1/scenarios/three-years"
expect_status 201 -b "$WORK/paul" -H "X-CSRF-Token: $paul" -X PUT -d "$scenario" \
  "$URL/api/v1/scenarios/three-years"
expect_status 200 -b "$WORK/paul" -H "X-CSRF-Token: $paul" -X PUT -d "$scenario" \
  "$URL/api/v1/scenarios/three-years"
ok "a viewer may what-if but not save; a planner saves with the CSRF token only"

expect_status 201 -H "$API_AUTH" -X PUT -d '{"description": "", "parameters": {}}' \
  "$URL/api/v1/scenarios/As%20configured"
expect_status 400 -H "$API_AUTH" -X PUT -d '{"parameters": {"sizing": {"percentile": 5}}}' \
  "$URL/api/v1/scenarios/broken"
expect_status 400 -H "$API_AUTH" -X PUT -d '{}' "$URL/api/v1/scenarios/bad%3Cname"
expect_status 400 -H "$API_AUTH" -X PUT -d '{"description": 3}' "$URL/api/v1/scenarios/x"
api /api/v1/scenarios >"$WORK/scenarios.json"
python3 - "$WORK/scenarios.json" "$three" <<'PY' || fail "scenario list: $(cat "$WORK/scenarios.json")"
import json, sys
d = json.load(open(sys.argv[1]))
by_name = {s["name"]: s for s in d["scenarios"]}
assert sorted(by_name) == ["As configured", "three-years"], by_name.keys()
s = by_name["three-years"]
assert s["created_by"] == "paul" and s["description"] == "3-year commitment"
assert s["parameters"] == {"costs": {"commitment": "3y"}}
assert s["summary"]["hosts"] == 301 and s["summary"]["waves"] > 0
assert sum(s["summary"]["strategies"][k] for k in ("rehost", "replatform", "retire", "retain")) == 301
PY
api "/api/v1/scenarios?figures=none" >"$WORK/scenarios-bare.json"
python3 - "$WORK/scenarios.json" "$WORK/scenarios-bare.json" <<'PY' || fail "?figures=none: $(cat "$WORK/scenarios-bare.json")"
import json, sys
full, bare = (json.load(open(f))["scenarios"] for f in sys.argv[1:])
assert [s["name"] for s in bare] == [s["name"] for s in full]
assert all("summary" not in s and s["parameters"] == f["parameters"] for s, f in zip(bare, full))
PY
api "/api/v1/scenarios/three-years/plan?format=csv&table=costs" >"$WORK/costs.csv"
grep -q 'region' "$WORK/costs.csv" || fail "scenario costs.csv"
api "/api/v1/plan/summary?scenario=three-years" | json 'd["parameters"]["costs.commitment"]' |
  grep -qx 3y || fail "?scenario= not applied"
expect_status 404 -H "$API_AUTH" "$URL/api/v1/plan?scenario=nope"
expect_status 403 -b "$WORK/vera" -H "X-CSRF-Token: $vera" -X DELETE "$URL/api/v1/scenarios/three-years"
expect_status 200 -b "$WORK/paul" -H "X-CSRF-Token: $paul" -X DELETE "$URL/api/v1/scenarios/three-years"
expect_status 404 -H "$API_AUTH" "$URL/api/v1/scenarios/three-years"
[[ $(sql "SELECT count(*) FROM audit_log WHERE action LIKE 'scenario-%'") == 4 ]] ||
  fail "scenario writes not audited: $(sql "SELECT action, detail FROM audit_log")"
ok "scenarios: save, list with their figures, plan in any format, delete; writes audited"

# sahab-planner plan --db reads the running collector's database like GET /api/v1/fleet.
api /api/v1/fleet >"$WORK/export.json"
"$PLANNER" plan --fleet "$WORK/export.json" --config "$SRC/configs/planner.yaml" \
  --out "$WORK/from-fleet.json" 2>/dev/null
"$PLANNER" plan --db "$WORK/sahab.db" --window 30d --config "$SRC/configs/planner.yaml" \
  --out "$WORK/from-db.json" 2>/dev/null
python3 - "$WORK/from-fleet.json" "$WORK/from-db.json" <<'PY' || fail "--db and --fleet differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert len(a["hosts"]) == len(b["hosts"]) == 301, (len(a["hosts"]), len(b["hosts"]))
assert a["totals"] == b["totals"], (a["totals"], b["totals"])
PY
ok "plan --db on the running collector's database equals plan --fleet on its export"

expect_exit 2 "no such database file" "$PLANNER" plan --db "$WORK/none.db"
echo "not a database at all, just text" >"$WORK/text.db"
expect_exit 2 "cannot read the collector database" "$PLANNER" plan --db "$WORK/text.db"
python3 -c "import sqlite3; sqlite3.connect('$WORK/empty.db').execute('CREATE TABLE t(x)')"
expect_exit 2 "not a Sahab collector database" "$PLANNER" plan --db "$WORK/empty.db"
cp "$WORK/sahab.db" "$WORK/newer.db"
python3 -c "import sqlite3; c=sqlite3.connect('$WORK/newer.db'); c.execute('PRAGMA user_version=99'); c.commit()"
expect_exit 2 "schema version 99 is newer" "$PLANNER" plan --db "$WORK/newer.db"
expect_exit 2 "applies to --store and --db only" "$PLANNER" plan --fleet "$WORK/export.json" --window 7d
ok "--db: missing file, text file, foreign SQLite file, newer schema: exit 2 with the reason"

echo "$passed passed, 0 failed"
