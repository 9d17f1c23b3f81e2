#!/usr/bin/env bash
# Soak of the collector (issue 17): AGENTS simulated agents (sahab-bench-ingest --acks, which keep
# and resend what was not acknowledged) and 3 real sahab-agents (each its own spool and identity,
# reporting every REAL_INTERVAL) push to one collector for DURATION seconds, while the collector is
# killed with -9 KILLS times and once stopped (SIGTERM) and kept down for STOP_SECONDS, restarted
# each time on the same store. Then it counts, exactly, what every agent had acknowledged against
# what the store holds (bench/soak_report.py), and prints the collector's RSS, sampled every 10 s,
# with the database and WAL sizes.
#
#   bench/soak.sh BUILD [OUT_DIR]
#   env: DURATION=3600 AGENTS=2000 INTERVAL=60 KILLS=4 STOP_SECONDS=180 REAL_INTERVAL=5s
#        REAL_SPOOL=24KiB STORE="--db FILE" (the collector's store flags; default a SQLite
#        file in OUT_DIR; --store URL once the collector has it) PLAN_MAX_AGE=30s
#
# PLAN_MAX_AGE is the collector's planner.max-age. Under the refresh's minute, it makes every
# background refresh re-read the fleet and recompute the plan, the heap's worst case: the RSS
# curve then no longer depends on how often something else on the machine changes the real
# agents' inventories (their listening ports), which is what set the plan's cadence before
# (docs/benchmarks.md, soak, session 15). PLAN_MAX_AGE=15m is the collector's default.
#
# The third real agent has a REAL_SPOOL spool, so the stop makes it drop batches: they must be
# exactly the ones missing from the store. Exit status 1 when anything acknowledged is missing,
# stored twice, or a real agent's counters do not add up.
set -euo pipefail
export PATH="/usr/bin:$PATH"
build="$(cd "${1:?usage: soak.sh BUILD [OUT_DIR]}" && pwd)"
out="${2:-$(mktemp -d /tmp/sahab-soak.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
duration="${DURATION:-3600}" agents="${AGENTS:-2000}" interval="${INTERVAL:-60}"
kills="${KILLS:-4}" stop_seconds="${STOP_SECONDS:-180}" real_interval="${REAL_INTERVAL:-5s}"
real_spool="${REAL_SPOOL:-24KiB}"
read -r -a store <<<"${STORE:---db $out/soak.db}"
plan_max_age="${PLAN_MAX_AGE:-30s}"
bench_dir="$(cd "$(dirname "$0")" && pwd)"
source "$bench_dir/../tests/integration/real_agents_lib.sh"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}" $(cat "$out/collector.pid" 2>/dev/null); do
    kill "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
