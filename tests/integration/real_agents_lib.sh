# Real sahab-agents pushing to a collector, each with its own identity, spool and /metrics, and
# the exact reading of what each one did (sourced by bench/soak.sh and
# tests/integration/collector_fault_real_agents.sh). The caller defines free_port and
# wait_http URL SECONDS, as lib.sh and bench/soak.sh both do (and fail MESSAGE, as lib.sh does, for
# the functions that wait).
#
# An agent lives in its own directory DIR: root/etc/machine-id (its identity, the host id the store
# knows it by: --path.rootfs DIR/root), state/, spool/, port (of its /metrics), pid, agent.log.
# REAL_AGENT_DIRS lists the directories of the agents started, for the functions counting them all.
REAL_AGENT_DIRS=()

# start_real_agent AGENT DIR HOST_ID COLLECTOR_URL ENROLMENT_TOKEN_FILE [FLAGS...]: starts AGENT
# (the sahab-agent binary) with FLAGS and waits for its /healthz. REAL_AGENT_PID is its pid: the
# caller owns the process.
start_real_agent() {
  local agent="$1" dir="$2" host="$3" url="$4" token="$5" port
  shift 5
  mkdir -p "$dir/root/etc"
  echo "$host" >"$dir/root/etc/machine-id"
  port="$(free_port)"
  echo "$port" >"$dir/port"
  "$agent" --web.listen-address "127.0.0.1:$port" --collector.url "$url" --path.rootfs "$dir/root" \
    --enrolment-token-file "$token" --state.dir "$dir/state" --spool.dir "$dir/spool" "$@" \
    2>"$dir/agent.log" &
  REAL_AGENT_PID=$!
  echo "$REAL_AGENT_PID" >"$dir/pid"
  REAL_AGENT_DIRS+=("$dir")
  wait_http "http://127.0.0.1:$port/healthz" 30
}

# real_agent_metric DIR NAME: the value of NAME on the agent's /metrics (0 when absent; status 1
# when /metrics does not answer within 10 s).
real_agent_metric() {
  curl -fsS --max-time 10 "http://127.0.0.1:$(cat "$1/port")/metrics" |
    awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }'
}

# real_agents_sum NAME: the sum of NAME on the /metrics of all agents started. An agent whose
# /metrics does not answer is read again (5 tries, then the test fails): counted as 0, it made a
# sum taken before a fault too small on a machine loaded past 50, and the gap after it 0 s.
real_agents_sum() {
  local dir value total=0 try
  for dir in "${REAL_AGENT_DIRS[@]}"; do
    for try in 1 2 3 4 5; do
      value=$(real_agent_metric "$dir" "$1") && break
      ((try < 5)) || fail "$dir: its /metrics does not answer"
      sleep 0.2
    done
    total=$((total + value))
  done
  echo "$total"
}
# real_agents_acknowledged: the batches all agents started have had acknowledged.
real_agents_acknowledged() { real_agents_sum sahab_agent_push_acknowledged_total; }
# real_agents_failures: the push attempts of all agents started that failed (and will be retried).
real_agents_failures() { real_agents_sum sahab_agent_push_failures_total; }

# until_real_agents_acknowledged COUNT SECONDS WHAT: waits until the agents have COUNT batches
# acknowledged; fails the test (WHAT, and how many) when they do not within SECONDS.
until_real_agents_acknowledged() {
  local deadline=$((SECONDS + $2))
  until (($(real_agents_acknowledged) >= $1)); do
    ((SECONDS < deadline)) || fail "$3: $(real_agents_acknowledged) of $1 batches acknowledged in $2 s"
    sleep 0.1
  done
}

# real_agents_silence COUNT SECONDS WHAT: until_real_agents_acknowledged, reading the agents every
# 0.1 s or so, and prints the longest time, in seconds to a tenth, during which no agent had a
# batch acknowledged (from the call: a fault just made counts from the fault): the gap the agents
# saw, to within one reading.
real_agents_silence() {
  local deadline=$((SECONDS + $2)) last now count seen longest=0
  last=${EPOCHREALTIME/./} seen=$(real_agents_acknowledged)
  until ((seen >= $1)); do
    ((SECONDS < deadline)) || fail "$3: $seen of $1 batches acknowledged in $2 s"
    sleep 0.1
    count=$(real_agents_acknowledged) now=${EPOCHREALTIME/./}
    ((now - last > longest)) && longest=$((now - last))
    ((count > seen)) && last=$now
    seen=$count
  done
  printf '%d.%d\n' $((longest / 1000000)) $((longest % 1000000 / 100000))
}

