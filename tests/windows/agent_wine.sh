#!/usr/bin/env bash
# sahab-agent.exe, cross-built (scripts/build-windows.sh, warm dependency cache) and run under
# Wine: /metrics over loopback, checked with promtool and against this machine's figures
# (check_metrics.py), bad flags refused, the process gone after a kill.
# Usage: agent_wine.sh BUILD_DIR   (the Windows build goes to BUILD_DIR/windows)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: $0 BUILD_DIR}/windows"
command -v wine >/dev/null || { echo "FAIL: wine not installed (./scripts/install-deps.sh windows)" >&2; exit 1; }
command -v promtool >/dev/null || { echo "FAIL: promtool not installed (Debian prometheus)" >&2; exit 1; }
"$here/../../scripts/build-windows.sh" "$build" >"${TMPDIR:-/tmp}/sahab-build-windows.$$.log" 2>&1 ||
  { tail -30 "${TMPDIR:-/tmp}/sahab-build-windows.$$.log" >&2; exit 1; }
rm -f "${TMPDIR:-/tmp}/sahab-build-windows.$$.log"
source "$here/../integration/lib.sh" "$build/bin"
EXE="$BIN_DIR/sahab-agent.exe"

# A prefix of our own, and its wineserver ended with the test (other tests may run Wine too).
export WINEPREFIX="$WORK/wine" WINEDEBUG=-all
trap 'status=$?; wineserver -k 2>/dev/null || true; (exit $status); cleanup' EXIT
wineboot -i >"$WORK/wineboot.log" 2>&1 || fail "wineboot could not make a prefix"
# A persistent wineserver: each exe then starts in a fraction of a second instead of ~2.6 s.
wineserver -p

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

echo "$passed passed, 0 failed"
