#!/usr/bin/env bash
# `sahab-collector store copy` on a real PostgreSQL server (postgres_lib.sh): a collector's
# SQLite store with a generated fleet and agents' utilisation is copied to PostgreSQL, verified;
# a collector on the copy answers the same fleet and plan documents, and sahab-planner the same
# plan from either store (--store, --db); a rerun changes nothing;
# a target holding something else and bad URLs are refused; the copy back to SQLite verifies.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
source "$(dirname "$0")/collector_lib.sh"
SRC="${SAHAB_SOURCE_DIR:?}"
start_postgres
PLANNER_FLAGS=(--planner.config "$SRC/configs/planner.yaml" --planner.metrics-interval 1h
               --sources.key-file "$WORK/sources.key")

start_collector "${PLANNER_FLAGS[@]}"
"$BIN_DIR/sahab-planner" generate-fleet --hosts 120 --seed 11 --out "$WORK/fleet.json"
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" >"$WORK/import.json"
[[ $(json 'd["imported"]' <"$WORK/import.json") == 120 ]] || fail "import: $(cat "$WORK/import.json")"
for i in 1 2; do
  cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" "agent-$i")
  [[ "$(python3 "$PUSH" load "$URL" "$cred" "agent-$i" 1 5 "$WORK/acks-$i")" == 5 ]] || fail "pushes"
done
# without_moment FILE: the JSON document FILE rewritten without the moment it was made.
without_moment() {
  python3 - "$1" <<'PY'
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("generated_at", "computed_at")}
    return [strip(x) for x in v] if isinstance(v, list) else v
d = strip(json.load(open(sys.argv[1])))
json.dump(d, open(sys.argv[1], "w"), sort_keys=True, indent=1)
PY
}
# answers NAME: the fleet and the plan as the running collector gives them.
answers() {
  api /api/v1/fleet >"$WORK/fleet-$1.json"
  api /api/v1/plan >"$WORK/plan-$1.json"
  for doc in fleet plan; do without_moment "$WORK/$doc-$1.json"; done
}
# offline_plan NAME STORE-FLAG URL: sahab-planner's plan of a store.
offline_plan() {
  "$BIN_DIR/sahab-planner" plan "$2" "$3" --window 30d --config "$SRC/configs/planner.yaml" \
    --out "$WORK/offline-$1.json" 2>"$WORK/offline-$1.log" || fail "plan $2 $3: $(cat "$WORK/offline-$1.log")"
  without_moment "$WORK/offline-$1.json"
}
# planner_refuses PATTERN ARGS...: sahab-planner plan ARGS exits 2 naming PATTERN, no password.
planner_refuses() {
  local status=0
  "$BIN_DIR/sahab-planner" plan "${@:2}" --out "$WORK/none.json" >"$WORK/refused.txt" 2>&1 || status=$?
  [[ $status == 2 ]] && grep -q -- "$1" "$WORK/refused.txt" && ! grep -q s3cret "$WORK/refused.txt" ||
    fail "plan ${*:2}: exit $status: $(cat "$WORK/refused.txt")"
}
answers sqlite
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
ok "a SQLite store: 120 imported hosts, 2 agents with 5 batches each"

status=0
"$COLLECTOR" store copy --from "sqlite://$WORK/sahab.db" --to "$PG_URL" >"$WORK/copy.txt" 2>&1 || status=$?
[[ $status == 0 ]] || fail "store copy exit $status: $(cat "$WORK/copy.txt")"
grep -q "copied and verified: 27 tables" "$WORK/copy.txt" || fail "copy: $(cat "$WORK/copy.txt")"
grep -q "hosts: 122 rows" "$WORK/copy.txt" || fail "copy: $(cat "$WORK/copy.txt")"
! grep -q "$PG_PASSWORD" "$WORK/copy.txt" || fail "password shown: $(cat "$WORK/copy.txt")"
"$COLLECTOR" store copy --from "sqlite://$WORK/sahab.db" --to "$PG_URL" >"$WORK/again.txt" 2>&1 ||
  fail "rerun: $(cat "$WORK/again.txt")"
