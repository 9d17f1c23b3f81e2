#!/usr/bin/env bash
# Issue 17's fault test, with real agents: a PostgreSQL primary and its synchronous standby
# (pg_basebackup -R), two collectors on the two-host URL (target_session_attrs=read-write), the
# shipped nginx upstream config with TLS in front of them, and real sahab-agents (each its own
# identity, state and spool, real_agents_lib.sh) pushing through nginx with its CA. A user signs in
# through collector A; A is killed with -9 while the agents push; then the primary crashes and,
# once the small-spooled agent has dropped batches, the standby is promoted. When the agents'
# spools have drained, each agent's counters are set against the store (bench/soak_report.py):
# every batch acknowledged is stored, none twice, the highest stored is the highest spooled, and
# the batches missing are exactly those the spool dropped. The user is still signed in through
# nginx, answered by B on the new primary. Then the count is shown to fail on a lost batch, a twin
# and a miscounted drop.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
start_postgres
start_synchronous_standby
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/nginx_conf.sh"
source "$(dirname "$0")/real_agents_lib.sh"

vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
FLAGS=(--http.trusted-proxy 127.0.0.1 --ui.user "vera:admin:$vera_hash" --ingest.burst 100000
  --ingest.rate-per-agent 100000)
start_two_collectors "${FLAGS[@]}"
start_upstream_nginx "$URL_A" "$URL_B"
URL=$URL_A
login vera vera-password-1 "$WORK/vera" >/dev/null # through A, which is about to die

# The agents report every 500 ms; the last one's spool holds a few batches only, so that it drops
# some while the store is away.
AGENTS=4
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
for i in $(seq "$AGENTS"); do
  extra=()
  ((i == AGENTS)) && extra=(--spool.max-bytes 4KiB)
  start_real_agent "$BIN_DIR/sahab-agent" "$WORK/agent-$i" "$(printf 'flt%029d' "$i")" "$LB" \
    "$ENROL_TOKEN_FILE" --collector.ca-file "$LB_CA" --sample.interval 250ms \
    --report.interval 500ms --collector.timeout 5s "${extra[@]}"
  PIDS+=("$REAL_AGENT_PID")
done
until_real_agents_acknowledged $((AGENTS * 5)) 60 "the agents do not push through nginx"

kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
killed_after=$(real_agents_acknowledged)
until_real_agents_acknowledged $((killed_after + AGENTS * 4)) 30 "nothing acknowledged through B once A was killed"
grep -q "upstream prematurely closed\|connect() failed\|Connection refused" "$NGINX_DIR/logs/error.log" ||
  fail "nginx never saw A die: $(tail -5 "$NGINX_DIR/logs/error.log")"
