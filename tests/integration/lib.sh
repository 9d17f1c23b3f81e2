# Shared helpers for integration tests (sourced). Every test runs in its own temp dir and kills
# what it started on exit.
set -euo pipefail
# Debian's python3 (a test package) first: a pyenv shim ahead of it on PATH takes seconds to start
# on a loaded machine, enough to break tests that time what a helper script does.
export PATH="/usr/bin:$PATH"
BIN_DIR="${1:?usage: $0 BIN_DIR}"
BIN_DIR="$(cd "$BIN_DIR" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-it.XXXXXX")"
PIDS=()

cleanup() {
  local status=$?
  # SIGCONT after the SIGTERM: a process the test froze (SIGSTOP) ends too, rather than leaving
  # the wait below hanging.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 ]]; then
    echo "--- logs kept in $WORK" >&2
    for log in "$WORK"/*.log; do [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }; done
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
# ok MESSAGE: pass, counted in $passed for a closing "$passed passed, 0 failed" line.
passed=0
ok() { pass "$1"; passed=$((passed + 1)); }

# free_port: a port that binds now, drawn at random BELOW the kernel's ephemeral range, so that the
# many client connections of parallel tests cannot take it before our server binds it (port 0
# would hand out an ephemeral port, which any outgoing connection may grab in the meantime).
free_port() {
  python3 - <<'PY'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(500):
    port = random.randint(min(20000, low // 2), low - 1)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    raise SystemExit("free_port: no free port below the ephemeral range")
PY
}

# start NAME CMD...: runs CMD in the background, logging to $WORK/NAME.log.
start() {
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

# elapsed SINCE: seconds since SINCE (date +%s.%N), to a tenth.
elapsed() { python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }

# wait_for SECONDS WHAT CMD...: runs CMD every 0.2 s until it succeeds; fails the test with WHAT
# when it has not within SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1)) what="$2"
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what"
    sleep 0.2
  done
}

# wait_http URL [SECONDS]: waits until URL answers 200.
wait_http() {
  local url="$1" deadline=$((SECONDS + ${2:-20}))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    (( SECONDS < deadline )) || fail "$url did not answer in time"
    sleep 0.1
  done
}

# expect_status CODE CURL_ARGS...: the HTTP status of a request must be CODE.
expect_status() {
  local want="$1"; shift
  local got
  got="$(curl -s -o /dev/null -w '%{http_code}' "$@")"
  [[ "$got" == "$want" ]] || fail "expected HTTP $want, got $got for: $*"
}

# Debian's node_exporter build leaves out more mount points (/run, /mnt, /media) than upstream's
# default, which the agent keeps; comparisons with it pass this pattern to the agent.
DEBIAN_NODE_EXPORTER_MOUNTS_EXCLUDE='^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'

# json EXPR: evaluates a Python expression over the JSON document on stdin (bound to `d`).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); r=($1); print(r)"; }
