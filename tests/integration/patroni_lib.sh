# A Patroni cluster for one test (sourced after lib.sh and postgres_lib.sh): an etcd cluster of
# ETCD_MEMBERS members (three: a quorum survives one member's loss) and PATRONI_MEMBERS Patroni
# members, each running its own PostgreSQL (initdb by Patroni), all on free loopback ports; Patroni
# and PostgreSQL run as the `postgres` system user when the test runs as root (AS_POSTGRES). Each
# member's configuration is the shipped configs/patroni/patroni.yml with its addresses,
# directories and passwords replaced, and its timings (ttl, loop_wait, retry_timeout) by
# PATRONI_TIMINGS ("12 2 4" unless set; "shipped" keeps the file's, Patroni's defaults). Debian
# packages: patroni, python3-etcd, etcd-server. Everything is stopped, whatever the outcome, when
# the test exits: Patroni (which stops its PostgreSQL), then any PostgreSQL left by a Patroni
# killed with -9, then etcd.
#
# start_patroni_cluster sets PATRONI_DIR, ETCD_PIDS and ETCD_CLIENT_PORTS (by etcd member,
# 1-based), PATRONI_PIDS (by Patroni member, 1-based), PATRONI_PG_PORTS, PATRONI_API_PORTS,
# PATRONI_URL (the store URL naming every member, target_session_attrs=read-write) and waits for a
# leader and a synchronous standby.
PATRONI_EXAMPLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../configs/patroni" && pwd)/patroni.yml"
PATRONI_MEMBERS=2
ETCD_MEMBERS=3
PATRONI_DIR=""
ETCD_PIDS=()
ETCD_CLIENT_PORTS=()
ETCD_PEER_PORTS=()
PATRONI_PIDS=()
PATRONI_PG_PORTS=()
PATRONI_API_PORTS=()
PATRONI_PASSWORD="patroni-super-$RANDOM$RANDOM"

# patroni_member_config MEMBER: member MEMBER's configuration (YAML on stdout), from the shipped
# example, naming every etcd member.
patroni_member_config() {
  local etcd_hosts
  etcd_hosts="$(printf '127.0.0.1:%s\n' "${ETCD_CLIENT_PORTS[@]}" | paste -sd,)"
  /usr/bin/python3 - "$PATRONI_EXAMPLE" "$PATRONI_DIR/m$1" "m$1" "${PATRONI_API_PORTS[$1]}" \
    "${PATRONI_PG_PORTS[$1]}" "$etcd_hosts" "$PATRONI_PASSWORD" "${PATRONI_TIMINGS:-12 2 4}" <<'PY'
import sys, yaml
example, home, name, api_port, pg_port, etcd_hosts, password, timings = sys.argv[1:]
c = yaml.safe_load(open(example))
c["name"] = name
c["restapi"] = {"listen": f"127.0.0.1:{api_port}", "connect_address": f"127.0.0.1:{api_port}"}
c["etcd3"] = {"hosts": etcd_hosts}
if timings != "shipped":
    c["bootstrap"]["dcs"].update(zip(("ttl", "loop_wait", "retry_timeout"), map(int, timings.split())))
pg = c["postgresql"]
pg["listen"] = pg["connect_address"] = f"127.0.0.1:{pg_port}"
pg["data_dir"] = f"{home}/data"
pg["pgpass"] = f"{home}/pgpass"
# The socket in the member's own directory: other tests' servers use the same ports' sockets.
pg["parameters"] = {"unix_socket_directories": home}
for user in pg["authentication"].values():
    user["password"] = password
pg["pg_hba"] = c["bootstrap"]["pg_hba"] = [rule.replace("10.0.0.0/24", "127.0.0.1/32") for rule in pg["pg_hba"]]
yaml.safe_dump(c, sys.stdout)
PY
}

# patroni_cluster: the cluster as the first member answering sees it (its REST API's GET
# /cluster), one line per member: "NAME ROLE STATE" (ROLE leader, sync_standby or replica).
patroni_cluster() {
  local member answer
  for member in $(seq "$PATRONI_MEMBERS"); do
    answer="$(curl -fsS --max-time 2 "http://127.0.0.1:${PATRONI_API_PORTS[$member]}/cluster" 2>/dev/null)" ||
      continue
    /usr/bin/python3 -c 'import json, sys
for m in json.loads(sys.argv[1])["members"]: print(m["name"], m["role"], m.get("state", ""))' "$answer"
    return 0
  done
  return 1
}