# pushes_through ADDRESSES: pushes acknowledged after nginx tried those collectors ("A:PORT"
# alone, or "A:PORT, B:PORT" for A failing, then B answering).
pushes_through() {
  awk -v tried="$1" '$1 == "/api/v1/ingest" && $2 == 200 {
    $1 = $2 = ""; sub(/^ +/, ""); if ($0 == tried) n++ } END { print n + 0 }' "$NGINX_DIR/logs/upstream.log"
}
A=${URL_A#http://} B=${URL_B#http://}
(($(pushes_through "$A") > 0)) || fail "A stored no push before it was killed"
[[ "$(session_user "$LB" "$WORK/vera" --cacert "$LB_CA")" == vera ]] ||
  fail "signed out by A's death: $(cat "$WORK/answer.json")"
ok "A killed -9 after $killed_after acknowledged batches ($(pushes_through "$A") of them stored by A): the agents push through B ($(pushes_through "$A, $B") pushes A failed went on to B), vera still signed in"

pg_stop_server QUIT # the primary crashes (immediate shutdown)
crashed_at=$(date +%s.%N)
crashed_after=$(real_agents_acknowledged)
dropped_before=$(real_agent_metric "$WORK/agent-$AGENTS" sahab_agent_spool_dropped_total)
# The primary stays down until the other agents have spooled 3 batches each and the small spool
# has dropped 2.
outage_felt() {
  local i
  for i in $(seq $((AGENTS - 1))); do
    (($(real_agent_metric "$WORK/agent-$i" sahab_agent_spool_batches) >= 3)) || return 1
  done
  (($(real_agent_metric "$WORK/agent-$AGENTS" sahab_agent_spool_dropped_total) >= dropped_before + 2))
}
wait_for 30 "the agents did not spool (or the 4 KiB spool drop) in 30 s without a store" outage_felt
down_for=$(elapsed "$crashed_at")
# At most the answers in flight at the crash, one per agent, arrive without a primary.
before_promotion=$(real_agents_acknowledged)
((before_promotion <= crashed_after + AGENTS)) ||
  fail "$((before_promotion - crashed_after)) batches acknowledged without a primary"
promote_standby
promoted_at=$(date +%s.%N)
until_real_agents_acknowledged $((before_promotion + 1)) 60 "nothing acknowledged in the minute after the promotion"
reconnected_after=$(elapsed "$promoted_at")
# Every agent empties its spool: what it kept through the outage is replayed.
for i in $(seq "$AGENTS"); do
  wait_real_agent_drained "$WORK/agent-$i" 60 || fail "agent $i: spool not drained in 60 s"
done
drained_after=$(elapsed "$promoted_at")
[[ "$(sql "SELECT pg_is_in_recovery()")" == f ]] || fail "sql did not reach the new primary"
ok "primary crashed after $crashed_after acknowledged batches, standby promoted $down_for s later; first batch acknowledged ${reconnected_after} s after the promotion, every spool empty after ${drained_after} s"

retried=$(real_agents_failures)
# Every agent is read and frozen (nothing reaches the store after that), then counted.
count_real_agents "$RESULTS" --store "$SAHAB_TEST_STORE"
read -r _ spooled acked _ dropped _ < <(sed -n "${AGENTS}p" "$RESULTS/real_agents.txt")
((dropped > 0)) || fail "the small spool dropped nothing"
pushes_answered() { grep -c "^/api/v1/ingest $1 " "$NGINX_DIR/logs/upstream.log" || true; }
echo "nginx: $(pushes_answered 503) pushes answered 503 (store away), $(pushes_answered '50[24]') 502 or 504; agents: $retried attempts failed and retried"
ok "$(awk '{ n += $3 } END { print n }' "$RESULTS/real_agents.txt") batches acknowledged, each stored once, the highest stored the highest spooled; agent $AGENTS: $spooled spooled, $acked acknowledged, $dropped dropped, the only ones that may be missing"

[[ "$(session_user "$LB" "$WORK/vera" --cacert "$LB_CA")" == vera ]] ||
  fail "signed out after the failover: $(cat "$WORK/answer.json")"
ok "vera, signed in through A, is still signed in through nginx (B on the new primary)"

# The count can fail: a batch lost by the store, a batch stored twice, a highest sequence short of
# the spooled one, and a drop miscounted.
host=$(printf 'flt%029d' 2)
count_fails_on "$RESULTS" stored.txt "/^$host /s/^\(\S* \S*\) \([0-9]*\)/echo \"\1 \$((\2 - 1))\"/e" \
  "$host: .* acknowledged up to"
count_fails_on "$RESULTS" stored.txt "/^$host /s/^\(\S* \S*\) \([0-9]*\)/echo \"\1 \$((\2 + 1))\"/e" \
  "$host: .* acknowledged up to"
count_fails_on "$RESULTS" stored.txt "/^$host /s/^\(\S*\) \([0-9]*\)/echo \"\1 \$((\2 - 1))\"/e" \
  "$host: .* acknowledged up to"
count_fails_on "$RESULTS" real_agents.txt "${AGENTS}s/^\(\S* \S* \S* \S*\) \(\S*\)/echo \"\1 \$((\2 + 1))\"/e" \
  "flt0*$AGENTS: .*dropped"
ok "the count fails on a lost batch, a twin, a short sequence and a miscounted drop"
echo "$passed passed, 0 failed"
