#!/usr/bin/env bash
# sahab-planner end to end: generate-fleet -> plan -> JSON, CSV and HTML outputs checked with
# python3; bad inputs (flags, config, catalogue, fleet, --db) fail with exit code 2 and a message
# naming the file, the key or the host.
source "$(dirname "$0")/lib.sh"
PLANNER="$BIN_DIR/sahab-planner"
CONFIG="$SAHAB_SOURCE_DIR/configs/planner.yaml"

# Outputs are captured first: grep -q closing a pipe early would fail the pipeline (pipefail).
out="$("$PLANNER" --version)"; grep -q '^sahab-planner [0-9]' <<<"$out" || fail "--version"
out="$("$PLANNER" --help)"; grep -q 'generate-fleet --hosts N --seed S --out fleet.json' <<<"$out" || fail "--help"
out="$("$PLANNER" plan --help)"; grep -q -- '--sizing.comfort-factor VALUE' <<<"$out" || fail "plan --help lacks planner keys"
ok "help and version"

# Same seed, same fleet; another seed, another fleet.
"$PLANNER" generate-fleet --hosts 400 --seed 7 --out "$WORK/fleet.json"
"$PLANNER" generate-fleet --hosts 400 --seed 7 --out "$WORK/again.json"
"$PLANNER" generate-fleet --hosts 400 --seed 8 --out "$WORK/other.json"
cmp -s "$WORK/fleet.json" "$WORK/again.json" || fail "generate-fleet is not deterministic"
! cmp -s "$WORK/fleet.json" "$WORK/other.json" || fail "the seed changes nothing"
ok "generate-fleet"

"$PLANNER" plan --fleet "$WORK/fleet.json" --config "$CONFIG" --out "$WORK/plan.json" \
  --csv "$WORK/csv" --html "$WORK/report.html" 2>"$WORK/plan.log" || fail "plan failed: $(cat "$WORK/plan.log")"
grep -q 'planned 400 hosts' "$WORK/plan.log" || fail "no summary line"
python3 - "$WORK" <<'PY' || fail "plan outputs are inconsistent"
import csv, json, sys
work = sys.argv[1]
fleet = json.load(open(f"{work}/fleet.json"))
plan = json.load(open(f"{work}/plan.json"))
assert plan["format"] == "sahab-plan/1" and plan["currency"] == "MAD"
ids = [h["id"] for h in fleet["hosts"]]
assert [h["id"] for h in plan["hosts"]] == ids, "every host exactly once, in order"
moving = {h["id"] for h in plan["hosts"] if h["strategy"] in ("rehost", "replatform")}
in_waves = [i for w in plan["waves"] for i in w["hosts"]]
assert sorted(in_waves) == sorted(moving), "waves hold exactly the moving hosts"
for h in plan["hosts"]:
    if h["sensitivity"] in ("sensitive", "sensitive-data") and h["target"]:
        assert h["target"]["provider"] == "sovereign-ma-sample", h["id"]
total = sum(h["monthly_cost"] for h in plan["hosts"])
assert abs(total - plan["totals"]["monthly_cost"]) < 1, (total, plan["totals"]["monthly_cost"])
assert abs(sum(w["monthly_cost"] for w in plan["waves"]) - total) < 1
assert plan["parameters"]["sizing.percentile"] == "p95"
# On premises: each host's categories add up to its cost, and the hosts to the totals (docs/costs.md).
for h in plan["hosts"]:
    assert abs(sum(h["on_premises"].values()) - h["on_premises_monthly_cost"]) < 0.1, h["id"]
for k, v in plan["totals"]["on_premises_breakdown"].items():
    assert abs(sum(h["on_premises"][k] for h in plan["hosts"]) - v) < 0.005 * len(ids) + 0.01, k  # cents
assert plan["warnings"] == [], plan["warnings"]
bc = plan["business_case"]
assert len(bc["months"]) >= 12 and bc["months"][0]["date"] == plan["waves"][0]["start"][:7]
rows = list(csv.DictReader(open(f"{work}/csv/hosts.csv", encoding="utf-8-sig", newline="")))
assert [r["id"] for r in rows] == ids
assert len(list(csv.DictReader(open(f"{work}/csv/waves.csv", encoding="utf-8-sig")))) == len(plan["waves"])
costs = list(csv.DictReader(open(f"{work}/csv/costs.csv", encoding="utf-8-sig")))
assert costs[-1]["level"] == "total" and abs(float(costs[-1]["monthly_cost"]) - total) < 1
html = open(f"{work}/report.html", encoding="utf-8").read()
assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http://" not in html
assert html.count("<tr>") > len(ids)
assert "Business case" in html and "<svg" in html and "On-premises cost today, by category" in html
PY
ok "plan, CSV and HTML agree"

# The plan as an Excel workbook, opened by openpyxl (Debian's, hence /usr/bin/python3): sheets,
# frozen headers, numbers, MAD, totals.
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || fail "install python3-openpyxl"
"$PLANNER" plan --fleet "$WORK/fleet.json" --config "$CONFIG" --out "$WORK/plan.xlsx" 2>/dev/null ||
  fail "plan --out plan.xlsx"