# patroni_member_as ROLE: the number of the member (m1 -> 1) running as ROLE (leader,
# sync_standby), empty when there is none.
patroni_member_as() {
  { patroni_cluster || true; } | awk -v role="$1" '$2 == role && $3 ~ /^(running|streaming)$/ { print substr($1, 2) }'
}
patroni_leader() { patroni_member_as leader; }

# wait_patroni_synchronous SECONDS: until there is a running leader and a streaming synchronous
# standby; prints the leader's member number.
wait_patroni_synchronous() {
  local deadline=$((SECONDS + $1))
  until [[ -n "$(patroni_member_as sync_standby)" && -n "$(patroni_leader)" ]]; do
    ((SECONDS < deadline)) ||
      fail "no leader with a synchronous standby in $1 s: $(patroni_cluster | tr '\n' ';')"
    sleep 0.2
  done
  patroni_leader
}

# patroni_primaries: the members (numbers, one a line) whose Patroni says they run a primary (GET
# /primary: 200). Read from each member's own PostgreSQL, unlike GET /cluster, which answers from
# Patroni's last view of etcd and goes stale while etcd has no quorum.
patroni_primaries() {
  local member
  for member in $(seq "$PATRONI_MEMBERS"); do
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${PATRONI_API_PORTS[$member]}/primary" && echo "$member"
  done
  return 0
}
no_patroni_primary() { [[ -z "$(patroni_primaries)" ]]; }

# patroni_failsafe_active MEMBER: member MEMBER, a leader that lost etcd, runs on as the primary in
# failsafe mode (its GET /metrics: patroni_failsafe_mode_is_active 1).
patroni_failsafe_active() {
  curl -fsS --max-time 2 "http://127.0.0.1:${PATRONI_API_PORTS[$1]}/metrics" 2>/dev/null |
    grep -q '^patroni_failsafe_mode_is_active{[^}]*} 1$'
}

patroni_failsafe_over() { ! patroni_failsafe_active "$1"; }

# patroni_failsafe_mode_off MEMBER: failsafe_mode is off in the dynamic configuration member
# MEMBER's Patroni read from etcd at its last loop (its GET /config answers from that view).
patroni_failsafe_mode_off() {
  curl -fsS --max-time 2 "http://127.0.0.1:${PATRONI_API_PORTS[$1]}/config" |
    /usr/bin/python3 -c 'import json, sys; sys.exit(1 if json.load(sys.stdin).get("failsafe_mode") else 0)'
}

# patroni_postmaster MEMBER: the pid of member MEMBER's PostgreSQL (from its postmaster.pid), empty
# when it is not running.
patroni_postmaster() {
  local pidfile="$PATRONI_DIR/m$1/data/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(head -n 1 "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}

# watch_patroni_primary MEMBER SECONDS FILE: in the background, writes into FILE the time (date
# +%s.%N) at which member MEMBER's REST API first says it runs a primary (GET /primary: 200),
# reading it every 0.1 s for SECONDS at most; WATCH_PID is the watcher's pid.
watch_patroni_primary() {
  local url="http://127.0.0.1:${PATRONI_API_PORTS[$1]}/primary" readings=$(($2 * 10))
  (
    for _ in $(seq "$readings"); do
      curl -fs -o /dev/null --max-time 1 "$url" && { date +%s.%N >"$3"; exit 0; }
      sleep 0.1
    done
  ) &
  WATCH_PID=$!
}

# psql_patroni MEMBER SQL: SQL as the superuser on member MEMBER's socket (peer authentication,
# as the postgres system user).
psql_patroni() {
  "${AS_POSTGRES[@]}" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PATRONI_DIR/m$1" \
    -p "${PATRONI_PG_PORTS[$1]}" -U postgres -d postgres -c "$2"
}