# wait_real_agent_drained DIR SECONDS: until the agent's spool is empty; status 1 when it is not
# within SECONDS.
wait_real_agent_drained() {
  local deadline=$((SECONDS + $2))
  until (($(real_agent_metric "$1" sahab_agent_spool_batches) == 0)); do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# real_agent_counters DIR: "ACKNOWLEDGED REJECTED DROPPED SPOOLED" from one reading of the agent's
# /metrics: batches acknowledged, refused for good, dropped by the spool, waiting in it.
real_agent_counters() {
  curl -fsS "http://127.0.0.1:$(cat "$1/port")/metrics" | awk '
    $1 == "sahab_agent_push_acknowledged_total" { v[1] = $2 }
    $1 == "sahab_agent_push_rejected_total" { v[2] = $2 }
    $1 == "sahab_agent_spool_dropped_total" { v[3] = $2 }
    $1 == "sahab_agent_spool_batches" { v[4] = $2 }
    END { print v[1] + 0, v[2] + 0, v[3] + 0, v[4] + 0 }'
}

# freeze_real_agent DIR: a consistent reading of the agent, after which it is frozen (SIGSTOP) so
# that nothing more of it reaches the store; prints "HOST_ID HIGHEST ACKNOWLEDGED REJECTED DROPPED
# SPOOLED", the line bench/soak_report.py counts: the highest sequence it spooled (its spool's
# last-sequence file) and its counters. The counters are read twice, each time in one scrape, and
# the sequence again once it is stopped: the same readings with an empty spool mean no batch was
# in flight. (Counters read one scrape each could see a batch acknowledged between two of them:
# out of the spool but not yet counted; the agent also takes a batch out of its spool a moment
# before it counts it, so one scrape alone can fall in between.) Otherwise it runs on for a second
# and is read again (30 tries, then the last reading stands and the count says what is off). A
# frozen agent ends with SIGKILL, or SIGTERM then SIGCONT.
freeze_real_agent() {
  local dir="$1" pid before counters again
  pid="$(cat "$dir/pid")"
  for _ in $(seq 30); do
    before="$(cat "$dir/spool/last-sequence")"
    counters="$(real_agent_counters "$dir")"
    again="$(real_agent_counters "$dir")"
    kill -STOP "$pid"
    [[ "$(cat "$dir/spool/last-sequence")" == "$before" && "$again" == "$counters" &&
      "${counters##* }" == 0 ]] && break
    kill -CONT "$pid"
    sleep 1
  done
  echo "$(cat "$dir/root/etc/machine-id") $before $counters"
}

# count_real_agents RESULTS --db FILE | --store URL: once every spool is empty, freezes every
# agent (freeze_real_agent, into RESULTS/real_agents.txt), reads what the store holds
# (stored_per_host, RESULTS/stored.txt) and counts them (bench/soak_report.py), printing the count;
# fails the test when it is not exact: a batch acknowledged and not stored, one stored twice, a
# highest sequence off, a drop miscounted.
count_real_agents() {
  local results="$1" dir
  shift
  mkdir -p "$results"
  for dir in "${REAL_AGENT_DIRS[@]}"; do freeze_real_agent "$dir" >>"$results/real_agents.txt"; done
  stored_per_host "$@" >"$results/stored.txt"
  python3 "$SOAK_REPORT" "$results" >"$results/count.txt" || fail "the count is not exact: $(cat "$results/count.txt")"
  cat "$results/count.txt"
}

# stored_per_host --db FILE | --store URL: what the collector's store holds, one line per host:
# "HOST_ID HIGHEST_SEQUENCE BATCHES SUMMARY_ENTRIES" (the stored.txt bench/soak_report.py counts).
stored_per_host() {
  local sql="SELECT m.host_id, m.sequence, m.batches, coalesce(sum(b.entries), 0)
               FROM batch_marks m LEFT JOIN summary_blocks b ON b.host_id = m.host_id
              GROUP BY m.host_id, m.sequence, m.batches"
  case "$*" in
    --store\ postgresql://*) psql "$2" -Atq -F ' ' -c "$sql" ;;
    *) sqlite3 -readonly -separator ' ' "${2#sqlite://}" "$sql" ;;
  esac
}

# count_fails_on RESULTS FILE SED_SCRIPT PROBLEM: bench/soak_report.py on a copy of a run's
# RESULTS directory with FILE edited by SED_SCRIPT must fail with a line "PROBLEM: …" matching the
# grep pattern PROBLEM, or the test fails (lib.sh's fail): the proof that a count can fail.
SOAK_REPORT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../bench" && pwd)/soak_report.py"
count_fails_on() {
  rm -rf "$WORK/bad" && cp -r "$1" "$WORK/bad" && sed -i "$3" "$WORK/bad/$2"
  ! python3 "$SOAK_REPORT" "$WORK/bad" >"$WORK/bad.txt" || fail "a bad count passed: $2 $3"
  grep -q "PROBLEM: $4" "$WORK/bad.txt" || fail "$2 $3: no problem like '$4': $(cat "$WORK/bad.txt")"
}
