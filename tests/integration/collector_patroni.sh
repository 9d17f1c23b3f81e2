#!/usr/bin/env bash
# The store on PostgreSQL with Patroni (docs/scale-out.md): three etcd members and two Patroni
# members, each with its PostgreSQL 15 (initdb by Patroni), configured by the shipped
# configs/patroni/patroni.yml (synchronous_mode and failsafe_mode on; addresses, directories and
# timings replaced: patroni_lib.sh); two collectors on the store URL naming both members with
# target_session_attrs=read-write, and four real sahab-agents (real_agents_lib.sh), two on each
# collector, reporting every 500 ms. While the agents push:
# 1. a planned switchover (`patronictl switchover --force`): the other member leads;
# 2. once the old leader is a synchronous standby again, the leader's machine dies: its Patroni
#    and its PostgreSQL killed with -9. Patroni promotes the standby when the leader's lease
#    expires (nothing else promotes it), both collectors answer again from it;
# 3. the dead member's Patroni is started again: it rejoins as the synchronous standby;
# 4. the etcd leader is killed -9: etcd keeps its quorum, the pushes go on; it is started again;
# 5. two etcd members are killed -9, etcd loses its quorum: in failsafe mode the leader stays the
#    primary and the pushes go on; one of the two is started again (a quorum of two);
# 6. failsafe_mode switched off (`patronictl edit-config`), etcd loses its quorum again (its leader
#    killed -9): the leader demotes itself, both collectors answer 503, nothing is acknowledged
#    and the agents spool; both members are started again and a member promoted;
# then each agent's spool drains, and each agent is counted against the store (the soak's count,
# bench/soak_report.py): every batch acknowledged is stored, none twice. The longest time without
# an acknowledgement is printed for each fault.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres_lib.sh"
source "$(dirname "$0")/patroni_lib.sh"
started=$SECONDS
start_patroni_cluster
create_patroni_database
ok "Patroni cluster up in $((SECONDS - started)) s: $(patroni_cluster | paste -sd,); $ETCD_MEMBERS etcd members, e$(etcd_leader) leading"
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

# collectors_answer [STATUS]: both collectors answer STATUS (200 unless given) to a request that
# reads the store.
collectors_answer() {
  local url
  for url in "$URL_A" "$URL_B"; do
    [[ "$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' -H "$API_AUTH" "$url/api/v1/hosts")" == "${1:-200}" ]] ||
      return 1
  done
}

