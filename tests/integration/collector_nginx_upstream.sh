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
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || fail "nginx is not installed (scripts/packages/test.txt)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
start_collector --http.trusted-proxy 127.0.0.1 --ui.user "vera:admin:$vera_hash" --ingest.burst 100000 --ingest.rate-per-agent 100000
URL_A=$URL PID_A=$COLLECTOR_PID
mv "$WORK/collector.log" "$WORK/collector-a.log"
start_collector --http.trusted-proxy 127.0.0.1 --ui.user "vera:admin:$vera_hash" --ingest.burst 100000 --ingest.rate-per-agent 100000
URL_B=$URL

tls="$WORK/tls"
make_test_tls "$tls"
tls_port=$(free_port)
# The shipped file with this test's port, certificate and the two collectors as its upstream.
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$tls_port ssl;|" \
    -e "s|/etc/sahab-collector/tls/|$tls/|g" \
    -e "s|server 10.0.0.11:9410 |server ${URL_A#http://} |" \
    -e "s|server 10.0.0.12:9410 |server ${URL_B#http://} |" \
    "$SAHAB_SOURCE_DIR/configs/nginx/sahab-collectors-upstream.conf" >"$WORK/upstream.conf"
[[ $(grep -c "server 127.0.0.1:" "$WORK/upstream.conf") == 2 ]] || fail "config substitution"
write_nginx_conf "$WORK/nginx" 256 <<CONF
  include $WORK/upstream.conf;
CONF
"$NGINX" -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx-t.log" 2>&1 || fail "nginx -t: $(cat "$WORK/nginx-t.log")"
start nginx "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
LB="https://localhost:$tls_port"
export SSL_CERT_FILE="$tls/ca.crt"  # sahab_push.py (urllib) trusts the test CA
deadline=$((SECONDS + 15))
until curl -fsS --cacert "$tls/ca.crt" -o /dev/null "$LB/healthz" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "nginx did not answer"; sleep 0.2
done

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
grep -q "upstream prematurely closed\|connect() failed\|Connection refused" "$WORK/nginx/logs/error.log" ||
  fail "nginx never saw A die: $(tail -5 "$WORK/nginx/logs/error.log")"
ok "A killed -9 under load: $((HOSTS * BATCHES)) batches acknowledged through nginx, each stored once, every summary kept"

# The browser's cookie, as it would send it to the site's name (the jar holds it for A's address).
cookie=$(awk -F'\t' 'NF >= 7 { print $6 "=" $7 }' "$WORK/vera")
[[ -n $cookie ]] || fail "no session cookie: $(cat "$WORK/vera")"
status=$(curl -s --cacert "$tls/ca.crt" -o "$WORK/answer.json" -w '%{http_code}' -H "Cookie: $cookie" "$LB/api/v1/session")
[[ $status == 200 && "$(json 'd["user"]' <"$WORK/answer.json")" == vera ]] ||
  fail "signed out by A's death: $(cat "$WORK/answer.json")"
ok "signed in through A, still signed in through nginx once A is dead"
echo "$passed passed, 0 failed"