/usr/bin/python3 "$(dirname "$0")/plan_xlsx.py" "$WORK/plan.xlsx" "$WORK/plan.json" || fail "workbook disagrees with the plan"
/usr/bin/python3 - "$WORK/plan.xlsx" "$WORK/csv" <<'PY' || fail "workbook columns differ from the CSV files"
import csv, openpyxl, sys
book = openpyxl.load_workbook(sys.argv[1])
for sheet, name in (("Hosts", "hosts"), ("Waves", "waves"), ("Costs", "costs")):
    header = next(csv.reader(open(f"{sys.argv[2]}/{name}.csv", encoding="utf-8-sig")))
    assert [c.value for c in book[sheet][1]] == header, (sheet, header)
PY
ok "plan --out plan.xlsx: one sheet per view, the CSV files' columns, totals equal the plan's"

# What-if flags override the file, and the plan records them.
"$PLANNER" plan --fleet "$WORK/fleet.json" --config "$CONFIG" --sizing.comfort-factor 2 \
  --costs.commitment 3y --out "$WORK/whatif.json" 2>/dev/null
python3 - "$WORK" <<'PY' || fail "what-if flags not applied"
import json, sys
p = json.load(open(f"{sys.argv[1]}/whatif.json"))
assert p["parameters"]["sizing.comfort_factor"] == 2 and p["totals"]["commitment"] == "3y"
PY
"$PLANNER" plan --fleet "$WORK/fleet.json" --config "$CONFIG" 2>/dev/null | python3 -c 'import json,sys; json.load(sys.stdin)' \
  || fail "plan without --out does not print JSON"
ok "what-if flags"

# expect_exit CODE PATTERN CMD...: CMD fails with CODE and says PATTERN on stderr.
expect_exit() {
  local code="$1" pattern="$2"; shift 2
  local status=0
  "$@" >/dev/null 2>"$WORK/err.txt" || status=$?
  [[ $status -eq $code ]] || fail "exit $status (want $code) for: $* ($(cat "$WORK/err.txt"))"
  grep -q -- "$pattern" "$WORK/err.txt" || fail "message lacks '$pattern': $(cat "$WORK/err.txt")"
}
expect_exit 2 "no such database file" "$PLANNER" plan --db "$WORK/sahab.db"
expect_exit 2 "give --fleet" "$PLANNER" plan
expect_exit 2 "unknown command" "$PLANNER" frobnicate
expect_exit 2 "give --hosts" "$PLANNER" generate-fleet --seed 1
expect_exit 2 "expected a number between 1 and 1000000" "$PLANNER" generate-fleet --hosts 0
expect_exit 2 "bogus" "$PLANNER" plan --fleet "$WORK/fleet.json" --bogus
expect_exit 2 "cannot read" "$PLANNER" plan --fleet "$WORK/missing.json" --config "$CONFIG"

printf 'sizing:\n  percentile: p97\n' >"$WORK/bad.yaml"
expect_exit 2 "bad.yaml:2: key 'sizing.percentile'" "$PLANNER" plan --fleet "$WORK/fleet.json" --config "$WORK/bad.yaml"

mkdir -p "$WORK/cats"
cp "$SAHAB_SOURCE_DIR"/configs/catalogs/*.yaml "$WORK/cats/"
sed -i 's/^qualification: level2/qualification: platinum/' "$WORK/cats/sovereign-ma-sample.yaml"
expect_exit 2 "sovereign-ma-sample.yaml:[0-9]*: key 'qualification'" \
  "$PLANNER" plan --fleet "$WORK/fleet.json" --catalogs.dir "$WORK/cats"
expect_exit 2 "no \*.yaml catalogue" "$PLANNER" plan --fleet "$WORK/fleet.json" --catalogs.dir "$WORK"/csv

head -c 5000 "$WORK/fleet.json" >"$WORK/truncated.json"
expect_exit 2 "truncated.json: fleet: not valid JSON" "$PLANNER" plan --fleet "$WORK/truncated.json" --config "$CONFIG"
python3 - "$WORK" <<'PY'
import json, sys
f = json.load(open(f"{sys.argv[1]}/fleet.json"))
f["hosts"][3]["cpu"]["cores"] = "many"
json.dump(f, open(f"{sys.argv[1]}/badhost.json", "w"))
PY
expect_exit 2 "host 3 (id '[^']*'): field 'cpu.cores': expected a number" \
  "$PLANNER" plan --fleet "$WORK/badhost.json" --config "$CONFIG"
echo '{"format": "sahab-fleet/1", "hosts": []}' >"$WORK/empty.json"
"$PLANNER" plan --fleet "$WORK/empty.json" --config "$CONFIG" --out "$WORK/empty-plan.json" 2>/dev/null \
  || fail "an empty fleet is not an error"
ok "bad inputs exit 2 with a clear message"

echo "$passed passed, 0 failed"