# start_etcd_member MEMBER: starts etcd member MEMBER (e1, e2, …), again after a kill: on its
# existing data directory etcd ignores the --initial-cluster flags and rejoins. The cluster token
# is the test's own, so that members of two tests' clusters never take each other for peers.
start_etcd_member() {
  local member peers=()
  for member in $(seq "$ETCD_MEMBERS"); do peers+=("e$member=http://127.0.0.1:${ETCD_PEER_PORTS[$member]}"); done
  etcd --name "e$1" --data-dir "$PATRONI_DIR/etcd/e$1" \
    --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[$1]}" \
    --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORTS[$1]}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORTS[$1]}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORTS[$1]}" \
    --initial-cluster "$(IFS=,; echo "${peers[*]}")" --initial-cluster-token "$(basename "$PATRONI_DIR")" \
    >>"$PATRONI_DIR/etcd-e$1.log" 2>&1 &
  ETCD_PIDS[$1]=$!
}

# etcd_healthy MEMBER: etcd member MEMBER answers that it is part of a cluster with a leader (its
# GET /health answers 503 without one).
etcd_healthy() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${ETCD_CLIENT_PORTS[$1]}/health" 2>/dev/null; }

start_etcd_cluster() {
  local member
  mkdir -p "$PATRONI_DIR/etcd"
  for member in $(seq "$ETCD_MEMBERS"); do
    ETCD_CLIENT_PORTS[$member]="$(free_port)"
    ETCD_PEER_PORTS[$member]="$(free_port)"
  done
  for member in $(seq "$ETCD_MEMBERS"); do start_etcd_member "$member"; done
  for member in $(seq "$ETCD_MEMBERS"); do
    wait_for 30 "etcd member e$member not healthy in 30 s" etcd_healthy "$member"
  done
}

# etcd_member_leads MEMBER: etcd member MEMBER runs and its maintenance status (etcd's JSON
# gateway) names itself as the etcd cluster's leader.
etcd_member_leads() {
  local answer
  [[ -n "${ETCD_PIDS[$1]}" ]] || return 1
  answer="$(curl -fsS --max-time 2 -X POST -d '{}' \
    "http://127.0.0.1:${ETCD_CLIENT_PORTS[$1]}/v3/maintenance/status" 2>/dev/null)" || return 1
  /usr/bin/python3 -c 'import json, sys
s = json.loads(sys.argv[1])
sys.exit(0 if s["leader"] == s["header"]["member_id"] else 1)' "$answer"
}

# etcd_leader: the number of the etcd member (e1 -> 1) leading the etcd cluster, read for up to
# 10 s (a member started again can set off an election: etcd 3.4 has no pre-vote by default);
# status 1 when none leads (no quorum).
etcd_leader() {
  local member deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)); do
    for member in $(seq "$ETCD_MEMBERS"); do
      etcd_member_leads "$member" && { echo "$member"; return 0; }
    done
    sleep 0.2
  done
  return 1
}

# kill_etcd_member MEMBER: etcd member MEMBER's machine dies (kill -9).
kill_etcd_member() {
  kill -9 "${ETCD_PIDS[$1]}"
  wait "${ETCD_PIDS[$1]}" 2>/dev/null || true
  ETCD_PIDS[$1]=""
}

# start_patroni_member MEMBER: starts member MEMBER's Patroni (again, after a kill).
start_patroni_member() {
  "${AS_POSTGRES[@]}" patroni "$PATRONI_DIR/m$1/patroni.yml" >>"$PATRONI_DIR/m$1/patroni.log" 2>&1 &
  PATRONI_PIDS[$1]=$!
}

# kill_patroni_member MEMBER: member MEMBER's machine dies: its Patroni and its PostgreSQL are
# killed with -9 (the PostgreSQL backends end on their postmaster's death).
kill_patroni_member() {
  local postmaster
  postmaster="$(patroni_postmaster "$1")"
  kill -9 "${PATRONI_PIDS[$1]}" ${postmaster:+"$postmaster"}
  wait "${PATRONI_PIDS[$1]}" 2>/dev/null || true
  PATRONI_PIDS[$1]=""
}

# restore_etcd_members MEMBER...: the etcd members killed are started again, on their data.
restore_etcd_members() {
  local member
  for member in "$@"; do start_etcd_member "$member"; done
  for member in "$@"; do wait_for 30 "etcd member e$member not back in 30 s" etcd_healthy "$member"; done
}

