#!/usr/bin/env bash
# `sahab-planner plan --import` (issue 16): an architect plans from the files a tool exported, on a
# laptop without a collector, with the collector's own readers and matching. A fleet, a real
# RVTools 4.7 workbook from the shared samples (read there, never copied) and an Azure Migrate
# sheet planned by the CLI give the same hosts, strategies, targets and costs as the same three
# files imported into a real collector and planned there; the same file twice changes nothing;
# unusable files and flags fail with exit code 2 naming the file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
PLANNER="$BIN_DIR/sahab-planner"
CONFIG="$SAHAB_SOURCE_DIR/configs/planner.yaml"
WORKBOOK="$SAHAB_SOURCE_DIR/../shared/samples/imports/rvtools/abeggi/BCspa1.xlsx"
[[ -r "$WORKBOOK" ]] || fail "the shared RVTools sample is missing: $WORKBOOK"

# A fleet of 30 hosts plus 'checkmk', a VM of the workbook known to the fleet by its name; an Azure
# Migrate sheet (French Excel: ';', decimal commas) whose 'crm' row has a bad memory cell.
"$PLANNER" generate-fleet --hosts 30 --seed 16 --out "$WORK/fleet.json"
python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
fleet = json.load(open(f"{work}/fleet.json"))
fleet["hosts"].append({"id": "monitoring-01", "hostname": "checkmk", "labels": dict(fleet["hosts"][0]["labels"]),
                       "os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"},
                       "cpu": {"cores": 2}, "memory_bytes": 4 << 30})
json.dump(fleet, open(f"{work}/fleet.json", "w"))
with open(f"{work}/azure.csv", "w", encoding="utf-8", newline="") as f:
    f.write("*Server name;IP addresses;*Cores;*Memory (In MB);*OS name;OS version;CPU utilization percentage;Memory utilization percentage;Disk 1 size (In GB)\r\n")
    f.write("paie-01;10.2.0.10;4;8192;Windows Server 2019;;35,5;60;120\r\n")
    f.write("crm;10.2.0.11;2;huit;Windows Server 2016;;20;40;80\r\n")
    f.write("ged-01;10.2.0.12;8;16384;Red Hat Enterprise Linux 8;;12,5;55;500\r\n")
PY

"$PLANNER" plan --fleet "$WORK/fleet.json" --import "$WORKBOOK" --import "$WORK/azure.csv" \
  --config "$CONFIG" --out "$WORK/cli-plan.json" 2>"$WORK/cli.log" || fail "plan --import: $(cat "$WORK/cli.log")"
grep -q "BCspa1.xlsx (rvtools 4.7.1.4): 18 created, 1 updated, 0 unchanged, 0 skipped, 0 failed" "$WORK/cli.log" ||
  fail "workbook counts: $(cat "$WORK/cli.log")"
grep -q "azure.csv (azure-migrate): 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed" "$WORK/cli.log" ||
  fail "Azure counts: $(cat "$WORK/cli.log")"
grep -q "azure.csv: row 3: .*Memory (In MB).*huit" "$WORK/cli.log" || fail "the bad cell not named: $(cat "$WORK/cli.log")"
grep -q "planned 51 hosts" "$WORK/cli.log" || fail "31 + 18 + 2 hosts: $(cat "$WORK/cli.log")"
ok "plan --fleet --import (RVTools workbook, Azure Migrate CSV): 18 + 2 created, checkmk matched, the bad row named, 51 hosts planned"

# The same three files imported into a real collector, planned there: the same plan per host.
start_collector
for file in "$WORK/fleet.json" "$WORKBOOK" "$WORK/azure.csv"; do
  curl -fsS -H "$API_AUTH" --data-binary @"$file" "$URL/api/v1/import" >"$WORK/import.json" || fail "import $file"
done
for _ in $(seq 60); do
  code=$(curl -s -o "$WORK/collector-plan.json" -w '%{http_code}' -H "$API_AUTH" "$URL/api/v1/plan")
  [[ "$code" == 200 ]] && break
  sleep 1
done
[[ "$code" == 200 ]] || fail "the collector's plan: $code"
python3 - "$WORK" <<'PY' || fail "the CLI's plan differs from the collector's"
import json, sys
work = sys.argv[1]
def per_host(path):
    plan = json.load(open(path))
    return {h["id"]: (h["hostname"], h["strategy"], h["confidence"], h["needed"], h["target"] and h["target"].get("instance"),
                      h["monthly_cost"]) for h in plan["hosts"]}, plan["totals"]
cli, cli_totals = per_host(f"{work}/cli-plan.json")
collector, collector_totals = per_host(f"{work}/collector-plan.json")
assert cli.keys() == collector.keys(), sorted(cli.keys() ^ collector.keys())
different = {i: (cli[i], collector[i]) for i in cli if cli[i] != collector[i]}
assert not different, json.dumps(different, indent=1)[:2000]
assert cli_totals["hosts"] == 51 and cli_totals["monthly_cost"] == collector_totals["monthly_cost"], (cli_totals, collector_totals)
assert cli["monitoring-01"][0] == "checkmk", "the matched host keeps its id and name"
PY
ok "the CLI plans the 51 hosts exactly as the collector does after the same imports (strategy, sizing, target, cost)"

# The workbook twice: the second changes nothing.
"$PLANNER" plan --import "$WORKBOOK" --import "$WORKBOOK" --out "$WORK/twice.json" 2>"$WORK/twice.log" || fail "twice: $(cat "$WORK/twice.log")"
grep -q "0 created, 0 updated, 19 unchanged" "$WORK/twice.log" || fail "re-import: $(cat "$WORK/twice.log")"
grep -q "planned 19 hosts" "$WORK/twice.log" || fail "twice: $(cat "$WORK/twice.log")"
ok "--import alone plans from the workbook; the same file twice: 19 unchanged"

# Bad input: exit code 2, the file named.
expect_planner_error() {  # expect_planner_error MESSAGE_REGEX ARGS...
  local pattern="$1"; shift
  local rc=0
  "$PLANNER" plan "$@" --out "$WORK/x.json" 2>"$WORK/err.log" || rc=$?
  [[ $rc == 2 ]] || fail "$* -> exit $rc, $(cat "$WORK/err.log")"
  grep -Eq -- "$pattern" "$WORK/err.log" || fail "$* -> $(cat "$WORK/err.log")"
}
head -c 40000 "$WORKBOOK" >"$WORK/cut.xlsx"
expect_planner_error "--import .*cut.xlsx: .*cut short" --import "$WORK/cut.xlsx"
expect_planner_error "--import .*azure.csv: .*missing column" --import "$WORK/azure.csv" --import-format rvtools
expect_planner_error "--import-format applies to --import files" --fleet "$WORK/fleet.json" --import-format rvtools
expect_planner_error "format: expected one of json, csv, rvtools" --import "$WORKBOOK" --import-format lotus
ok "a cut workbook, a wrong --import-format, --import-format alone: exit 2 naming the problem"
