#!/usr/bin/env bash
# The store on PostgreSQL with Patroni (docs/scale-out.md): one etcd member and two Patroni
# members, each with its PostgreSQL 15 (initdb by Patroni), configured by the shipped
# configs/patroni/patroni.yml (synchronous_mode: true; addresses, directories and timings replaced:
# patroni_lib.sh); two collectors on the store URL naming both members with
# target_session_attrs=read-write, and four real sahab-agents (real_agents_lib.sh), two on each
# collector, reporting every 500 ms. While the agents push:
# 1. a planned switchover (`patronictl switchover --force`): the other member leads;
# 2. once the old leader is a synchronous standby again, the leader's machine dies: its Patroni
#    and its PostgreSQL killed with -9. Patroni promotes the standby when the leader's lease
#    expires (nothing else promotes it), both collectors answer again from it;
# 3. the dead member's Patroni is started again: it rejoins as the synchronous standby;
# then each agent's spool drains, and each agent is counted against the store (the soak's count,
# bench/soak_report.py): every batch acknowledged is stored, none twice. The longest time without
# an acknowledgement is printed for both faults.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
source "$(dirname "$0")/patroni_lib.sh"
started=$SECONDS
start_patroni_cluster
create_patroni_database
ok "Patroni cluster up in $((SECONDS - started)) s: $(patroni_cluster | paste -sd,)"
export SAHAB_TEST_STORE="$PATRONI_URL"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/real_agents_lib.sh"

FLAGS=(--ingest.burst 100000 --ingest.rate-per-agent 100000)
start_two_collectors "${FLAGS[@]}"
AGENTS=4
for i in $(seq "$AGENTS"); do
  url=$URL_A
  ((i % 2)) || url=$URL_B
  start_real_agent "$BIN_DIR/sahab-agent" "$WORK/agent-$i" "$(printf 'pat%029d' "$i")" "$url" \
    "$ENROL_TOKEN_FILE" --sample.interval 250ms --report.interval 500ms --collector.timeout 5s
  PIDS+=("$REAL_AGENT_PID")
done
until_real_agents_acknowledged $((AGENTS * 5)) 60 "the agents do not push"

# collectors_answer: both collectors answer a request that reads the store.
collectors_answer() {
  local url
  for url in "$URL_A" "$URL_B"; do
    [[ "$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' -H "$API_AUTH" "$url/api/v1/hosts")" == 200 ]] ||
      return 1
  done
}

# 1. Planned switchover.
leader=$(patroni_leader)
before=$(real_agents_acknowledged)
# patronictl returns once the switchover is done: the agents are watched meanwhile.
patronictl -c "$PATRONI_DIR/m$leader/patroni.yml" switchover --force >"$WORK/switchover.log" 2>&1 &
switchover=$!
silence=$(real_agents_silence $((before + AGENTS * 6)) 60 "pushes after the switchover")
wait "$switchover" || fail "switchover: $(cat "$WORK/switchover.log")"
new_leader=$(wait_patroni_synchronous 60)
[[ "$new_leader" != "$leader" ]] || fail "m$leader still leads after the switchover"
ok "switchover m$leader -> m$new_leader under load: longest time without an acknowledgement ${silence} s"

# 2. The leader's machine dies.
leader=$new_leader
collectors_answer || fail "a collector does not answer before the crash"
crashed_after=$(real_agents_acknowledged)
failures_before=$(real_agents_failures)
standby=$(patroni_member_as sync_standby)
watch_patroni_primary "$standby" 90 "$WORK/promoted-at"
PIDS+=("$WATCH_PID")
crashed_at=$(date +%s.%N)
kill_patroni_member "$leader"
silence=$(real_agents_silence $((crashed_after + AGENTS * 4)) 90 "pushes after the leader's crash")
wait "$WATCH_PID" || true
[[ -s "$WORK/promoted-at" ]] || fail "m$standby never ran a primary"
promoted_after=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
  "$crashed_at" "$(cat "$WORK/promoted-at")")
wait_for 30 "the collectors do not answer 30 s after pushes were acknowledged again" collectors_answer
answering_after=$(elapsed "$crashed_at")
wait_patroni_leader "$standby" 30
survivor=$standby
[[ "$(sql "SELECT pg_is_in_recovery() || ' ' || inet_server_port()")" == "false ${PATRONI_PG_PORTS[$survivor]}" ]] ||
  fail "the store URL does not reach m$survivor, the new leader"
ok "m$leader killed -9 (Patroni and PostgreSQL) after $crashed_after acknowledged batches; m$survivor promoted by Patroni ${promoted_after} s after the crash: longest time without an acknowledgement ${silence} s, both collectors answering ${answering_after} s after the crash, $(($(real_agents_failures) - failures_before)) push attempts failed meanwhile"

# 3. The dead member comes back: Patroni started again on its data (pg_rewind if its timeline went
# ahead of the new leader's) rejoins as the synchronous standby, the leader unchanged.
rejoin_started=$SECONDS
start_patroni_member "$leader"
[[ "$(wait_patroni_synchronous 60)" == "$survivor" ]] || fail "m$survivor no longer leads once m$leader is back"
[[ "$(patroni_member_as sync_standby)" == "$leader" ]] || fail "m$leader is not the synchronous standby"
rewound=no
grep -q "running pg_rewind" "$PATRONI_DIR/m$leader/patroni.log" && rewound=yes
ok "m$leader back as the synchronous standby in $((SECONDS - rejoin_started)) s (pg_rewind run: $rewound)"

for i in $(seq "$AGENTS"); do
  wait_real_agent_drained "$WORK/agent-$i" 60 || fail "agent $i: spool not drained in 60 s"
done
grep -q "store unavailable\|cannot store" "$WORK"/collector*.log || fail "the collectors never lost the primary"
count_real_agents "$WORK/results" --store "$SAHAB_TEST_STORE"
ok "$(awk '{ n += $3 } END { print n }' "$WORK/results/real_agents.txt") batches acknowledged through a switchover and a failover, each stored once"

# The count can fail: the same results with one batch lost by the store.
host=$(printf 'pat%029d' 1)
count_fails_on "$WORK/results" stored.txt "/^$host /s/^\(\S* \S*\) \([0-9]*\)/echo \"\1 \$((\2 - 1))\"/e" \
  "$host: .* acknowledged up to"
ok "the count fails on a lost batch"
echo "$passed passed, 0 failed ($((SECONDS - started)) s)"