grep -q "the target already holds this copy" "$WORK/again.txt" || fail "rerun: $(cat "$WORK/again.txt")"
ok "copied to PostgreSQL and verified; a rerun finds the same copy and writes nothing"

SAHAB_TEST_STORE="$PG_URL"
STORE_FLAGS=(--store "$PG_URL")
start_collector "${PLANNER_FLAGS[@]}"
answers postgres
for doc in fleet plan; do
  diff -q "$WORK/$doc-sqlite.json" "$WORK/$doc-postgres.json" >/dev/null ||
    fail "$doc differs: $(diff "$WORK/$doc-sqlite.json" "$WORK/$doc-postgres.json" | head -20)"
done
[[ $(json 'len(d["hosts"])' <"$WORK/fleet-postgres.json") == 122 ]] || fail "fleet size"
ok "a collector on the copy answers the same fleet (122 hosts) and plan"

# The planner reads either engine through the store's interface: --store on the PostgreSQL copy
# plans as --db on the SQLite original (while a collector runs on the copy).
offline_plan sqlite --db "$WORK/sahab.db"
offline_plan postgres --store "$PG_URL"
[[ $(json 'len(d["hosts"])' <"$WORK/offline-postgres.json") == 122 ]] || fail "planned hosts"
diff -q "$WORK/offline-sqlite.json" "$WORK/offline-postgres.json" >/dev/null ||
  fail "plan --store differs: $(diff "$WORK/offline-sqlite.json" "$WORK/offline-postgres.json" | head -20)"
! grep -q "$PG_PASSWORD" "$WORK/offline-postgres.log" || fail "password logged: $(cat "$WORK/offline-postgres.log")"
planner_refuses "expected sqlite" --store "mysql://u:s3cret@h/db"
planner_refuses "cannot connect to PostgreSQL postgresql://sahab:\*\*\*@127.0.0.1:1/sahab" \
  --store "postgresql://sahab:s3cret@127.0.0.1:1/sahab"
planner_refuses "not a Sahab collector database" --store "${PG_URL%/sahab}/postgres"
planner_refuses "give --store or --db, not both" --store "$PG_URL" --db "$WORK/sahab.db"
ok "sahab-planner plan --store on the copy = --db on the original; bad URL, no server, no schema: exit 2"

# A target that changed since (an agent pushed to it) is not the source's copy: refused, as it is.
cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" agent-3)
status=0
"$COLLECTOR" store copy --from "sqlite://$WORK/sahab.db" --to "$PG_URL" >"$WORK/refused.txt" 2>&1 || status=$?
[[ $status == 1 ]] || fail "copy onto a changed target: exit $status"
grep -q "not a copy of the source: hosts (source 122 rows, target 123 rows)" "$WORK/refused.txt" ||
  fail "refusal: $(cat "$WORK/refused.txt")"
[[ "$(sql "SELECT count(*) FROM hosts")" == 123 ]] || fail "the refused copy changed the target"
status=0
"$COLLECTOR" store copy --from "sqlite://$WORK/sahab.db" --to "mysql://u:s3cret@h/db" >"$WORK/bad.txt" 2>&1 || status=$?
[[ $status == 2 ]] && grep -q "expected sqlite" "$WORK/bad.txt" && ! grep -q s3cret "$WORK/bad.txt" ||
  fail "bad URL: exit $status: $(cat "$WORK/bad.txt")"
ok "a changed target is refused and left as it was; a bad URL exits 2 without its password"

# And back: PostgreSQL to a new SQLite file, verified the same way.
"$COLLECTOR" store copy --from "$PG_URL" --to "sqlite://$WORK/back.db" >"$WORK/back.txt" 2>&1 ||
  fail "copy back: $(cat "$WORK/back.txt")"
grep -q "copied and verified: 27 tables" "$WORK/back.txt" && grep -q "hosts: 123 rows" "$WORK/back.txt" ||
  fail "copy back: $(cat "$WORK/back.txt")"
ok "PostgreSQL copied back to a new SQLite file and verified"
echo "$passed passed, 0 failed"