start_patroni_cluster() {
  local member
  command -v patroni >/dev/null && command -v etcd >/dev/null ||
    fail "no Patroni or etcd (Debian packages patroni, python3-etcd, etcd-server)"
  PATRONI_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sahab-patroni.XXXXXX")"
  chmod 755 "$PATRONI_DIR"
  # errexit off first: a failing command inside the trap would end it before cleanup ran.
  trap 'patroni_status=$?; set +e; stop_patroni_cluster $patroni_status; (exit $patroni_status); cleanup' EXIT
  # The shipped file as it is (the members' copies have loopback addresses, which Patroni's check
  # refuses for a connect_address).
  patroni --validate-config "$PATRONI_EXAMPLE" >"$PATRONI_DIR/validate.log" 2>&1 ||
    fail "Patroni finds $PATRONI_EXAMPLE invalid: $(cat "$PATRONI_DIR/validate.log")"
  start_etcd_cluster
  for member in $(seq "$PATRONI_MEMBERS"); do
    PATRONI_API_PORTS[$member]="$(free_port)"
    PATRONI_PG_PORTS[$member]="$(free_port)"
    mkdir -p "$PATRONI_DIR/m$member"
    patroni_member_config "$member" >"$PATRONI_DIR/m$member/patroni.yml"
  done
  [[ $EUID -eq 0 ]] && chown -R postgres:postgres "$PATRONI_DIR"
  for member in $(seq "$PATRONI_MEMBERS"); do start_patroni_member "$member"; done
  wait_patroni_synchronous 90 >/dev/null
  PATRONI_URL="postgresql://sahab:$PATRONI_PASSWORD@$(for member in $(seq "$PATRONI_MEMBERS"); do
    echo "127.0.0.1:${PATRONI_PG_PORTS[$member]}"; done | paste -sd,)/sahab?target_session_attrs=read-write&connect_timeout=2"
}

# create_patroni_database: the collectors' role and database (docs/scale-out.md), on the leader;
# waits until every member has replayed them: libpq does not try the next host of a URL after a
# startup error such as "database does not exist" on a standby that has not replayed it yet (a
# synchronous commit waits for the standby's flush, not its replay).
create_patroni_database() {
  local leader member deadline=$((SECONDS + 30))
  leader="$(patroni_leader)"
  psql_patroni "$leader" "CREATE ROLE sahab LOGIN PASSWORD '$PATRONI_PASSWORD'"
  psql_patroni "$leader" "CREATE DATABASE sahab LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0 OWNER sahab"
  for member in $(seq "$PATRONI_MEMBERS"); do
    until [[ "$(psql_patroni "$member" "SELECT count(*) FROM pg_database WHERE datname = 'sahab'")" == 1 ]]; do
      ((SECONDS < deadline)) || fail "m$member has not replayed the database sahab in 30 s"
      sleep 0.1
    done
  done
}

# wait_patroni_leader MEMBER SECONDS: until member MEMBER is the running leader (its REST API
# may not answer for a moment while it is promoted).
wait_patroni_leader() {
  local deadline=$((SECONDS + $2))
  until [[ "$(patroni_leader)" == "$1" ]]; do
    ((SECONDS < deadline)) || fail "m$1 is not the leader after $2 s: $(patroni_cluster | paste -sd,)"
    sleep 0.2
  done
}

# stop_patroni_cluster [STATUS]: stops everything, then shows the logs when the test failed
# (STATUS not 0): stopped first, so that nothing outlives a test whose output is cut short.
stop_patroni_cluster() {
  local member pid log
  for pid in "${PATRONI_PIDS[@]}"; do [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PATRONI_PIDS[@]}"; do [[ -n "$pid" ]] && wait "$pid" 2>/dev/null; done
  for member in $(seq "$PATRONI_MEMBERS"); do
    pid="$(patroni_postmaster "$member")"
    [[ -n "$pid" ]] && kill -INT "$pid" && sleep 1 && kill -9 "$pid" 2>/dev/null
  done
  for pid in "${ETCD_PIDS[@]}"; do [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; done
  for pid in "${ETCD_PIDS[@]}"; do [[ -n "$pid" ]] && wait "$pid" 2>/dev/null; done
  if [[ "${1:-0}" -ne 0 && -n "$PATRONI_DIR" ]]; then
    for log in "$PATRONI_DIR"/etcd-e*.log "$PATRONI_DIR"/m*/patroni.log; do
      echo "--- $log" >&2
      tail -n 30 "$log" >&2
    done
  fi
  [[ -n "$PATRONI_DIR" ]] && rm -rf "$PATRONI_DIR"
  PATRONI_DIR=""
}
