# What the agent benchmarks share (sourced after `set -euo pipefail`): a workspace, processes
# started in the background and stopped on exit, free loopback ports, and the collector an agent
# reports to as deployed: sahab-collector behind nginx's TLS.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/nginx_conf.sh"

# agent_bench_workspace NAME: a temporary directory $WORK; on exit the processes in PIDS are
# stopped and $WORK removed.
agent_bench_workspace() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-$1.XXXXXX")"
  PIDS=()
  trap agent_bench_cleanup EXIT
}
agent_bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_ready() {  # URL [CURL ARGS...]
  local url="$1" deadline=$((SECONDS + 60)); shift
  until curl -fsS -o /dev/null "$@" "$url" 2>/dev/null; do
    (( SECONDS < deadline )) || { echo "$url did not answer" >&2; exit 1; }
    sleep 0.1
  done
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }       # utime + stime, in clock ticks

start_exporter() {  # NAME CMD...: starts CMD, sets STARTED_PID; its output in $WORK/NAME.log
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

# start_tls_collector COLLECTOR_BINARY: sahab-collector behind nginx's TLS with a CA made here.
# Sets COLLECTOR_URL (https://localhost:PORT) and writes $WORK/tls.crt (the agent's
# --collector.ca-file) and $WORK/enrolment-token.
start_tls_collector() {
  local nginx collector_port tls_port
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  [[ -x "$nginx" ]] || { echo "install nginx (the agent's https collector)" >&2; exit 2; }
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench CA" -addext "subjectAltName=DNS:localhost" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
  echo "enrolment-$RANDOM-$RANDOM-0123456789" >"$WORK/enrolment-token"
  echo "admin-$RANDOM-$RANDOM-0123456789" >"$WORK/api-token"
  collector_port=$(free_port)
  start_exporter collector "$1" --listen "127.0.0.1:$collector_port" --db "$WORK/sahab.db" \
    --enrolment-token-file "$WORK/enrolment-token" --api-token-file "$WORK/api-token"
  tls_port=$(free_port)
  write_nginx_conf "$WORK/nginx" 64 <<CONF
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $WORK/tls.crt;
    ssl_certificate_key $WORK/tls.key;
    client_max_body_size 8m;
    client_body_buffer_size 8m;  # in memory: nginx's workers cannot write to this run's temp dir
    location / { proxy_pass http://127.0.0.1:$collector_port; }
  }
CONF
  start_exporter nginx "$nginx" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
  COLLECTOR_URL="https://localhost:$tls_port"
  wait_ready "$COLLECTOR_URL/healthz" --cacert "$WORK/tls.crt"
}

# start_agent NAME AGENT_BINARY PORT push|nopush [MORE ARGS...]: an agent with its own state; with
# push, it reports to $COLLECTOR_URL every 5 s. Sets STARTED_PID.
start_agent() {
  local name="$1" agent="$2" port="$3" mode="$4"; shift 4
  local args=(--web.listen-address "127.0.0.1:$port" --state.dir "$WORK/$name-state"
              --spool.dir "$WORK/$name-state/spool")
  if [[ "$mode" == push ]]; then
    args+=(--collector.url "$COLLECTOR_URL" --collector.ca-file "$WORK/tls.crt"
           --enrolment-token-file "$WORK/enrolment-token" --report.interval 5s)
  fi
  start_exporter "$name" "$agent" "${args[@]}" "$@"
}