log() { echo "$(date -u +%H:%M:%S) $*" | tee -a "$out/events.log" >&2; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() {  # wait_http URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || { log "no answer from $1"; return 1; }
    sleep 0.1
  done
}

head -c 24 /dev/urandom | base64 >"$out/enrol"
head -c 24 /dev/urandom | base64 >"$out/api"
port="$(free_port)"
url="http://127.0.0.1:$port"
start_collector() {
  # Every simulated agent comes from 127.0.0.1: no per-address connection cap; the per-agent rate
  # limit stays the default, so catching up after the stop meets it as real agents would. The
  # sources' key file is named: with --store it would otherwise be under /var/lib.
  "$build/bin/sahab-collector" --listen "127.0.0.1:$port" "${store[@]}" \
    --sources.key-file "$out/sources.key" \
    --enrolment-token-file "$out/enrol" --api-token-file "$out/api" --http.workers 72 \
    --http.max-connections-per-address 0 --planner.max-age "$plan_max_age" --log.level warn \
    2>>"$out/collector.log" &
  echo $! >"$out/collector.pid"
  wait_http "$url/healthz" 60
  log "collector started, pid $(cat "$out/collector.pid")"
}
stop_collector() {  # stop_collector SIGNAL
  local pid
  pid="$(cat "$out/collector.pid")"
  kill "-$1" "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  : >"$out/collector.pid"
  log "collector $pid stopped with SIG$1"
}

# One line every 10 s: seconds since the start, the collector's RSS and its anonymous part (KiB,
# '-' while it is down), its pid, the sizes of the database file and its WAL, and the parts of its
# memory from its /metrics (KiB): SQLite's (all of it, and its page caches), malloc's in use and
# held free (sahab_collector_sqlite_memory_bytes, sahab_collector_malloc_bytes), and the plans it
# computed so far (sahab_collector_plan_computations_total: what sets the heap's size). Reading
# /metrics every 10 s is what a Prometheus scraping the collector does anyway. A scrape that fails
# or times out (a loaded machine) gives '-' parts: the sampler must live on (set -e, pipefail).
memory_parts() {
  curl -fsS --max-time 5 "$url/metrics" 2>/dev/null | awk '
    /^sahab_collector_sqlite_memory_bytes\{kind="used"\}/ { v["sqlite"] = $2 }
    /^sahab_collector_sqlite_memory_bytes\{kind="page_cache"\}/ { v["cache"] = $2 }
    /^sahab_collector_malloc_bytes\{kind="in_use"\}/ { v["in_use"] = $2 }
    /^sahab_collector_malloc_bytes\{kind="free"\}/ { v["free"] = $2 }
    /^sahab_collector_plan_computations_total / { plans = $2 }
    END { n = split("sqlite cache in_use free", k, " ")
          for (i = 1; i <= n; i++) printf "%s ", (k[i] in v ? int(v[k[i]] / 1024) : "-")
          print (plans == "" ? "-" : int(plans)) }' ||
    true
}
sample() {
  local t0=$SECONDS pid rss anon parts db_file="" arg
  for arg in "${store[@]}"; do [[ "${arg#sqlite://}" == /* ]] && db_file="${arg#sqlite://}"; done
  echo "seconds rss_kib pid db_bytes wal_bytes anon_kib sqlite_kib page_cache_kib malloc_in_use_kib malloc_free_kib plans_computed" >"$out/samples.txt"
  while :; do
    pid="$(cat "$out/collector.pid" 2>/dev/null || true)" rss="" anon="" parts="- - - - -"
    if [[ -n "$pid" ]]; then
      rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
      anon="$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
      parts="$(memory_parts)"
      [[ -n "$parts" ]] || parts="- - - - -"
    fi
    echo "$((SECONDS - t0)) ${rss:--} ${pid:--} $(stat -c %s "$db_file" 2>/dev/null || echo -) $(stat -c %s "$db_file-wal" 2>/dev/null || echo -) ${anon:--} $parts" >>"$out/samples.txt"
    sleep 10
  done
}

start_collector
sample &
sampler=$!
pids+=("$sampler")

# The real agents: an identity each (real_agents_lib.sh).
for i in 1 2 3; do
  extra=()
  ((i == 3)) && extra=(--spool.max-bytes "$real_spool")
  start_real_agent "$build/bin/sahab-agent" "$out/agent-$i" "$(printf 'soa%029d' "$i")" "$url" \
    "$out/enrol" --sample.interval 1s --report.interval "$real_interval" --collector.timeout 10s \
    --label soak=real "${extra[@]}"
  pids+=("$REAL_AGENT_PID")
done
log "3 real agents started"

"$build/bin/sahab-bench-ingest" --url "$url" --enrolment-token-file "$out/enrol" \
  --agents "$agents" --interval "$interval" --duration "$duration" --connections 64 \
  --prefix soak --acks "$out/acks.txt" >"$out/generator.json" 2>"$out/generator.log" &
generator=$!
pids+=("$generator")
until grep -q "first full inventories" "$out/generator.log" 2>/dev/null; do
  kill -0 "$generator" 2>/dev/null || { cat "$out/generator.log" >&2; exit 1; }
  sleep 1
done
log "$agents simulated agents enrolled and inventoried: $(tail -n 1 "$out/generator.log")"

# KILLS kills -9 and one stop (none when STOP_SECONDS=0: KILLS=0 STOP_SECONDS=0 is one collector
# for the whole run, for its RSS curve), evenly spread over the run, the stop in the middle.
events=()
for ((k = 0; k < kills; k++)); do events+=(kill); done
stop=()
((stop_seconds > 0)) && stop=(stop)
events=("${events[@]:0:$(((kills + 1) / 2))}" "${stop[@]}" "${events[@]:$(((kills + 1) / 2))}")
start=$SECONDS
for ((k = 0; k < ${#events[@]}; k++)); do
  at=$((duration * (k + 1) / (${#events[@]} + 1)))
  while ((SECONDS - start < at)); do sleep 1; done
  if [[ "${events[$k]}" == kill ]]; then
    stop_collector KILL
  else
    stop_collector TERM
    sleep "$stop_seconds"
  fi
  start_collector
done

wait "$generator" && generator_status=0 || generator_status=$?
log "generator finished (status $generator_status): $(tr -d ' \n' <"$out/generator.json")"
# The real agents empty their spools, then say what they did, each frozen once read so that
# nothing reaches the store after it.
for i in 1 2 3; do
  wait_real_agent_drained "$out/agent-$i" 120 || log "agent $i: spool not drained"
done
for i in 1 2 3; do freeze_real_agent "$out/agent-$i" >>"$out/real_agents.txt"; done
kill "$sampler" || log "the sampler had stopped early: the RSS curve ends before the run"
stop_collector TERM

stored_per_host "${store[@]}" >"$out/stored.txt"
python3 "$bench_dir/soak_report.py" "$out"
