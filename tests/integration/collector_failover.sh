#!/usr/bin/env bash
# Failover to a streaming standby while agents push: a primary with a synchronous standby
# (pg_basebackup -R, synchronous_standby_names), two collectors on a multi-host URL with
# target_session_attrs=read-write; the primary crashes (immediate shutdown) and the standby is
# promoted while agents (sahab_push.py spool: a batch not acknowledged is sent again, as the
# agent's spool does) push to both collectors: they answer 503 during the gap and reconnect to
# the new primary by themselves; every acknowledged batch is on it, none twice.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
start_synchronous_standby
source "$(dirname "$0")/collector_lib.sh"

FLAGS=(--ingest.burst 100000 --ingest.rate-per-agent 100000)
start_two_collectors "${FLAGS[@]}"

HOSTS=4
BATCHES=${FAILOVER_BATCHES:-200}
for i in $(seq 1 "$HOSTS"); do
  url=$URL_A; ((i % 2)) || url=$URL_B
  cred=$(python3 "$PUSH" enrol "$url" "$ENROL_TOKEN_FILE" "fo-$i")
  python3 "$PUSH" spool "$url" "$cred" "fo-$i" 1 "$BATCHES" "$WORK/acks-$i" "${FAILOVER_SPOOL_SECONDS:-120}" >"$WORK/acked-$i" &
  loaders+=($!)
done
deadline=$((SECONDS + 60))
until (( $(cat "$WORK"/acks-* 2>/dev/null | wc -l) >= HOSTS * 20 )); do
  ((SECONDS < deadline)) || fail "the agents do not push"; sleep 0.1
done
pg_stop_server QUIT  # the primary crashes
crashed_at=$(date +%s.%N)
crashed_after=$(cat "$WORK"/acks-* | wc -l)
sleep 1              # agents meet 503s
promote_standby
promoted=$(cat "$WORK"/acks-* | wc -l)
deadline=$((SECONDS + 60))
until (( $(cat "$WORK"/acks-* | wc -l) > promoted + HOSTS )); do
  ((SECONDS < deadline)) || fail "nothing acknowledged in the minute after the promotion"
  sleep 0.05
done
gap=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$crashed_at")
for pid in "${loaders[@]}"; do wait "$pid"; done
echo "primary crashed after $crashed_after acknowledged batches; pushes acknowledged again ${gap} s after the crash (1 s of it before the promotion)"
for i in $(seq 1 "$HOSTS"); do
  [[ "$(cat "$WORK/acked-$i")" == "$BATCHES" ]] || fail "fo-$i: $(cat "$WORK/acked-$i") of $BATCHES acknowledged"
  [[ "$(sql "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = 'fo-$i'")" == "$BATCHES $BATCHES" ]] ||
    fail "fo-$i: marks $(sql "SELECT sequence, batches FROM batch_marks WHERE host_id = 'fo-$i'")"
  [[ "$(sql "SELECT CAST(sum(entries) AS BIGINT) FROM summary_blocks WHERE host_id = 'fo-$i'")" == $((2 * BATCHES)) ]] ||
    fail "fo-$i: summary entries $(sql "SELECT sum(entries) FROM summary_blocks WHERE host_id = 'fo-$i'")"
done
[[ "$(sql "SELECT pg_is_in_recovery()")" == f ]] || fail "sql did not reach the new primary"
grep -q "store unavailable\|cannot store" "$WORK"/collector*.log || fail "the collectors never lost the primary"
ok "primary crashed, standby promoted under load: $((HOSTS * BATCHES)) batches acknowledged, all on the new primary, none twice"
expect_status 200 -H "$API_AUTH" "$URL_A/api/v1/hosts"
expect_status 200 -H "$API_AUTH" "$URL_B/api/v1/hosts"
ok "both collectors answer from the new primary"
echo "$passed passed, 0 failed"
