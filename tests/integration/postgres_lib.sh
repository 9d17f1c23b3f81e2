# A real PostgreSQL server for one test (sourced after lib.sh): initdb in a temporary directory,
# run as the `postgres` system user when the test runs as root (PostgreSQL refuses root; CI is
# root), its unix socket in that directory and a free TCP port on loopback. The server is stopped
# (fast shutdown) and its directory removed when the test exits, whatever the outcome.
#
# start_postgres sets PG_URL (postgresql://sahab:PG_PASSWORD@127.0.0.1:PG_PORT/sahab), PG_PORT,
# PG_DIR and PG_PID. Debian packages: postgresql (server), postgresql-client (psql).
PG_PASSWORD="sahab-test-password"
PG_PID=""
PG_DIR=""

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$dir/initdb" ]] || fail "no PostgreSQL server (Debian package postgresql)"
  echo "$dir"
}

# "${AS_POSTGRES[@]}" CMD...: CMD as the postgres system user when root, else as ourselves; a
# prefix rather than a function, so that `CMD &` leaves $! the server's own pid.
AS_POSTGRES=()
[[ $EUID -eq 0 ]] && AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups --)

# pg_running: the server answers on its socket.
pg_running() { "$(pg_bin_dir)/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT"; }

# pg_start_server: starts the initialised server (again, after pg_stop_server). fsync and full
# page writes are off (speed; PG_FSYNC=on for benchmarks): a crash of the server process loses
# nothing with them off, only one of the machine would; synchronous_commit stays on, or a crash
# would lose acknowledged work.
pg_start_server() {
  "${AS_POSTGRES[@]}" "$(pg_bin_dir)/postgres" -D "$PG_DIR/data" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG_DIR" -c fsync="${PG_FSYNC:-off}" \
    -c full_page_writes="${PG_FSYNC:-off}" >>"$PG_DIR/server.log" 2>&1 &
  PG_PID=$!
  local deadline=$((SECONDS + 30))
  until pg_running; do
    kill -0 "$PG_PID" 2>/dev/null || { cat "$PG_DIR/server.log" >&2; fail "postgres did not start"; }
    (( SECONDS < deadline )) || fail "postgres did not answer in time"
    sleep 0.1
  done
}

# pg_stop_server [SIGNAL]: stops the server we started (INT: fast shutdown; KILL: a crash).
pg_stop_server() {
  [[ -n "$PG_PID" ]] || return 0
  kill "-${1:-INT}" "$PG_PID" 2>/dev/null || true
  wait "$PG_PID" 2>/dev/null || true
  PG_PID=""
}

# psql_admin SQL: runs SQL as the test's superuser over the unix socket; prints the rows
# unaligned, columns joined by '|'.
psql_admin() {
  psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U sahab -d "${PG_DATABASE:-postgres}" \
    -c "$1"
}

start_postgres() {
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sahab-pg.XXXXXX")"
  chmod 755 "$PG_DIR"
  printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pwfile"
  [[ $EUID -eq 0 ]] && chown -R postgres:postgres "$PG_DIR"
  PG_PORT="$(free_port)"
  # Local socket: trust (the harness); TCP: a password, so a wrong one can be tested.
  "${AS_POSTGRES[@]}" "$(pg_bin_dir)/initdb" -D "$PG_DIR/data" -U sahab --pwfile="$PG_DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --locale=C --encoding=UTF8 \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
  pg_start_server
  psql_admin "CREATE DATABASE sahab"
  PG_URL="postgresql://sahab:$PG_PASSWORD@127.0.0.1:$PG_PORT/sahab"
  # errexit off first: a failing command inside the trap would end it before cleanup ran.
  trap 'pg_status=$?; set +e; stop_postgres; (exit $pg_status); cleanup' EXIT
}

# start_standby: a streaming standby of the running server (pg_basebackup -R, a fast checkpoint
# rather than waiting minutes for a spread one), its data in
# $PG_DIR/standby, on its own free port (STANDBY_PORT, STANDBY_PID); stopped with the server.
STANDBY_PID=""
start_standby() {
  STANDBY_PORT="$(free_port)"
  "${AS_POSTGRES[@]}" "$(pg_bin_dir)/pg_basebackup" -h "$PG_DIR" -p "$PG_PORT" -U sahab \
    -D "$PG_DIR/standby" -R -X stream -c fast >"$PG_DIR/basebackup.log" 2>&1 ||
    { cat "$PG_DIR/basebackup.log" >&2; fail "pg_basebackup failed"; }
  "${AS_POSTGRES[@]}" "$(pg_bin_dir)/postgres" -D "$PG_DIR/standby" -p "$STANDBY_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG_DIR" -c fsync=off \
    -c full_page_writes=off >>"$PG_DIR/standby.log" 2>&1 &
  STANDBY_PID=$!
  local deadline=$((SECONDS + 30))
  until "$(pg_bin_dir)/pg_isready" -q -h "$PG_DIR" -p "$STANDBY_PORT"; do
    kill -0 "$STANDBY_PID" 2>/dev/null || { cat "$PG_DIR/standby.log" >&2; fail "standby did not start"; }
    (( SECONDS < deadline )) || fail "the standby did not answer in time"
    sleep 0.1
  done
}

# start_synchronous_standby: start_standby, then the primary's commits wait for the standby's
# flush (synchronous_standby_names = '*'), so that what a collector acknowledged survives the
# primary; waits until the standby is in sync. The collectors' store (collector_lib.sh's
# SAHAB_TEST_STORE) is then the URL that follows the primary: both servers,
# target_session_attrs=read-write (docs/scale-out.md).
start_synchronous_standby() {
  start_standby
  psql_admin "ALTER SYSTEM SET synchronous_standby_names = '*'"
  psql_admin "SELECT pg_reload_conf()" >/dev/null
  local deadline=$((SECONDS + 30))
  until [[ "$(psql_admin "SELECT sync_state FROM pg_stat_replication")" == sync ]]; do
    ((SECONDS < deadline)) ||
      fail "the standby is not synchronous: $(psql_admin "SELECT * FROM pg_stat_replication")"
    sleep 0.2
  done
  export SAHAB_TEST_STORE="postgresql://sahab:$PG_PASSWORD@127.0.0.1:$PG_PORT,127.0.0.1:$STANDBY_PORT/sahab?target_session_attrs=read-write&connect_timeout=2"
}

# promote_standby: the standby becomes a primary (pg_ctl promote, waiting for it).
promote_standby() {
  "${AS_POSTGRES[@]}" "$(pg_bin_dir)/pg_ctl" promote -w -D "$PG_DIR/standby" >>"$PG_DIR/standby.log" 2>&1 ||
    { tail -20 "$PG_DIR/standby.log" >&2; fail "the standby was not promoted"; }
}

stop_postgres() {
  if [[ -n "$STANDBY_PID" ]]; then
    kill -INT "$STANDBY_PID" 2>/dev/null || true
    wait "$STANDBY_PID" 2>/dev/null || true
  fi
  pg_stop_server INT
  [[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
  PG_DIR=""
}
