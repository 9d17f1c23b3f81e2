# Real sahab-agents pushing to a collector, each with its own identity, spool and /metrics, and
# the exact reading of what each one did (sourced by bench/soak.sh and
# tests/integration/collector_fault_real_agents.sh). The caller defines free_port and
# wait_http URL SECONDS, as lib.sh and bench/soak.sh both do.
#
# An agent lives in its own directory DIR: root/etc/machine-id (its identity, the host id the store
# knows it by: --path.rootfs DIR/root), state/, spool/, port (of its /metrics), pid, agent.log.

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
  wait_http "http://127.0.0.1:$port/healthz" 30
}

# real_agent_metric DIR NAME: the value of NAME on the agent's /metrics (0 when absent).
real_agent_metric() {
  curl -fsS "http://127.0.0.1:$(cat "$1/port")/metrics" |
    awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }'
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

# freeze_real_agent DIR: a consistent reading of the agent, after which it is frozen (SIGSTOP) so
# that nothing more of it reaches the store; prints "HOST_ID HIGHEST ACKNOWLEDGED REJECTED DROPPED
# SPOOLED", the line bench/soak_report.py counts: the highest sequence it spooled (its spool's
# last-sequence file) and its push and spool counters (/metrics). The sequence is read again once
# it is stopped: the same one with an empty spool means no batch was in flight; otherwise it runs
# on for a second and is read again (30 tries, then the last reading stands and the count says
# what is off). A frozen agent ends with SIGKILL, or SIGTERM then SIGCONT.
freeze_real_agent() {
  local dir="$1" pid before counters
  pid="$(cat "$dir/pid")"
  for _ in $(seq 30); do
    before="$(cat "$dir/spool/last-sequence")"
    counters="$(for m in push_acknowledged_total push_rejected_total spool_dropped_total spool_batches; do
      real_agent_metric "$dir" "sahab_agent_$m"
    done | tr '\n' ' ')"
    kill -STOP "$pid"
    [[ "$(cat "$dir/spool/last-sequence")" == "$before" && "$(awk '{print $4}' <<<"$counters")" == 0 ]] && break
    kill -CONT "$pid"
    sleep 1
  done
  echo "$(cat "$dir/root/etc/machine-id") $before $counters"
}
