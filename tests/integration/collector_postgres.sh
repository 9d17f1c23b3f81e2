#!/usr/bin/env bash
# The collector on a real PostgreSQL server (postgres_lib.sh), against its bad input and faults:
# bad store URLs exit 2 without showing the password, a wrong password and an unreachable server
# are named and never show the password; the server crashing while agents push turns ingest and
# the API into 503s, and once it is back the collector reconnects by itself: every acknowledged
# batch is stored, none twice; web UI sessions are kept in the store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
export SAHAB_TEST_STORE="$PG_URL"
source "$(dirname "$0")/collector_lib.sh"

# refused EXPECTED_STATUS PATTERN FLAGS...: the collector exits with that status at start, its
# error matches PATTERN, and no password of the URLs tried reaches its output.
refused() {
  local want="$1" pattern="$2" status=0; shift 2
  "$COLLECTOR" --listen 127.0.0.1:0 "$@" >"$WORK/refused.log" 2>&1 || status=$?
  [[ $status == "$want" ]] || fail "exit $status, not $want, for $*: $(cat "$WORK/refused.log")"
  grep -qE "$pattern" "$WORK/refused.log" || fail "no '$pattern' in: $(cat "$WORK/refused.log")"
  ! grep -qE "s3cret|wrong-pw|$PG_PASSWORD" "$WORK/refused.log" || fail "password shown: $(cat "$WORK/refused.log")"
}
refused 2 "store URL 'mysql://u:\*\*\*@h/db'" --store 'mysql://u:s3cret@h/db'
refused 2 "nosuchoption" --store 'postgresql://u:s3cret@h/db?nosuchoption=1'
refused 1 'password authentication failed' --store "postgresql://sahab:wrong-pw@127.0.0.1:$PG_PORT/sahab"
nobody=$(free_port)
refused 1 "127\.0\.0\.1.*port $nobody" --store "postgresql://sahab:s3cret@127.0.0.1:$nobody/sahab"
ok "bad URLs exit 2, a wrong password and an unreachable server are named; no password shown"

start_collector
grep -q "store postgresql://sahab:\*\*\*@127.0.0.1:$PG_PORT/sahab" "$WORK/collector.log" ||
  fail "the store is not logged with its password hidden"
cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" pg-1)
[[ "$(python3 "$PUSH" load "$URL" "$cred" pg-1 1 3 "$WORK/acks")" == 3 ]] || fail "first pushes"
[[ "$(sql "SELECT version FROM schema_version")" == 13 ]] || fail "schema version not recorded"
ok "one collector on PostgreSQL: enrolment, three batches acknowledged, schema 11 recorded"

pg_stop_server QUIT  # immediate shutdown: no checkpoint, recovery at the next start, as a crash
python3 "$PUSH" doc pg-1 4 >"$WORK/batch-4.json"
[[ "$(ingest "$cred" "$WORK/batch-4.json")" == 503 ]] || fail "ingest while down: $(cat "$WORK/reply.json")"
expect_status 503 -H "$API_AUTH" "$URL/api/v1/hosts"
expect_status 503 -H "$API_AUTH" "$URL/api/v1/fleet"  # streamed: checked before its 200
expect_status 503 "$URL/healthz"
kill -0 "$COLLECTOR_PID" || fail "the collector died with its server"
ok "server down: ingest and the API answer 503, the collector stays up"

pg_start_server
# The batch refused while the server was down, as the agent's spool sends it again.
[[ "$(ingest "$cred" "$WORK/batch-4.json")" == 200 ]] || fail "replay after the restart: $(cat "$WORK/reply.json")"
[[ "$(python3 "$PUSH" load "$URL" "$cred" pg-1 5 2 "$WORK/acks")" == 2 ]] || fail "pushes after the restart"
expect_status 200 -H "$API_AUTH" "$URL/api/v1/hosts"
[[ "$(sql "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = 'pg-1'")" == "6 6" ]] ||
  fail "batch marks: $(sql "SELECT sequence, batches FROM batch_marks")"
# Each summary holds two metrics (sahab_push.py): two block entries per stored batch.
[[ "$(sql "SELECT CAST(sum(entries) AS BIGINT) / 2 FROM summary_blocks WHERE host_id = 'pg-1'")" == 6 ]] ||
  fail "summaries: $(sql "SELECT sum(entries) FROM summary_blocks")"
grep -q "store unavailable" "$WORK/collector.log" || fail "the outage is not logged"
ok "server back: the collector reconnects by itself; 6 batches acknowledged, 6 stored, none twice"
# Web UI sessions live in the store: a collector restarted (or another one on the same
# database) knows a user signed in before, and the CSRF token still opens writes.
vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
start_collector --ui.user "vera:admin:$vera_hash"
vera=$(login vera vera-password-1 "$WORK/vera")
[[ "$(sql "SELECT count(*) FROM ui_sessions WHERE user_name = 'vera'")" == 1 ]] || fail "session not stored"
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
start_collector --ui.user "vera:admin:$vera_hash"
expect 200 vera GET /api/v1/session
[[ "$(json 'd["user"]' <"$WORK/answer.json")" == vera ]] || fail "session: $(cat "$WORK/answer.json")"
expect 200 vera POST /api/v1/logout
expect 401 vera GET /api/v1/session
ok "a web UI session outlives the collector that opened it (kept in the store), until signed out"
echo "$passed passed, 0 failed"
