#!/usr/bin/env bash
# sahab-agent.exe, cross-built (scripts/build-windows.sh, warm dependency cache) and run under
# Wine: /metrics over loopback, checked with promtool and against this machine's figures
# (check_metrics.py), bad flags refused, the process gone after a kill, and the service
# started and stopped through Wine's Service Control Manager.
# Usage: agent_wine.sh BUILD_DIR   (the Windows build goes to BUILD_DIR/windows)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: $0 BUILD_DIR}/windows"
for tool in wine x86_64-w64-mingw32-g++-posix; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: $tool not installed (./scripts/install-deps.sh windows)" >&2; exit 1; }
done
command -v promtool >/dev/null || { echo "FAIL: promtool not installed (Debian prometheus)" >&2; exit 1; }
"$here/../../scripts/build-windows.sh" "$build" >"${TMPDIR:-/tmp}/sahab-build-windows.$$.log" 2>&1 ||
  { tail -30 "${TMPDIR:-/tmp}/sahab-build-windows.$$.log" >&2; exit 1; }
rm -f "${TMPDIR:-/tmp}/sahab-build-windows.$$.log"
source "$here/../integration/lib.sh" "$build/bin"
EXE="$BIN_DIR/sahab-agent.exe"

# A prefix of our own, and its wineserver ended with the test (other tests may run Wine too).
export WINEPREFIX="$WORK/wine" WINEDEBUG=-all
trap 'status=$?; wineserver -k 2>/dev/null || true; (exit $status); cleanup' EXIT
# The prefix is made and its wineserver left to finish (services created before that vanish or
# cannot be opened); then a persistent wineserver: each exe starts in a fraction of a second
# instead of ~2.6 s.
wineboot -i >"$WORK/wineboot.log" 2>&1 || fail "wineboot could not make a prefix"
wineserver -w
wineserver -p || fail "wineserver -p failed"

out="$(wine "$EXE" --version)" || fail "--version failed"
[[ "$out" == "sahab-agent "*" (Windows)"* ]] || fail "--version said: $out"
ok "--version names the Windows build"
status=0
wine "$EXE" --no-such-flag >/dev/null 2>"$WORK/bad.err" || status=$?
[[ $status -eq 2 ]] && grep -q "unknown flag '--no-such-flag'" "$WORK/bad.err" ||
  fail "an unknown flag gave exit $status: $(cat "$WORK/bad.err")"
status=0
wine "$EXE" --web.listen-address 127.0.0.1:9100s >/dev/null 2>"$WORK/tls.err" || status=$?
[[ $status -eq 2 ]] || fail "a TLS listen address gave exit $status"
ok "bad flags are refused with exit 2, naming the flag"

port=$(free_port)
start agent wine "$EXE" --web.listen-address "127.0.0.1:$port"
agent_pid=$LAST_PID
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 -o "$WORK/first.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 1"
sleep 1
curl -fsS --max-time 30 -o "$WORK/second.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 2"
ok "serves /healthz and /metrics on loopback under Wine"

promtool check metrics <"$WORK/second.txt" >"$WORK/promtool.log" 2>&1 ||
  fail "promtool check metrics: $(cat "$WORK/promtool.log")"
ok "promtool check metrics accepts the output"

memtotal=$(awk '/^MemTotal:/ {printf "%.0f", $2 * 1024}' /proc/meminfo)
python3 "$here/check_metrics.py" "$WORK/first.txt" "$WORK/second.txt" "$(nproc)" "$memtotal" ||
  fail "metrics disagree with windows_exporter's names or this machine (above)"
ok "windows_exporter names, labels and this machine's CPUs, memory, disks and nics"

kill "$agent_pid"
for _ in $(seq 50); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$agent_pid" 2>/dev/null && fail "the agent did not stop on a kill"
ok "stops on a kill"

port=$(free_port)
start agent_no_cpu wine "$EXE" --web.listen-address "127.0.0.1:$port" --no-collector.cpu
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 -o "$WORK/no_cpu.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 3"
grep -q '^windows_cpu_' "$WORK/no_cpu.txt" && fail "--no-collector.cpu still reports windows_cpu_*"
grep -q '^windows_memory_physical_total_bytes ' "$WORK/no_cpu.txt" || fail "memory missing"
ok "--no-collector.cpu leaves the cpu collector out"

# The service: created with Wine's sc, started and stopped through the SCM; its log lands in
# %ProgramData%\Sahab\agent.log (Wine's services see ProgramData as C:\users\Public).
port=$(free_port)
exe_windows_path="Z:${EXE//\//\\}"
wine sc create sahab-agent binPath= "$exe_windows_path --service --web.listen-address 127.0.0.1:$port" \
  start= demand >"$WORK/sc.log" 2>&1 || fail "sc create: $(cat "$WORK/sc.log")"
# service_state STATE: waits up to 20 s for the SCM to report STATE.
service_state() {
  for _ in $(seq 200); do
    wine sc query sahab-agent 2>/dev/null | grep -q "STATE *: [0-9] *$1" && return 0
    sleep 0.1
  done
  fail "the SCM does not report the service $1: $(wine sc query sahab-agent 2>&1)"
}
wine sc start sahab-agent >"$WORK/sc_start.log" 2>&1 || fail "sc start: $(cat "$WORK/sc_start.log")"
service_state RUNNING
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 "http://127.0.0.1:$port/metrics" | grep -q '^windows_cpu_time_total{' ||
  fail "the service serves no windows_cpu_time_total"
wine sc stop sahab-agent >"$WORK/sc_stop.log" 2>&1 || fail "sc stop: $(cat "$WORK/sc_stop.log")"
service_state STOPPED
curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null &&
  fail "the stopped service still answers"
service_log="$(find "$WINEPREFIX/drive_c" -path '*/Sahab/agent.log' | head -1)"
[[ -n "$service_log" ]] || fail "no Sahab\\agent.log written by the service"
grep -q 'level=info msg="listening on 127.0.0.1:'"$port" "$service_log" &&
  grep -q 'msg="shutting down"' "$service_log" || fail "service log: $(cat "$service_log")"
ok "runs as a service: SCM start and stop, log in ProgramData\\Sahab"

echo "$passed passed, 0 failed"
