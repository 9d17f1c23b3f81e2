#!/usr/bin/env bash
# Two collectors on one real PostgreSQL server (postgres_lib.sh), as behind a load balancer: the
# same batches pushed to both at the same instant, many hosts at once, are each stored exactly
# once and no summary entry is lost (each host's writes take turns under a lock, batch_writer.cpp);
# a user signed in through one collector is signed in on the other (sessions in the store).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
export SAHAB_TEST_STORE="$PG_URL"
source "$(dirname "$0")/collector_lib.sh"

vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
start_collector --ui.user "vera:admin:$vera_hash"
URL_A=$URL
mv "$WORK/collector.log" "$WORK/collector-a.log"
start_collector --ui.user "vera:admin:$vera_hash"
URL_B=$URL

HOSTS=8
BATCHES=${RACE_BATCHES:-40}
: >"$WORK/hosts"
for i in $(seq 1 "$HOSTS"); do
  echo "race-$i $(python3 "$PUSH" enrol "$URL_A" "$ENROL_TOKEN_FILE" "race-$i")" >>"$WORK/hosts"
done
counts=$(python3 "$PUSH" race "$WORK/hosts" "$BATCHES" "$URL_A" "$URL_B")
echo "race: $counts"
total=$((HOSTS * BATCHES))
[[ "$(json 'd["stored"]' <<<"$counts")" == "$total" ]] ||
  fail "collectors answered 'stored' $(json 'd["stored"]' <<<"$counts") times for $total batches"
# Each batch is marked stored once, and each one's summary (two metrics, sahab_push.py) is in its
# host's hour blocks: a lost update of a block would show fewer entries.
[[ "$(sql "SELECT count(*) FROM batch_marks WHERE host_id LIKE 'race-%' AND sequence = $BATCHES AND batches = $BATCHES")" == "$HOSTS" ]] ||
  fail "batch marks: $(sql "SELECT host_id, sequence, batches FROM batch_marks ORDER BY host_id")"
[[ "$(sql "SELECT host_id || ' ' || CAST(sum(entries) AS BIGINT) FROM summary_blocks GROUP BY host_id HAVING sum(entries) <> $((2 * BATCHES))")" == "" ]] ||
  fail "summary entries lost: $(sql "SELECT host_id, sum(entries) FROM summary_blocks GROUP BY host_id ORDER BY host_id")"
# The 503s: PostgreSQL broke a deadlock between the two collectors' grouped transactions (each
# holding one host's lock and waiting for another's); the agent's replay is then stored.
echo "deadlocks broken: $(cat "$WORK"/collector*.log | grep -c 'deadlock detected' || true)"
ok "$total batches raced to two collectors at once: each stored once, every summary entry kept"

URL=$URL_A
vera=$(login vera vera-password-1 "$WORK/vera")
URL=$URL_B
expect 200 vera GET /api/v1/session
[[ "$(json 'd["user"]' <"$WORK/answer.json")" == vera ]] || fail "session: $(cat "$WORK/answer.json")"
expect 200 vera POST /api/v1/logout
URL=$URL_A
expect 401 vera GET /api/v1/session
ok "signed in through one collector, signed in on the other; signed out there, out on both"
echo "$passed passed, 0 failed"
