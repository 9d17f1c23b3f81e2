#!/usr/bin/env bash
# The shipped configs/agent.yaml starts a real agent: every key is accepted, and flags given on
# the command line override the file (here: a fixture tree and loopback port instead of the
# host's /proc and :9100, temporary state and spool directories, an unreachable collector).
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
EXAMPLE="$SAHAB_SOURCE_DIR/configs/agent.yaml"
FIX="$SAHAB_FIXTURES_DIR/agent/default"
[[ -f "$EXAMPLE" ]] || fail "missing $EXAMPLE"

echo "fixture-token" >"$WORK/token"
echo "fixture-inventory-token-0123456789" >"$WORK/inventory-token"
port=$(free_port)
start agent "$AGENT" --config "$EXAMPLE" --web.inventory-token-file "$WORK/inventory-token" \
  --path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX/root" \
  --web.listen-address "127.0.0.1:$port" --state.dir "$WORK/state" --spool.dir "$WORK/spool" \
  --enrolment-token-file "$WORK/token" --collector.url "http://127.0.0.1:$(free_port)"
agent_pid=$LAST_PID
wait_http "http://127.0.0.1:$port/healthz" 60
metrics="$(curl -fsS "http://127.0.0.1:$port/metrics")"
grep -q '^node_load1 0.21$' <<<"$metrics" || fail "the fixture's load is not served: flags did not override the file"
grep -q '^sahab_agent_info{host_id="b0c6e1f4a3d54f1a9d3e0c2b7a8f6e51"' <<<"$metrics" || fail "host id not from the fixture"
# Subsystems the fixture tree does not have: those collectors report success 0, as node_exporter
# does, and stay silent in the log.
ABSENT=" fibrechannel infiniband ipvs mdadm nfs nfsd nvme powersupplyclass rapl tapestats "
for c in $("$AGENT" --help | sed -nE 's/.*--\[no-\]collector\.([a-z0-9_]+).*\(default: enabled\).*/\1/p'); do
  if [[ "$ABSENT" == *" $c "* ]]; then
    grep -q "^node_scrape_collector_success{collector=\"$c\"} 0" <<<"$metrics" || fail "collector $c: no data expected"
    ! grep -q "collector $c " "$WORK/agent.log" || fail "collector $c logged about an absent subsystem"
    continue
  fi
  grep -q "^node_scrape_collector_success{collector=\"$c\"} 1" <<<"$metrics" || fail "collector $c not running with the example config"
done
kill -0 "$agent_pid" || fail "agent exited"
pass "the agent runs with the shipped example"

# The same file with one bad value must be refused, naming the line and key.
sed 's/^  interval: 15s/  interval: often/' "$EXAMPLE" >"$WORK/bad.yaml"
set +e
"$AGENT" --config "$WORK/bad.yaml" --web.listen-address 127.0.0.1:0 2>"$WORK/err.txt"; status=$?
set -e
line=$(grep -n '^  interval: often' "$WORK/bad.yaml" | cut -d: -f1)
if [[ $status -ne 2 ]] || ! grep -q "bad.yaml:$line: key 'sample.interval'" "$WORK/err.txt"; then
  fail "bad example not refused properly ($status): $(cat "$WORK/err.txt")"
fi
pass "a broken copy of the example is refused with file:line:key"
echo "2 passed, 0 failed"