# every_agent_spools COUNT: every agent holds at least COUNT batches in its spool.
every_agent_spools() {
  local dir
  for dir in "${REAL_AGENT_DIRS[@]}"; do
    (($(real_agent_metric "$dir" sahab_agent_spool_batches) >= $1)) || return 1
  done
}
# agent_log_lines: the number of lines of each agent's log, one a line.
agent_log_lines() {
  local dir
  for dir in "${REAL_AGENT_DIRS[@]}"; do wc -l <"$dir/agent.log"; done
}
# agent_pushes_not_delivered_since LINES: the agents' "not delivered" log lines after the LINES
# (agent_log_lines) first ones.
agent_pushes_not_delivered_since() {
  local -a from=($1)
  local i
  for i in "${!REAL_AGENT_DIRS[@]}"; do
    tail -n +"$((from[i] + 1))" "${REAL_AGENT_DIRS[i]}/agent.log" | grep "not delivered" || true
  done
}
# push_not_delivered_since LINES: whether an agent logged a push not delivered since then.
push_not_delivered_since() {
  [[ -n "$(agent_pushes_not_delivered_since "$1")" ]]
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
failures_before=$(real_agents_failures)
standby=$(patroni_member_as sync_standby)
watch_patroni_primary "$standby" 90 "$WORK/promoted-at"
PIDS+=("$WATCH_PID")
# Read last before the crash: the gap below is measured until AGENTS * 4 more batches are
# acknowledged, which a reading taken seconds earlier on a loaded machine can reach before the
# crash (the gap then read 0.0 s).
crashed_after=$(real_agents_acknowledged)
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

# 4. One etcd member's machine dies, the etcd cluster's leader (the worst: the two others elect a
# new one first): etcd keeps its quorum, Patroni its leader, the agents their pushes.
# The gap read just before, without a fault, is the machine's own (a loaded machine delays the
# agents' reports).
leader=$(patroni_leader)
lost=$(etcd_leader) || fail "no etcd leader"
unfaulted=$(real_agents_silence $(($(real_agents_acknowledged) + AGENTS * 4)) 60 "pushes before etcd member e$lost's crash")
before=$(real_agents_acknowledged)
kill_etcd_member "$lost"
silence=$(real_agents_silence $((before + AGENTS * 4)) 60 "pushes after etcd member e$lost's crash")
[[ "$(patroni_primaries)" == "$leader" ]] || fail "m$leader no longer the only primary after losing e$lost"
restore_etcd_members "$lost"
ok "etcd member e$lost (the etcd leader) killed -9, quorum kept: m$leader still the primary, longest time without an acknowledgement ${silence} s (${unfaulted} s just before, without a fault); e$lost back"

# 5. etcd loses its quorum (two members killed -9) with the shipped failsafe_mode: true. The leader
# cannot renew its lease but reaches every member's Patroni (POST /failsafe), so it runs on as the
# primary, its PostgreSQL never restarted (which also covers the moment it noticed, about
# retry_timeout after the loss), and the agents' pushes go on.
lost=$(etcd_leader) || fail "no etcd leader"
other=$((lost % ETCD_MEMBERS + 1))
postmaster=$(patroni_postmaster "$leader")
before=$(real_agents_acknowledged)
quorum_lost_at=$(date +%s.%N)
kill_etcd_member "$lost"
kill_etcd_member "$other"
silence=$(real_agents_silence $((before + AGENTS * 8)) 60 "pushes while etcd has no quorum (failsafe mode)")
wait_for 30 "m$leader not in failsafe mode 30 s after etcd lost its quorum" patroni_failsafe_active "$leader"
failsafe_after=$(elapsed "$quorum_lost_at")
[[ "$(patroni_primaries)" == "$leader" && "$(patroni_postmaster "$leader")" == "$postmaster" ]] ||
  fail "m$leader did not stay the primary, its PostgreSQL running on, in failsafe mode"
# One member back is a quorum again (two of three): the leader renews its lease.
restore_etcd_members "$other"
wait_for 30 "m$leader still in failsafe mode 30 s after etcd has a quorum again" patroni_failsafe_over "$leader"
ok "etcd quorum lost (e$lost, e$other killed -9), failsafe_mode on: m$leader in failsafe mode (seen ${failsafe_after} s later), still the primary, its PostgreSQL never restarted; longest time without an acknowledgement ${silence} s; quorum back with e$other"

# 6. The same without failsafe mode (Patroni's default): the leader, unable to renew its lease,
# demotes itself (PostgreSQL restarted read-only) and no member runs a primary until etcd is back.
# Meanwhile both collectors answer 503, nothing is acknowledged and the agents spool; once etcd has
# its quorum again, a member is promoted and the spools drain (counted below).
patronictl -c "$PATRONI_DIR/m$leader/patroni.yml" edit-config -s failsafe_mode=false --force >"$WORK/edit-config.log" 2>&1 ||
  fail "patronictl edit-config: $(cat "$WORK/edit-config.log")"
wait_for 30 "m$leader did not read failsafe_mode: false in 30 s" patroni_failsafe_mode_off "$leader"
# e$lost is still down: losing the etcd leader of the two running loses the quorum again.
other=$(etcd_leader) || fail "no etcd leader"
quorum_lost_at=$(date +%s.%N)
kill_etcd_member "$other"
wait_for 60 "m$leader still a primary 60 s after etcd lost its quorum" no_patroni_primary
demoted_after=$(elapsed "$quorum_lost_at")
wait_for 30 "the collectors do not answer 503 without a primary" collectors_answer 503
wait_for 30 "the agents do not spool without a primary" every_agent_spools 1
acknowledged=$(real_agents_acknowledged)
log_lines=$(agent_log_lines)
wait_for 60 "the agents' spools do not grow without a primary" every_agent_spools 2
# The spools grow with every report (500 ms) while an agent waits out its backoff, so the spools
# can reach 2 before any agent tries again (the backoff doubles up to 16-32 s here): wait for a try.
wait_for 90 "no push attempted without a primary" push_not_delivered_since "$log_lines"
no_patroni_primary || fail "a member became primary while etcd had no quorum: $(patroni_primaries)"
(($(real_agents_acknowledged) == acknowledged)) ||
  fail "$(($(real_agents_acknowledged) - acknowledged)) batches acknowledged without a primary"
refusals=$(agent_pushes_not_delivered_since "$log_lines")
others=$(grep -v 'will retry: HTTP 503"$' <<<"$refusals" || true)
[[ -z "$others" ]] || fail "pushes failed otherwise than with a 503 without a primary: $others"
outage=$(elapsed "$quorum_lost_at")
restored_at=$(date +%s.%N)
restore_etcd_members "$lost" "$other"
until_real_agents_acknowledged $((acknowledged + 1)) 60 "pushes once etcd is back"
acknowledged_after=$(elapsed "$restored_at")
ok "etcd quorum lost again (e$other killed -9, e$lost still down), failsafe_mode off: m$leader demoted ${demoted_after} s later; without a primary both collectors answered 503, $(wc -l <<<"$refusals") push attempts refused with 503 and none acknowledged while every spool grew to 2 batches; etcd back after ${outage} s, pushes acknowledged ${acknowledged_after} s later, m$(patroni_primaries | paste -sd,) the primary"

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
