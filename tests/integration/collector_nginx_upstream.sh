#!/usr/bin/env bash
# The shipped nginx upstream example (configs/nginx/sahab-collectors-upstream.conf) in front of
# two collectors on one real PostgreSQL: agents (sahab_push.py load, the agent's side of the
# protocol) push through nginx while one collector is killed with -9; every batch acknowledged is
# stored, none twice, no summary entry is missing; a user signed in through the dead collector is
# still signed in through nginx (the other collector answers from the store).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
export SAHAB_TEST_STORE="$PG_URL"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/nginx_conf.sh"

vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
start_two_collectors --http.trusted-proxy 127.0.0.1 --ui.user "vera:admin:$vera_hash" --ingest.burst 100000 --ingest.rate-per-agent 100000

start_upstream_nginx "$URL_A" "$URL_B"
export SSL_CERT_FILE="$LB_CA"  # sahab_push.py (urllib) trusts the test CA

URL=$URL_A
vera=$(login vera vera-password-1 "$WORK/vera")  # through A, which is about to die

HOSTS=6
BATCHES=${FAILOVER_BATCHES:-150}
for i in $(seq 1 "$HOSTS"); do
  cred=$(python3 "$PUSH" enrol "$LB" "$ENROL_TOKEN_FILE" "lb-$i")
  python3 "$PUSH" load "$LB" "$cred" "lb-$i" 1 "$BATCHES" "$WORK/acks-$i" >"$WORK/acked-$i" &
  loaders+=($!)
done
# Kill A once a few batches of every host are in.
deadline=$((SECONDS + 60))
until (( $(cat "$WORK"/acks-* 2>/dev/null | wc -l) >= HOSTS * 10 )); do
  ((SECONDS < deadline)) || fail "the agents do not push"; sleep 0.1
done
kill -9 "$PID_A"
killed_after=$(cat "$WORK"/acks-* | wc -l)
for pid in "${loaders[@]}"; do wait "$pid"; done
echo "A killed after $killed_after acknowledged batches"
for i in $(seq 1 "$HOSTS"); do
  acked=$(cat "$WORK/acked-$i")
  [[ $acked == "$BATCHES" ]] || fail "lb-$i: $acked of $BATCHES acknowledged (nginx did not send them on)"
  [[ "$(sql "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = 'lb-$i'")" == "$BATCHES $BATCHES" ]] ||
    fail "lb-$i: marks $(sql "SELECT sequence, batches FROM batch_marks WHERE host_id = 'lb-$i'")"
  [[ "$(sql "SELECT CAST(sum(entries) AS BIGINT) FROM summary_blocks WHERE host_id = 'lb-$i'")" == $((2 * BATCHES)) ]] ||
    fail "lb-$i: summary entries $(sql "SELECT sum(entries) FROM summary_blocks WHERE host_id = 'lb-$i'")"
done
grep -q "upstream prematurely closed\|connect() failed\|Connection refused" "$NGINX_DIR/logs/error.log" ||
  fail "nginx never saw A die: $(tail -5 "$NGINX_DIR/logs/error.log")"
ok "A killed -9 under load: $((HOSTS * BATCHES)) batches acknowledged through nginx, each stored once, every summary kept"

[[ "$(session_user "$LB" "$WORK/vera" --cacert "$LB_CA")" == vera ]] ||
  fail "signed out by A's death: $(cat "$WORK/answer.json")"
ok "signed in through A, still signed in through nginx once A is dead"
echo "$passed passed, 0 failed"
